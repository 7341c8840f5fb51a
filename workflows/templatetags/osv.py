"""Template helpers of the work surfaces: Czech dates, working days left, SVG bar charts."""

from __future__ import annotations


from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from workflows.formats import czech_date
from workflows.formats import user_label as _user_label

register = template.Library()


@register.filter
def czdate(value) -> str:
    """24. 11. 2026 (datetimes in local time with hours)."""
    return czech_date(value)


def plural_days(n: int) -> str:
    n = abs(n)
    if n == 1:
        return "1 pracovní den"
    if 2 <= n <= 4:
        return f"{n} pracovní dny"
    return f"{n} pracovních dnů"


@register.filter
def days_left(value) -> str:
    if value is None:
        return ""
    if value == 0:
        return "končí dnes"
    if value > 0:
        return f"zbývá {plural_days(value)}"
    return f"po lhůtě {plural_days(value)}"


@register.filter
def filesize(value) -> str:
    value = int(value or 0)
    if value < 1024:
        return f"{value} B"
    if value < 1024 * 1024:
        return f"{value / 1024:.0f} kB".replace(".", ",")
    return f"{value / 1024 / 1024:.1f} MB".replace(".", ",")


@register.simple_tag
def bar_chart(items, label_key="label", value_key="count", title="", width=520, danger_key="danger"):
    """A horizontal bar chart as inline SVG (server-rendered, no scripts, prints well)."""
    items = list(items)
    bar_h, gap, label_w = 22, 8, 150
    height = max(1, len(items)) * (bar_h + gap) + 10
    top = max([float(i[value_key] or 0) for i in items] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" width="100%" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">'
        f'<title>{escape(title)}</title>'
    ]
    for n, item in enumerate(items):
        y = 5 + n * (bar_h + gap)
        value = float(item[value_key] or 0)
        w = 0 if top == 0 else (width - label_w - 60) * value / top
        color = "#c62828" if item.get(danger_key) else "#1565c0"
        shown = f"{value:g}".replace(".", ",")
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="13" fill="#222">{escape(item[label_key])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{color}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" font-size="13" fill="#222">{shown}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


@register.simple_tag(takes_context=True)
def nav_link(context, url_name, label, key, url=""):
    from django.urls import reverse

    active = context.get("active_nav") == key
    return format_html('<a href="{}"{}>{}</a>', url or reverse(url_name), mark_safe(' class="active" aria-current="page"') if active else "", label)


@register.simple_tag
def user_nav(user) -> dict:
    """What the navigation shows for this user (roles are cached on the user object)."""
    from workflows import selectors as sel
    from workflows.permissions import ROLE_ADMIN, ROLE_API_CLIENT, has_role
    from workflows.notify.selectors import unread_count
    from workflows.work_surface import nav_links, start_links

    works = bool(sel.user_agendas(user)) if getattr(user, "is_authenticated", False) else False
    return {
        "works": works,
        "team": works and sel.can_see_team(user),
        "search": getattr(user, "is_authenticated", False) and not (has_role(user, ROLE_API_CLIENT) and not works),
        "admin": has_role(user, ROLE_ADMIN),
        "agenda_links": nav_links(user),
        "start_links": start_links(user) if works else [],
        "roles": ", ".join(sel.roles_display(user)) if getattr(user, "is_authenticated", False) else "",
        "unread": unread_count(user) if works else 0,  # the bell: one indexed COUNT
    }


@register.filter
def user_label(user) -> str:
    """Full name, else the login (``workflows.formats.user_label``)."""
    return _user_label(user)


@register.simple_tag
def work_title(request) -> str:
    """Title of a start or task page: the node's Czech title (its ``Annotation``)."""
    activation = getattr(request, "activation", None)
    task = getattr(activation, "task", None) if activation is not None else None
    node = getattr(task, "flow_task", None) or getattr(activation, "flow_task", None)
    title = getattr(node, "task_title", "") if node is not None else ""
    return str(title or "Úkol")


@register.simple_tag
def form_error_count(form) -> int:
    return sum(len(errors) for errors in form.errors.values())


@register.filter
def cz_count(n, forms: str) -> str:
    """``3|cz_count:"chybu,chyby,chyb"`` → "3 chyby" (Czech plural: 1 / 2–4 / 5+)."""
    one, few, many = forms.split(",")
    n = int(n or 0)
    word = one if n == 1 else few if 2 <= n <= 4 else many
    return f"{n} {word}"


@register.simple_tag
def date_input(name: str, label: str, value=None):
    """The one Czech date input (``workflows.forms_widgets.CzechDateInput``) outside a form
    class, e.g. in a table row's small form."""
    from workflows.forms_widgets import CzechDateInput

    return CzechDateInput(attrs={"aria-label": label, "required": True}).render(name, value)


@register.filter
def widget_kind(bound_field) -> str:
    """How osv/_field.html lays a field out: "check" (one checkbox), "choices" (radios or
    checkboxes in a fieldset), else "input"."""
    from django import forms

    widget = bound_field.field.widget
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return "choices"
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    return "input"
