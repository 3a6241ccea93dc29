"""Make the Thai text of WeasyPrint's PDFs extractable (copy, search, pdftotext).

WeasyPrint writes each glyph's Unicode text (the PDF's ToUnicode map) from the first shaping cluster it appears in:
a cluster of several glyphs gives its whole text to its last glyph and nothing to the others. Thai clusters nearly
always hold several glyphs (a consonant with its vowel and tone marks, SARA AM split into NIKHAHIT and SARA AA), so
the extracted text of a Thai document comes out garbled ("ค่า" read back as "คูำ").

The fix maps each glyph to its own character instead: from the font's cmap, and for glyphs the font only reaches
through substitutions (lowered or shifted tone marks, often in the Private Use Area), from the substitution's input.
WeasyPrint's own value stays as the fallback. SARA AM is read back as NIKHAHIT + SARA AA, its compatibility
decomposition (NFKC of "ำ"), since the two glyphs are shared with other words.

core.pdf.render_pdf installs it (it patches weasyprint.pdf.fonts.Font, checked against the pinned WeasyPrint).
"""

from __future__ import annotations

import io
from functools import lru_cache

_PUA = range(0xE000, 0xF900)
_installed = False


@lru_cache(maxsize=32)
def glyph_text_map(font_data: bytes, index: int = 0) -> dict[int, str]:
    """{glyph id: text} for every glyph of the font that stands for known characters."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(font_data), fontNumber=index, lazy=True)
        order = font.getGlyphOrder()
        cmap = font.getBestCmap() or {}
    except Exception:  # not a font fontTools reads (bitmap, broken): keep WeasyPrint's behaviour
        return {}
    by_name: dict[str, str] = {}
    for codepoint, name in sorted(cmap.items()):
        if codepoint not in _PUA and name not in by_name:
            by_name[name] = chr(codepoint)
    substitutions: list[tuple[str, list[str]]] = []  # (output glyph, input glyphs)
    if "GSUB" in font:
        for lookup in font["GSUB"].table.LookupList.Lookup:
            for subtable in lookup.SubTable:
                if lookup.LookupType == 7:  # extension: look inside
                    subtable = subtable.ExtSubTable
                kind = subtable.LookupType if hasattr(subtable, "LookupType") else lookup.LookupType
                if kind == 1:
                    substitutions += [(out, [src]) for src, out in subtable.mapping.items()]
                elif kind == 4:
                    for first, ligatures in subtable.ligatures.items():
                        substitutions += [(lig.LigGlyph, [first, *lig.Component]) for lig in ligatures]
    changed = True
    while changed:  # substitutions of substitutions
        changed = False
        for output, inputs in substitutions:
            if output not in by_name and all(name in by_name for name in inputs):
                by_name[output] = "".join(by_name[name] for name in inputs)
                changed = True
    ids = {name: glyph_id for glyph_id, name in enumerate(order)}
    return {ids[name]: text for name, text in by_name.items() if name in ids}


class _GlyphToUnicode(dict):
    """WeasyPrint's per-font {glyph id: text}, corrected to each glyph's own characters when they are known."""

    def __init__(self, font_data: bytes, index: int):
        super().__init__()
        self._known = glyph_text_map(font_data, index)

    def __setitem__(self, glyph_id, text):
        super().__setitem__(glyph_id, self._known.get(glyph_id, text))


def install() -> None:
    """Patch WeasyPrint's Font once per process (idempotent)."""
    global _installed
    if _installed:
        return
    from weasyprint.pdf import fonts

    original_init = fonts.Font.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if not self.bitmap:
            self.to_unicode = _GlyphToUnicode(bytes(self.file_content), self.index)

    fonts.Font.__init__ = __init__
    _installed = True
