#!/usr/bin/env bash
# What the tests need from Debian beyond the virtualenv: the browser of the journeys, poppler to read PDFs back,
# Thai fonts and pango for WeasyPrint, gettext for the catalogues. Installed when run as root; otherwise the exact
# command is printed in one line and the run stops before any test.
set -euo pipefail

PACKAGES=(chromium poppler-utils fonts-thai-tlwg gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "make test expects Debian packages: ${PACKAGES[*]} (no dpkg here: install their equivalents)" >&2
  exit 1
fi
missing=()
for package in "${PACKAGES[@]}"; do installed "$package" || missing+=("$package"); done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "make test needs: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "== installing from Debian: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
  || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
