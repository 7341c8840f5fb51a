from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from opinions.plan_import import import_plan_file


class Command(BaseCommand):
    help = "Naimportuje plán kraje (karty rozvojových aktivit nebo plán práce) z textového souboru. Opakovatelné."

    def add_arguments(self, parser):
        parser.add_argument("file", help="textový soubor plánu")
        parser.add_argument("--region", help="kraj plánu (výchozí: podle textu)")
        parser.add_argument("--region-code", default="", help="kód kraje, např. KK")

    def handle(self, *args, file, region=None, region_code="", **options):
        def progress(done, total):
            if done == total or done % 20 == 0:
                self.stdout.write(f"  … {done}/{total} položek")

        try:
            report = import_plan_file(file, region_name=region, region_code=region_code, progress=progress)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except OSError as exc:
            raise CommandError(f"Soubor nelze přečíst: {exc}") from exc
        self.stdout.write(report.text())
