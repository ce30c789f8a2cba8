"""The printable card: one A4 page (PDF, or a PNG picture of it) for a notice board.

Drawn with fpdf2 and shaped by HarfBuzz (``uharfbuzz``), so Arabic and Persian letters join
and run right to left. The fonts ship with the package (``bot/cards/fonts``: Noto Sans for
Latin and Cyrillic, Noto Sans Arabic for Arabic and Persian; SIL Open Font License), so
nothing is downloaded. A PNG is the PDF page rendered by PDFium (``pypdfium2``).

Phone numbers are drawn in cells of their own, left to right, so no bidi reordering can touch
them; the rest of a right-to-left line is shaped with direction ``rtl`` and aligned right.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from bot import texts
from bot.cards.card import CardContent

FONTS = Path(__file__).resolve().parent / "fonts"
LATIN = "NotoSans"
ARABIC = "NotoSansArabic"
PAGE_WIDTH = 210.0  # A4, mm
PAGE_HEIGHT = 297.0
MARGIN = 14.0
FOOTER_ROOM = 12.0
RED = (190, 20, 30)
GREY = (90, 90, 90)
# Pixels of a PNG: A4 at 150 dpi, sharp enough to print and small enough to send.
PNG_DPI = 150


class CardFormatError(ValueError):
    """The output name ends neither in .pdf nor in .png."""


@dataclass(frozen=True, slots=True)
class _Sizes:
    """Font sizes in points; all scaled together until the card fits one page."""

    title: float
    number: float
    label: float
    text: float
    heading: float

    def scaled(self, factor: float) -> _Sizes:
        return _Sizes(
            *(
                size * factor
                for size in (self.title, self.number, self.label, self.text, self.heading)
            )
        )


BASE = _Sizes(title=30, number=64, label=22, text=19, heading=21)
PT = 25.4 / 72  # mm per point


def write_card(content: CardContent, out: Path, *, footer: str = "") -> None:
    """Write the card to ``out``: a PDF for ``.pdf``, a PNG picture for ``.png``."""
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".png"):
        raise CardFormatError(str(out))
    pdf = card_pdf(content, footer=footer)
    data = bytes(pdf.output())
    if suffix == ".pdf":
        out.write_bytes(data)
    else:
        out.write_bytes(pdf_to_png(data))


def card_pdf(content: CardContent, *, footer: str = "") -> FPDF:
    """The card as a one-page PDF; the sizes shrink step by step until it fits."""
    factor = 1.0
    while True:
        pdf = _draw(content, BASE.scaled(factor), footer)
        if pdf.page_no() == 1 or factor < 0.45:
            return pdf
        factor -= 0.05


def pdf_to_png(data: bytes) -> bytes:
    """The first page of a PDF as a PNG."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        page = document[0]
        image = page.render(scale=PNG_DPI / 72).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()
    finally:
        document.close()


def _new_pdf(rtl: bool) -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN + FOOTER_ROOM)
    for family, stem in ((LATIN, "NotoSans"), (ARABIC, "NotoSansArabic")):
        pdf.add_font(family, "", str(FONTS / f"{stem}-Regular.ttf"))
        pdf.add_font(family, "B", str(FONTS / f"{stem}-Bold.ttf"))
    # The other script's font fills in what a font lacks (e.g. '–' in Noto Sans Arabic).
    pdf.set_fallback_fonts([LATIN, ARABIC] if rtl else [ARABIC], exact_match=False)
    pdf.set_title("Notfallkarte")
    pdf.set_creator("caseworker-bot")
    pdf.add_page()
    return pdf


def _shaping(pdf: FPDF, rtl: bool) -> None:
    if rtl:
        pdf.set_text_shaping(use_shaping_engine=True, direction="rtl")
    else:
        pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")


