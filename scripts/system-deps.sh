#!/usr/bin/env bash
# Install the system packages Xenagos needs, when missing. Usage: scripts/system-deps.sh run|test
# Debian 12 is the reference; Ubuntu 24.04 works for `make run`. Uses sudo when not root.
set -euo pipefail
mode=${1:-run}

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
pg_major() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1; }
python_ok() { command -v python3.11 >/dev/null || python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }

wanted=()
have_pkg postgresql || wanted+=(postgresql postgresql-contrib)
have_pkg gdal-bin || wanted+=(gdal-bin)                # pulls GDAL, GEOS and PROJ shared libraries
have_pkg libvips42 || wanted+=(libvips42)              # pyvips: the archive images' IIIF tiles (gis.iiif)
command -v npm >/dev/null || wanted+=(nodejs npm)
python_ok || wanted+=(python3)
python3 -c 'import ensurepip' 2>/dev/null || command -v python3.11 >/dev/null || wanted+=(python3-venv)
command -v curl >/dev/null || wanted+=(curl)
command -v msgfmt >/dev/null || wanted+=(gettext)      # compiles the Greek interface translations
if [ "$mode" = test ]; then
  command -v chromium >/dev/null || wanted+=(chromium)
  command -v ffmpeg >/dev/null || wanted+=(ffmpeg)      # encodes the archive's audio and video test files
fi
major=$(pg_major)
if [ -n "$major" ] && ! have_pkg "postgresql-$major-postgis-3"; then wanted+=("postgresql-$major-postgis-3"); fi

if [ ${#wanted[@]} -eq 0 ] && [ -n "$major" ]; then exit 0; fi

if ! command -v apt-get >/dev/null; then
  cat >&2 <<MSG
This system has no apt-get, so Xenagos cannot install its system packages by itself.
Install these with your package manager, then run the command again:
  - PostgreSQL (15 or newer) with the PostGIS 3 extension for the same major version
  - GDAL, GEOS and PROJ shared libraries (e.g. the gdal command-line tools)
  - Node.js 18+ with npm
  - Python 3.11 with venv
  - Chromium (for the browser tests; set XENAGOS_CHROMIUM to its path)
Or point DATABASE_URL at an existing PostGIS database.
MSG
  exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo=(sudo); else
    echo "Installing ${wanted[*]} needs root: run as root or install sudo." >&2; exit 1
  fi
fi
echo "==> installing system packages: ${wanted[*]:-postgis}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q "${wanted[@]}"
major=$(pg_major)
if ! have_pkg "postgresql-$major-postgis-3"; then
  "${sudo[@]}" apt-get install -y -q "postgresql-$major-postgis-3"
fi
