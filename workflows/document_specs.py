"""DOCX template specs of the engine itself (see workflows.docx_builder)."""

TEMPLATES = {
    "letter": [
        ("h", "{{ subject }}"),
        ("raw", "{%p for line in body_paragraphs %}"),
        ("p", "{{ line }}"),
        ("raw", "{%p endfor %}"),
    ],
}
