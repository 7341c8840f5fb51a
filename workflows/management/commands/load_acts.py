from django.core.management.base import BaseCommand, CommandError

from workflows.acts import CatalogueError, load_acts


class Command(BaseCommand):
    help = "Nahraje katalog písemností z datových souborů agend (acts.yaml); úpravy úřadu zůstanou."

    def handle(self, *args, **options):
        try:
            report = load_acts()
        except CatalogueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Katalog písemností: nové {report['created']}, změněné {report['updated']}, beze změny "
            f"{report['unchanged']}" + (f"; upraveno úřadem (ponecháno): {', '.join(report['kept_office'])}"
                                         if report["kept_office"] else "")
        )
