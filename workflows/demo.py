"""Demo users (one per role, fictitious people) and the hook for agendas' demo data."""

from __future__ import annotations


from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from . import agendas
from .models import StaffProfile

DEMO_PASSWORD = "demo-heslo-2026"

DEMO_USERS = [
    # username, first, last, roles
    ("referent", "Jana", "Nováková", ["registration_officer"]),
    ("referent2", "Petr", "Dvořák", ["registration_officer"]),
    ("planovac", "Lucie", "Černá", ["planner"]),
    ("koordinator", "Marek", "Horváth", ["roma_coordinator"]),
    ("vedouci", "Eva", "Chaloupková", ["department_head"]),
    ("zastupce", "Tomáš", "Hájek", ["deputy_head"]),
    ("portal", "Krajský", "portál", ["api_client"]),
    ("spravce", "Karel", "Správný", ["admin"]),
    ("ctenar", "Iva", "Čtenářová", ["reader"]),
]

# each person's own function title and phone: what the signature block and the reference row show
DEMO_PROFILES = {
    "referent": ("referentka oddělení sociálních služeb", "+420 354 222 311"),
    "referent2": ("referent oddělení sociálních služeb", "+420 354 222 312"),
    "planovac": ("koordinátorka plánování sociálních služeb", "+420 354 222 321"),
    "koordinator": ("krajský koordinátor pro romské záležitosti", "+420 354 222 322"),
    "vedouci": ("vedoucí odboru sociálních věcí", "+420 354 222 301"),
    "zastupce": ("zástupce vedoucí odboru sociálních věcí", "+420 354 222 302"),
}


@transaction.atomic
def ensure_demo_users() -> list[tuple[str, str]]:
    """Create the demo users once; existing ones keep their password and data."""
    User = get_user_model()
    out = []
    for username, first, last, roles in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.invalid"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = "admin" in roles
            user.is_superuser = "admin" in roles
            user.save()
        user.groups.add(*Group.objects.filter(name__in=roles))
        if username in DEMO_PROFILES:
            function, phone = DEMO_PROFILES[username]
            StaffProfile.objects.get_or_create(user=user, defaults={"function": function, "phone": phone})
        out.append((username, ", ".join(roles)))
    return out


def seed_agendas(stdout=None) -> None:
    for agenda in agendas.agendas():
        if agenda.demo_seed is None:
            continue
        result = agenda.demo_seed()
        if stdout is not None and result:
            stdout.write(f"  {agenda.label}: {result}")
