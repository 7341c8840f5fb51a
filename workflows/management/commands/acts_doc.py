from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from workflows.acts_doc import render_markdown


class Command(BaseCommand):
    help = "Přepíše docs/acts.md (katalog písemností pro právníka) z datových souborů acts.yaml."

    def handle(self, *args, **options):
        docs = Path(settings.BASE_DIR) / "docs"
        (docs / "acts.md").write_text(render_markdown(docs / "acts"), encoding="utf-8")
        self.stdout.write("Zapsáno docs/acts.md")
