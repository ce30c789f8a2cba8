"""Opening hours: parsing with ``opening-hours-py`` and holidays with ``holidays``.

The ``opening_hours`` library does not know the holidays that only one German state has
(Fronleichnam, Allerheiligen in Baden-Württemberg, …). So we never let it decide about public
holidays: on a holiday of the configured state every contact is closed, whatever its
expression says, unless it is open around the clock (``24/7``), as emergency lines are.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from opening_hours import OpeningHours, State
from rapidfuzz import fuzz, process, utils

_LOOKAHEAD = dt.timedelta(days=21)


class HoursError(ValueError):
    """The text is not valid OpenStreetMap ``opening_hours`` syntax."""


class OpenState(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class HoursStatus:
    """Open or closed at ``at``; ``next_change`` is when that changes (None: not within weeks)."""

    state: OpenState
    next_change: dt.datetime | None
    holiday: str | None = None


def check_hours(expression: str) -> None:
    """Raise :class:`HoursError` with the parser's explanation when ``expression`` is invalid."""
    try:
        OpeningHours(expression)
    except Exception as exc:  # the library raises its own ParserError type
        message = " ".join(str(exc).split())
        raise HoursError(f"'{expression}' ist keine gültige Öffnungszeit: {message}") from exc


class HolidayCalendar:
    """Public holidays of one German state (``BW`` by default), names in German."""

    def __init__(self, region: str = "BW") -> None:
        states = sorted(s for s in holidays.country_holidays("DE").subdivisions if len(s) == 2)
        if region not in states:
            raise ValueError(
                f"unbekanntes Bundesland '{region}', erwartet eines von {', '.join(states)}"
            )
        self.region = region
        self._holidays = holidays.country_holidays("DE", subdiv=region, language="de")

    def name(self, day: dt.date) -> str | None:
        return self._holidays.get(day)


@lru_cache(maxsize=4096)
def _compiled(expression: str, timezone: ZoneInfo) -> OpeningHours:
    return OpeningHours(expression, timezone=timezone)


def _always_open(expression: str) -> bool:
    return expression.replace(" ", "").lower() in {"24/7", "24/7open", "mo-su00:00-24:00"}


def status(expression: str, at: dt.datetime, calendar: HolidayCalendar) -> HoursStatus:
    """The state of ``expression`` at ``at`` with holidays applied, and its next change."""
    timezone = at.tzinfo
    if not isinstance(timezone, ZoneInfo):
        raise ValueError("status() needs a datetime with a ZoneInfo timezone")
    # Through UTC: a wall-clock time that does not exist (02:30 when the clocks go forward)
    # becomes the real instant it stands for.
    at = at.astimezone(dt.UTC).astimezone(timezone)
    if _always_open(expression):
        return HoursStatus(OpenState.OPEN, None)
    oh = _compiled(expression, timezone)
    segments = _segments(oh, at, calendar)
    current = segments[0][1]
    holiday = calendar.name(at.date())
    for start, state in segments[1:]:
        if state is not current:
            return HoursStatus(current, start, holiday)
    return HoursStatus(current, None, holiday)


def _segments(
    oh: OpeningHours, at: dt.datetime, calendar: HolidayCalendar
) -> list[tuple[dt.datetime, OpenState]]:
    """(start, state) pieces from ``at`` on, split at midnight, with holidays closed."""
    timezone = at.tzinfo
    assert isinstance(timezone, ZoneInfo)
    limit = at + _LOOKAHEAD
    pieces: list[tuple[dt.datetime, OpenState]] = []
    for start, end, state, _comment in oh.intervals(at, limit):
        start = max(start.astimezone(timezone), at)
        end = limit if end is None else min(end.astimezone(timezone), limit)
        while start < end:
            midnight = dt.datetime.combine(
                start.date() + dt.timedelta(days=1), dt.time(), tzinfo=timezone
            )
            piece_end = min(end, midnight)
            effective = _state(state)
            if calendar.name(start.date()) is not None:
                effective = OpenState.CLOSED
            pieces.append((start, effective))
            start = piece_end
        if end >= limit:
            break
    return pieces or [(at, OpenState.UNKNOWN)]


def _state(state: State) -> OpenState:
    if state == State.OPEN:
        return OpenState.OPEN
    if state == State.CLOSED:
        return OpenState.CLOSED
    return OpenState.UNKNOWN


