"""factory_boy factories of the registration agenda.

Two kinds: *application data* (dicts, what a provider writes on the form: the intake service
and ``RegistrationFlow.receive`` take them) and *registry rows* (models, for a test that needs
a provider or a registered service already in the registry without running its proceeding).

    ProviderDataFactory(ico="26997788")            # a form with a wrong check digit
    ServiceDataFactory(field=True)                 # a field service for persons with disabilities
    RegisteredServiceFactory(provider__ico=..., home_care=True)
"""

from __future__ import annotations

from datetime import date

import factory

from registrations.models import Provider, RegisteredService
from tests.workflows.factories import CaseFactory, valid_ico
from workflows.models import ServiceType

PROVIDER_ICO = "26997789"


class ProviderDataFactory(factory.DictFactory):
    """The provider part of an application (Domov Na Výsluní, a residential home in Cheb)."""

    ico = PROVIDER_ICO
    name = "Domov Na Výsluní, z. ú."
    legal_form = "zapsaný ústav"
    address = "Sluneční 12, 350 02 Cheb"
    statutory_body = "Mgr. Alena Fiktivní, ředitelka"
    email = "info@navysluni.example"
    data_box = "abc1234"


class ServiceDataFactory(factory.DictFactory):
    """One service of an application: by default a home for the elderly (§ 49) for 24 persons."""

    service_type = "49"
    form = "residential"
    target_groups = factory.List(["S"])
    age_from = 65
    age_to = None
    place = "Sluneční 12, Cheb"
    territory = "okres Cheb"
    capacity = 24
    start_on = date(2026, 11, 1)

    class Params:
        # sociální rehabilitace (§ 70) in the field, for adults with disabilities and seniors
        field = factory.Trait(service_type="39", form="field", capacity=5, target_groups=factory.List(["OZP", "S"]),
                              age_from=18, age_to=None, place="Cheb a okolí")


class ProviderFactory(factory.django.DjangoModelFactory):
    """A provider in the registry."""

    ico = factory.Sequence(lambda n: valid_ico(2_500_000 + n))
    name = factory.Sequence(lambda n: f"Poskytovatel {n + 1}, z. ú.")
    address = "Lesní 12, 350 02 Cheb"

    class Meta:
        model = Provider
        django_get_or_create = ("ico",)


class RegisteredServiceFactory(factory.django.DjangoModelFactory):
    """A registered service of a provider, with the registration case it came from."""

    provider = factory.SubFactory(ProviderFactory)
    service_type = factory.LazyAttribute(lambda s: ServiceType.objects.get(paragraph=s.paragraph))
    form = "residential"
    place = "Lesní 12, Cheb"
    capacity = 24
    registered_on = date(2007, 6, 1)
    registration_case = factory.SubFactory(
        CaseFactory, registration=True, title="Registrace",
        applicant_name=factory.SelfAttribute("..provider.name"), ico=factory.SelfAttribute("..provider.ico"),
    )

    class Meta:
        model = RegisteredService

    class Params:
        paragraph = "49"
        # pečovatelská služba (§ 40) in the field
        home_care = factory.Trait(paragraph="40", form="field", capacity=40)


__all__ = ["PROVIDER_ICO", "ProviderDataFactory", "ProviderFactory", "RegisteredServiceFactory",
           "ServiceDataFactory"]


def ministry_file(name: str = "rozhodnuti-mpsv.pdf") -> "SimpleUploadedFile":
    """The ministry's decision on an appeal as the officer uploads it (a small PDF)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n% rozhodnuti odvolaciho organu\n%%EOF\n", content_type="application/pdf")


def ministry(outcome: str, *, notified_on: date, outcome_on: date | None = None,
             reference: str = "MPSV-2026/41234-421", **extra) -> dict:
    """The ministry outcome form's data (the keyword arguments of ``ministry_outcome``'s handler)."""
    return {"outcome": outcome, "ministry_reference": reference, "outcome_on": outcome_on or notified_on,
            "notified_on": notified_on, "document": ministry_file(), **extra}
