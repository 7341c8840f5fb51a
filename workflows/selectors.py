"""Reads for the work surfaces: one inbox, one queue and the team's tasks across all flows.

Every list is a single queryset over Viewflow's ``Task`` joined to our ``CaseProcess`` and its
``Case`` (real foreign keys, ``select_related``), so a page costs a fixed number of queries
whatever the data size: the rows, the paginator's count and the bounded filter choices.

Filters are bounded: process type (the registered flows), deadline window, overdue,
provider (IČO or the start of a name) and whatever the agendas contribute: an agenda
registers a ``task_filters`` callable with ``workflows.agendas`` that returns
:class:`TaskListFilter` objects. Contributed filters reach their data through the case
(``CASE_PATH`` + ``__<agenda one-to-one>__...``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .collation import czech_order
from .deadlines import add_working_days, working_days_between
from .counters import NO_DEADLINE
from .models import Case, CaseProcess, FinishedCount, TaskCount
from . import agendas
from .permissions import ROLE_ADMIN, ROLE_HEAD, ROLE_DEPUTY, can_work_on_agenda, has_role, user_roles
from .substring import Substring, narrow

#: path from Task to its Case
CASE_PATH = "process__caseprocess__case"

SCOPE_INBOX = "inbox"
SCOPE_QUEUE = "queue"
SCOPE_TEAM = "team"

DEADLINE_WINDOWS = [
    ("overdue", "po lhůtě"),
    ("today", "dnes"),
    ("5", "do 5 pracovních dnů"),
    ("10", "do 10 pracovních dnů"),
    ("20", "do 20 pracovních dnů"),
    ("none", "bez lhůty"),
]

SORTS = {
    "deadline": ("lhůta (nejbližší první)", lambda: [F(f"{CASE_PATH}__deadline").asc(nulls_last=True), "created", "pk"]),
    "-deadline": ("lhůta (nejvzdálenější první)", lambda: [F(f"{CASE_PATH}__deadline").desc(nulls_last=True), "-created", "-pk"]),
    "applicant": ("žadatel / poskytovatel (A–Ž)", lambda: [czech_order(f"{CASE_PATH}__applicant_name"), "pk"]),
    "received": ("datum doručení", lambda: [F(f"{CASE_PATH}__received_on").asc(), "pk"]),
    "created": ("nejnovější úkoly", lambda: ["-created", "-pk"]),
}
DEFAULT_SORT = "deadline"

TASK_STATUS_LABELS = {
    STATUS.NEW: "ve frontě",
    STATUS.ASSIGNED: "přiděleno",
    STATUS.STARTED: "rozpracováno",
    STATUS.DONE: "hotovo",
    STATUS.CANCELED: "zrušeno",
    STATUS.ERROR: "chyba",
}


@dataclass
class TaskListFilter:
    """A filter an agenda contributes to the task lists.

    ``choices()`` must return a bounded list (catalogue rows, not cases); ``apply(qs, value,
    case_path)`` narrows a Task queryset, joining through ``case_path`` to the agenda's data.
    """

    name: str
    label: str
    choices: Callable[[], Iterable[tuple[str, str]]]
    apply: Callable[[QuerySet, str, str], QuerySet]
    agendas: set[str] = field(default_factory=set)  # shown only to users of these agendas




def contributed_filters(user) -> list[TaskListFilter]:
    """The filters the user's agendas contribute (first one of a name wins)."""
    out: list[TaskListFilter] = []
    names: set[str] = set()
    for agenda in agendas.agendas():
        if agenda.task_filters is None:
            continue
        for flt in agenda.task_filters():
            if flt.name in names:
                continue
            if not flt.agendas or any(can_work_on_agenda(user, a) for a in flt.agendas):
                out.append(flt)
                names.add(flt.name)
    return out


def registered_flows() -> list[type]:
    return agendas.flow_classes()


def flow_label(flow_class) -> str:
    return str(getattr(flow_class, "process_title", "") or flow_class.__name__)


def flow_key(flow_class) -> str:
    return f"{flow_class.__module__}.{flow_class.__name__}"