# -- the forms a German team lead writes ------------------------------------------------------
#
# A lead writes "Mo–Fr 9–12 Uhr" or "Mo, Mi, Fr 9-14 Uhr; Feiertage geschlossen"; the
# library reads OpenStreetMap syntax ("Mo-Fr 09:00-12:00"). normalise_hours() turns the
# German forms (and the OSM forms, unchanged in meaning) into one canonical OSM text, which
# is what the loaded knowledge holds; the file keeps what the lead wrote. Expressions our
# small grammar does not know (months, comments, "08:00+") are passed to the library as
# they are, so every valid OSM expression keeps working.

OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
GERMAN_DAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
_PH = 7  # the public holiday "day"
_ALWAYS = "24/7"

_DAY_WORDS: dict[str, int] = {}
for _index, (_osm, _german) in enumerate(zip(OSM_DAYS, GERMAN_DAYS, strict=True)):
    _DAY_WORDS[_osm.lower()] = _index
    _DAY_WORDS[_german.lower()] = _index
_LONG_DAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
for _index, _name in enumerate(_LONG_DAYS):
    _DAY_WORDS[_name.lower()] = _index
    _DAY_WORDS[_name.lower() + "s"] = _index  # "montags"
_DAY_WORDS["sonnabend"] = 5
for _word in ("ph", "feiertag", "feiertage", "feiertags", "feiertagen"):
    _DAY_WORDS[_word] = _PH

_EVERY_DAY = {"täglich", "taeglich"}
_OFF = {"off", "closed", "geschlossen", "zu"}
_LIST = {",", "und", "&", "sowie"}
_RANGE = {"-", "bis"}
_IGNORED = {"uhr", "von", "an", "am", "h", ":"}
_ROUND_THE_CLOCK = {
    "24/7",
    "rund um die uhr",
    "täglich rund um die uhr",
    "immer",
    "täglich 24 stunden",
    "24 stunden",
}
_TOKEN = re.compile(
    r"(?P<time>\d{1,2}(?:[:.]\d{2})?)|(?P<word>[a-zäöüß]+\.?)|(?P<sep>;|\n)|(?P<sym>[-,&+:])|"
    r"(?P<space>\s+)|(?P<other>.)"
)

HOURS_EXAMPLES = ("Mo–Fr 9–12 Uhr", "Mo-Do 8-16 Uhr; Fr 8-12 Uhr", "Mo, Mi, Fr 9–14 Uhr", "24/7")


class _Unknown(ValueError):
    """Text outside our grammar: the library may still know it (an OSM expression)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: days (0-6, 7 = holidays; empty: every day), times in minutes, or off."""

    days: tuple[int, ...]
    spans: tuple[tuple[int, int], ...]  # the day ranges as written, for display
    times: tuple[tuple[int, int], ...]
    off: bool = False


def _tokens(text: str) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text.lower()):
        kind = match.lastgroup or "other"
        value = match.group()
        if kind == "space":
            continue
        if kind == "word":
            value = value.rstrip(".")
        result.append((kind, value))
    return result


