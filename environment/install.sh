#!/usr/bin/env bash
# Installs what segattr's notebooks need, and is safe to run again:
#   1. Jupyter, where missing (Debian's packages with apt-get when root or sudo is there, else pip --user),
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
kernel_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --user|--sys-prefix) where=("$1") ;;
    --prefix) where=(--prefix "$2"); shift ;;
    --name) name="$2"; shift ;;
    --rebuild) rebuild=true ;;
    --jupyter-only) jupyter_only=true ;;
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

# --- Jupyter ---------------------------------------------------------------------------------------
jupyter_ok() {
  command -v jupyter >/dev/null 2>&1 \
    && jupyter kernelspec --version >/dev/null 2>&1 \
    && jupyter nbconvert --version >/dev/null 2>&1 \
    && jupyter_python -c 'import jupyter_client, nbclient' >/dev/null 2>&1
}
# The Python that runs jupyter (its "#!" line), which must have jupyter_client for the kernel tests.
jupyter_python() {
  local shebang
  shebang="$(head -n 1 "$(command -v jupyter)" 2>/dev/null || true)"
  case "$shebang" in
    '#!'*) ${shebang#\#!} "$@" ;;
    *) python3 "$@" ;;
  esac
}
debian_packages=(jupyter-client jupyter-nbconvert python3-nbclient python3-jupyter-client python3-ipykernel)
pip_packages=(jupyter_client nbconvert nbclient ipykernel)
if jupyter_ok; then
  say "Jupyter is there (nbconvert $(jupyter nbconvert --version 2>/dev/null))"
else
  sudo=()
  [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && sudo=(sudo -n); }
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ ${#sudo[@]} -gt 0 ]; }; then
    missing=()
    for p in "${debian_packages[@]}"; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
      say "installing Jupyter from Debian's packages: ${missing[*]}"
      apt_get() { ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
      apt_get install -y -q --no-install-recommends "${missing[@]}" \
        || { apt_get update -q && apt_get install -y -q --no-install-recommends "${missing[@]}"; }
      for p in "${missing[@]}"; do record "apt:$p"; done
    fi
  else
    missing=()
    for p in "${pip_packages[@]}"; do python3 -m pip show -q "$p" >/dev/null 2>&1 || missing+=("$p"); done
    if [ ${#missing[@]} -gt 0 ]; then
      say "installing Jupyter with pip --user: ${missing[*]}"
      python3 -m pip install --user "${missing[@]}" \
        || die "pip could not install ${missing[*]}; install them yourself (a virtualenv works) and run this again"
      for p in "${missing[@]}"; do record "pip:$p"; done
    fi
    export PATH="$HOME/.local/bin:$PATH"
  fi
  jupyter_ok || die "Jupyter is still incomplete: 'jupyter kernelspec' and 'jupyter nbconvert' must both work (PATH?)"
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
