"""DOCX template specs of the registration agenda (built by ``manage.py build_document_templates``).

The official form (letterhead, address window, reference row, Věc, signature, přílohy,
rozdělovník, page numbers) comes from ``workflows.docx_builder``. Every legal sentence — basis,
výrok, poučení and the fixed wordings — comes from the act catalogue (``registrations/acts.yaml``)
through ``act``; the templates only place values and loop (``registrations.documents`` builds
the context). The fields each template may use are listed in docs/acts.md.
"""

SERVICES = [
    ("raw", "{%p for s in services %}"),
    ("b", "{{ loop.index }}. {{ s.name }} (§ {{ s.paragraph }} zákona č. 108/2006 Sb.){% if s.identifier %}, "
          "identifikátor služby {{ s.identifier }}{% endif %}"),
    ("p", "forma poskytování: {{ s.form }}; místo poskytování: {{ s.place }}; územní působnost: {{ s.territory }}"),
    ("p", "okruh osob: {{ s.target_groups }}, věková struktura: {{ s.age }}; kapacita: {{ s.capacity }}"),
    ("raw", "{%p if s.provided_from %}"),
    ("p", "poskytována {{ s.provided_from }}"),
    ("raw", "{%p endif %}"),
    ("raw", "{%p endfor %}"),
]

INSTRUCTION = [
    ("b", "Poučení"),
    ("p", "{{ act.instruction }}"),
]

# odůvodnění of a decision (§ 68 odst. 3 SŘ): how it was opened, the podklady relied on, each
# condition assessed, the parties' comments answered; a full grant may omit it (§ 68 odst. 4)
REASONS = [
    ("raw", "{%p if not omit_reasoning %}"),
    ("b", "Odůvodnění"),
    ("p", "{{ opened }}"),
    ("raw", "{%p if podklady %}"),
    ("p", "Správní orgán vycházel z těchto podkladů:"),
    ("raw", "{%p for item in podklady %}"),
    ("p", "– {{ item }}"),
    ("raw", "{%p endfor %}"),
    ("raw", "{%p endif %}"),
    ("raw", "{%p if conditions %}"),
    ("p", "Splnění podmínek registrace posoudil správní orgán takto:"),
    ("raw", "{%p for c in conditions %}"),
    ("p", "– {{ c.ground }} ({{ c.label }}): {% if c.fulfilled %}splněna{% else %}nesplněna{% endif %}"
          "{% if c.note %} – {{ c.note }}{% endif %}"),
    ("raw", "{%p endfor %}"),
    ("raw", "{%p endif %}"),
    ("raw", "{%p if reasoning %}"),
    ("p", "{{ reasoning }}"),
    ("raw", "{%p endif %}"),
    ("raw", "{%p if evidence_notice %}"),
    ("p", "{{ evidence_notice }}"),
    ("p", "{{ comments_answer }}"),
    ("raw", "{%p endif %}"),
    ("raw", "{%p endif %}"),
    ("raw", "{%p if omit_reasoning %}"),
    ("b", "Odůvodnění"),
    ("p", "{{ act.texts.no_reasons }}"),
    ("raw", "{%p endif %}"),
]

# § 87: a decision issued after the office granted the appeal names and revokes the appealed one
AUTOREMEDY = [
    ("raw", "{%p if autoremedy %}"),
    ("p", "{{ act.texts.autoremedy }}"),
    ("raw", "{%p endif %}"),
]

# § 90 odst. 1 písm. b): a decision issued after the ministry cancelled the earlier one and returned
# the case names that act and the legal view the office was bound by
RETURNED = [
    ("raw", "{%p if returned %}"),
    ("p", "{{ act.texts.returned }}"),
    ("raw", "{%p endif %}"),
]