def available_flows(user) -> list[type]:
    """Flows whose processes the user may view (Viewflow's rule: ``view_<process model>``)."""
    return [f for f in registered_flows() if f.instance.has_view_permission(user)]


def user_agendas(user) -> set[str]:
    return {agenda.name for agenda in agendas.agendas() if can_work_on_agenda(user, agenda.name)}


def _kinds_of_agendas(names: set[str]) -> list[str]:
    return agendas.kinds_of(names)


def can_see_team(user) -> bool:
    return has_role(user, ROLE_HEAD, ROLE_ADMIN)


def can_reassign(user) -> bool:
    """The head of department, and the deputy standing in for the head, hand tasks over."""
    return has_role(user, ROLE_HEAD, ROLE_DEPUTY)


def _base_tasks() -> QuerySet:
    return Task.objects.filter(flow_task_type="HUMAN").select_related(
        "process", "process__caseprocess", f"{CASE_PATH}", "owner"
    )


def human_nodes(flows) -> list:
    """The human task nodes of the flows: lists filter ``Task.flow_task`` by them, so neither
    the count nor the filter has to scan the process table by flow class."""
    return [node for flow in flows for node in flow.instance.nodes() if node.task_type == "HUMAN"]


def tasks_for(user, scope: str) -> QuerySet:
    """All tasks of a list before filters: the inbox, the queue or the team's open tasks."""
    return _list_rule(
        user, scope, _base_tasks(), case_kind=f"{CASE_PATH}__kind__in",
        permitted=lambda perms: Q(owner_permission__isnull=True) | Q(owner_permission="") | Q(owner_permission__in=perms))


def _list_rule(user, scope: str, qs: QuerySet, *, case_kind: str, permitted) -> QuerySet:
    """Which rows a list holds — one rule for the tasks (:func:`tasks_for`) and their counters
    (:func:`task_counts`), which name the case's kind and an empty permission differently."""
    flows = available_flows(user) if scope == SCOPE_QUEUE else registered_flows()
    qs = qs.filter(flow_task__in=human_nodes(flows))
    if scope == SCOPE_INBOX:
        return qs.filter(owner_id=user.pk, status__in=[STATUS.ASSIGNED, STATUS.STARTED])
    if scope == SCOPE_QUEUE:
        qs = qs.filter(status=STATUS.NEW)
        return qs if user.is_superuser else qs.filter(permitted(sorted(user.get_all_permissions())))
    if scope == SCOPE_TEAM:
        if not can_see_team(user):
            return qs.none()
        qs = qs.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED])
        return qs if user.is_superuser else qs.filter(**{case_kind: _kinds_of_agendas(user_agendas(user))})
    raise ValueError(scope)


@dataclass
class TaskFilters:
    process: str = ""
    window: str = ""
    overdue: bool = False
    provider: str = ""
    sort: str = DEFAULT_SORT
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(cls, params, user) -> "TaskFilters":
        extra = {}
        for flt in contributed_filters(user):
            value = params.get(flt.name, "").strip()
            if value:
                extra[flt.name] = value
        sort = params.get("sort", DEFAULT_SORT)
        return cls(
            process=params.get("process", "").strip(),
            window=params.get("window", "").strip(),
            overdue=params.get("overdue") in ("1", "on", "true"),
            provider=params.get("provider", "").strip()[:100],
            sort=sort if sort in SORTS else DEFAULT_SORT,
            extra=extra,
        )


def window_bounds(window: str, today: datetime.date) -> Q | None:
    deadline = f"{CASE_PATH}__deadline"
    if window == "overdue":
        return Q(**{f"{deadline}__lt": today})
    if window == "today":
        return Q(**{f"{deadline}__lte": today})
    if window == "none":
        return Q(**{f"{deadline}__isnull": True})
    if window.isdigit():
        return Q(**{f"{deadline}__lte": add_working_days(today, int(window))})
    return None