def _minutes(value: str) -> int:
    hour_text, _, minute_text = value.replace(".", ":").partition(":")
    hour, minute = int(hour_text), int(minute_text or 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise HoursError(f"'{value}' ist keine Uhrzeit (0:00 bis 24:00)")
    return hour * 60 + minute


def parse_rules(text: str) -> list[Rule]:
    """The rules of a German or simple OSM expression; raises :class:`HoursError` for a
    mistake we can name, ``_Unknown`` for text outside the grammar."""
    tokens = _tokens(text)
    rules: list[Rule] = []
    days: list[int] = []
    spans: list[tuple[int, int]] = []
    times: list[tuple[int, int]] = []
    off = False
    position = 0

    def close() -> None:
        nonlocal days, spans, times, off
        if not (days or times or off):
            return
        if not times and not off:
            shown = _german_days(tuple(spans))
            raise HoursError(
                f"bei '{shown}' fehlt die Uhrzeit (z. B. '{shown} 9–12 Uhr', "
                f"ganztägig: '{shown} 0–24 Uhr', zu: '{shown} geschlossen')"
            )
        rules.append(Rule(tuple(dict.fromkeys(days)), tuple(spans), tuple(times), off))
        days, spans, times, off = [], [], [], False

    def peek(offset: int = 0) -> tuple[str, str]:
        index = position + offset
        return tokens[index] if index < len(tokens) else ("end", "")

    while position < len(tokens):
        kind, value = tokens[position]
        position += 1
        if kind == "word" and (value in _DAY_WORDS or value in _EVERY_DAY):
            if times or off:
                close()
            if value in _EVERY_DAY:
                days.extend(range(7))
                spans.append((0, 6))
                continue
            first = _DAY_WORDS[value]
            if peek()[1] in _RANGE and peek(1)[1] in _DAY_WORDS:
                last = _DAY_WORDS[peek(1)[1]]
                position += 2
                if _PH in (first, last):
                    raise HoursError("Feiertage können nicht Teil eines Bereichs sein")
                run = (
                    list(range(first, last + 1))
                    if first <= last
                    else [
                        *range(first, 7),
                        *range(0, last + 1),
                    ]
                )
                days.extend(run)
                spans.append((first, last))
            else:
                days.append(first)
                spans.append((first, first))
        elif kind == "time":
            start = _minutes(value)
            while peek()[1] in _IGNORED:
                position += 1
            if peek()[1] not in _RANGE or peek(1)[0] != "time":
                raise HoursError(f"bei '{value}' fehlt das Ende der Zeit (z. B. '{value}–12 Uhr')")
            end = _minutes(peek(1)[1])
            position += 2
            if end == 0 and start > 0:
                end = 24 * 60  # "18-0 Uhr": until midnight
            times.append((start, end))
        elif value in _OFF:
            off = True
        elif kind == "sep":
            close()
        elif value in _LIST or value in _IGNORED:
            continue
        elif value in _RANGE:
            after = peek()
            if after[0] == "word" and after[1] not in _DAY_WORDS:
                raise _Unknown(after[1])
            raise HoursError("ein Bereich braucht Anfang und Ende (z. B. 'Mo–Fr 9–12 Uhr')")
        else:
            raise _Unknown(value)
    close()
    if not rules:
        raise HoursError("keine Öffnungszeit angegeben")
    for rule in rules:
        if rule.times and rule.off:
            raise HoursError("Uhrzeit und 'geschlossen' in derselben Regel – trenne sie mit ';'")
    return rules


def _osm_rule(rule: Rule) -> str:
    parts: list[str] = ["Mo-Su"] if not rule.days and not rule.off else []
    if rule.days:
        holiday = ["PH"] if _PH in rule.days else []
        weekdays = [
            OSM_DAYS[a] if a == b else f"{OSM_DAYS[a]}-{OSM_DAYS[b]}"
            for a, b in rule.spans
            if a != _PH
        ]
        parts.append(",".join(holiday + weekdays))
    if rule.times:
        parts.append(",".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in rule.times))
    if rule.off:
        parts.append("off")
    return " ".join(parts)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _unknown_word(word: str) -> str:
    names = [*GERMAN_DAYS, *_LONG_DAYS, "Feiertag", "geschlossen", "Uhr", "bis", "und"]
    best = process.extractOne(
        word, names, scorer=fuzz.ratio, processor=utils.default_process, score_cutoff=50
    )
    hint = f" (meintest du '{best[0]}'?)" if best else ""
    return (
        f"'{word}' verstehe ich nicht{hint}. Tage: Mo, Di, Mi, Do, Fr, Sa, So, Feiertag; "
        "Zeiten: 9–12 Uhr"
    )


@lru_cache(maxsize=4096)
def normalise_hours(text: str) -> str:
    """The canonical OSM form of ``text``; raises :class:`HoursError` with a German
    explanation and an example when it is neither our German form nor valid OSM."""
    stripped = " ".join(text.replace("–", "-").replace("—", "-").split())
    if stripped.lower().replace(" ", "") == "24/7" or stripped.lower() in _ROUND_THE_CLOCK:
        return _ALWAYS
    try:
        expression = "; ".join(_osm_rule(rule) for rule in parse_rules(stripped))
    except HoursError as exc:
        raise HoursError(_explain(text, str(exc))) from None
    except _Unknown as unknown:
        try:
            check_hours(stripped)
        except HoursError:
            raise HoursError(_explain(text, _unknown_word(str(unknown)))) from None
        return stripped  # valid OSM beyond our grammar: the library knows it
    check_hours(expression)
    return expression


def _explain(text: str, what: str) -> str:
    examples = ", ".join(f"'{e}'" for e in HOURS_EXAMPLES)
    return f"'{text}' ist keine gültige Öffnungszeit: {what}. So geht es: {examples}"


