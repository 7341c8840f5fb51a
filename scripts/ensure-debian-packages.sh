#!/usr/bin/env bash
# Debian packages the tests and the run need beside Python: LibreOffice (PDF/A), python3-uno
# (for unoserver), SoftHSM 2 (PKCS#11 signing tests), poppler-utils (pdftotext, pdftoppm: the acts tests
# read the PDF text and scripts/render_acts.sh draws docs/acts/*.png), and for directory login the build
# deps of python-ldap (libldap2-dev, libsasl2-dev, gcc) and the test OpenLDAP server (slapd, ldap-utils;
# the pip extra itself: scripts/ensure-ldap.sh). Installs the missing ones as root; as
# another user prints the apt-get line (those tests then skip, naming the same line).
# Called by .ci/run, and by scripts/test.sh and scripts/run.sh when they run as root.
set -uo pipefail
PACKAGES=(libreoffice-writer-nogui python3-uno softhsm2 poppler-utils libldap2-dev libsasl2-dev gcc slapd ldap-utils)
missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "!! Chybí balíčky Debianu, testy, které je potřebují, se přeskočí: apt-get install -y ${missing[*]}" >&2
    exit 0
fi
echo "» Instaluji balíčky Debianu: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "${missing[@]}" \
    || { apt-get update && apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "${missing[@]}"; } \
    || echo "!! Balíčky se nepodařilo nainstalovat: ${missing[*]}" >&2
exit 0
