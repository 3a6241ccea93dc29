#!/usr/bin/env bash
# Back up the PostgreSQL database and the media files (uploaded orders, import files) into one directory.
#
#   DATABASE_URL=postgres://... MEDIA_ROOT=/srv/rightsadmin/media scripts/backup.sh /backups/2569-12-06
#
# Writes database.dump (pg_dump custom format: every table, the event log's triggers and functions), media.tar.gz
# and SHA256SUMS. Take it while the application runs: pg_dump reads one consistent snapshot.
set -euo pipefail
target=${1:?usage: scripts/backup.sh DIRECTORY}
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database}"
media=${MEDIA_ROOT:-$(dirname "$0")/../media}
mkdir -p "$target"
pg_dump --format=custom --no-owner --file "$target/database.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar -czf "$target/media.tar.gz" -C "$media" .
else
  tar -czf "$target/media.tar.gz" -T /dev/null
fi
(cd "$target" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "backup written to $target"
