# Sourced by run.sh and test.sh: create .venv, install the locked dependencies when the
# lock file changed, compile translations when gettext is there, activate the venv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "» Vytvářím virtuální prostředí .venv"
    "$PYTHON" -m venv .venv
fi
LOCK_HASH="$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat .venv/.osv-lock-hash 2>/dev/null || true)" != "$LOCK_HASH" ]; then
    echo "» Instaluji závislosti (requirements.lock)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
    echo "$LOCK_HASH" > .venv/.osv-lock-hash
fi
# shellcheck disable=SC1091
source .venv/bin/activate
bash scripts/compile_messages.sh >/dev/null 2>&1 || true
