"""Saved views (issue 12, item 8): named filters of the task lists and the search, kept on the
server per user, shareable with colleagues of the same agenda (read-only, they may copy),
deleted only by their owner; and the lists offer only what fits the person: the inbox's
process filter lists the user's agendas, the reassign dialog only colleagues who may do the task."""

from __future__ import annotations

import pytest

from tests.workflows.factories import CaseFactory, TaskFactory, days
from workflows import selectors as sel
from workflows.notify.models import SavedView

pytestmark = pytest.mark.django_db


def section(response) -> str:
    """The saved-views panel of a list (messages above it may repeat a name)."""
    html = response.content.decode()
    return html[html.index('id="saved-views"'):].split("</section>")[0]


def save(client, scope="inbox", name="Po lhůtě", query="overdue=1&sort=-deadline&page=3&export=csv", shared=False):
    data = {"scope": scope, "name": name, "query": query}
    if shared:
        data["shared"] = "1"
    return client.post("/pohledy/", data)


def test_a_saved_view_is_kept_on_the_server_and_listed_with_its_link(client, demo_users):
    client.force_login(demo_users["referent"])
    response = save(client)
    assert response.status_code == 302 and response["Location"] == "/ukoly/?overdue=1&sort=-deadline"
    view = SavedView.objects.get()
    assert (view.owner.username, view.scope, view.name, view.query, view.shared) == (
        "referent", "inbox", "Po lhůtě", "overdue=1&sort=-deadline", False)
    html = section(client.get("/ukoly/?overdue=1&sort=-deadline"))
    assert '<a href="/ukoly/?overdue=1&amp;sort=-deadline" aria-current="true">Po lhůtě</a>' in html
    assert 'name="query" value="overdue=1&amp;sort=-deadline"' in html  # the form saves what is on screen
    save(client, query="sort=applicant")  # the same name again: replaced, not doubled
    assert list(SavedView.objects.values_list("query", flat=True)) == ["sort=applicant"]
    assert "Po lhůtě" not in section(client.get("/fronta/"))  # a view belongs to its list


def test_an_empty_name_is_refused_with_a_czech_message(client, demo_users):
    client.force_login(demo_users["referent"])
    response = save(client, name="  ")
    assert response.status_code == 302 and SavedView.objects.count() == 0
    assert response["Location"] == "/ukoly/?overdue=1&sort=-deadline"  # back to the filter, no export
    assert "Zadejte název pohledu." in client.get(response["Location"]).content.decode()


def test_shared_with_the_team_colleagues_of_the_agenda_see_and_copy_it_read_only(client, demo_users):
    client.force_login(demo_users["referent"])
    save(client, scope="queue", name="Týmová fronta", query="window=5", shared=True)
    view = SavedView.objects.get()
    assert view.shared and view.agendas == ["registrations"]

    client.force_login(demo_users["referent2"])
    html = section(client.get("/fronta/"))
    assert 'id="shared-views"' in html and "Týmová fronta" in html and "(Jana Nováková)" in html
    assert client.post(f"/pohledy/{view.pk}/smazat/").status_code == 403  # read-only for others
    response = client.post(f"/pohledy/{view.pk}/kopirovat/")
    assert response.status_code == 302 and response["Location"] == "/fronta/?window=5"
    copy = SavedView.objects.get(owner=demo_users["referent2"])
    assert (copy.name, copy.query, copy.shared) == ("Týmová fronta", "window=5", False)

    client.force_login(demo_users["planovac"])  # another agenda: not shared with her
    assert "Týmová fronta" not in section(client.get("/fronta/"))
    assert client.post(f"/pohledy/{view.pk}/kopirovat/").status_code == 403

    client.force_login(demo_users["referent"])
    assert client.post(f"/pohledy/{view.pk}/smazat/").status_code == 302
    assert list(SavedView.objects.values_list("owner__username", flat=True)) == ["referent2"]


def test_a_view_only_for_a_list_the_user_may_open(client, demo_users):
    client.force_login(demo_users["planovac"])
    assert save(client, scope="team").status_code == 403
    assert save(client, scope="neexistuje").status_code == 403
    client.force_login(demo_users["ctenar"])
    assert save(client, scope="inbox").status_code == 403
    assert save(client, scope="search", query="q=Domov").status_code == 302
    assert "Po lhůtě" in section(client.get("/hledat/"))
    assert list(SavedView.objects.values_list("owner__username", "scope")) == [("ctenar", "search")]


# ------------------------------------------------------------------ lists that fit the person


def test_the_inbox_process_filter_lists_only_the_users_agendas(client, demo_users):
    from opinions.flows import OpinionFlow
    from registrations.flows.registration import RegistrationFlow

    client.force_login(demo_users["planovac"])
    keys = [k for k, _label in client.get("/ukoly/").context["process_choices"]]
    assert sel.flow_key(OpinionFlow) in keys and sel.flow_key(RegistrationFlow) not in keys
    client.force_login(demo_users["vedouci"])  # the head works on both agendas
    keys = [k for k, _label in client.get("/ukoly/").context["process_choices"]]
    assert sel.flow_key(OpinionFlow) in keys and sel.flow_key(RegistrationFlow) in keys


def test_the_reassign_list_offers_only_colleagues_who_may_do_the_task(client, demo_users):
    task = TaskFactory(case=CaseFactory(deadline=days(2)), owner=demo_users["referent"])
    client.force_login(demo_users["vedouci"])
    names = [u.username for u in client.get(f"/ukoly/{task.pk}/predat/").context["candidates"]]
    # the letter's repair step of a registration case: its officers (and the head, deputy who hold
    # the permission); never the IT administrator (a superuser), the reader, the API client, a planner
    assert "spravce" not in names and "ctenar" not in names and "portal" not in names and "planovac" not in names
    assert {"referent", "referent2"} <= set(names)
    response = client.post(f"/ukoly/{task.pk}/predat/", {"user": demo_users["spravce"].pk})
    task.refresh_from_db()
    assert task.owner == demo_users["referent"]  # refused, with a Czech message
    assert response.status_code == 302
