#!/usr/bin/env bash
# The full test run: what the README's second command and CI (.ci/run) call.
# Installs what the tests need and is missing (Jupyter for the notebook tests; Chromium and playwright-core for
# the browser test), runs every Maven test, then the browser test (environment/browser-test.sh), and says how long
# each part took.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
environment/install.sh --jupyter-only --browser-test
# install.sh's JupyterLab lives in its own environment: the notebook tests find jupyter on the PATH.
venv="${XDG_DATA_HOME:-$HOME/.local/share}/segattr/jupyter"
[ -x "$venv/bin/jupyter" ] && export PATH="$venv/bin:$PATH"
installed=$SECONDS
mvn -B verify "$@"
built=$SECONDS
environment/browser-test.sh
echo "segattr tests: install $((installed - start)) s, mvn verify $((built - installed)) s, browser test $((SECONDS - built)) s"
