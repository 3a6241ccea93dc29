"""Thai line breaking for PDFs: lines break between words, never inside one.

Thai is written without spaces between words, so a renderer must find the word boundaries itself. Pango (under
WeasyPrint) uses libthai's dictionary, which splits office compounds: "สิทธิ์ผู้ | ใช้งานระบบ",
"ชำนาญการ | พิเศษ". Before a document is laid out, each run of Thai text is cut into words by pythainlp (newmm),
with the department's own vocabulary (levels, positions, office terms) added to its dictionary; every word is
wrapped in a span that does not wrap inside, and a zero-width space between two words is where a line may break.
The zero-width space draws nothing and does not come back out of the PDF's text.

A person's name is not a word the dictionary knows ("ไชย|วงศ์"): templates mark names with <span class="name">,
whose Thai runs stay whole; a name still breaks at its spaces, between the given name and the surname, so a long
name fits a narrow column.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from django.conf import settings

BREAK = "\u200b"  # ZERO WIDTH SPACE: a break opportunity that draws nothing
WORD_STYLE = "<style>span.th-word { white-space: nowrap }</style>"

# Office terms a line must not split, besides the levels and positions of the reference data.
OFFICE_TERMS = (
    "ผู้ใช้งาน", "ผู้ใช้", "สิทธิ์", "ใบเสร็จรับเงิน", "ขายทอดตลาด", "ค่าธรรมเนียม", "ของเก่า", "ที่ทำการปกครอง",
    "กรมการปกครอง", "ที่ว่าการอำเภอ", "ศาลากลางจังหวัด", "รักษาราชการแทน", "ปฏิบัติราชการแทน", "หัวหน้าหน่วยงาน",
    "ผู้ตรวจสอบ", "ตรวจสอบสิทธิ์", "ผู้รับผิดชอบ", "ไกล่เกลี่ย", "นอกระบบ", "เกษียณอายุราชการ", "ย้ายออก",
    "ใบนำฝาก", "ลายมือชื่อ", "พ.ศ.", "สำนัก", "สอบสวน", "นิติการ",
)

_THAI_RUN = re.compile(r"[\u0e01-\u0e5b]+")
_TAG = re.compile(r"""(<!--.*?-->|<(?:"[^"]*"|'[^']*'|[^'">])*>)""", re.DOTALL)  # a ">" in quotes is no end
_RAW_TEXT_TAGS = ("style", "script", "title")  # text that is not laid out as words
_NAME_SPAN = re.compile(r"""<span\b[^>]*\bclass=["'](?:[^"']*\s)?name[\s"']""")


@lru_cache(maxsize=1)
def office_vocabulary() -> frozenset[str]:
    """The department's own words: OFFICE_TERMS and the reference data's levels and positions."""
    reference = json.loads((settings.BASE_DIR / "fixtures" / "reference.json").read_text(encoding="utf-8"))
    # Position names joined by "และ" are long enough to need a break inside; the rest stay whole.
    names = {item["name_th"] for key in ("levels", "positions") for item in reference.get(key, ())
             if "และ" not in item["name_th"]}
    return frozenset(names | set(OFFICE_TERMS))


@lru_cache(maxsize=1)
def dictionary():
    from pythainlp.corpus import thai_words
    from pythainlp.util import Trie

    return Trie(set(thai_words()) | office_vocabulary())


@lru_cache(maxsize=20_000)
def words_of(run: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize

    return tuple(word_tokenize(run, custom_dict=dictionary(), engine="newmm", keep_whitespace=False))


def _break_run(match: re.Match) -> str:
    return BREAK.join(f'<span class="th-word">{word}</span>' for word in words_of(match.group()))


def _whole_run(match: re.Match) -> str:
    return f'<span class="th-word">{match.group()}</span>'


def mark_word_breaks(html: str) -> str:
    """`html` with its Thai text cut into unbreakable words; tags, styles and attributes are left as they are."""
    parts = _TAG.split(html)
    raw_text_tag = None
    name_depth = 0  # > 0 inside a <span class="name">: the spans open since it began, itself included
    for index, part in enumerate(parts):
        if index % 2:  # a tag or a comment
            name = part[1:].split(None, 1)[0].rstrip(">/").lower() if len(part) > 2 else ""
            if raw_text_tag is None and name in _RAW_TEXT_TAGS:
                raw_text_tag = name
            elif raw_text_tag is not None and name == f"/{raw_text_tag}":
                raw_text_tag = None
            elif name == "/head":
                parts[index] = WORD_STYLE + part
            elif name == "span" and (name_depth or _NAME_SPAN.match(part)):
                name_depth += 1
            elif name == "/span" and name_depth:
                name_depth -= 1
        elif raw_text_tag is None and part:
            parts[index] = _THAI_RUN.sub(_whole_run if name_depth else _break_run, part)
    return "".join(parts)
