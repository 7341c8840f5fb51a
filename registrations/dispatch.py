"""Registrations and the dispatch engine: what happens when the channel reports delivery.

The engine (workflows.dispatch) sends the act and tells us, by the ``dispatch_delivered`` signal,
that ISDS delivered it (login or fiction). Here that becomes the proceeding's delivery exactly as
if the officer had typed it — ``services.delivery_record`` with the data-box channel, the day
the message reached the box and (for a login) the day it was accepted — so the deadlines module
sets the appeal deadline and the proposed finality; then the flow's delivery task is completed.
Paper stays manual (the delivery form), and records who entered it.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.dispatch.models import Dispatch
from workflows.history import record_event

from .models import Delivery, DeliveryChannel

logger = logging.getLogger(__name__)
SYSTEM_USERNAME = "system-isds"


def system_user():
    """The account a task completed by the channel is assigned to (cannot log in)."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "Datová", "last_name": "schránka (systém)", "is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _delivery_task(document) -> Task | None:
    """The open 'deliver_*' task of the process waiting for this document."""
    candidates = (Task.objects.filter(process__in=document.case.processes.all(), status__in=[STATUS.NEW, STATUS.ASSIGNED])
                  .select_related("process").order_by("pk"))
    for task in candidates:
        node = task.flow_task
        if node is not None and node.name.startswith("deliver_") \
                and (task.process.data or {}).get("pending_delivery") == document.pk:
            return task
    return None


def on_delivered(sender, dispatch: Dispatch, **kwargs) -> None:
    """ISDS delivered ``dispatch``: record the proceeding's delivery and finish the delivery step."""
    document = dispatch.document
    if Delivery.objects.filter(document=document).exists():
        return  # already recorded (another addressee, or by hand)
    ready_on = timezone.localtime(dispatch.delivered_to_box_at).date()
    collected_on = None
    if dispatch.state == Dispatch.State.DELIVERED and dispatch.accepted_at:
        collected_on = timezone.localtime(dispatch.accepted_at).date()
    task = _delivery_task(document)
    try:
        if task is None:
            from . import services

            with transaction.atomic():
                services.delivery_record(document=document, channel=DeliveryChannel.DATA_BOX, ready_on=ready_on,
                                         collected_on=collected_on, actor=None)
            return
        flow_class = task.flow_task.flow_class
        with transaction.atomic(), task.activation() as activation:  # under the flow's lock
            if activation.task.status not in (STATUS.NEW, STATUS.ASSIGNED):
                return
            if activation.task.status == STATUS.NEW:
                activation.assign(system_user())
            activation.start(None)
            flow_class.instance.handle_delivery(activation, user=None, channel=DeliveryChannel.DATA_BOX,
                                                ready_on=ready_on, collected_on=collected_on)
            activation.execute()
    except ValidationError as exc:
        message = "; ".join(exc.messages)
        logger.warning("Delivery of %s reported by ISDS not recorded: %s", document.pk, message)
        record_event(case=document.case, action="dispatch_error", document=document,
                     summary=f"Doručení hlášené datovou schránkou nešlo zapsat: {message}"[:500])
        return


def connect() -> None:
    from workflows.dispatch.services import dispatch_delivered

    dispatch_delivered.connect(on_delivered, dispatch_uid="registrations.on_delivered")
