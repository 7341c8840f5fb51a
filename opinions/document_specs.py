"""DOCX template of the opinion (Vyjádření). Not a decision: no výrok, no poučení (documents.md).

Every value comes from ``opinions.documents.document_context`` (built from the frozen snapshot).
The statement's title is catalogue data (Programme.statement_title), so later programmes'
statements reuse this template or get their own code.
"""

TEMPLATES = {
    "opinion": [
        ("h", "{{ statement_title }}"),
        ("b", "Žadatel"),
        ("p", "{{ applicant_name }}, IČO {{ applicant_ico }}{% if applicant_address %}, {{ applicant_address }}{% endif %}"),
        ("b", "Projekt"),
        ("p", "Název projektu: {{ project_title }}"),
        ("p", "Registrační číslo: {{ registration_number }}"),
        ("p", "Operační program: {{ programme_name }}, {{ call_label }}"),
        ("p", "Oblast podpory: {{ area_label }}"),
        ("p", "Doba realizace: {{ period }}; území: {{ territory }}"),
        ("p", "Druhy sociálních služeb: {{ services }}"),
        ("p", "Cílové skupiny: {{ groups }}"),
        ("p", "Rozpočet projektu: {{ budget }}"),
        ("b", "1. Soulad se střednědobým plánem rozvoje sociálních služeb kraje: {{ v1 }}"),
        ("p", "{{ t1 }}"),
        ("p", "Plán kraje: {{ plans }}"),
        ("raw", "{%p if activities %}"),
        ("p", "Aktivity plánu, na které projekt navazuje:"),
        ("raw", "{%p for a in activities %}"),
        ("p", "– {{ a.label }}"),
        ("raw", "{%p endfor %}"),
        ("raw", "{%p endif %}"),
        ("b", "2. Potřebnost realizace projektu v kraji: {{ v2 }}"),
        ("p", "{{ t2 }}"),
        ("b", "3. Hodnocení dosavadní činnosti předkladatele: {{ v3 }}"),
        ("p", "{{ t3 }}"),
        ("raw", "{%p if s3_facts %}"),
        ("p", "Podklady (registr poskytovatelů, dřívější vyjádření):"),
        ("raw", "{%p for f in s3_facts %}"),
        ("p", "– {{ f }}"),
        ("raw", "{%p endfor %}"),
        ("raw", "{%p endif %}"),
        ("b", "4. Financování z individuálního projektu kraje: {{ v4 }}"),
        ("p", "{{ t4 }}"),
        ("raw", "{%p if ip_answers %}"),
        ("p", "K možnému souběhu s individuálními projekty kraje:"),
        ("raw", "{%p for w in ip_answers %}"),
        ("p", "– {{ w.ip }} (§ {{ w.paragraph }} {{ w.service }}): {{ w.answer }}"),
        ("raw", "{%p endfor %}"),
        ("raw", "{%p endif %}"),
        ("p", ""),
        ("p", "Schváleno dne {{ approved_on }}"),
    ],
}
