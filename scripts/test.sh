#!/usr/bin/env bash
# Command 2: the whole test suite. Embedded set-up by default; with DATABASE_URL and
# CELERY_BROKER_URL set it runs against PostgreSQL and Redis. Exit 5 (no tests) fails.
source "$(dirname "$0")/bootstrap.sh"
# LibreOffice, python3-uno, softhsm2: installed when root, else their tests skip with the apt-get line
if [ "$(id -u)" -eq 0 ]; then bash scripts/ensure-debian-packages.sh; fi
if [ -n "${DATABASE_URL:-}" ]; then
    echo "» Testy proti: ${DATABASE_URL%%\?*} / broker ${CELERY_BROKER_URL:-filesystem}"
else
    echo "» Testy na vestavěném nastavení (SQLite + souborový broker)"
fi
# real-browser tests need Debian's Chromium: installed here when we may (root), as .ci/run does;
# otherwise those tests skip, and the summary counts them and names the apt-get line
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -eq 0 ]; then
        bash "$ROOT/.ci/ensure-browser" || echo "!! Chromium se nepodařilo nainstalovat – testy v prohlížeči se přeskočí" >&2
    else
        echo "!! Chybí /usr/bin/chromium: testy v prohlížeči se přeskočí. Nainstalujte: sudo apt-get install -y chromium" >&2
    fi
fi
# test data (SQLite test database, documents, broker folders) stays out of the demo's var/
# directory login tests need slapd and the optional extra `ldap`: installed when we may (root)
if [ "$(id -u)" -eq 0 ]; then bash scripts/ensure-ldap.sh || echo "!! Doplněk ldap se nepodařilo nainstalovat (testy přihlášení přes adresář se přeskočí)"; fi
export OSV_VAR_DIR="${OSV_VAR_DIR:-$ROOT/var/test}"
set +e
OSV_ENV=test python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    echo "!! Nebyl spuštěn žádný test – to je chyba." >&2
    exit 1
fi
exit "$rc"
