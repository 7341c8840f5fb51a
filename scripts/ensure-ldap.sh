#!/usr/bin/env bash
# Directory login (optional extra `ldap`: django-auth-ldap + python-ldap) into .venv. python-ldap
# builds against Debian's libldap2-dev and libsasl2-dev with gcc; those and the test server (slapd,
# ldap-utils) come from scripts/ensure-debian-packages.sh (run first here when we are root).
# Called by .ci/run and, when it runs as root, by scripts/test.sh; without it the directory tests
# skip naming the install line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ "$(id -u)" -eq 0 ]; then bash scripts/ensure-debian-packages.sh; fi
for pkg in libldap2-dev libsasl2-dev gcc; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        echo "!! Chybí $pkg; přihlášení přes adresář se nesestaví: apt-get install -y libldap2-dev libsasl2-dev gcc slapd ldap-utils" >&2
        exit 0
    fi
done
[ -x .venv/bin/python ] || source scripts/bootstrap.sh
HASH="$(sha256sum requirements-ldap.lock | cut -d' ' -f1)"
if [ "$(cat .venv/.osv-ldap-hash 2>/dev/null || true)" != "$HASH" ]; then
    echo "» Instaluji volitelný doplněk ldap (requirements-ldap.lock)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-ldap.lock
    echo "$HASH" > .venv/.osv-ldap-hash
fi
