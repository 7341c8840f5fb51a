#!/usr/bin/env bash
# Regenerate docs/acts/<act>.png — the first page of every act kind, rendered from the catalogue and
# the official form, converted to PDF by LibreOffice (workflows/converter.py), drawn by pdftoppm —
# and docs/acts.md, which shows them. Documentation images only: fictitious demo data, no user's
# document. Needs libreoffice-writer-nogui and poppler-utils (scripts/ensure-debian-packages.sh).
source "$(dirname "$0")/bootstrap.sh"
bash scripts/ensure-debian-packages.sh
mkdir -p docs/acts
rm -f docs/acts/*.png
OSV_ENV=test OSV_ACTS_PNG_DIR="$PWD/docs/acts" python -m pytest -q -p no:cacheprovider \
    tests/registrations/test_acts_render.py tests/opinions/test_opinion_form.py -k pdf
OSV_ENV=test python manage.py acts_doc
ls docs/acts
