#!/usr/bin/env bash
# Undoes environment/install.sh: removes the "segattr" kernelspec (wherever Jupyter finds it).
#
# usage: environment/uninstall.sh [--name NAME] [--all]
#   --all   also remove what install.sh itself installed (it keeps a list): its JupyterLab environment
#           (~/.local/share/segattr/jupyter) and the ~/.local/bin/jupyter link to it, the Debian packages
#           (jupyter-notebook, chromium, ...), the browser test's node_modules; and the built jars
#           (toolkit/target, kernel/target). The DJL cache (~/.djl.ai) is left: other tools share it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
name=segattr
all=false
while [ $# -gt 0 ]; do
  case "$1" in
    --name) name="$2"; shift ;;
    --all) all=true ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "segattr uninstall: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
say() { echo "segattr uninstall: $*"; }
venv="${XDG_DATA_HOME:-$HOME/.local/share}/segattr/jupyter"
[ -x "$venv/bin/jupyter" ] && export PATH="$venv/bin:$PATH"   # install.sh's JupyterLab, to find the kernel with

if command -v jupyter >/dev/null 2>&1 && jupyter kernelspec list 2>/dev/null | awk '{ print $1 }' | grep -qxF "$name"; then
  # A kernel may be installed in more than one place (--user and --sys-prefix): remove until none is left.
  while jupyter kernelspec list 2>/dev/null | awk '{ print $1 }' | grep -qxF "$name"; do
    jupyter kernelspec remove -f "$name" >/dev/null 2>&1
  done
  say "kernel '$name' removed"
else
  say "no kernel '$name' installed"
fi

if $all; then
  state="${XDG_STATE_HOME:-$HOME/.local/state}/segattr/installed"
  if [ -f "$state" ]; then
    apt=(); pip=(); paths=()
    while read -r entry; do
      case "$entry" in
        apt:*) apt+=("${entry#apt:}") ;;
        pip:*) pip+=("${entry#pip:}") ;;          # what earlier versions of install.sh installed with pip --user
        venv:*|link:*|npm:*) paths+=("${entry#*:}") ;;
      esac
    done < "$state"
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    if [ ${#apt[@]} -gt 0 ]; then
      say "removing Debian packages install.sh installed: ${apt[*]}"
      ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q "${apt[@]}"
    fi
    if [ ${#pip[@]} -gt 0 ]; then
      say "removing pip packages install.sh installed: ${pip[*]}"
      python3 -m pip uninstall -y "${pip[@]}"
    fi
    for p in ${paths[@]+"${paths[@]}"}; do
      if [ -L "$p" ] || [ -e "$p" ]; then rm -rf "$p"; say "removed $p"; fi
    done
    rm -f "$state"
  else
    say "install.sh installed no Jupyter packages here: leaving Jupyter as it is"
  fi
  rm -rf "$repo/toolkit/target" "$repo/kernel/target"
  say "removed the built jars"
fi
