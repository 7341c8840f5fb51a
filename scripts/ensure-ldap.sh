#!/usr/bin/env bash
# Directory login (optional extra `ldap`): Debian's build deps for python-ldap and the test
# OpenLDAP server (slapd), then the extra into .venv. Called by .ci/run and, when it runs as
# root, by scripts/test.sh; without it the directory tests skip naming this line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PKGS="libldap2-dev libsasl2-dev gcc slapd ldap-utils"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
    echo "» Instaluji balíčky pro přihlášení přes adresář:$missing"
    SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq $missing
fi
[ -x .venv/bin/python ] || source scripts/bootstrap.sh
PY="${ROOT}/.venv/bin/python"
HASH="$(sha256sum requirements-ldap.lock | cut -d' ' -f1)"
if [ "$(cat .venv/.osv-ldap-hash 2>/dev/null || true)" != "$HASH" ]; then
    echo "» Instaluji volitelný doplněk ldap (requirements-ldap.lock)"
    "$PY" -m pip install --quiet --disable-pip-version-check -r requirements-ldap.lock
    echo "$HASH" > .venv/.osv-ldap-hash
fi
