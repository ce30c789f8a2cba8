"""Cards from the knowledge, the caseworker's team, and the card as a Telegram message.

The client's card carries nothing for the caseworker: the note that a translation is not yet
checked by a native speaker goes into a separate message (:func:`caseworker_note`), so the
card itself can be shown or forwarded as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import actions, texts
from bot.actions import Action
from bot.assistant import Assistant
from bot.cards.bidi import LRM, RLM
from bot.cards.numbers import leading_number, number_spans
from bot.knowledge.base import Knowledge
from bot.knowledge.model import Card, Entry, Place
from bot.render import Button, Reply, esc

GERMAN = "de"
TEAM_CATEGORY = "teams"


@dataclass(frozen=True, slots=True)
class CardLine:
    text: str
    number: str | None  # the phone number the line starts with: shown large
    heading: bool  # ends with ':' (e.g. "Am Telefon sagen:")


@dataclass(frozen=True, slots=True)
class Team:
    """The caseworker's team for the card: its name and how to reach it, if known."""

    label: str
    name: str
    phones: tuple[str, ...]
    emails: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CardContent:
    """One card ready to show: lines with their kind, and the team block if any."""

    card: Card
    lines: tuple[CardLine, ...]
    team: Team | None

    @property
    def rtl(self) -> bool:
        return self.card.direction == "rtl"


def all_cards(knowledge: Knowledge) -> dict[str, Card]:
    """The cards by language: German first, then in file order; the first of a language wins
    (``validate`` reports a second one)."""
    found: dict[str, Card] = {}
    for content in knowledge.contents.values():
        for card in content.cards:
            found.setdefault(card.lang, card)
    if GERMAN in found:
        found = {GERMAN: found[GERMAN], **found}
    return found


def team_entry(knowledge: Knowledge, place: Place | None) -> Entry | None:
    """The team entry scoped to the place (as the search would pick it for the place)."""
    if place is None:
        return None
    tags = set(place.tags)
    for entry in knowledge.entries.values():
        if entry.category == TEAM_CATEGORY and entry.scope and tags.intersection(entry.scope):
            return entry
    return None


def build(assistant: Assistant, card: Card, place: Place | None = None) -> CardContent:
    """The card's content; with ``place``, the team responsible there and its contacts."""
    lines = tuple(
        CardLine(text, leading_number(text), text.rstrip().endswith(":")) for text in card.lines
    )
    team: Team | None = None
    entry = team_entry(assistant.knowledge, place)
    if entry is not None:
        german = all_cards(assistant.knowledge).get(GERMAN)
        label = card.team_label or (german.team_label if german else None) or texts.CARD_TEAM
        views = assistant.contacts(entry)
        team = Team(
            label=label,
            name=entry.title,
            phones=tuple(v.phone.display for v in views if v.phone is not None),
            emails=tuple(v.contact.email for v in views if v.contact.email),
        )
    return CardContent(card, lines, team)


# -- Telegram ------------------------------------------------------------------------------


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
        block = [_markup(f"{team.label}:", rtl=rtl, bold=True), _markup(team.name, rtl=rtl)]
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
