"""factory_boy factories of the engine: users, cases (opened by the real ``case_open`` service,
so they carry a spisová značka and their first history row), open tasks and documents.

Traits say what a test needs in words: ``CaseFactory(overdue=True)``, ``CaseFactory(opinion=True,
waiting=True)``, ``DocumentFactory(draft=True)``; ``TaskFactory(case=…, owner=…)`` is an assigned task.
"""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from opinions.models import OpinionCaseKind
from registrations.models import RegistrationCaseKind
from workflows.models import Case, Document, LetterProcess


def days(n: int) -> datetime.date:
    """Today (the office's time zone) plus ``n`` days."""
    return timezone.localdate() + datetime.timedelta(days=n)


def valid_ico(n: int) -> str:
    """The ``n``-th eight-digit IČO with a valid check digit (weights 8..2, mod 11)."""
    base = f"{n:07d}"
    check = (11 - sum((8 - i) * int(d) for i, d in enumerate(base)) % 11) % 10
    return base + str(check)


class UserFactory(factory.django.DjangoModelFactory):
    """An office user; ``UserFactory(groups=["planner"])`` puts them in roles' groups."""

    username = factory.Sequence(lambda n: f"uzivatel{n}")
    first_name = factory.Faker("first_name", locale="cs_CZ")
    last_name = factory.Faker("last_name", locale="cs_CZ")
    email = factory.LazyAttribute(lambda u: f"{u.username}@kraj.example")

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            from django.contrib.auth.models import Group

            self.groups.add(*Group.objects.filter(name__in=names))


class CaseFactory(factory.django.DjangoModelFactory):
    """A case opened through ``workflows.cases.case_open`` with its applicant as the one party."""

    kind = RegistrationCaseKind.LETTER
    title = "Dotaz"
    applicant_name = "Domov Pod Lesem, o.p.s."
    ico = "25596641"
    address = "Lesní 12, 350 02 Cheb"
    deadline = None
    received_on = None
    actor = None

    class Meta:
        model = Case

    class Params:
        overdue = factory.Trait(deadline=factory.LazyFunction(lambda: days(-1)))
        registration = factory.Trait(kind=RegistrationCaseKind.REGISTRATION, title="Žádost o registraci")
        opinion = factory.Trait(kind=OpinionCaseKind.OPINION, title="Vyjádření k projektu")
        waiting = factory.Trait(state=Case.State.WAITING)

    @classmethod
    def _create(cls, model_class, *, address, state=None, **kwargs):
        from workflows.cases import case_open

        party = {"name": kwargs["applicant_name"], "ico": kwargs["ico"], "address": address}
        case = case_open(parties=[party], **kwargs)
        if state:  # a later state, as its flow would have set it
            Case.objects.filter(pk=case.pk).update(state=state)
            case.refresh_from_db()
        return case


class LetterProcessFactory(factory.django.DjangoModelFactory):
    """A letter process row on a case (the smallest real flow of the engine)."""

    case = factory.SubFactory(CaseFactory)
    status = PROCESS.NEW

    class Meta:
        model = LetterProcess

    @factory.lazy_attribute
    def flow_class(self):
        from workflows.flows.letter import LetterFlow

        return LetterFlow


class TaskFactory(factory.django.DjangoModelFactory):
    """An open human task (the letter flow's repair step) on a case; with ``owner=`` it is
    ASSIGNED, else it waits in the queue (NEW)."""

    process = factory.SubFactory(LetterProcessFactory, case=factory.SelfAttribute("..case"))
    flow_task_type = "HUMAN"
    owner = None
    owner_permission = "workflows.can_repair_letterprocess"
    status = factory.LazyAttribute(lambda t: STATUS.ASSIGNED if t.owner else STATUS.NEW)

    class Meta:
        model = Task

    class Params:
        case = factory.SubFactory(CaseFactory)

    @factory.lazy_attribute
    def flow_task(self):
        from workflows.flows.letter import LetterFlow

        return LetterFlow.repair


class DocumentFactory(factory.django.DjangoModelFactory):
    """A stored document on a case: the next version of its kind, with file, hash and č. j."""

    case = factory.SubFactory(CaseFactory)
    kind = "letter"
    status = Document.Status.ISSUED
    personal_data = False
    reference_number = factory.Sequence(lambda n: f"KK/{n + 1}/SV/2026")
    content = b"x"
    version = factory.LazyAttribute(lambda d: Document.objects.filter(case=d.case, kind=d.kind).count() + 1)
    title = factory.LazyAttribute(lambda d: f"Dokument {d.kind} v{d.version}")
    sha256 = factory.LazyAttribute(lambda d: Document.hash_bytes(d.content))
    size = factory.LazyAttribute(lambda d: len(d.content))

    class Meta:
        model = Document

    class Params:
        draft = factory.Trait(kind="draft", status=Document.Status.DRAFT)
        personal = factory.Trait(kind="staff", personal_data=True)

    @classmethod
    def _create(cls, model_class, *, content, **kwargs):
        document = model_class(**kwargs)
        document.file.save(f"{document.kind}-{document.version}.docx", ContentFile(content), save=False)
        document.save()
        return document