TEMPLATES = {
    "reg_deficiency": [
        ("h", "{{ act.title }}"),
        ("p", "{{ act.texts.opened }}"),
        ("b", "Výzva k odstranění nedostatků"),
        ("p", "{{ act.texts.call }}"),
        ("raw", "{%p for m in missing %}"),
        ("p", "{{ loop.index }}. {{ m.label }}{% if m.ground %} ({{ m.ground }}){% endif %}{% if m.note %}: {{ m.note }}{% endif %}"),
        ("raw", "{%p endfor %}"),
        ("p", "{{ act.texts.consequence }}"),
        ("b", "Usnesení"),
        ("p", "{{ act.verdict }}"),
        ("b", "Odůvodnění"),
        ("p", "Žádost nemá náležitosti uvedené výše; bez jejich odstranění nelze ve věci rozhodnout. "
              "Žádost se týká těchto služeb:"),
        *SERVICES,
        *INSTRUCTION,
    ],
    "reg_termination": [
        ("h", "{{ act.title }}"),
        ("b", "Výrok"),
        ("p", "{{ act.verdict }}"),
        ("b", "Odůvodnění"),
        ("raw", "{%p if deficiency_reference %}"),
        ("p", "Správní orgán vyzval účastníka výzvou k odstranění nedostatků žádosti spojenou s usnesením "
              "o přerušení řízení č. j. {{ deficiency_reference }}, doručenou dne {{ deficiency_delivered_on }}, "
              "aby do {{ remedy_deadline }} odstranil tyto nedostatky žádosti, které ve lhůtě odstraněny nebyly:"),
        ("raw", "{%p for m in missing %}"),
        ("p", "{{ loop.index }}. {{ m.label }}{% if m.ground %} ({{ m.ground }}){% endif %}"),
        ("raw", "{%p endfor %}"),
        ("p", "Bez odstranění těchto vad nelze v řízení pokračovat; správní orgán proto řízení zastavil. "
              "Žádost se týkala služeb:"),
        ("raw", "{%p endif %}"),
        ("raw", "{%p if ex_officio %}"),
        ("p", "{{ reasoning }}"),
        ("p", "Řízení se týkalo registrace těchto služeb:"),
        ("raw", "{%p endif %}"),
        ("raw", "{%p if stop_reason %}"),
        ("p", "{{ stop_reason }}"),
        ("p", "Žádost se týkala služeb:"),
        ("raw", "{%p endif %}"),
        *SERVICES,
        *INSTRUCTION,
    ],
    # § 70 SŘ: the correction names the corrected act (title, č. j., date) and says what is corrected
    "reg_correction": [
        ("h", "{{ act.title }}"),
        ("b", "Výrok"),
        ("p", "{{ act.verdict }}"),
        ("b", "Odůvodnění"),
        ("p", "{{ act.texts.reasons }}"),
        ("p", "Ostatní části opravovaného aktu zůstávají beze změny."),
        *INSTRUCTION,
    ],
    "reg_evidence_notice": [
        ("h", "{{ act.title }}"),
        ("p", "{{ act.texts.body }}"),
        ("p", "Řízení ({{ proceeding_label }}) se týká služeb:"),
        *SERVICES,
        ("raw", "{%p if reasoning %}"),
        ("p", "Podle podkladů správní orgán zvažuje: {{ reasoning }}"),
        ("raw", "{%p endif %}"),
    ],
    "reg_opening_notice": [
        ("h", "{{ act.title }}"),
        ("p", "{{ act.texts.body }}"),
        ("p", "Řízení se týká registrace těchto služeb:"),
        *SERVICES,
        ("b", "Skutečnosti, o které správní orgán zahájení řízení opírá"),
        ("p", "{{ grounds }}"),
        ("b", "Práva účastníka"),
        ("p", "{{ act.texts.rights }}"),
    ],
    "reg_decision_registration": [
        ("h", "{{ act.title }}"),
        ("b", "Výrok"),
        ("p", "{{ act.verdict }}"),
        *AUTOREMEDY,
        *RETURNED,
        *SERVICES,
        ("p", "{{ act.texts.provided_from }}"),
        *REASONS,
        *INSTRUCTION,
    ],
    "reg_decision_refusal": [
        ("h", "{{ act.title }}"),
        ("b", "Výrok"),
        ("p", "{{ act.verdict }}"),
        *AUTOREMEDY,
        *RETURNED,
        ("p", "Žádost se týkala těchto služeb:"),
        *SERVICES,
        *REASONS,
        *INSTRUCTION,
    ],
    "reg_decision_change": [
        ("h", "{{ act.title }}"),
        ("b", "Výrok"),
        ("p", "{{ act.verdict }}"),
        *AUTOREMEDY,
        *RETURNED,
        ("raw", "{%p for c in changes %}"),
        ("b", "{{ loop.index }}. {{ c.name }} (§ {{ c.paragraph }} zákona č. 108/2006 Sb.), identifikátor služby "
              "{{ c.identifier }}"),
        ("raw", "{%p for row in c.rows %}"),
        ("p", "{{ row.label }}: z „{{ row.before }}“ na „{{ row.after }}“"),
        ("raw", "{%p endfor %}"),
        ("raw", "{%p endfor %}"),
        ("raw", "{%p if ended %}"),
        ("p", "{{ act.texts.ended_services }}"),
        ("raw", "{%p endif %}"),
        ("p", "{{ act.texts.from_finality }}"),
        *REASONS,
        *INSTRUCTION,
    ],
    "reg_decision_cancellation": [
        ("h", "{{ act.title }}"),
        ("b", "Výrok"),
        ("p", "{{ act.verdict }}"),
        *AUTOREMEDY,
        *RETURNED,
        *SERVICES,
        ("raw", "{%p if late_request %}"),
        ("p", "{{ act.texts.late_request }}"),
        ("raw", "{%p endif %}"),
        *REASONS,
        *INSTRUCTION,
    ],
    "reg_notice_ack": [
        ("h", "{{ act.title }}"),
        ("p", "Potvrzujeme, že dne {{ received_on }} bylo správnímu orgánu doručeno oznámení změn podle "
              "§ 82 odst. 1 zákona č. 108/2006 Sb., o sociálních službách, od poskytovatele {{ party }}; "
              "změny nastaly dne {{ change_date }}."),
        ("raw", "{%p if service %}"),
        ("p", "Služba: {{ service.name }} (§ {{ service.paragraph }}), {{ service.form }}, {{ service.place }}"
              "{% if service.identifier %}, identifikátor {{ service.identifier }}{% endif %}"),
        ("raw", "{%p endif %}"),
        ("p", "Do registru poskytovatelů byly zapsány tyto změny:"),
        ("raw", "{%p for i in items %}"),
        ("p", "– {{ i.kind }}: {{ i.description }}"),
        ("raw", "{%p endfor %}"),
        ("raw", "{%p if is_late %}"),
        ("p", "{{ act.texts.late }}"),
        ("raw", "{%p endif %}"),
    ],
    "reg_appeal_forward": [
        ("h", "{{ act.title }}"),
        ("p", "{{ office_name }} podle § 88 odst. 1 správního řádu předkládá odvolání účastníka {{ party }}, "
              "doručené dne {{ appeal_received_on }}, proti rozhodnutí č. j. {{ decision_reference }} ze dne "
              "{{ decision_date }} ({{ decision_title }}), spolu se spisovým materiálem a svým stanoviskem."),
        ("raw", "{%p if late %}"),
        ("p", "{{ act.texts.late }}"),
        ("raw", "{%p endif %}"),
        ("p", "Odvolatel v odvolání namítá:"),
        ("p", "{{ appeal_points }}"),
        ("p", "Stanovisko správního orgánu:"),
        ("p", "{{ note }}"),
        ("raw", "{%p if not late %}"),
        ("p", "{{ act.texts.no_autoremedy }}"),
        ("raw", "{%p endif %}"),
        ("p", "Rozhodnutí se týká služeb:"),
        *SERVICES,
    ],
}

# what ``registrations.documents.proceeding_context`` gives every proceeding act besides the
# fields its repository template already uses: an office's own template may use these too
PROCEEDING_FIELDS = [
    "act", "provider", "party", "proceeding", "proceeding_label", "services", "received_on", "grounds", "office_name",
    "ex_officio", "opened", "podklady", "conditions", "reasoning", "omit_reasoning", "evidence_notice",
    "comments_answer", "autoremedy", "returned",
]
APPEAL_FORWARD_FIELDS = ["appeal_received_on", "decision_reference", "decision_date", "decision_title",
                         "appeal_points", "note", "late"]
FIELDS = {code: PROCEEDING_FIELDS for code in TEMPLATES if code != "reg_notice_ack"}
FIELDS["reg_appeal_forward"] = PROCEEDING_FIELDS + APPEAL_FORWARD_FIELDS
FIELDS["reg_notice_ack"] = ["act", "provider", "party", "change_date", "received_on", "due_on", "is_late", "items",
                            "service"]
