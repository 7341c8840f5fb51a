from django.core.management.base import BaseCommand

from workflows.docx_builder import build_all
from workflows.documents import TEMPLATE_DIR


class Command(BaseCommand):
    help = "Sestaví DOCX šablony v templates/documents/ ze specifikací v kódu."

    def handle(self, *args, **options):
        built = build_all(TEMPLATE_DIR)
        self.stdout.write(f"Sestaveno šablon: {len(built)} ({', '.join(built)})")
