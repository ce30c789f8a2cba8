"""The printable card: one page per language, with the German card's numbers in it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from bot.assistant import Assistant
from bot.cards.card import all_cards, build
from bot.cards.printable import CardFormatError, write_card
from tests.conftest import SHIPPED_KNOWLEDGE, run_cli

LANGUAGES = ["de", "ar", "uk", "ru", "tr", "fa", "en", "fr"]
NUMBERS = ["110", "112", "116 016"]


def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_prints_on_one_page_with_the_numbers(
    shipped: Assistant, tmp_path: Path, lang: str
) -> None:
    card = all_cards(shipped.knowledge)[lang]
    out = tmp_path / f"karte-{lang}.pdf"
    write_card(build(shipped, card, shipped.find_place("Hausach")), out, footer="Notfallkarte")
    pages, text = pdf_text(out)
    assert pages == 1
    for number in NUMBERS:
        # Each number is drawn left to right in a cell of its own, also on Arabic cards.
        assert number in text, (lang, number, text)
    assert "Team Kinzigtal" in text


def test_arabic_text_is_shaped_not_isolated_letters(shipped: Assistant, tmp_path: Path) -> None:
    """The Arabic words read back from the PDF (its glyphs map back to the card's text)."""
    card = all_cards(shipped.knowledge)["ar"]
    out = tmp_path / "karte-ar.pdf"
    write_card(build(shipped, card), out)
    _pages, text = pdf_text(out)
    assert "الشرطة" in text
    assert "ماذا تقول على الهاتف" in text


def test_png_is_a_picture_of_the_page(shipped: Assistant, tmp_path: Path) -> None:
    card = all_cards(shipped.knowledge)["fa"]
    out = tmp_path / "karte-fa.png"
    write_card(build(shipped, card), out)
    image = Image.open(io.BytesIO(out.read_bytes()))
    assert image.format == "PNG"
    width, height = image.size
    assert 1.40 < height / width < 1.43  # A4 portrait
    assert width >= 1200  # printable: 150 dpi
    # Not blank: the red title band is there.
    colors = image.convert("RGB").getcolors(maxcolors=width * height) or []
    assert (190, 20, 30) in {color for _count, color in colors}


def test_other_suffixes_are_refused(shipped: Assistant, tmp_path: Path) -> None:
    card = all_cards(shipped.knowledge)["de"]
    with pytest.raises(CardFormatError):
        write_card(build(shipped, card), tmp_path / "karte.jpg")


@pytest.mark.slow  # the command line as a subprocess
def test_cli_writes_the_arabic_card(tmp_path: Path) -> None:
    out = tmp_path / "karte-ar.pdf"
    result = run_cli(
        "card", "--lang", "ar", "--out", str(out), "--knowledge", str(SHIPPED_KNOWLEDGE)
    )
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    pages, text = pdf_text(out)
    assert pages == 1
    assert all(number in text for number in NUMBERS)


@pytest.mark.slow  # the command line as a subprocess
def test_cli_refuses_unknown_language_and_suffix(tmp_path: Path) -> None:
    unknown = run_cli("card", "--lang", "xx", "--out", str(tmp_path / "k.pdf"))
    assert unknown.returncode == 2
    assert "de, ar, uk, ru, tr, fa, en, fr" in unknown.stderr
    wrong = run_cli("card", "--lang", "de", "--out", str(tmp_path / "k.txt"))
    assert wrong.returncode == 2
    assert not (tmp_path / "k.pdf").exists() and not (tmp_path / "k.txt").exists()
