#!/usr/bin/env bash
# Restore a backup of scripts/backup.sh into an EMPTY PostgreSQL database and a media directory, then check it.
#
#   DATABASE_URL=postgres://.../rightsadmin_restored MEDIA_ROOT=/srv/rightsadmin/media-restored \
#     scripts/restore.sh /backups/2569-12-06
#
# Refuses a damaged backup (SHA256SUMS) and a database that already has tables; ends with verify_event_log on the
# restored database (the hash chain, and the latest signed anchor when EVENT_ANCHOR_FILE exists).
set -euo pipefail
source_dir=${1:?usage: scripts/restore.sh DIRECTORY}
: "${DATABASE_URL:?set DATABASE_URL to the empty PostgreSQL database to restore into}"
python=${PYTHON:-$(dirname "$0")/../.venv/bin/python}
media=${MEDIA_ROOT:?set MEDIA_ROOT to the directory to restore the media files into}
(cd "$source_dir" && sha256sum --check --quiet SHA256SUMS)
tables=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "the database has $tables tables already; restore into an empty one" >&2
  exit 1
fi
pg_restore --no-owner --exit-on-error --single-transaction --dbname "$DATABASE_URL" "$source_dir/database.dump"
mkdir -p "$media"
tar -xzf "$source_dir/media.tar.gz" -C "$media"
"$python" "$(dirname "$0")/../manage.py" verify_event_log
echo "restored from $source_dir"
