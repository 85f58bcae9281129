#!/usr/bin/env bash
# Installs what segattr's notebooks need, and is safe to run again:
#   1. Jupyter, where missing: JupyterLab with pip (in its own virtual environment, ~/.local/share/segattr/jupyter,
#      linked as ~/.local/bin/jupyter), else Debian's jupyter-notebook with apt-get (as root or with sudo),
#   2. the jars (toolkit/target/segattr.jar, kernel/target/segattr-kernel.jar with lib/ beside them),
#   3. the "segattr" kernelspec (Java, JShell, the toolkit on the class path, DJL offline with its cache).
#
# usage: environment/install.sh [--user | --sys-prefix | --prefix DIR] [--name NAME] [--rebuild]
#                               [--env KEY=VALUE]... [JVM option]...
#        environment/install.sh --jupyter-only
#   --user (default)  the kernel goes to the user's Jupyter folder (~/.local/share/jupyter/kernels)
#   --sys-prefix      ...to the Python environment's (sys.prefix/share/jupyter/kernels)
#   --prefix DIR      ...to DIR/share/jupyter/kernels
#   --rebuild         build the jars even when they exist
#   --jupyter-only    only step 1 (what the tests need: they install the kernel themselves)
#   --browser-test    also what the browser test needs: Debian's chromium (apt-get) and playwright-core (npm ci)
# Then environment/notebooks.sh opens the notebooks in whichever front end it installed.
#   --env KEY=VALUE   set a variable in the kernel's environment (e.g. --env DJL_OFFLINE=false; GPU.md)
#   JVM options       passed to the kernel's JVM, e.g. -Xmx16g
# Undo with environment/uninstall.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
name=segattr
where=(--user)
rebuild=false
jupyter_only=false
browser_test=false
kernel_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --user|--sys-prefix) where=("$1") ;;
    --prefix) where=(--prefix "$2"); shift ;;
    --name) name="$2"; shift ;;
    --rebuild) rebuild=true ;;
    --jupyter-only) jupyter_only=true ;;
    --browser-test) browser_test=true ;;
    --env) kernel_args+=(--env "$2"); shift ;;
    -h|--help) sed -n '2,/^# Undo/p' "$0"; exit 0 ;;
    *) kernel_args+=("$1") ;;
  esac
  shift
done

say() { echo "segattr install: $*"; }
die() { echo "segattr install: $*" >&2; exit 1; }

# Packages this script installed, so that uninstall.sh --all can remove exactly those.
state_dir="${XDG_STATE_HOME:-$HOME/.local/state}/segattr"
record() { mkdir -p "$state_dir"; grep -qxF "$1" "$state_dir/installed" 2>/dev/null || echo "$1" >> "$state_dir/installed"; }

# --- Java: a JDK 17 or newer (JShell is part of the JDK, not of a JRE) -----------------------------
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v "$java_bin" >/dev/null 2>&1 || die "no java on the PATH (or JAVA_HOME): install a JDK 17 or newer"
"$java_bin" --list-modules 2>/dev/null | grep -q '^jdk.jshell@' \
  || die "$java_bin is not a full JDK 17+ (module jdk.jshell missing): install a JDK, e.g. apt-get install openjdk-17-jdk-headless"