def _german_days(spans: tuple[tuple[int, int], ...]) -> str:
    names = []
    for a, b in spans:
        if a == _PH:
            names.append("Feiertage")
        elif a == b:
            names.append(GERMAN_DAYS[a])
        elif (a, b) == (0, 6):
            names.append("täglich")
        else:
            names.append(f"{GERMAN_DAYS[a]}–{GERMAN_DAYS[b]}")
    return ", ".join(names)


def _german_time(minutes: int) -> str:
    return f"{minutes // 60}" if minutes % 60 == 0 else f"{minutes // 60}:{minutes % 60:02d}"


def _german_rule(rule: Rule) -> str:
    days = _german_days(rule.spans) if rule.spans else "täglich"
    if rule.off:
        return f"{days} geschlossen" if rule.spans else "geschlossen"
    times = " und ".join(f"{_german_time(a)}–{_german_time(b)}" for a, b in rule.times)
    return f"{days} {times} Uhr"


def german_hours(expression: str) -> str:
    """``Mo-Fr 09:00-12:00; PH off`` as a German reader writes it: ``Mo–Fr 9–12 Uhr;
    Feiertage geschlossen``. The result is itself accepted by :func:`normalise_hours`.
    Expressions beyond our grammar are shown as they are."""
    if expression.strip() == _ALWAYS:
        return "rund um die Uhr"
    try:
        return "; ".join(_german_rule(rule) for rule in parse_rules(expression))
    except ValueError:
        return expression


# -- a later rule that replaces an earlier one --------------------------------------------


@dataclass(frozen=True, slots=True)
class Overlap:
    """In OSM a later rule replaces what earlier rules said for its days."""

    days: tuple[int, ...]
    earlier: str  # German
    later: str  # German
    both: str  # German, both times on the overlapping days
    later_only: str  # German, the meaning as read, written without overlap


@lru_cache(maxsize=4096)
def overlaps(expression: str) -> tuple[Overlap, ...]:
    """Later rules that replace earlier ones on some weekdays (holidays ignored)."""
    try:
        rules = parse_rules(expression)
    except ValueError:
        return ()
    found: list[Overlap] = []
    for later_index, later in enumerate(rules):
        if later.off or not later.times:
            continue
        later_days = set(later.days or range(7))
        for earlier in rules[:later_index]:
            if earlier.off or not earlier.times:
                continue
            shared = sorted((set(earlier.days or range(7)) & later_days) - {_PH})
            if shared and set(earlier.times) != set(later.times):
                found.append(
                    Overlap(
                        tuple(shared),
                        _german_rule(earlier),
                        _german_rule(later),
                        _schedule_text(_schedule(rules, union=True)),
                        _schedule_text(_schedule(rules, union=False)),
                    )
                )
    return tuple(found)


def _schedule(rules: list[Rule], *, union: bool) -> dict[int, tuple[tuple[int, int], ...]]:
    """Per weekday (and holidays) the open times: OSM's reading or the union of all rules."""
    days: dict[int, tuple[tuple[int, int], ...]] = {}
    for rule in rules:
        for day in rule.days or range(7):
            if rule.off:
                days[day] = ()
            elif union:
                days[day] = _merge((*days.get(day, ()), *rule.times))
            else:
                days[day] = rule.times
    return days


def _merge(times: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(times):
        if merged and start <= merged[-1][1] and end >= start:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _schedule_text(days: dict[int, tuple[tuple[int, int], ...]]) -> str:
    """Weekdays with the same times grouped into one rule, in German."""
    groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for day in range(7):
        if days.get(day):
            groups.setdefault(days[day], []).append(day)
    rules = [Rule(tuple(ds), _spans(ds), times) for times, ds in groups.items()]
    if _PH in days:
        ph = days[_PH]
        rules.append(Rule((_PH,), ((_PH, _PH),), ph, off=not ph))
    return "; ".join(_german_rule(rule) for rule in rules) or "geschlossen"


def _spans(days: list[int]) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    for day in days:
        if spans and spans[-1][1] == day - 1:
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    # Two neighbouring days read better as a list: "Mo, Di" not "Mo–Di".
    result: list[tuple[int, int]] = []
    for a, b in spans:
        if b == a + 1:
            result.extend([(a, a), (b, b)])
        else:
            result.append((a, b))
    return tuple(result)


def german_days(days: tuple[int, ...]) -> str:
    return _german_days(_spans(list(days)))