def _draw(content: CardContent, sizes: _Sizes, footer: str) -> FPDF:
    rtl = content.rtl
    family = ARABIC if rtl else LATIN
    align = Align.R if rtl else Align.L
    pdf = _new_pdf(rtl)
    width = PAGE_WIDTH - 2 * MARGIN

    # Title in a red band.
    _shaping(pdf, rtl)
    pdf.set_font(family, "B", sizes.title)
    pdf.set_fill_color(*RED)
    pdf.set_text_color(255, 255, 255)
    pdf.multi_cell(
        width,
        sizes.title * PT * 1.45,
        content.card.title,
        align=Align.C,
        fill=True,
        padding=(3, 4),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)

    number_width = 0.0
    pdf.set_font(LATIN, "B", sizes.number)
    for line in content.lines:
        if line.number is not None:
            number_width = max(number_width, pdf.get_string_width(line.number) + 6)

    previous_number = False
    for line in content.lines:
        if line.number is not None:
            if not previous_number:
                pdf.ln(2)
            label = line.text[len(line.number) :].strip().lstrip("–-:").strip()
            _number_row(pdf, line.number, label, number_width, sizes, rtl, family)
            previous_number = True
            continue
        previous_number = False
        if line.heading:
            pdf.ln(3)
        pdf.set_font(
            family, "B" if line.heading else "", sizes.heading if line.heading else sizes.text
        )
        _shaping(pdf, rtl)
        size = sizes.heading if line.heading else sizes.text
        pdf.multi_cell(
            width, size * PT * 1.5, line.text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    team = content.team
    if team is not None:
        pdf.ln(5)
        pdf.set_draw_color(*GREY)
        pdf.line(MARGIN, pdf.get_y(), PAGE_WIDTH - MARGIN, pdf.get_y())
        pdf.ln(3)
        _shaping(pdf, rtl)
        pdf.set_font(family, "B", sizes.heading)
        pdf.multi_cell(
            width,
            sizes.heading * PT * 1.5,
            team.label or texts.CARD_TEAM,
            align=align,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")
        pdf.set_font(LATIN, "", sizes.text)
        for text in (team.name, *team.phones, *team.emails):
            pdf.multi_cell(
                width, sizes.text * PT * 1.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )

    if footer:
        pdf.set_auto_page_break(False)
        pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")
        pdf.set_font(LATIN, "", 8)
        pdf.set_text_color(*GREY)
        pdf.set_xy(MARGIN, PAGE_HEIGHT - MARGIN - 4)
        pdf.cell(width, 4, footer, align=Align.C)
    return pdf


def _number_row(
    pdf: FPDF,
    number: str,
    label: str,
    number_width: float,
    sizes: _Sizes,
    rtl: bool,
    family: str,
) -> None:
    """A big number beside its label; the number on the side where the reading starts."""
    width = PAGE_WIDTH - 2 * MARGIN
    row_height = sizes.number * PT * 1.25
    label_width = width - number_width
    top = pdf.get_y()
    if top + row_height > PAGE_HEIGHT - MARGIN - FOOTER_ROOM:
        pdf.add_page()  # does not fit: the caller shrinks everything and tries again
        top = pdf.get_y()
    number_x = PAGE_WIDTH - MARGIN - number_width if rtl else MARGIN
    label_x = MARGIN if rtl else MARGIN + number_width
    pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")
    pdf.set_font(LATIN, "B", sizes.number)
    pdf.set_text_color(*RED)
    pdf.set_xy(number_x, top)
    pdf.cell(number_width, row_height, number, align=Align.R if rtl else Align.L)
    pdf.set_text_color(0, 0, 0)
    _shaping(pdf, rtl)
    pdf.set_font(family, "B", sizes.label)
    line_height = sizes.label * PT * 1.35
    lines = pdf.multi_cell(label_width, line_height, label, dry_run=True, output="LINES")
    used = line_height * max(1, len(lines) if isinstance(lines, list) else 1)
    pdf.set_xy(label_x, top + max(0.0, (row_height - used) / 2))
    pdf.multi_cell(
        label_width,
        line_height,
        label,
        align=Align.R if rtl else Align.L,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_y(max(top + row_height, pdf.get_y() + 2))


def footer_text(content: CardContent, version: str) -> str:
    name = texts.CARD_LANGUAGES.get(content.card.lang, content.card.language)
    return texts.CARD_PRINT_FOOTER.format(language=name, version=version)
