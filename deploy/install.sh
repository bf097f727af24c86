#!/bin/sh
# Build hedgebot into a virtualenv: the one install procedure shared by the Dockerfile, the
# systemd runbook (docs/operations.md) and .ci/lint-deploy.sh, so CI proves what ships.
#
#   deploy/install.sh SOURCE_DIR VENV_DIR [WHEEL_DIR]
#
# Wheels for hedgebot and every dependency are built first (the only step that needs the
# network), then installed with --no-index so the venv holds exactly those wheels.
set -eu

src=${1:?usage: install.sh SOURCE_DIR VENV_DIR [WHEEL_DIR]}
venv=${2:?usage: install.sh SOURCE_DIR VENV_DIR [WHEEL_DIR]}
wheels=${3:-$(mktemp -d)}
python=${PYTHON:-python3}

"$python" -m pip wheel --no-cache-dir --wheel-dir "$wheels" "$src"
"$python" -m venv "$venv"
"$venv/bin/pip" install --no-cache-dir --no-index --find-links "$wheels" hedgebot
"$venv/bin/python" -c 'import bot, bot.api.server, bot.notify.alerts'
echo "hedgebot installed in $venv"
