"""Bad input and attackers: any question, any default place, any knowledge text.

Whatever a user types (up to 10,000 characters of any Unicode) and whatever a team lead
writes into the knowledge, the assistant answers without an exception, and every reply it
renders is one Telegram accepts: valid HTML for parse mode HTML, at most 4096 characters per
message, callback data of at most 64 bytes and no empty button label (checked with the fake
server's rules in ``fakebotapi/rules.py``). The console shows the same replies as text.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.assistant import Answer, Assistant
from bot.console import ConsoleChat, format_reply
from bot.render import Reply, esc, split_message
from bot.render.answers import Renderer
from fakebotapi import rules
from tests.conftest import BERLIN
from tests.robustness.hostile import EMOJI, FORMATS, INVISIBLE, MARKUP, PLACES, QUOTES
from tests.robustness.telegram import assert_accepted

EXAMPLES = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Pieces an attacker or a hurried caseworker might type; joined at random below.
FRAGMENTS = [
    MARKUP,
    QUOTES,
    EMOJI,
    FORMATS,
    INVISIBLE,
    "<b>",
    "</i>",
    "&amp;",
    "&",
    "<script>alert(1)</script>",
    "'; DROP TABLE questions; --",
    "' OR '1'='1",
    "{0}",
    "%s",
    "{place}",
    "%(place)s",
    "\x00\x01\x1b[31m\x7f",
    "\u202eevil\u202c",
    "\u200f\u200e",
    "\ufeff",
    "e\u0301\u0308",
    "ß ẞ ÄÖÜ äöü",
    "polizei",
    "hausach",
    "Zell a. H.",
    "Böse&Stadt",
    'O\'Brien "Town"',
    "lahr",
    "jugendamt",
    "suizid",
    "messer",
    "klient",
    "was tun",
    "110",
    "/ort Lahr",
    "/zeit 2026-02-30T25:61",
    "/themen",
    "1",
    "99",
    "\n\n",
    " ",
    "\t",
]
SHIPPED_TOWNS = ["Hausach", "Lahr", "Offenburg", "Zell am Harmersbach", "Kehl", "Achern"]

_fragment = st.sampled_from(FRAGMENTS)
questions = st.one_of(
    st.text(max_size=10_000),
    st.lists(st.one_of(_fragment, st.text(max_size=30)), max_size=40).map(" ".join),
    st.tuples(st.one_of(_fragment, st.text(min_size=1, max_size=20)), st.integers(1, 10_000)).map(
        lambda pair: (pair[0] * pair[1])[:10_000]
    ),
)
# Times that matter for opening hours: working day, night, Sunday, holidays, both DST
# switches (the hour that exists twice; the one that does not exist is a known bug below).
MOMENTS = [
    dt.datetime(2026, 11, 25, 10, 0),
    dt.datetime(2026, 11, 25, 22, 30),
    dt.datetime(2026, 12, 25, 9, 0),
    dt.datetime(2026, 11, 29, 12, 0),
    dt.datetime(2026, 12, 24, 15, 59),
    dt.datetime(2026, 12, 31, 23, 59, 59),
    dt.datetime(2027, 3, 28, 3, 0),
    dt.datetime(2027, 10, 31, 2, 30, fold=0),
    dt.datetime(2027, 10, 31, 2, 30, fold=1),
    dt.datetime(2027, 6, 3, 8, 0),  # Fronleichnam, a holiday in Baden-Württemberg only
]
# The question tests vary the text; open, closed and holiday are enough of time there.
moments = st.sampled_from(MOMENTS[:3]).map(lambda moment: moment.replace(tzinfo=BERLIN))


def default_places(towns: list[str]) -> st.SearchStrategy[str | None]:
    """No default place, a town of the knowledge, or garbage where a town should be."""
    return st.one_of(st.none(), st.sampled_from(towns), questions)


_accepted: set[tuple[object, ...]] = set()


def check(reply: Reply) -> None:
    """``assert_accepted`` and the console form, once per distinct reply (checks are slow)."""
    key = (reply.html, *(tuple((b.label, b.action) for b in row) for row in reply.buttons))
    if key not in _accepted:
        assert_accepted(reply)
        assert isinstance(format_reply(reply), str)
        _accepted.add(key)


class Checked:
    """Renders every reply an answer leads to and checks each against Telegram's rules.

    An entry's reply depends on the entry, time, place and urgency, not on the question:
    each such combination is rendered once per test run.
    """

    def __init__(self, assistant: Assistant) -> None:
        self.renderer = Renderer(assistant, can_escalate=True)
        self._rendered: set[tuple[object, ...]] = set()

    def answer(self, answer: Answer) -> None:
        check(self.renderer.answer(answer))
        check(self.renderer.emergency(answer.place))
        check(self.renderer.topics())
        json.dumps(answer.to_json())
        place = answer.place.name if answer.place else None
        for hit in answer.results:
            key = (hit.entry.id, answer.now, place, answer.place_source, answer.urgent)
            if key in self._rendered:
                continue
            self._rendered.add(key)
            entry = self.renderer.entry(
                hit.entry,
                now=answer.now,
                place=answer.place,
                place_source=answer.place_source,
                urgent=answer.urgent,
            )
            check(entry)


@pytest.fixture(scope="module")
def shipped_checked(shipped: Assistant) -> Checked:
    return Checked(shipped)


@pytest.fixture(scope="module")
def hostile_checked(hostile: Assistant) -> Checked:
    return Checked(hostile)


@pytest.mark.slow  # 300 examples
@EXAMPLES
@given(question=questions, place=default_places(SHIPPED_TOWNS), now=moments)
def test_any_question_on_the_shipped_knowledge_gets_replies_telegram_accepts(
    shipped_checked: Checked, question: str, place: str | None, now: dt.datetime
) -> None:
    """Any text with or without a default place: an answer, and only sendable replies."""
    answer = shipped_checked.renderer.assistant.answer(question, place, now)
    assert answer.outcome in {"answer", "choose", "none"}
    shipped_checked.answer(answer)


@pytest.mark.slow  # 300 examples
@EXAMPLES
@given(question=questions, place=default_places([*PLACES.values(), "Bösingen & Co"]), now=moments)
def test_any_question_on_a_hostile_knowledge_gets_replies_telegram_accepts(
    hostile_checked: Checked, question: str, place: str | None, now: dt.datetime
) -> None:
    """Titles, texts and contacts full of markup, emoji and length still render sendable."""
    answer = hostile_checked.renderer.assistant.answer(question, place, now)
    hostile_checked.answer(answer)


@pytest.mark.parametrize(
    "question",
    [
        "polizei",
        "böse stadt polizei",
        "lang riesig",
        "notruf gefahr messer",
        "bösingen & co",
        "eintrag",
    ],
)
def test_hostile_knowledge_questions_reach_every_kind_of_reply(
    hostile_checked: Checked, question: str
) -> None:
    """Plain questions on the hostile knowledge land on its entries (so the above bites)."""
    answer = hostile_checked.renderer.assistant.answer(
        question, None, MOMENTS[0].replace(tzinfo=BERLIN)
    )
    assert answer.results
    hostile_checked.answer(answer)


@pytest.mark.slow  # every entry, 15 moments
@settings(max_examples=15, deadline=None)
@given(
    now=st.datetimes(
        min_value=dt.datetime(2020, 1, 1),
        max_value=dt.datetime(2035, 12, 31),
        timezones=st.just(BERLIN),
        allow_imaginary=True,  # the hour skipped in March included
    ),
    urgent=st.booleans(),
    source=st.sampled_from(["question", "default", None]),
)
def test_every_entry_renders_sendable_at_any_time(
    shipped: Assistant,
    hostile: Assistant,
    now: dt.datetime,
    urgent: bool,
    source: str | None,
) -> None:
    """Each entry of both knowledges, at any moment, with or without a place."""
    for assistant in (shipped, hostile):
        renderer = Renderer(assistant, can_escalate=urgent)
        place = assistant.knowledge.places[0] if source else None
        for entry in assistant.knowledge.entries.values():
            check(renderer.entry(entry, now=now, place=place, place_source=source, urgent=urgent))


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_every_entry_renders_sendable_at_the_moments_that_matter(
    shipped: Assistant, hostile: Assistant, moment: dt.datetime
) -> None:
    """Each entry at night, on Sundays and holidays, around both DST switches."""
    now = moment.replace(tzinfo=BERLIN)
    for assistant in (shipped, hostile):
        renderer = Renderer(assistant, can_escalate=True)
        place = assistant.knowledge.places[0]
        for entry in assistant.knowledge.entries.values():
            check(renderer.entry(entry, now=now, place=place, place_source="default"))


def test_an_entry_renders_at_a_local_time_that_does_not_exist(hostile: Assistant) -> None:
    """02:30 on 28 March 2027 does not exist in Berlin; an answer for it must not crash."""
    entry = hostile.entry("polizei-evil")
    assert entry is not None
    skipped_hour = dt.datetime(2027, 3, 28, 2, 30, tzinfo=BERLIN)
    assert_accepted(Renderer(hostile).entry(entry, now=skipped_hour))


@pytest.mark.parametrize("knowledge", ["shipped", "hostile"])
def test_menus_are_sendable(knowledge: str, request: pytest.FixtureRequest) -> None:
    """Topics (every page, and pages that do not exist), each topic, the emergency menu."""
    assistant: Assistant = request.getfixturevalue(knowledge)
    renderer = Renderer(assistant)
    for page in [-5, -1, 0, 1, 2, 3, 10, 10**9]:
        check(renderer.topics(page))
        for category in assistant.knowledge.categories:
            reply = renderer.topic(category, page)
            assert reply is not None
            check(reply)
    assert renderer.topic("gibt-es-nicht") is None
    for place in [None, *assistant.knowledge.places]:
        check(renderer.emergency(place))


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(st.one_of(questions, _fragment), max_size=4))
def test_the_console_answers_any_line(shipped: Assistant, lines: list[str]) -> None:
    """Typed lines and commands with garbage arguments never raise in the console chat."""
    chat = ConsoleChat(shipped, Renderer(shipped))
    for line in ["/ort Hausach", *lines, "1", "/ort", "/notfall", "2"]:
        reply = chat.handle(line)
        assert reply is None or isinstance(reply, str)


@pytest.mark.parametrize("line", ["²", "٣0" * 5000])
def test_the_console_survives_digits_that_are_no_button_number(
    shipped: Assistant, line: str
) -> None:
    """Unicode digits and absurdly long numbers answer 'no such button', not a crash."""
    chat = ConsoleChat(shipped, Renderer(shipped))
    assert chat.handle(line) is not None


# -- splitting long replies ----------------------------------------------------------------

_alphabet = st.one_of(st.characters(codec="utf-8"), st.sampled_from("<>&\"' \n\t🚨👍🏽\u200b"))
_text = st.one_of(
    st.text(alphabet=_alphabet, max_size=40),
    st.text(alphabet=_alphabet, min_size=100, max_size=600),  # over the limits below
)
blocks = st.one_of(
    _text.map(esc),
    _text.map(lambda text: f"<b>{esc(text)}</b>"),
    st.tuples(_text, _text).map(lambda pair: f"<b>{esc(pair[0])}</b> ({esc(pair[1])})"),
    _text.map(lambda text: f"Quelle\n<i>{esc(text)}</i>"),
)


def _visible(markup: str) -> str:
    return re.sub(r"\s+", "", rules.parse_html(markup).text)


@pytest.mark.slow  # 300 examples
@settings(max_examples=300, deadline=None)
@given(paragraphs=st.lists(blocks, min_size=1, max_size=8), limit=st.integers(40, 300))
def test_split_parts_are_balanced_within_the_limit_and_lose_no_text(
    paragraphs: list[str], limit: int
) -> None:
    """Any rendered-like HTML split at any limit: each part is valid on its own, within the
    limit in UTF-16 units, not blank, and together they show all the text."""
    markup = "\n\n".join(paragraphs)
    if not rules.parse_html(markup).text.strip(" \t\r\n"):
        return  # nothing to send at all
    parts = split_message(markup, limit)
    for part in parts:
        parsed = rules.parse_html(part)  # raises for unbalanced tags or a cut entity
        assert rules.utf16_len(part) <= limit
        assert parsed.text.strip(" \t\r\n")
    assert "".join(_visible(part) for part in parts) == _visible(markup)


def test_a_long_bold_title_is_split_into_balanced_messages(hostile: Assistant) -> None:
    """The regression behind the splitting fix: a title of 10,000 characters without a space
    in <b> was cut mid-tag and mid-emoji (part over 4096 UTF-16 units, unclosed <b>)."""
    entry = hostile.entry("lang")
    assert entry is not None
    reply: Reply = Renderer(hostile).entry(entry, now=MOMENTS[0].replace(tzinfo=BERLIN))
    parts = assert_accepted(reply)
    assert len(parts) > 2
    assert all(rules.utf16_len(part) <= rules.MAX_MESSAGE_LENGTH for part in parts)
