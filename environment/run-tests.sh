#!/usr/bin/env bash
# The full test run: what the README's second command and CI (.ci/run) call.
# Installs what the tests need and is missing (Jupyter, for the notebook tests), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x environment/install.sh ]; then
  environment/install.sh --jupyter-only
fi
exec mvn -B verify "$@"
