from django.core.management.base import BaseCommand

from workflows.acts import load_acts
from workflows.catalogues import load_catalogues
from workflows.demo import DEMO_PASSWORD, ensure_demo_users, seed_agendas
from workflows.roles import ensure_groups


class Command(BaseCommand):
    help = "Nahraje číselníky, role, demo uživatele a demo data (opakovaně bez duplicit)."

    def add_arguments(self, parser):
        parser.add_argument("--no-data", action="store_true", help="jen číselníky, role a uživatelé")

    def handle(self, *args, no_data=False, **options):
        self.stdout.write(f"Číselníky: {load_catalogues()}")
        self.stdout.write(f"Katalog písemností: {load_acts()}")
        self.stdout.write(f"Role: {len(ensure_groups())}")
        users = ensure_demo_users()
        if not no_data:
            seed_agendas(self.stdout)
        self.stdout.write("Demo přihlášení (heslo u všech: %s):" % DEMO_PASSWORD)
        for username, roles in users:
            self.stdout.write(f"  {username:<12} {roles}")
