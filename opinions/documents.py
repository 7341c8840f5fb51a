"""Context of the opinion's document (the Vyjádření), built from what the approval froze."""

from __future__ import annotations

from django.utils import timezone

from workflows.formats import czech_date, user_label

from . import selectors
from .models import Opinion


def document_context(opinion: Opinion) -> dict:
    """Context of the opinion DOCX, built from the frozen snapshot (never from live plan data)."""
    snap = opinion.snapshot or selectors.build_snapshot(opinion)
    st = snap["statements"]
    verdicts = {
        "s1": dict(Opinion.Compliance.choices).get(st.get("s1_verdict"), ""),
        "s2": dict(Opinion.YesNo.choices).get(st.get("s2_verdict"), ""),
        "s3": dict(Opinion.Assessment.choices).get(st.get("s3_verdict"), ""),
        "s4": dict(Opinion.Funding.choices).get(st.get("s4_verdict"), ""),
    }
    programme = opinion.call.programme
    return {
        "statement_title": programme.statement_title,
        "opinion": opinion,
        "applicant_name": opinion.applicant_name,
        "applicant_ico": opinion.applicant_ico,
        "applicant_address": opinion.applicant_address,
        "project_title": opinion.project_title,
        "registration_number": opinion.registration_number or "dosud nepřiděleno",
        "programme_name": programme.name,
        "call_label": f"výzva č. {opinion.call.number}" + (f" – {opinion.call.name}" if opinion.call.name else ""),
        "area_label": str(opinion.area),
        "period": f"{czech_date(opinion.period_start)} – {czech_date(opinion.period_end)}",
        "territory": opinion.territory_label,
        "services": ", ".join(f"{s.name} (§ {s.paragraph})" for s in opinion.service_types.all()) or "—",
        "groups": ", ".join(g.name for g in opinion.target_groups.all()) or "—",
        "budget": f"{opinion.budget:,.2f} Kč".replace(",", " ").replace(".", ","),
        "plans": ", ".join(snap.get("plans", [])) or "—",
        "activities": snap.get("activities", []),
        # statement 4 cites each answer as its reasoned sentence (snapshots before reasons: the text)
        "ip_answers": [{**w, "answer": w.get("statement") or w.get("answer")}
                       for w in snap.get("ip_warnings", []) if w.get("statement") or w.get("answer")],
        "s3_facts": snap.get("s3_facts", []),
        "v1": verdicts["s1"], "t1": st.get("s1_text", ""),
        "v2": verdicts["s2"], "t2": st.get("s2_text", ""),
        "v3": verdicts["s3"], "t3": st.get("s3_text", ""),
        "v4": verdicts["s4"], "t4": st.get("s4_text", ""),
        "official_name": user_label(opinion.approver),
        "official_function": opinion.approver_function,
        "approved_on": czech_date(timezone.localtime(opinion.approved_at).date()) if opinion.approved_at else "",
        "handler_name": user_label(opinion.drafter),
        "handler_email": opinion.drafter.email if opinion.drafter else "",
    }
