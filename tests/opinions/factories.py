"""factory_boy factories of the opinion agenda.

``CallFactory`` makes a call of the loaded programme (OP LZZ, area of support 3.1 unless the
``roma`` trait picks 3.2, drafted by the Roma affairs coordinator); ``OpinionRequestFactory`` is
what an applicant writes on the request form (the start service takes it as keyword
arguments): ``opinion_request_start(actor=…, **OpinionRequestFactory(call=call56))``.
"""

from __future__ import annotations

from datetime import date

import factory

from opinions.models import AreaOfSupport, Call


def _programme():
    from opinions.catalogues import load_programmes

    return load_programmes()


class CallFactory(factory.django.DjangoModelFactory):
    """A call (výzva) open from March 2011 until mid-2030."""

    programme = factory.LazyFunction(_programme)
    number = "56"
    name = "Podpora sociálních služeb"
    opens_on = date(2011, 3, 1)
    submission_deadline = date(2030, 6, 30)
    area = factory.LazyAttribute(lambda c: AreaOfSupport.objects.get(programme=c.programme, code=c.area_code))

    class Meta:
        model = Call

    class Params:
        area_code = "3.1"
        roma = factory.Trait(area_code="3.2", number="30", name="Romské lokality")


class OpinionRequestFactory(factory.DictFactory):
    """A request for an opinion: a care service in the Sokolov district applying under call 56."""

    applicant_ico = "70832749"
    applicant_name = "Pečovatelská služba Sokolov, p.o."
    applicant_address = "Sokolovská 1, 356 01 Sokolov"
    project_title = "Rozvoj pečovatelské služby a osobní asistence pro seniory"
    call = factory.SubFactory(CallFactory)
    # the call's area of support; a test that gives a bad call (not a Call) gets 3.1
    area = factory.LazyAttribute(lambda r: r.call.area.code if isinstance(r.call, Call) and r.call.area_id else "3.1")
    service_types = factory.List(["40", "39"])
    target_groups = factory.List(["S"])
    whole_region = False
    districts = factory.List(["Sokolov"])
    period_start = date(2011, 7, 1)
    period_end = date(2012, 6, 30)
    budget = "1500000"
    contact_email = "projekt@example.invalid"
