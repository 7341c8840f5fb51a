"""DOCX template specs of the registration agenda (built by ``manage.py build_document_templates``).

Header (office, č. j., sp. zn., vyřizuje, place and date, addressees) and closing (official,
function, seal) come from ``workflows.docx_builder``. The texts are drafts for the office's
lawyers to review; logic stays in ``registrations.documents`` (context builders).
"""

PARTY = [
    ("p", "Účastník řízení: {{ provider.name }}, IČO {{ provider_ico }}, {{ provider.address }}"
          "{% if provider.data_box %}, ID datové schránky {{ provider.data_box }}{% endif %}"),
]

SERVICES = [
    ("raw", "{%p for s in services %}"),
    ("b", "{{ loop.index }}. {{ s.name }} (§ {{ s.paragraph }} zákona č. 108/2006 Sb.)"),
    ("p", "forma poskytování: {{ s.form }}; místo poskytování: {{ s.place }}; územní působnost: {{ s.territory }}"),
    ("p", "okruh osob: {{ s.target_groups }}, věková struktura: {{ s.age }}; kapacita: {{ s.capacity }}"),
    ("p", "poskytována od: {{ s.provided_from }}{% if s.identifier %}; identifikátor služby: {{ s.identifier }}{% endif %}"),
    ("raw", "{%p endfor %}"),
]

APPEAL_INSTRUCTION = [
    ("b", "Poučení"),
    ("p", "Proti tomuto rozhodnutí se lze odvolat do {{ appeal_days }} dnů ode dne jeho oznámení k odvolacímu "
          "orgánu, kterým je {{ appeal_authority }}, podáním učiněným u správního orgánu, který rozhodnutí vydal ({{ office_name }}). Odvolání jen proti "
          "odůvodnění rozhodnutí je nepřípustné. Včas podané a přípustné odvolání má odkladný účinek "
          "(§ 85 odst. 1 správního řádu). Rozhodnutí nabývá právní moci dnem, kdy marně uplyne lhůta "
          "k odvolání nebo kdy se účastník odvolání vzdá."),
]

RESOLUTION_APPEAL_INSTRUCTION = [
    ("b", "Poučení"),
    ("p", "Proti tomuto usnesení se lze odvolat do {{ appeal_days }} dnů ode dne jeho oznámení k odvolacímu "
          "orgánu, kterým je {{ appeal_authority }}, podáním učiněným u správního orgánu, který usnesení vydal ({{ office_name }}). Odvolání nemá "
          "odkladný účinek (§ 76 odst. 5 správního řádu)."),
]

NO_APPEAL_INSTRUCTION = [
    ("b", "Poučení"),
    ("p", "Proti usnesení o přerušení řízení se nelze odvolat; usnesení se pouze poznamená do spisu "
          "(§ 76 odst. 3 správního řádu). Po dobu přerušení řízení lhůty pro vydání rozhodnutí neběží (§ 65 odst. 1)."),
]

REASONS = [
    ("raw", "{%p if not omit_reasoning %}"),
    ("b", "Odůvodnění"),
    ("p", "Správní orgán zahájil řízení dne {{ received_on }}. {{ reasoning }}"),
    ("p", "{{ assessment_note }}"),
    ("raw", "{%p endif %}"),
    ("raw", "{%p if omit_reasoning %}"),
    ("p", "Podle § 68 odst. 4 správního řádu se rozhodnutí neodůvodňuje, neboť se jím vyhovuje všem účastníkům "
          "v plném rozsahu."),
    ("raw", "{%p endif %}"),
]

