#!/usr/bin/env bash
# Compile every locale/*/LC_MESSAGES/*.po into the .mo next to it.
#
# The compiled .mo files are committed, so a machine without GNU gettext
# still works; run this after editing any .po file and commit both files.
# Needs msgfmt (Debian/Ubuntu: apt-get install gettext).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

shopt -s nullglob
po_files=(locale/*/LC_MESSAGES/*.po)

if [ "${#po_files[@]}" -eq 0 ]; then
    echo "No locale/*/LC_MESSAGES/*.po files found in $repo_root."
    exit 0
fi

if ! command -v msgfmt >/dev/null 2>&1; then
    echo "msgfmt not found (install the 'gettext' package to recompile);" \
         "the committed .mo files are used as they are."
    exit 0
fi

for po in "${po_files[@]}"; do
    mo="${po%.po}.mo"
    echo "msgfmt --check: $po -> $mo"
    msgfmt --check --statistics -o "$mo" "$po"
done