def filter_tasks(qs: QuerySet, filters: TaskFilters, user, today: datetime.date | None = None, *,
                 name_lookup: str = "icontains") -> QuerySet:
    """The list narrowed by the filters, in the filters' order. ``name_lookup`` is how the
    provider's name is tested: ``icontains`` (the trigram index may serve it) or
    ``osv_substring`` (the same test, which no index serves: :func:`list_page`)."""
    today = today or timezone.localdate()
    if filters.process:
        flows = {flow_key(f): f for f in registered_flows()}
        flow = flows.get(filters.process)
        qs = qs.filter(flow_task__in=human_nodes([flow])) if flow else qs.none()
    condition = window_bounds(filters.window, today)
    if condition is not None:
        qs = qs.filter(condition)
    if filters.overdue:
        qs = qs.filter(**{f"{CASE_PATH}__deadline__lt": today})
    if filters.provider:
        term = filters.provider
        if term.isdigit():
            qs = qs.filter(**{f"{CASE_PATH}__ico__startswith": term})
        else:
            qs = qs.filter(narrow(Q(**{f"{CASE_PATH}__applicant_name__{name_lookup}": term}), term))
    if filters.extra:
        for flt in contributed_filters(user):
            if flt.name in filters.extra:
                qs = flt.apply(qs, filters.extra[flt.name], CASE_PATH)
    return qs.order_by(*SORTS[filters.sort][1]())


def task_list(user, scope: str, filters: TaskFilters | None = None) -> QuerySet:
    return filter_tasks(tasks_for(user, scope), filters or TaskFilters(), user)


class DeadlineOrdered:
    """A task list in the default order (case deadline, nulls last; created; pk), paged in two
    steps: the page's task ids, then the rows with ``select_related``. One more query per page
    than a single query, still fixed. ``Paginator`` uses ``count()`` and slicing.

    The ids query joins the case with an inner join (every process of a registered flow is a
    ``CaseProcess`` with a non-null case, so no task is lost) and orders by ``Case.deadline``:
    PostgreSQL then reads the cases in the order of the deadline index and looks up each case's
    NEW tasks through the partial index ``osv_task_new_human`` (migration 0003) — an
    incremental sort that stops after the page instead of sorting the whole queue. The count
    reads only that partial index.
    """

    def __init__(self, tasks: QuerySet):
        self.tasks = tasks

    def count(self) -> int:
        return self.tasks.order_by().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        if isinstance(item, int):
            return self[item:item + 1][0]
        ids = list(
            self.tasks.select_related(None)
            .filter(process__caseprocess__case__isnull=False)
            .order_by(F(f"{CASE_PATH}__deadline").asc(nulls_last=True), "created", "pk")
            .values_list("pk", flat=True)[item]
        )
        rows = {task.pk: task for task in self.tasks.filter(pk__in=ids).order_by()}
        return [rows[pk] for pk in ids if pk in rows]


#: a list whose filters the counters cannot answer (provider, agenda filters) counts at most this
#: many rows and says "more than"; the page itself is read by index whatever the total
COUNT_CAP = 1000


def task_counts(user, scope: str) -> QuerySet:
    """The ``TaskCount`` rows of a list (the rule of :func:`tasks_for`): dashboards and list
    headings sum them instead of counting tasks."""
    return _list_rule(user, scope, TaskCount.objects.all(), case_kind="case_kind__in",
                      permitted=lambda perms: Q(owner_permission__in=["", *perms]))


def _sum(qs: QuerySet) -> int:
    return qs.order_by().aggregate(n=Sum("n"))["n"] or 0


def count_tasks(user, scope: str) -> int:
    return _sum(task_counts(user, scope))


def list_count(user, scope: str, filters: TaskFilters, tasks: QuerySet, today: datetime.date | None = None) -> int:
    """The number of tasks of a filtered list: from the counters when the filters are the ones
    they hold (process, deadline window, overdue), else counted up to :data:`COUNT_CAP` + 1."""
    if filters.provider or filters.extra:
        return tasks.order_by()[:COUNT_CAP + 1].count()
    today = today or timezone.localdate()
    qs = task_counts(user, scope)
    if filters.process:
        flow = {flow_key(f): f for f in registered_flows()}.get(filters.process)
        if flow is None:
            return 0
        qs = qs.filter(flow_task__in=human_nodes([flow]))
    if filters.window == "overdue" or filters.overdue:
        qs = qs.filter(deadline__lt=today)
    if filters.window == "today":
        qs = qs.filter(deadline__lte=today)
    elif filters.window == "none":
        qs = qs.filter(deadline=NO_DEADLINE)
    elif filters.window.isdigit():
        qs = qs.filter(deadline__lte=add_working_days(today, int(filters.window)))
    return _sum(qs)


