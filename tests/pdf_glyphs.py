"""Where each Thai mark is drawn in a PDF, read back from the PDF itself.

A Thai vowel or tone mark above or below a consonant is a glyph of its own, placed by the font's mark positioning
(OpenType GPOS `mark`/`mkmk`, and GSUB `ccmp` for the lowered and shifted forms). A renderer that skips them draws
the tone mark where the font's default glyph sits: high above a consonant that has no upper vowel ("floating"),
into the upper vowel of "ที่", or beside a tall consonant (ป, ฝ, ฟ) rather than over it.

`mark_placement_errors` reads every glyph of every page (pdfminer.six: the text matrix, the rise and the glyph id),
takes each glyph's outline box from the font embedded in the PDF (fontTools), and checks each mark against its
base consonant: over it, not beside it; a tone mark close above the consonant or its upper vowel, not floating;
a tone mark clear of the upper vowel it stacks on.

`line_break_errors` reads the text back (pdftotext -raw) and checks each line that ends in Thai and is followed by
one that starts in Thai. The text read back has lost the space a line may have ended at, so a break is judged by
the word the two ends would form (core.thai_lines' words): it is wrong if that word is one of the department's
own (ผู้ใช้งาน, ชำนาญการพิเศษ) or if either side of it is not a word at all (ใช้ง | าน).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

CONSONANTS = {chr(c) for c in range(0x0E01, 0x0E2F)}
UPPER_VOWELS = {"\u0e31", "\u0e34", "\u0e35", "\u0e36", "\u0e37", "\u0e47"}  # ั ิ ี ึ ื ็
TONES = {"\u0e48", "\u0e49", "\u0e4a", "\u0e4b", "\u0e4c", "\u0e4d", "\u0e4e"}  # ่ ้ ๊ ๋ ์ ํ ๎
LOWER_VOWELS = {"\u0e38", "\u0e39", "\u0e3a"}  # ุ ู ฺ
MARKS = UPPER_VOWELS | TONES | LOWER_VOWELS

# In em of the font size. Measured in Laksaman: a placed mark sits at most 0.12 em above what it rests on; with the
# font's mark features off (`font-feature-settings: "ccmp" 0, "mark" 0, "mkmk" 0`, as the report template once had
# it), tone marks float 0.18 to 0.42 em above their consonant (tests/test_pdf_typesetting.py renders both).
FLOATING_GAP = 0.15
OVERLAP_ALLOWED = 0.02


@dataclass(frozen=True)
class Glyph:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float  # the font size on the page, in points

    @property
    def centre_x(self) -> float:
        return (self.x0 + self.x1) / 2


def _outline_boxes(font_data: bytes) -> tuple[dict[int, tuple[int, int, int, int]], int]:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(font_data))
    order = font.getGlyphOrder()
    glyf = font["glyf"]
    boxes = {}
    for glyph_id, name in enumerate(order):
        glyph = glyf[name]
        if getattr(glyph, "numberOfContours", 0):
            boxes[glyph_id] = (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax)
    return boxes, font["head"].unitsPerEm


def _text_of(font, cid: int) -> str:
    from pdfminer.pdffont import PDFUnicodeNotDefined

    try:
        return font.to_unichr(cid)
    except PDFUnicodeNotDefined:
        return ""


def page_glyphs(content: bytes) -> list[list[Glyph]]:
    """Every drawn glyph with an outline, page by page, in the order the PDF draws them."""
    from pdfminer.converter import PDFLayoutAnalyzer
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import apply_matrix_pt

    outlines: dict[int, tuple[dict, int]] = {}
    pages: list[list[Glyph]] = []

    class Recorder(PDFLayoutAnalyzer):
        def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):
            descriptor = getattr(font, "descriptor", {}) or {}
            stream = resolve1(descriptor.get("FontFile2"))
            if stream is None:
                return 0.0
            key = id(stream)
            if key not in outlines:
                outlines[key] = _outline_boxes(stream.get_data())
            boxes, units = outlines[key]
            box = boxes.get(cid)
            if box is not None:
                scale = fontsize / units
                corners = [apply_matrix_pt(matrix, (x * scale * scaling, y * scale + rise))
                           for x, y in ((box[0], box[1]), (box[2], box[3]))]
                (x0, y0), (x1, y1) = corners
                pages[-1].append(Glyph(_text_of(font, cid), min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1),
                                       abs(matrix[3]) * fontsize))
            return font.char_width(cid) * fontsize * scaling

        def begin_page(self, page, ctm):
            pages.append([])
            super().begin_page(page, ctm)

    manager = PDFResourceManager()
    device = Recorder(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    for page in PDFPage.get_pages(io.BytesIO(content)):
        interpreter.process_page(page)
    return pages


def mark_groups(content: bytes):
    """(page number, base consonant, [its marks]) for every consonant drawn with marks."""
    for page_number, glyphs in enumerate(page_glyphs(content), start=1):
        base, marks = None, []
        for glyph in [*glyphs, None]:
            if glyph is not None and glyph.text in MARKS:
                if base is not None:
                    marks.append(glyph)
                continue
            if base is not None and marks:
                yield page_number, base, marks
            base, marks = (glyph if glyph is not None and glyph.text in CONSONANTS else None), []


def mark_placement_errors(content: bytes) -> tuple[int, list[str]]:
    """(marks checked, one line per misplaced mark) for the PDF `content`.

    The marks above a consonant are taken from the lowest up, whatever order the PDF draws them in: the lowest sits
    close above the consonant, each next one close above the one below it and clear of it.
    """
    checked, errors = 0, []
    for page_number, base, marks in mark_groups(content):
        em = base.size
        left, right = base.x0, base.x1  # what a mark may stand over: the consonant and the marks under it

        def misplaced(glyph: Glyph, problem: str, page_number=page_number, base=base) -> None:
            errors.append(f"page {page_number}: {glyph.text!r} on {base.text!r} at ({glyph.x0:.1f}, {glyph.y0:.1f}): "
                          f"{problem}")

        for glyph in (g for g in marks if g.text in LOWER_VOWELS):
            checked += 1
            if not left - 0.05 * em <= glyph.centre_x <= right + 0.05 * em:
                misplaced(glyph, "beside its consonant, not under it")
        below = base
        for glyph in sorted((g for g in marks if g.text not in LOWER_VOWELS), key=lambda g: g.y0):
            checked += 1
            if not left - 0.05 * em <= glyph.centre_x <= right + 0.05 * em:
                misplaced(glyph, "beside its consonant, not over it")
            gap = (glyph.y0 - below.y1) / em
            if gap > FLOATING_GAP:
                misplaced(glyph, f"floats {gap:.2f} em above {below.text!r}")
            if below is not base and -gap > OVERLAP_ALLOWED:
                misplaced(glyph, f"drawn into {below.text!r} ({-gap:.2f} em)")
            below, left, right = glyph, min(left, glyph.x0), max(right, glyph.x1)
    return checked, errors


def as_typed(text: str) -> str:
    """Text read back from a PDF as it was typed: marks in Unicode's order (a PDF draws ผู้'s tone before its lower
    vowel), SARA AM whole again (it comes back as NIKHAHIT + SARA AA)."""
    import unicodedata

    return unicodedata.normalize("NFC", text).replace("\u0e4d\u0e32", "\u0e33")


def typed_lines(content: bytes) -> list[str]:
    """The PDF's lines in the order written (pdftotext -raw), as typed."""
    import subprocess

    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True).stdout
    return as_typed(text.decode()).splitlines()


