"""Emergency cards as Telegram replies: the language menu, the card, the caseworker's note.

The client's card carries nothing for the caseworker: the note that a translation is not yet
checked by a native speaker goes into a separate message (:func:`caseworker_note`), so the
card itself can be shown or forwarded as it is.
"""

from __future__ import annotations

from bot import actions, texts
from bot.actions import Action
from bot.cards.bidi import LRM, RLM
from bot.cards.card import CardContent, CardLine, all_cards
from bot.cards.numbers import number_spans
from bot.knowledge.base import Knowledge
from bot.knowledge.model import Card
from bot.render.reply import Button, Reply, esc

__all__ = ["card_html", "caseworker_note", "language_menu"]


def language_menu(knowledge: Knowledge) -> Reply:
    """/karte: one button per language, two in a row, labelled in the language and German."""
    buttons = []
    for lang, card in all_cards(knowledge).items():
        german = texts.CARD_LANGUAGES.get(lang)
        label = card.language if german in (None, card.language) else f"{card.language} · {german}"
        buttons.append(Button(label, Action(actions.CARD, (lang,))))
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    text = texts.CARD_MENU if rows else texts.CARD_NONE
    return Reply(text, rows)


def _markup(text: str, *, rtl: bool, bold: bool = False) -> str:
    """One line as HTML: the numbers bold; in RTL text between LRMs, the line after an RLM."""
    pieces = []
    last = 0
    for start, end in number_spans(text):
        pieces.append(esc(text[last:start]))
        number = f"<b>{esc(text[start:end])}</b>" if not bold else esc(text[start:end])
        pieces.append(f"{LRM}{number}{LRM}" if rtl else number)
        last = end
    pieces.append(esc(text[last:]))
    line = "".join(pieces)
    if bold:
        line = f"<b>{line}</b>"
    return RLM + line if rtl else line


def card_html(content: CardContent) -> str:
    """The card as one Telegram message (HTML): title, number lines, the rest, the team."""
    rtl = content.rtl
    paragraphs: list[list[str]] = [[_markup("🆘 " + content.card.title, rtl=rtl, bold=True)]]
    previous: CardLine | None = None
    for line in content.lines:
        starts_paragraph = (
            previous is None
            or line.heading
            or (line.number is not None and previous.number is None)
        )
        if starts_paragraph:
            paragraphs.append([])
        paragraphs[-1].append(_markup(line.text, rtl=rtl, bold=line.heading))
        previous = line
    team = content.team
    if team is not None:
        label = team.label or texts.CARD_TEAM
        block = [_markup(f"{label}:", rtl=rtl, bold=True), _markup(team.name, rtl=rtl)]
        block += [_markup(f"☎️ {phone}", rtl=rtl) for phone in team.phones]
        block += [_markup(f"✉️ {email}", rtl=rtl) for email in team.emails]
        paragraphs.append(block)
    return "\n\n".join("\n".join(p) for p in paragraphs)


def caseworker_note(knowledge: Knowledge, card: Card, has_place: bool) -> Reply:
    """For the caseworker only (replaces the language menu, whose buttons stay for another
    language): what was sent, and whether a native speaker has checked the translation."""
    name = texts.CARD_LANGUAGES.get(card.lang, card.language)
    lines = [texts.CARD_SENT.format(language=esc(name))]
    if not card.checked_by_native_speaker:
        lines.append(texts.CARD_NOT_CHECKED)
    if not has_place:
        lines.append(texts.CARD_NO_PLACE)
    return Reply("\n\n".join(lines), language_menu(knowledge).buttons)