# --- Jupyter: a browser front end and the headless runner ----------------------------------------
# JupyterLab with pip, in a virtual environment of its own (nothing else of the user's Python changes, and
# uninstall.sh removes it whole); where pip cannot get it (no pip or venv, no reachable index), Debian's
# jupyter-notebook (the classic Notebook 6) with apt-get. Either way nbconvert runs the notebooks headless.
venv="${XDG_DATA_HOME:-$HOME/.local/share}/segattr/jupyter"
bin_dir="$HOME/.local/bin"
# The Python that runs jupyter (its "#!" line), which must have jupyter_client for the kernel tests.
jupyter_python() {
  local shebang
  shebang="$(head -n 1 "$(command -v jupyter)" 2>/dev/null || true)"
  case "$shebang" in
    '#!'*) ${shebang#\#!} "$@" ;;
    *) python3 "$@" ;;
  esac
}
# What the jupyter on the PATH has, in one Python call: "JupyterLab 4.6.4" or "Jupyter Notebook 6.4.12" when it has
# a front end and the headless runner (nbconvert, nbclient, jupyter_client, which the kernel tests use), else nothing.
front_end() {
  command -v jupyter >/dev/null 2>&1 || return 0
  jupyter_python - 2>/dev/null <<'PY' || true
import jupyter_client, nbclient, nbconvert
try:
    import jupyterlab
    print("JupyterLab", jupyterlab.__version__, end="")
except ImportError:
    import notebook
    print("Jupyter Notebook", notebook.__version__, end="")
print(", nbconvert", nbconvert.__version__)
PY
}
# pip's index options. Where pip's configuration names only local indexes (file://) as extra indexes and no
# index of its own, pip would first wait minutes on the unreachable public index: use the local ones alone.
# Elsewhere (a user's machine) pip keeps its own configuration, the public index included.
pip_index_args=()
detect_local_index() {
  local line key value u index_set=false urls=() local_urls=()
  while IFS= read -r line; do
    key="${line%%=*}"; value="${line#*=}"; value="${value#\'}"; value="${value%\'}"
    case "$key" in
      *.extra-index-url) for u in $value; do urls+=("$u"); done ;;
      *.index-url) index_set=true ;;
    esac
  done < <("$1" -m pip config list 2>/dev/null)
  $index_set && return 0
  for u in ${urls[@]+"${urls[@]}"}; do case "$u" in file://*) local_urls+=("$u") ;; esac; done
  if [ ${#local_urls[@]} -gt 0 ] && [ ${#local_urls[@]} -eq ${#urls[@]} ]; then
    pip_index_args=(--index-url "${local_urls[0]}")
    for u in "${local_urls[@]:1}"; do pip_index_args+=(--extra-index-url "$u"); done
  fi
}
pip_packages=(jupyterlab nbconvert nbclient jupyter_client)
install_with_pip() {
  command -v python3 >/dev/null 2>&1 || return 1
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >/dev/null 2>&1 || { rm -rf "$venv"; say "python3 -m venv does not work here (Debian: python3-venv)"; return 1; }
    record "venv:$venv"
  fi
  detect_local_index "$venv/bin/python"
  say "installing JupyterLab with pip into $venv${pip_index_args[*]:+ (${pip_index_args[*]})}"
  # Few retries and a short timeout: without a reachable index, fall back to Debian's packages soon.
  "$venv/bin/python" -m pip install -q --retries 1 --timeout 20 ${pip_index_args[@]+"${pip_index_args[@]}"} \
    "${pip_packages[@]}" || return 1
  mkdir -p "$bin_dir"
  # jupyter finds its subcommands (jupyter-lab, jupyter-nbconvert) beside the real path of a linked jupyter.
  if [ ! -e "$bin_dir/jupyter" ] || [ "$(readlink "$bin_dir/jupyter")" = "$venv/bin/jupyter" ]; then
    ln -sfn "$venv/bin/jupyter" "$bin_dir/jupyter"
    record "link:$bin_dir/jupyter"
  fi
  export PATH="$venv/bin:$PATH"
}
debian_packages=(jupyter-notebook jupyter-client jupyter-nbconvert python3-nbclient python3-jupyter-client python3-ipykernel)
install_with_apt() {
  local sudo=() missing=() p
  [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && sudo=(sudo -n); }
  command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ ${#sudo[@]} -gt 0 ]; } || return 1
  for p in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Jupyter from Debian's packages: ${missing[*]}"
  apt_get() { ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
  apt_get install -y -q --no-install-recommends "${missing[@]}" \
    || { apt_get update -q && apt_get install -y -q --no-install-recommends "${missing[@]}"; } || return 1
  for p in "${missing[@]}"; do record "apt:$p"; done
}
[ -x "$venv/bin/jupyter" ] && export PATH="$venv/bin:$PATH"   # an earlier run's JupyterLab
how=""
found="$(front_end)"
if [[ "$found" == JupyterLab* ]]; then
  how="already there"
elif install_with_pip && found="$(front_end)" && [[ "$found" == JupyterLab* ]]; then
  how="pip, in $venv"
elif [ -n "$found" ]; then
  how="already there; pip could not install JupyterLab"
elif install_with_apt && found="$(front_end)" && [ -n "$found" ]; then
  how="Debian's jupyter-notebook; pip could not install JupyterLab"
else
  die "could not install a Jupyter front end: pip could not install ${pip_packages[*]} and apt-get is not available as root; install JupyterLab yourself (pip install jupyterlab, a virtualenv works) and run this again"
fi
say "Jupyter: $found ($how; $(command -v jupyter))"
say "open the notebooks with: environment/notebooks.sh"

# --- What the browser test needs (--browser-test): Chromium and playwright-core -----------------------
# npm's own browser download does not work everywhere (not here): the test drives Debian's /usr/bin/chromium.
if $browser_test; then
  if [ ! -x /usr/bin/chromium ]; then
    debian_packages=(chromium)
    install_with_apt || die "no /usr/bin/chromium and apt-get is not available as root: install Debian's chromium"
  fi
  command -v npm >/dev/null 2>&1 || die "the browser test needs Node.js and npm (Debian: apt-get install nodejs npm)"
  browser_dir="$repo/environment/browser"
  if [ ! -f "$browser_dir/node_modules/.package-lock.json" ] \
     || ! cmp -s <(grep -A2 '"node_modules/playwright-core"' "$browser_dir/package-lock.json") \
                 <(grep -A2 '"node_modules/playwright-core"' "$browser_dir/node_modules/.package-lock.json"); then
    say "installing playwright-core from package-lock.json (npm ci)"
    (cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error) >/dev/null
    record "npm:$browser_dir/node_modules"
  fi
  say "browser test: $(/usr/bin/chromium --version 2>/dev/null | head -n 1), playwright-core $(node -p "require('$browser_dir/node_modules/playwright-core/package.json').version")"
fi

$jupyter_only && exit 0

# --- The jars --------------------------------------------------------------------------------------
kernel_jar="$repo/kernel/target/segattr-kernel.jar"
if $rebuild || [ ! -f "$kernel_jar" ] || [ ! -d "$repo/kernel/target/lib" ] || [ ! -f "$repo/toolkit/target/segattr.jar" ]; then
  command -v mvn >/dev/null 2>&1 || die "the jars are not built and mvn is not on the PATH: install Maven 3.8+"
  say "building the jars (mvn -B -q package -DskipTests)"
  (cd "$repo" && mvn -B -q package -DskipTests)
fi
[ -f "$kernel_jar" ] || die "the build made no $kernel_jar"

# --- The kernelspec --------------------------------------------------------------------------------
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.djl.ai}"
mkdir -p "$DJL_CACHE_DIR"
spec="$(mktemp -d)"
trap 'rm -rf "$spec"' EXIT
"$java_bin" -jar "$kernel_jar" --kernelspec "$spec/$name" ${kernel_args[@]+"${kernel_args[@]}"}
jupyter kernelspec install --replace --name "$name" "${where[@]}" "$spec/$name" >/dev/null 2>&1 \
  || jupyter kernelspec install --replace --name "$name" "${where[@]}" "$spec/$name"  # again, to show why
installed="$(jupyter kernelspec list 2>/dev/null | awk -v n="$name" '$1 == n { print $2 }')"
say "kernel '$name' installed in ${installed:-?} (DJL offline, cache $DJL_CACHE_DIR)"
say "try it: jupyter nbconvert --to notebook --execute --output-dir /tmp $repo/notebooks/00-kernel-smoke.ipynb"
