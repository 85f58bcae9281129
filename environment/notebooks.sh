#!/usr/bin/env bash
# Opens segattr's notebooks in the Jupyter front end that environment/install.sh installed: JupyterLab where it
# is there, else the classic Notebook (Debian's jupyter-notebook). Run environment/install.sh first.
#
# usage: environment/notebooks.sh [--dir DIR] [Jupyter option]...
#   --dir DIR         open DIR instead of the repository's notebooks/ (the browser test opens a copy)
#   Jupyter options   passed on, e.g. --no-browser --port 8890 --ServerApp.token=...
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="$(dirname "$here")/notebooks"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) args+=("$1") ;;
  esac
  shift
done

venv="${XDG_DATA_HOME:-$HOME/.local/share}/segattr/jupyter"
[ -x "$venv/bin/jupyter" ] && export PATH="$venv/bin:$PATH"   # install.sh's JupyterLab
command -v jupyter >/dev/null 2>&1 || { echo "segattr notebooks: no jupyter: run environment/install.sh first" >&2; exit 1; }
# Jupyter refuses to run as root (a container, CI) unless told.
[ "$(id -u)" -ne 0 ] || args+=(--allow-root)
if jupyter lab --version >/dev/null 2>&1; then
  exec jupyter lab ${args[@]+"${args[@]}"} "$dir"
elif jupyter notebook --version >/dev/null 2>&1; then
  exec jupyter notebook ${args[@]+"${args[@]}"} "$dir"
fi
echo "segattr notebooks: $(command -v jupyter) has neither JupyterLab nor the Notebook: run environment/install.sh" >&2
exit 1