#: a list this short is sorted from its own rows (owner / filter index, then a top-N sort); a
#: longer one is read in deadline order from the case side (:class:`DeadlineOrdered`), which
#: stops after the page but walks every case when the list is short or empty
SHORT_LIST = 500


def paged_tasks(qs: QuerySet, total: int, sort: str):
    """The sliceable rows of a task list for its paginator, the plan chosen by its size."""
    if sort == DEFAULT_SORT and total > SHORT_LIST:
        return DeadlineOrdered(qs)
    return qs


#: a list filtered by a provider's name counts at most this many tasks and then says "more than"
#: (a name shared by many cases is read in deadline order from the case side, and the count is
#: the same read: its cost grows with the cap, not with the data)
NAME_COUNT_CAP = 100
#: the walk pays when the sampled cases hold at least this many of the list's tasks (see
#: :func:`walk_pays`)
WALK_MIN_HITS = 1
#: the sample: about this many cases, drawn only from a case table at least this large (below it
#: every plan is fast and the list is planned as before)
NAME_SAMPLE_ROWS = 2000
NAME_SAMPLE_MIN_CASES = 100_000


_case_rows_cache: list = []  # [(monotonic time, estimated rows)]


def _case_rows() -> int:
    """The planner's row estimate of the case table (``pg_class.reltuples``), read at most every
    five minutes per process: deciding whether to sample costs no query on most requests."""
    import time

    from django.db import connection

    now = time.monotonic()
    if not _case_rows_cache or now - _case_rows_cache[0][0] > 300:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Case._meta.db_table])
            row = cursor.fetchone()
        _case_rows_cache[:] = [(now, max(int(row[0]) if row else 0, 0))]
    return _case_rows_cache[0][1]


def large_case_table() -> bool:
    """Whether the case table is large enough (PostgreSQL, :data:`NAME_SAMPLE_MIN_CASES`) for a
    name filter to be sampled (:func:`list_page`); a small one is fast either way."""
    from django.db import connection

    return connection.vendor == "postgresql" and _case_rows() >= NAME_SAMPLE_MIN_CASES


