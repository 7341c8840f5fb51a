"""Text helpers of the plan parser: accent-free matching, inflection-tolerant phrases, § references."""

from __future__ import annotations

import html
import re
import unicodedata

def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(text: str) -> str:
    """Accent-insensitive, case-insensitive, punctuation-free form used for matching."""
    text = strip_accents(text).lower()
    text = re.sub(r"[^\w§]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


_FUNCTION_WORDS = {"a", "s", "se", "pro", "na", "ve", "v", "do", "pul", "k", "ke", "z", "ze", "o"}


def _word_pattern(word: str) -> str:
    """Stem-ish pattern of one normalised word: Czech inflection changes the ending."""
    if word in _FUNCTION_WORDS or len(word) <= 3:
        return re.escape(word)
    if word in ("domy", "dum", "domov"):  # dům / domy / domů / domech
        return r"d[ou]m\w*" if word != "domov" else r"domov\w*"
    stem = word[: max(3, len(word) - 2)]
    return re.escape(stem) + r"\w*"


def phrase_pattern(normalized_phrase: str) -> str:
    words = normalized_phrase.split()
    return r"\b" + r"\s+".join(_word_pattern(w) for w in words) + r"\b"


def find_phrases(norm_text: str, patterns) -> list[tuple[str, int, int]]:
    """Find catalogue phrases in normalised text, longest first, without overlaps."""
    found: list[tuple[str, int, int]] = []
    masked = norm_text
    for pattern, key in patterns:
        for m in pattern.finditer(masked):
            found.append((key, m.start(), m.end()))
        masked = pattern.sub(lambda m: "#" * (m.end() - m.start()), masked)
    return found


def mask_spans(norm_text: str, spans) -> str:
    chars = list(norm_text)
    for _key, start, end in spans:
        chars[start:end] = "#" * (end - start)
    return "".join(chars)


_TAG_BLOCK = re.compile(r"</?(p|br|li|ul|ol|div|tr|table)\b[^>]*>", re.I)
_TAG_ANY = re.compile(r"<[^>]+>")


def strip_html(text: str) -> str:
    text = _TAG_BLOCK.sub("\n", text)
    text = _TAG_ANY.sub("", text)
    return html.unescape(text)


def clean_block(text: str) -> str:
    """Collapse spaces in every line, drop empty lines."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


_PARAGRAPH_REF = re.compile(
    r"§+\s*(\d+[a-z]?)((?:\s*(?:,|a|až|-|–)\s*\d+[a-z]?\b(?!\s*(?:odst|písm|Sb)))*)", re.I
)


def paragraph_refs(text: str) -> list[str]:
    """``§ 79 a 80`` → ["79", "80"]; ``§94, §95. §96`` → ["94", "95", "96"]."""
    refs: list[str] = []
    for m in _PARAGRAPH_REF.finditer(text):
        refs.append(m.group(1).lower())
        refs.extend(x.lower() for x in re.findall(r"\d+[a-z]?", m.group(2) or ""))
    out: list[str] = []
    for r in refs:
        if r not in out:
            out.append(r)
    return out


YEAR_RANGE = re.compile(r"\b((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})\b")


def region_hint(lines: list[str]) -> str:
    for line in lines:
        m = re.search(r"\b([A-ZÁ-Ž][a-zá-ž]+(?:ý|ský|cký))\s+kraj\b", line)
        if m:
            return f"{m.group(1)} kraj"
        m = re.search(r"\b([A-ZÁ-Ž]{3,}(?:Ý))\s+KRAJ\b", line)
        if m:
            return f"{m.group(1).capitalize()} kraj"
    for line in lines:
        m = re.search(r"\b([A-ZÁ-Ž][a-zá-ž]+)ém\s+kraji\b", line)
        if m:
            return f"{m.group(1)}ý kraj"
    return ""


def split_outside_parens(text: str, seps: str = ",;") -> list[str]:
    parts, depth, buf = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch in seps and depth == 0:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return [p.strip() for p in parts]


#: Upper-case words that stay upper-case in sentence case (abbreviations in plan titles).
ABBREVIATIONS = frozenset({"SPRSS", "SPRSSLK", "KK", "LK", "OP", "LZZ", "OPZ", "ESF", "EU", "ČR", "IP", "ORP", "SC"})


def sentence_case(title: str) -> str:
    """``PLÁN PRÁCE NA OBDOBÍ 2011 – 2012 ke Střednědobému plánu`` → ``Plán práce na období 2011 – 2012 ke Střednědobému plánu``.

    Words written in capitals are lowered (abbreviations excepted) but a region's name stays a
    proper name ("LIBERECKÉHO KRAJE" → "Libereckého kraje"); words in mixed case are kept as
    written; the first letter is capital.
    """

    def lower(match: re.Match) -> str:
        word = match.group(0)
        return word if word in ABBREVIATIONS else word.lower()

    text = re.sub(r"\b[^\W\d_]{2,}\b", lambda m: lower(m) if m.group(0).isupper() else m.group(0), title.strip())
    # a region's name stays a proper name: "libereckého kraje" → "Libereckého kraje"
    text = re.sub(r"\b([^\W\d_]+(?:sk|ck)(?:ý|ého|ém|ému|ým))(?=\s+kraj)", lambda m: m.group(1).capitalize(), text)
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1:]
    return text
