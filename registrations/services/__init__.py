"""Every write of the registration agenda, one module per sub-domain.

Keyword-only functions, each one transaction; bad input raises a ``ValidationError`` with a
clear Czech message before anything is written. Every state change goes to the case history
(``workflows.history``) and every registry change to ``RegistryVersion``. All deadline
arithmetic is delegated to ``workflows.deadlines``; reads live in ``registrations.selectors``.
The flows and views call ``services.<name>``: the names are re-exported here.
"""

from .common import (
    CASE_KIND_OF_PROCEEDING,
    DUPLICATE_APPLICATION,
    DUPLICATE_NOTICE,
    NATIONAL_ID_RE,
    NOTICE_PROVIDER_FIELDS,
    field_error,
    validate_ico,
    clean_service,
    registry_version_add,
    phase_set,
    refresh_deadline,
)
from .intake import (
    provider_upsert,
    application_receive,
    cancellation_open,
)
from .completeness import (
    completeness_record,
    supplement_receive,
    remedy_extend,
    remedy_missed_record,
)
from .delivery import (
    delivery_record,
)
from .decision import (
    assessment_record,
    comments_record,
    decision_issued,
)
from .finality import (
    appeal_period_record,
    appeal_waiver_record,
    late_appeal_after_finality,
    finality_confirm,
    appeal_route,
    appeal_outcome_record,
    proceeding_finalize,
    service_set_national_id,
)
from .provider import (
    provider_update_identity,
)
from .notices import (
    change_notice_receive,
    change_notice_record,
    change_notice_close,
    change_notice_convert,
    change_notice_check,
)
from .stopping import (
    act_correct,
    correctable,
    proceeding_stop,
    stop_grounds,
)

__all__ = [
    "CASE_KIND_OF_PROCEEDING",
    "DUPLICATE_APPLICATION",
    "DUPLICATE_NOTICE",
    "NATIONAL_ID_RE",
    "NOTICE_PROVIDER_FIELDS",
    "field_error",
    "validate_ico",
    "clean_service",
    "registry_version_add",
    "phase_set",
    "refresh_deadline",
    "provider_upsert",
    "provider_update_identity",
    "application_receive",
    "cancellation_open",
    "completeness_record",
    "supplement_receive",
    "remedy_extend",
    "remedy_missed_record",
    "delivery_record",
    "assessment_record",
    "comments_record",
    "decision_issued",
    "appeal_period_record",
    "appeal_waiver_record",
    "late_appeal_after_finality",
    "finality_confirm",
    "appeal_route",
    "appeal_outcome_record",
    "proceeding_finalize",
    "service_set_national_id",
    "change_notice_receive",
    "change_notice_record",
    "change_notice_close",
    "change_notice_convert",
    "change_notice_check",
    "act_correct",
    "correctable",
    "proceeding_stop",
    "stop_grounds",
]