def printed_text(html: str) -> str:
    """The text of the HTML a PDF is made from, without core.thai_lines' word spans and break marks."""
    import re

    from core.thai_lines import BREAK

    return re.sub(r"<[^>]+>", "", html).replace(BREAK, "")


def line_break_errors(content: bytes) -> tuple[int, list[str]]:
    """(Thai line breaks checked, one line per break inside a word) for the PDF `content`."""
    import re

    from core.thai_lines import dictionary, office_vocabulary, words_of

    lines = typed_lines(content)
    checked, errors = 0, []
    for line, following in zip(lines, lines[1:], strict=False):
        end, start = re.search(r"[\u0e01-\u0e5b]+$", line), re.match(r"[\u0e01-\u0e5b]+", following)
        if not (end and start):
            continue
        checked += 1
        words, position, at = words_of(end.group() + start.group()), len(end.group()), 0
        for word in words:
            if at < position < at + len(word):  # the word the two lines' ends would form
                before, after = word[:position - at], word[position - at:]
                if word in office_vocabulary() or before not in dictionary() or after not in dictionary():
                    errors.append(f"{end.group()} | {start.group()}: the line breaks inside {word}")
            at += len(word)
    return checked, errors


def assert_thai_typeset(content: bytes) -> None:
    """Every Thai mark of the PDF `content` in its place, and no line broken inside a word."""
    marks, misplaced = mark_placement_errors(content)
    assert marks and not misplaced, misplaced[:10]
    _, broken = line_break_errors(content)
    assert not broken, broken[:10]
