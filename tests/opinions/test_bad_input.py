"""Bad input: a clear Czech message, and nothing written (no case, no opinion, no process)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from viewflow.workflow.models import Process

from opinions.models import IpWarning, Opinion
from opinions.flows import opinion_request_start
from workflows.models import Case, CaseEvent, NumberSequence

from .conftest import request_data

pytestmark = pytest.mark.django_db

BAD = [
    ("unknown call", {"call": "999"}, "call", "Výzva „999“ není v katalogu výzev."),
    ("area not in catalogue", {"area": "9.9"}, "area", "Oblast podpory „9.9“ není v katalogu programu OP LZZ."),
    ("area of another call", {"area": "3.2"}, "area", "Výzva č. 56 je vyhlášena pro oblast podpory 3.1, ne 3.2."),
    ("period ends before it starts", {"period_start": date(2012, 1, 1), "period_end": date(2011, 12, 31)},
     "period_end", "Ukončení projektu nemůže předcházet jeho zahájení."),
    ("budget zero", {"budget": "0"}, "budget", "Rozpočet projektu musí být kladná částka."),
    ("budget negative", {"budget": -5}, "budget", "Rozpočet projektu musí být kladná částka."),
    ("budget not a number", {"budget": "hodně"}, "budget", "Rozpočet „hodně“ není částka."),
    ("invalid IČO check digit", {"applicant_ico": "12345678"}, "applicant_ico",
     "IČO „12345678“ nemá platnou kontrolní číslici."),
    ("IČO too short", {"applicant_ico": "1234"}, "applicant_ico",
     "IČO „1234“ musí mít přesně 8 číslic."),
    ("registration number shape", {"registration_number": "CZ.1.04/31/45-123"}, "registration_number",
     "Registrační číslo „CZ.1.04/31/45-123“ nemá tvar čísla projektu OP LZZ (např. CZ.1.04/3.1.00/45.00123)."),
    ("district of another region", {"districts": ["Liberec"]}, "districts",
     "Okres Liberec není v kraji Karlovarský kraj (Cheb, Karlovy Vary, Sokolov)."),
    ("unknown service type", {"service_types": ["999"]}, "service_types", "Druh služby § 999 není v číselníku."),
    ("invalid date", {"period_start": "31. 2. 2011"}, "period_start", "Zahájení projektu: neplatné datum „31. 2. 2011“."),
]


@pytest.mark.parametrize("label,override,field,message", BAD, ids=[b[0] for b in BAD])
def test_bad_request_is_refused_in_czech_and_nothing_is_written(catalogues, label, override, field, message):
    users = catalogues["users"]
    with pytest.raises(ValidationError) as exc:
        opinion_request_start(actor=users["planovac"], **request_data(catalogues, **override))
    assert message in exc.value.message_dict[field]
    assert not Case.objects.exists() and not Opinion.objects.exists() and not Process.objects.exists()
    assert not CaseEvent.objects.exists() and not IpWarning.objects.exists()
    assert not NumberSequence.objects.filter(last_value__gt=0).exists()


def test_several_errors_are_reported_together(catalogues):
    with pytest.raises(ValidationError) as exc:
        opinion_request_start(actor=None, **request_data(catalogues, applicant_ico="1", budget=0,
                                                         period_end=date(2000, 1, 1)))
    assert {"applicant_ico", "budget", "period_end"} <= set(exc.value.message_dict)


def test_good_registration_number_and_call_by_number_are_accepted(catalogues):
    process = opinion_request_start(actor=None, **request_data(
        catalogues, call="56", area="", registration_number="CZ.1.04/3.1.00/56.00042"))
    opinion = Opinion.objects.get(case__processes=process.pk)
    assert opinion.call == catalogues["call56"] and opinion.area.code == "3.1"
    assert opinion.registration_number == "CZ.1.04/3.1.00/56.00042"