def walk_pays(walk: QuerySet, name: str) -> bool:
    """Whether reading the list ``walk`` (``name`` checked by ``osv_substring``) in deadline order
    from the case side finds its first :data:`NAME_COUNT_CAP` + 1 tasks soon: it does when a
    sample of the case table's pages (PostgreSQL ``TABLESAMPLE``, ~2 000 cases, the same pages
    every time) holds at least :data:`WALK_MIN_HITS` of the list's tasks — then the walk reads
    about (cap + 1) × 2 000 / hits index entries, at worst ~200 000 (a fifth of the index at a
    million cases, ~30 ms; the planner's own join took 0.2-0.5 s at 200 000 for a name with
    one task in the sample). Such a name is usually one most cases
    share, and slow through the trigram index: its trigrams are in most names, so the index
    intersects posting lists as long as the table (58 ms for the benchmark's "Poskytovatel 12" at
    a million cases). A name of few listed tasks is read through the trigram index as before (a
    name of many old cases but few open tasks would make the walk read the whole index). SQLite:
    never (no sample, no trigram index)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return False
    percent = min(100.0, NAME_SAMPLE_ROWS * 100.0 / max(_case_rows(), 1))
    table = connection.ops.quote_name(Case._meta.db_table)
    # two steps: the sampled cases of the name, then their tasks in the list by those ids (as a
    # semi-join of the sample the planner read the list's tasks first, 0.3-7 s at a million)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} TABLESAMPLE SYSTEM (%s) REPEATABLE (0) "
                       f"WHERE strpos(UPPER(applicant_name::text), UPPER(%s)) > 0", [percent, name])
        sampled = [row[0] for row in cursor.fetchall()]
    if not sampled:
        return False
    hits = walk.filter(**{f"{CASE_PATH}__in": sampled}).order_by()[:WALK_MIN_HITS].count()
    return hits >= WALK_MIN_HITS


#: the cases a walk reads first, per task it looks for (× 4 each further step, at most 4 steps)
WALK_CASES_PER_TASK = 4
WALK_STEPS = 4


def walk_ids(walk: QuerySet, name: str, limit: int) -> list[int]:
    """The first ``limit`` task ids of the list ``walk`` in the default order, read from the case
    side: the cases of ``name`` in deadline order (the covering index ``osv_case_deadline_name``,
    index-only, stops after the batch), then the list's tasks of those cases by their ids. Left
    to itself the planner joined from the task side (every queued task, 0.5 s at 200 000).

    Only the tasks of the cases *before* the batch's last deadline are surely the list's first
    ones (a case of that same deadline may come after the batch), so a batch that gives fewer
    than ``limit`` of them is read again four times larger — until the cases of the name are
    all read (then every task of theirs is known), at most :data:`WALK_STEPS` times, then the
    plain query in the default order."""
    order = [F(f"{CASE_PATH}__deadline").asc(nulls_last=True), "created", "pk"]
    tasks = walk.select_related(None).order_by(*order)
    cases = Case.objects.filter(**{f"applicant_name__{Substring.lookup_name}": name}).order_by(
        F("deadline").asc(nulls_last=True), "pk")
    batch = WALK_CASES_PER_TASK * limit
    for _ in range(WALK_STEPS):
        read = list(cases.values_list("pk", "deadline")[:batch])
        of_batch = tasks.filter(**{f"{CASE_PATH}__in": [pk for pk, _ in read]})
        if len(read) < batch:  # every case of the name
            return list(of_batch.values_list("pk", flat=True)[:limit])
        last = read[-1][1]
        before = (Q(**{f"{CASE_PATH}__deadline__isnull": False}) if last is None
                  else Q(**{f"{CASE_PATH}__deadline__lt": last}))
        ids = list(of_batch.filter(before).values_list("pk", flat=True)[:limit])
        if len(ids) == limit:
            return ids
        batch *= 4
    return list(tasks.values_list("pk", flat=True)[:limit])


class ByIds:
    """A list whose ids (in list order) are known: a page reads its rows by primary key (the
    ids come from the list's own query, so nothing else is filtered again)."""

    def __init__(self, tasks: QuerySet, ids: list[int]):
        self.tasks, self.ids = tasks, ids

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, item):
        if isinstance(item, int):
            return self[item:item + 1][0]
        ids = self.ids[item]
        rows = {task.pk: task for task in self.tasks.filter(pk__in=ids).order_by()} if ids else {}
        return [rows[pk] for pk in ids if pk in rows]


@dataclass
class ListPage:
    """What a list's paginator reads: the count (``cap``: counted up to cap + 1, else exact) and
    the sliceable rows."""

    total: int
    rows: object
    cap: int | None = None

    @property
    def capped(self) -> bool:
        return self.cap is not None and self.total > self.cap


def list_page(user, scope: str, filters: TaskFilters, tasks: QuerySet,
              today: datetime.date | None = None) -> ListPage:
    """The count and the rows of a filtered list (``tasks`` = :func:`task_list`), the plan
    chosen by the filters and the list's size. Every plan gives the same rows in the same order.

    A provider's name: counted up to :data:`NAME_COUNT_CAP`; on a large case table
    (:func:`large_case_table`) a name of many listed tasks
    (:func:`walk_pays`) in the default order is read in deadline order from the case side
    (:func:`walk_ids`), the name checked in the covering index ``osv_case_deadline_name``
    (migration 0013) and never through the trigram index: the first cap + 1 task ids, which are
    the count and every page's ids at once. Another name is listed as before (the trigram index;
    the planner then often joins from the task side, every queued task: what is left to do)."""
    name = filters.provider if filters.provider and not filters.provider.isdigit() else ""
    if name:
        cap = NAME_COUNT_CAP
        walk = filter_tasks(tasks_for(user, scope), filters, user, today, name_lookup=Substring.lookup_name)
        if filters.sort == DEFAULT_SORT and large_case_table() and walk_pays(walk, name):
            ids = walk_ids(walk, name, cap + 1)
            return ListPage(len(ids), ByIds(_base_tasks(), ids), cap)
        total = tasks.order_by()[:cap + 1].count()
        return ListPage(total, paged_tasks(tasks, total, filters.sort), cap)
    total = list_count(user, scope, filters, tasks, today)
    return ListPage(total, paged_tasks(tasks, total, filters.sort), COUNT_CAP if filters.provider or filters.extra else None)


