#!/usr/bin/env bash
# Installs the Debian packages the interop tests use (h5py, pandas + PyTables, h5dump) unless they
# are already present. Needs root (CI runs as root).
set -euo pipefail

have_tools() {
  command -v h5dump >/dev/null 2>&1 \
    && /usr/bin/python3 -c 'import h5py, pandas, tables' >/dev/null 2>&1
}

if have_tools; then
  echo "interop tools present: h5dump, h5py, pandas, tables"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3-h5py python3-pandas python3-tables hdf5-tools

have_tools || { echo "interop tools still missing after install" >&2; exit 1; }
