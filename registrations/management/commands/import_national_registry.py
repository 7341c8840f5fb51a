"""Import the national registry's open data (rpss.json) and reconcile it with our registry."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from registrations.national_registry import services


class Command(BaseCommand):
    help = "Načte otevřená data celostátního registru poskytovatelů (soubor nebo URL) a porovná je s naším registrem."

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", default="",
                            help="cesta nebo URL souboru rpss.json (výchozí OSV_NATIONAL_REGISTRY_SOURCE)")
        parser.add_argument("--bez-prubehu", action="store_true", dest="quiet", help="bez ukazatele průběhu")

    def handle(self, *args, source="", quiet=False, **options):
        bar = tqdm(total=None, unit="B", unit_scale=True, unit_divisor=1024, desc="Načítám celostátní registr",
                   file=self.stderr._out, disable=quiet, mininterval=0.5)

        def set_total(size):
            bar.total = size
            bar.refresh()

        try:
            batch = services.import_source(source or None, progress=bar.update, progress_total=set_total)
        except services.ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        if batch.status != batch.Status.DONE:
            raise CommandError(batch.message)
        self.stdout.write(batch.message)
        for kind, count in sorted(batch.summary.items()):
            from registrations.national_registry.selectors import KINDS

            self.stdout.write(f"  {KINDS.get(kind, kind)}: {count}")
        if batch.invalid:
            self.stdout.write(f"Neplatné záznamy (prvních {len(batch.errors)}):")
            for error in batch.errors[:20]:
                self.stdout.write(f"  č. {error['index']} {error['identifikator'] or ''}: {error['message']}")