class Counted:
    """A sliceable list with a count known beforehand (``Paginator`` asks ``count()``)."""

    def __init__(self, items, count: int):
        self.items, self._count = items, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, item):
        return self.items[item]


def user_flows(user) -> list[type]:
    """The flows of the agendas the user works on, and the engine's own flows they may view."""
    names = user_agendas(user)
    own = [entry.flow_class for a in agendas.agendas() if a.name in names for entry in a.flows]
    engine = [f for f in agendas.engine_flow_classes() if f.instance.has_view_permission(user)]
    return engine + own


def process_choices(user, scope: str) -> list[tuple[str, str]]:
    """The process filter offers only what the list can hold for this user."""
    flows = user_flows(user) if scope != SCOPE_QUEUE else available_flows(user)
    return [(flow_key(f), flow_label(f)) for f in flows]


# ----------------------------------------------------------------------------- rows


@dataclass
class TaskRow:
    task: Task
    case: Case | None
    title: str
    process_title: str
    deadline: datetime.date | None
    days_left: int | None
    overdue: bool
    status: str
    url: str
    case_url: str


def task_url(task, back: str = "") -> str:
    """The task's page; an assigned task opens its form directly and, once done, Viewflow
    returns to ``back`` (our list) instead of its own process page."""
    from urllib.parse import quote

    try:
        if task.status in (STATUS.ASSIGNED, STATUS.STARTED):
            try:
                url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
            except Exception:  # a node without an execute view
                url = task.flow_task.reverse("index", args=[task.process_id, task.pk])
            return f"{url}?back={quote(back)}" if back else url
        return task.flow_task.reverse("detail", args=[task.process_id, task.pk])
    except Exception:  # a node without views (e.g. removed from the flow)
        return ""


def to_rows(tasks: Iterable[Task], today: datetime.date | None = None, back: str = "",
            links: bool = True) -> list[TaskRow]:
    """Rows as the lists show them; an export has no links (``links=False``): Viewflow's
    ``reverse`` costs ~0.15 ms a task, half the time of a 300-row export."""
    from django.urls import reverse

    today = today or timezone.localdate()
    rows = []
    for task in tasks:
        case_process = getattr(task.process, "caseprocess", None)
        case = case_process.case if case_process else None
        deadline = case.deadline if case else None
        days = working_days_between(today, deadline) if deadline else None
        status = TASK_STATUS_LABELS.get(task.status, task.status)
        if case is not None and case.state != Case.State.OPEN:
            status = f"{status} · {case.get_state_display().lower()}"
        rows.append(
            TaskRow(
                task=task,
                case=case,
                title=str(task.title or task.flow_task),
                process_title=flow_label(task.flow_task.flow_class) if task.flow_task else "",
                deadline=deadline,
                days_left=days,
                overdue=bool(deadline and deadline < today),
                status=status,
                url=task_url(task, back) if links else "",
                case_url=reverse("cases:case_detail", args=[case.pk]) if case and links else "",
            )
        )
    return rows


def export_rows(tasks: QuerySet, limit: int = 5000) -> list[TaskRow]:
    """The rows of a list export: no links, and without the columns an export never shows
    (the task's and the process's ``data``, the owner's password hash): a 300-row team export
    spent a third of its time building model instances from them."""
    return to_rows(tasks.defer("data", "process__data", "owner__password")[:limit], links=False)


