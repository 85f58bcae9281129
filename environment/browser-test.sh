#!/usr/bin/env bash
# The real-browser test: JupyterLab as a user gets it (environment/install.sh, opened with environment/notebooks.sh)
# with the segattr kernel, on 127.0.0.1, a free port and a token, in temporary Jupyter folders; Debian's Chromium
# driven by playwright-core (environment/browser/walkthrough.mjs) opens notebooks/01-walkthrough.ipynb from the file
# browser, runs all cells and checks what a person sees. The server is stopped at the end, whatever happens.
# Screenshots, the server's log and result.json go to target/browser-test/.
#
# Needs: the jars (mvn package), JupyterLab (environment/install.sh --jupyter-only), /usr/bin/chromium and the npm
# package (environment/install.sh --browser-test installs both).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo/target/browser-test"
say() { echo "segattr browser test: $*"; }
die() { echo "segattr browser test: $*" >&2; exit 1; }

[ -x /usr/bin/chromium ] || die "no /usr/bin/chromium: run environment/install.sh --browser-test"
[ -d "$repo/environment/browser/node_modules/playwright-core" ] || die "no playwright-core: run environment/install.sh --browser-test"
venv="${XDG_DATA_HOME:-$HOME/.local/share}/segattr/jupyter"
[ -x "$venv/bin/jupyter" ] && export PATH="$venv/bin:$PATH"
jupyter lab --version >/dev/null 2>&1 || die "no JupyterLab: run environment/install.sh --jupyter-only"

started=$SECONDS
rm -rf "$out"
mkdir -p "$out"
tmp="$(mktemp -d)"
server=""
stop() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true   # Jupyter shuts its kernels down on SIGTERM
    for _ in $(seq 1 40); do kill -0 "$server" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$server" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap stop EXIT

# Jupyter's folders, all temporary: nothing of the user's Jupyter is read or changed.
export JUPYTER_CONFIG_DIR="$tmp/config" JUPYTER_DATA_DIR="$tmp/data" JUPYTER_RUNTIME_DIR="$tmp/runtime"
export JUPYTER_PATH="$tmp/data"
# The kernel, installed as a user's install.sh does (into the temporary data folder), on one PyTorch thread.
"$repo/environment/install.sh" --user -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
  | sed 's/^/  /'

# JupyterLab settings for a test: every cell in the page (no windowing, so all outputs are in the DOM), no
# autosave, no news or update checks (no network).
settings="$tmp/settings/@jupyterlab"
mkdir -p "$settings/notebook-extension" "$settings/docmanager-extension" "$settings/apputils-extension"
echo '{"windowingMode": "none"}' > "$settings/notebook-extension/tracker.jupyterlab-settings"
echo '{"autosave": false}' > "$settings/docmanager-extension/plugin.jupyterlab-settings"
echo '{"fetchNews": "false", "checkForUpdates": false}' > "$settings/apputils-extension/notification.jupyterlab-settings"

# A copy of the notebooks inside the repository (the cells find data/ by walking up), so the repository's stay as they are.
cp -r "$repo/notebooks" "$out/notebooks"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
token="$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
"$repo/environment/notebooks.sh" --dir "$out/notebooks" --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port="$port" \
  --ServerApp.port_retries=0 --IdentityProvider.token="$token" --LabApp.user_settings_dir="$tmp/settings" \
  --LabApp.workspaces_dir="$tmp/workspaces" > "$out/jupyter.log" 2>&1 &
server=$!
python3 - "$port" "$token" <<'PY' || { tail -n 30 "$out/jupyter.log" >&2; die "JupyterLab did not answer on 127.0.0.1:$port"; }
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/api/status?token={sys.argv[2]}"
for _ in range(240):
    try:
        urllib.request.urlopen(url, timeout=2)
        sys.exit(0)
    except Exception:
        time.sleep(0.5)
sys.exit(1)
PY
say "JupyterLab $(jupyter lab --version) on 127.0.0.1:$port (pid $server), after $((SECONDS - started)) s"

status=0
(cd "$repo/environment/browser" && node walkthrough.mjs "http://127.0.0.1:$port" "$token" "$out") || status=$?
say "$([ $status -eq 0 ] && echo passed || echo FAILED) in $((SECONDS - started)) s; screenshots in $out"
exit $status