TEMPLATES = {
    "reg_deficiency": [
        ("h", "Výzva k odstranění nedostatků žádosti a usnesení o přerušení řízení"),
        *PARTY,
        ("p", "Věc: žádost o {% if proceeding.kind == 'change' %}změnu registrace{% else %}registraci{% endif %} "
              "sociálních služeb doručená dne {{ received_on }}"),
        ("p", "{{ office_name }} jako věcně a místně příslušný správní orgán podle § 78 zákona č. 108/2006 Sb., "
              "o sociálních službách, vyzývá účastníka podle § 45 odst. 2 správního řádu k odstranění těchto "
              "nedostatků žádosti:"),
        ("raw", "{%p for m in missing %}"),
        ("p", "– {{ m.label }}{% if m.ground %} ({{ m.ground }}){% endif %}{% if m.note %}: {{ m.note }}{% endif %}"),
        ("raw", "{%p endfor %}"),
        ("p", "Lhůta k odstranění nedostatků: {{ remedy_days }} dnů ode dne doručení této výzvy."),
        ("b", "Usnesení"),
        ("p", "Řízení se podle § 64 odst. 1 písm. a) správního řádu přerušuje do doby odstranění nedostatků, "
              "nejdéle do uplynutí stanovené lhůty. Nebudou-li nedostatky ve lhůtě odstraněny, správní orgán "
              "řízení podle § 66 odst. 1 písm. c) správního řádu zastaví."),
        ("p", "Žádost se týká těchto služeb:"),
        *SERVICES,
        *NO_APPEAL_INSTRUCTION,
    ],
    "reg_termination": [
        ("h", "Usnesení o zastavení řízení"),
        ("b", "Výrok"),
        ("p", "{{ office_name }} podle § 66 odst. 1 písm. c) správního řádu zastavuje řízení o žádosti účastníka "
              "{{ provider.name }}, IČO {{ provider_ico }}, {{ provider.address }}, doručené dne {{ received_on }}."),
        *PARTY,
        ("b", "Odůvodnění"),
        ("p", "Účastník ve lhůtě do {{ remedy_deadline }} neodstranil nedostatky žádosti, k jejichž odstranění "
              "byl vyzván výzvou spojenou s usnesením o přerušení řízení; v řízení proto nelze pokračovat. "
              "Žádost se týkala služeb:"),
        *SERVICES,
        *RESOLUTION_APPEAL_INSTRUCTION,
    ],
    "reg_evidence_notice": [
        ("h", "Vyrozumění o možnosti seznámit se s podklady rozhodnutí"),
        *PARTY,
        ("p", "{{ office_name }} sděluje, že shromáždil podklady pro vydání rozhodnutí v řízení "
              "{% if proceeding.kind == 'cancellation' %}o zrušení registrace{% elif proceeding.kind == 'change' %}"
              "o změně registrace{% else %}o registraci{% endif %}. Podle § 36 odst. 3 správního řádu má účastník "
              "možnost seznámit se s podklady a vyjádřit se k nim do {{ comments_days }} dnů ode dne doručení "
              "tohoto vyrozumění, a to v úředních hodinách po předchozí domluvě."),
        ("p", "Řízení se týká služeb:"),
        *SERVICES,
        ("p", "{{ reasoning }}"),
    ],
    "reg_opening_notice": [
        ("h", "Oznámení o zahájení řízení o zrušení registrace z moci úřední"),
        *PARTY,
        ("p", "{{ office_name }} oznamuje podle § 46 odst. 1 správního řádu, že zahajuje z moci úřední řízení "
              "o zrušení registrace podle § 82 odst. 3 zákona č. 108/2006 Sb. těchto služeb:"),
        *SERVICES,
        ("p", "Důvody: {{ grounds }}"),
        ("p", "Řízení je zahájeno dnem doručení tohoto oznámení. Účastník má právo navrhovat důkazy, činit "
              "návrhy, vyjádřit se k podkladům rozhodnutí a nahlížet do spisu (§ 36 a § 38 správního řádu)."),
    ],
    "reg_decision_registration": [
        ("h", "Rozhodnutí o registraci"),
        ("b", "Výrok"),
        ("p", "{{ office_name }} jako příslušný správní orgán podle § 78 odst. 1 zákona č. 108/2006 Sb., "
              "o sociálních službách, rozhodl podle § 78 a § 79 tohoto zákona a § 67 správního řádu o žádosti "
              "účastníka {{ provider.name }}, IČO {{ provider_ico }}, se sídlem {{ provider.address }}, takto: "
              "účastník se registruje jako poskytovatel sociálních služeb pro tyto služby:"),
        *SERVICES,
        *PARTY,
        *REASONS,
        *APPEAL_INSTRUCTION,
    ],
    "reg_decision_refusal": [
        ("h", "Rozhodnutí o zamítnutí žádosti"),
        ("b", "Výrok"),
        ("p", "{{ office_name }} podle § 81 zákona č. 108/2006 Sb. a § 67 správního řádu zamítá žádost účastníka "
              "{{ provider.name }}, IČO {{ provider_ico }}, se sídlem {{ provider.address }}, o "
              "{% if proceeding.kind == 'change' %}změnu registrace{% else %}registraci{% endif %} těchto služeb:"),
        *SERVICES,
        *PARTY,
        ("b", "Odůvodnění"),
        ("p", "Správní orgán zahájil řízení dne {{ received_on }}. {{ reasoning }}"),
        ("p", "{{ assessment_note }}"),
        ("p", "Účastník byl vyrozuměn o možnosti vyjádřit se k podkladům rozhodnutí (§ 36 odst. 3 správního "
              "řádu). Vyjádření účastníka: {{ comments }}"),
        *APPEAL_INSTRUCTION,
    ],
    "reg_decision_change": [
        ("h", "Rozhodnutí o změně registrace"),
        ("b", "Výrok"),
        ("p", "{{ office_name }} podle § 82 odst. 2 zákona č. 108/2006 Sb. a § 67 správního řádu mění registraci "
              "poskytovatele {{ provider.name }}, IČO {{ provider_ico }}, se sídlem {{ provider.address }}, tak, "
              "že ode dne nabytí právní moci tohoto rozhodnutí jsou registrované údaje služeb tyto:"),
        *SERVICES,
        *PARTY,
        *REASONS,
        *APPEAL_INSTRUCTION,
    ],
    "reg_decision_cancellation": [
        ("h", "Rozhodnutí o zrušení registrace"),
        ("b", "Výrok"),
        ("p", "{{ office_name }} podle § 82 odst. 3 zákona č. 108/2006 Sb. a § 67 správního řádu ruší registraci "
              "poskytovatele {{ provider.name }}, IČO {{ provider_ico }}, se sídlem {{ provider.address }}, "
              "pro tyto služby:"),
        *SERVICES,
        *PARTY,
        ("b", "Odůvodnění"),
        ("p", "{% if proceeding.ex_officio %}Řízení bylo zahájeno z moci úřední doručením oznámení dne "
              "{{ received_on }}.{% else %}Řízení bylo zahájeno na žádost poskytovatele doručenou dne "
              "{{ received_on }}.{% endif %} {{ grounds }}"),
        ("p", "{{ reasoning }}"),
        ("p", "{% if proceeding.ex_officio %}Vyjádření účastníka k podkladům: {{ comments }}{% endif %}"),
        *APPEAL_INSTRUCTION,
    ],
    "reg_notice_ack": [
        ("h", "Potvrzení o přijetí oznámení změn"),
        ("p", "Poskytovatel: {{ provider.name }}, IČO {{ provider_ico }}, {{ provider.address }}"),
        ("p", "Potvrzujeme, že dne {{ received_on }} bylo doručeno oznámení změn "
              "podle § 82 odst. 1 zákona č. 108/2006 Sb., které nastaly dne {{ change_date }}."),
        ("raw", "{%p if service %}"),
        ("p", "Služba: {{ service.name }} (§ {{ service.paragraph }}), {{ service.form }}, {{ service.place }}"
              "{% if service.identifier %}, identifikátor {{ service.identifier }}{% endif %}"),
        ("raw", "{%p endif %}"),
        ("p", "Zapsané změny:"),
        ("raw", "{%p for i in items %}"),
        ("p", "– {{ i.kind }}: {{ i.description }}"),
        ("raw", "{%p endfor %}"),
        ("raw", "{%p if is_late %}"),
        ("p", "Upozorňujeme, že oznámení bylo učiněno po lhůtě, která uplynula dne {{ due_on }}. Neoznámení změny "
              "ve lhůtě je přestupkem podle § 107 zákona č. 108/2006 Sb."),
        ("raw", "{%p endif %}"),
    ],
    "reg_appeal_forward": [
        ("h", "Předložení odvolání a spisového materiálu"),
        ("p", "Adresát: {{ appeal_authority }}"),
        ("p", "{{ office_name }} podle § 88 odst. 1 správního řádu předkládá odvolání účastníka {{ provider.name }}, "
              "IČO {{ provider_ico }}, doručené dne {{ appeal_received_on }}, proti rozhodnutí "
              "č. j. {{ decision_reference }} ({{ decision_title }}), spolu se spisovým materiálem a svým "
              "stanoviskem. Správní orgán neshledal podmínky pro postup podle § 87 správního řádu."),
        ("p", "{{ note }}"),
        ("p", "Rozhodnutí se týká služeb:"),
        *SERVICES,
        ("p", "Příloha: spis sp. zn. {{ file_mark }}"),
    ],
}