def eligible_assignees(task, *, case=None) -> QuerySet:
    """Active colleagues who may do the task: they hold its permission through a role or
    directly, and work on the case's agenda in a role other than the administrator's (the
    superuser's blanket rights do not make an IT administrator a case worker). ``case``: the
    task's case when the caller has it already (else read through the process)."""
    User = get_user_model()
    qs = User.objects.filter(is_active=True)
    perm = task.owner_permission
    if perm:
        app_label, codename = perm.split(".", 1)
        qs = qs.filter(
            Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
            | Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
        )
    if case is None:
        case_process = getattr(task.process, "caseprocess", None) if task.process_id else None
        case = case_process.case if case_process is not None else None
    roles = agendas.agenda_roles().get(agendas.agenda_of_kind(case.kind), frozenset()) if case is not None else frozenset()
    if roles:
        qs = qs.filter(groups__name__in=sorted(roles - {ROLE_ADMIN}))
    return qs.distinct().order_by(czech_order("last_name"), czech_order("first_name"), "pk")


def prefetch_permissions(users) -> None:
    """Fill Django's per-user permission cache (``ModelBackend``'s ``_perm_cache``) of many
    users in one query, so ``has_perm`` on each asks nothing more — the same set the
    backend would compute one user at a time (direct permissions and the groups' ones; all
    of them for an active superuser)."""
    from django.contrib.auth.models import Permission

    todo = [u for u in users if u.is_active and not hasattr(u, "_perm_cache")]
    if not todo:
        return
    perms: dict[int, set[str]] = {u.pk: set() for u in todo}
    if any(u.is_superuser for u in todo):
        every = {f"{a}.{c}" for a, c in Permission.objects.values_list("content_type__app_label", "codename")}
        for u in todo:
            if u.is_superuser:
                perms[u.pk] = set(every)
    plain = [u.pk for u in todo if not u.is_superuser]
    if plain:
        User = get_user_model()
        direct = User.objects.filter(pk__in=plain, user_permissions__isnull=False).values_list(
            "pk", "user_permissions__content_type__app_label", "user_permissions__codename")
        grouped = User.objects.filter(pk__in=plain, groups__permissions__isnull=False).values_list(
            "pk", "groups__permissions__content_type__app_label", "groups__permissions__codename")
        for pk, app_label, codename in direct.union(grouped):
            perms[pk].add(f"{app_label}.{codename}")
    for u in todo:
        u._perm_cache = perms[u.pk]


def assignable_users(task, users) -> list:
    """Users the flow node itself would let take the task (e.g. never the drafter of an
    opinion for its approval — the four-eyes rule lives in the node's ``can_assign``). A node
    may answer for many users at once (``assignable_among``: one read of what it checks)."""
    import copy

    users = list(users)
    probe = copy.copy(task)
    probe.owner = None
    probe.owner_id = None
    prefetch_permissions(users)
    among = getattr(task.flow_task, "assignable_among", None)
    if among is not None:
        return among(users, probe)
    return [u for u in users if task.flow_task.can_assign(u, probe)]


# ----------------------------------------------------------------------------- dashboard


def team_load(user, today: datetime.date | None = None) -> list[dict]:
    """Open tasks per person: assigned, overdue (from the counters, then the people's names)."""
    today = today or timezone.localdate()
    rows = (
        task_counts(user, SCOPE_TEAM).exclude(owner_id=0).order_by().values("owner_id")
        .annotate(total=Sum("n"), overdue=Sum("n", filter=Q(deadline__lt=today)))
        .filter(total__gt=0)
    )
    counts = {r["owner_id"]: r for r in rows}
    people = get_user_model().objects.filter(pk__in=counts).only("username", "first_name", "last_name")
    out = [
        {
            "user_id": person.pk,
            "name": f"{person.first_name} {person.last_name}".strip() or person.username,
            "total": counts[person.pk]["total"],
            "overdue": counts[person.pk]["overdue"] or 0,
        }
        for person in people
    ]
    from .collation import czech_sort_key

    out.sort(key=lambda r: (-r["overdue"], -r["total"], czech_sort_key(r["name"])))
    return out


def queue_summary(user, today: datetime.date | None = None) -> dict:
    """Unassigned open tasks of the team: all and overdue (counters)."""
    today = today or timezone.localdate()
    agg = task_counts(user, SCOPE_TEAM).filter(owner_id=0).order_by().aggregate(
        total=Sum("n"), overdue=Sum("n", filter=Q(deadline__lt=today)))
    return {"total": agg["total"] or 0, "overdue": agg["overdue"] or 0}


def waiting_for_approval(user, limit: int = 20) -> list[TaskRow]:
    """Tasks of cases waiting for approval (case state WAITING), nearest deadline first: the whole
    team's for the head, the ones the user may take (e.g. the deputy head) otherwise."""
    scope = SCOPE_TEAM if can_see_team(user) else SCOPE_QUEUE
    # the waiting cases first (index on state, deadline), then their tasks: a join from the task
    # side would read every open task when few cases wait
    waiting = Case.objects.filter(state=Case.State.WAITING)
    if not user.is_superuser:
        waiting = waiting.filter(kind__in=_kinds_of_agendas(user_agendas(user)))
    case_ids = list(waiting.order_by(F("deadline").asc(nulls_last=True), "pk").values_list("pk", flat=True)[:limit * 5])
    qs = tasks_for(user, scope).filter(**{f"{CASE_PATH}__in": case_ids})
    return to_rows(qs.order_by(*SORTS[DEFAULT_SORT][1]())[:limit])


def lead_times(user, days: int = 90) -> list[dict]:
    """Average lead time per flow: from the case's receipt to the process's end, over the
    processes finished in the last ``days`` (calendar days; from ``FinishedCount``)."""
    since = timezone.localdate() - datetime.timedelta(days=days)
    names = user_agendas(user) if not user.is_superuser else {a.name for a in agendas.agendas()}
    rows = (
        FinishedCount.objects.filter(finished_on__gte=since, case_kind__in=_kinds_of_agendas(names))
        .order_by().values("flow_class").annotate(count=Sum("n"), total=Sum("days_total"))
    )
    totals: dict[str, list[int]] = {}
    for r in rows:
        flow = r["flow_class"]
        label = flow_label(flow) if flow else "?"
        acc = totals.setdefault(label, [0, 0])
        acc[0] += r["count"]
        acc[1] += r["total"]
    out = [
        {"flow": label, "count": count, "avg_days": round(total / count, 1)}
        for label, (count, total) in totals.items() if count
    ]
    out.sort(key=lambda r: r["flow"])
    return out


def agenda_dashboards(user) -> dict:
    """Extra dashboard context contributed by the user's agendas (e.g. opinions per call)."""
    out: dict = {}
    for agenda in agendas.agendas():
        if agenda.dashboard is not None and can_work_on_agenda(user, agenda.name):
            out.update(agenda.dashboard(user))
    return out


def deadline_histogram(counts: QuerySet, today: datetime.date | None = None) -> list[dict]:
    """Open tasks by deadline bucket (the dashboard plot): one sum over ``TaskCount`` rows
    (``task_counts(user, scope)``)."""
    today = today or timezone.localdate()
    buckets = [
        ("po lhůtě", Q(deadline__lt=today)),
        ("dnes", Q(deadline=today)),
        ("do 5 prac. dnů", Q(deadline__gt=today, deadline__lte=add_working_days(today, 5))),
        ("do 10 prac. dnů", Q(deadline__gt=add_working_days(today, 5), deadline__lte=add_working_days(today, 10))),
        ("později", Q(deadline__gt=add_working_days(today, 10)) & ~Q(deadline=NO_DEADLINE)),
        ("bez lhůty", Q(deadline=NO_DEADLINE)),
    ]
    agg = counts.order_by().aggregate(**{f"b{i}": Sum("n", filter=q) for i, (_, q) in enumerate(buckets)})
    return [{"label": label, "count": agg[f"b{i}"] or 0, "danger": i == 0} for i, (label, _) in enumerate(buckets)]


def roles_display(user) -> list[str]:
    from .permissions import ROLES

    return [ROLES[r] for r in sorted(user_roles(user)) if r in ROLES]
