"""Loading a knowledge directory: every file parsed, validated and checked as one whole.

``load_knowledge`` never raises for bad content; it returns the problems, each with its file
and line, and a :class:`Knowledge` only when there are no errors. Callers that already serve a
working knowledge base keep it when a new load fails: a broken file never replaces it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz, process, utils

from bot.knowledge.base import Knowledge, Origin
from bot.knowledge.checks import check_knowledge
from bot.knowledge.model import Category, Entry, KnowledgeFile, Place
from bot.knowledge.yamlsource import LineMap, YamlSourceError, parse_yaml

Severity = Literal["error", "warning"]


NOT_UTF8 = "ungültiges Zeichen: die Datei ist kein UTF-8 (als UTF-8 speichern)"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of validation, printed as ``FILE:LINE: message``."""

    file: str
    line: int
    message: str
    severity: Severity = "error"
    entry_id: str | None = None  # for warnings of the checks: the entry and the field
    field: str | None = None

    def __str__(self) -> str:
        prefix = "Warnung: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One parsed and schema-valid knowledge file."""

    name: str
    text: str
    content: KnowledgeFile
    lines: LineMap


class ParseCache:
    """Files already parsed and schema-checked, by their text, from the last load.

    A team lead's edit changes one file of many; with this cache a reload parses and
    validates only that file (the checks across files and the index still run on the
    whole). Only the files of the latest load are kept, so memory stays at one generation.
    """

    def __init__(self) -> None:
        self._files: dict[str, tuple[KnowledgeFile, LineMap]] = {}

    def get(self, text: str) -> tuple[KnowledgeFile, LineMap] | None:
        return self._files.get(text)

    def keep(self, sources: list[SourceFile]) -> None:
        """Remember exactly these files (replacing what was there, in one step)."""
        self._files = {source.text: (source.content, source.lines) for source in sources}


@dataclass
class LoadResult:
    knowledge: Knowledge | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.knowledge is not None


@contextlib.contextmanager
def bulk_allocation() -> Iterator[None]:
    """No garbage collection while a load creates hundreds of thousands of live objects,
    and none of them scanned again afterwards.

    Collections triggered by allocation would scan them again and again, finding nothing:
    at 10,000 entries that was half of the load time. Afterwards the objects are frozen
    (``gc.freeze``): the knowledge and its index live until the next reload, and the
    collector would otherwise rescan all of them in its next full collections (a pause of
    a second at 10,000 entries). Frozen objects are still freed by reference counting when
    dropped; knowledge and index hold no reference cycles for that reason
    (tests/knowledge/test_memory.py). Cyclic garbage of other code that is waiting for a
    collection at that moment is frozen too (in the bot little, and once per reload).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if enabled:
            gc.enable()


def read_directory(directory: Path) -> dict[str, str]:
    """The texts of all ``*.yaml`` files below ``directory``, by path relative to it."""
    texts: dict[str, str] = {}
    for path in sorted(directory.rglob("*.yaml")):
        if path.is_file():
            name = path.relative_to(directory).as_posix()
            raw = path.read_bytes()
            texts[name] = raw.decode("utf-8", errors="replace")
    return texts


def load_knowledge(
    directory: Path,
    *,
    today: dt.date | None = None,
    stale_after_days: int = 180,
    overrides: Mapping[str, str | None] | None = None,
    cache: ParseCache | None = None,
) -> LoadResult:
    """Load every file of ``directory``; ``overrides`` replaces (text) or removes (None) files.

    Overrides let an upload or an edit be validated together with the rest of the knowledge
    before anything is written to disk. With a ``cache``, unchanged files are not parsed
    again.
    """
    if not directory.is_dir():
        return LoadResult(None, [Problem(str(directory), 1, "Wissensverzeichnis fehlt")])
    texts = read_directory(directory)
    for name, text in (overrides or {}).items():
        if text is None:
            texts.pop(name, None)
        else:
            texts[name] = text
    with bulk_allocation():
        return load_texts(
            texts,
            display_dir=directory,
            today=today,
            stale_after_days=stale_after_days,
            cache=cache,
        )


def load_texts(
    texts: Mapping[str, str],
    *,
    display_dir: Path | None = None,
    today: dt.date | None = None,
    stale_after_days: int = 180,
    cache: ParseCache | None = None,
) -> LoadResult:
    """Parse, validate and check a set of files given by name and text."""
    problems: list[Problem] = []
    sources: list[SourceFile] = []

    def shown(name: str) -> str:
        return str(display_dir / name) if display_dir is not None else name

    if not texts:
        return LoadResult(None, [Problem(shown("."), 1, "keine *.yaml-Dateien gefunden")])
    for name in sorted(texts):
        text = texts[name]
        if "\ufffd" in text:  # read_directory's stand-in for a byte that is not UTF-8
            line = text.count("\n", 0, text.index("\ufffd")) + 1
            problems.append(Problem(shown(name), line, NOT_UTF8))
            continue
        parsed = cache.get(text) if cache is not None else None
        if parsed is not None:
            sources.append(SourceFile(name, text, *parsed))
            continue
        source, file_problems = parse_file(name, text, shown(name))
        problems.extend(file_problems)
        if source is not None:
            sources.append(source)
    if cache is not None:
        cache.keep(sources)
    if any(p.severity == "error" for p in problems):
        return LoadResult(None, problems)

    knowledge = _assemble(sources)
    by_name = {source.name: (source, shown(source.name)) for source in sources}
    for finding in check_knowledge(
        knowledge, today=today or dt.date.today(), stale_after_days=stale_after_days
    ):
        source, file = by_name[finding.file]
        problems.append(
            Problem(
                file,
                source.lines.line_of(finding.path),
                finding.message,
                finding.severity,
                finding.entry_id,
                finding.field,
            )
        )
    if any(p.severity == "error" for p in problems):
        return LoadResult(None, problems)
    return LoadResult(knowledge, problems)


def parse_file(name: str, text: str, shown: str) -> tuple[SourceFile | None, list[Problem]]:
    """Parse one file and validate it against the schema; problems carry ``shown`` as file."""
    try:
        data, lines = parse_yaml(text)
    except YamlSourceError as exc:
        return None, [Problem(shown, exc.line, exc.message)]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [
            Problem(shown, 1, "oberste Ebene muss eine Zuordnung sein (categories:, entries: …)")
        ]
    try:
        content = KnowledgeFile.model_validate(data)
    except ValidationError as exc:
        text_lines = text.splitlines()
        problems = []
        for err in exc.errors():
            line = lines.line_of(tuple(err["loc"]))
            line_text = text_lines[line - 1] if 0 < line <= len(text_lines) else ""
            problems.append(Problem(shown, line, _describe(err, data, line_text)))
        return None, problems
    except Exception as exc:  # a check that broke on odd content must not break the load
        return None, [Problem(shown, 1, f"Datei konnte nicht geprüft werden ({exc!r})")]
    return SourceFile(name, text, content, lines), []


def _describe(error: Mapping[str, object], data: object, line_text: str = "") -> str:
    """A precise German message: which entry, which field, what is wrong, the right form."""
    loc: tuple[object, ...] = tuple(error["loc"])  # type: ignore[arg-type]
    where = _where(loc, data)
    kind = str(error["type"])
    field_name = str(loc[-1]) if loc else ""
    value = error.get("input")
    if kind == "extra_forbidden":
        return f"{where}: {_unknown_field(field_name, loc)}"
    if kind == "missing":
        example = _example(loc)
        hint = f", z. B. {field_name}: {example}" if example else ""
        return f"{where}: Pflichtfeld '{field_name}' fehlt{hint}"
    if kind == "string_type" and isinstance(value, bool | int | float):
        in_list = bool(loc) and isinstance(loc[-1], int)
        if in_list and "[" in line_text:
            written = str(value).lower() if isinstance(value, bool) else str(value)
            fixed = f'"{written}"'
        else:
            written = _written_value(line_text) or str(value)
            fixed = f'"{written}"' if in_list else f'{_key_of(loc)}: "{written}"'
        return (
            f"{where}: {written} wird ohne Anführungszeichen als Zahl oder Ja/Nein gelesen; "
            f"setze es in Anführungszeichen: {fixed}"
        )
    if kind == "string_type" and value is None:
        return (
            f"{where}: der Wert fehlt; schreibe ihn hinter den Doppelpunkt oder lass das Feld weg"
        )
    if kind == "string_too_short":
        return f"{where}: darf nicht leer sein"
    if kind.startswith("date") or (
        kind == "value_error" and "expected a date" in str(error["msg"])
    ):
        return f"{where}: {_date_message(value)}"
    if kind == "bool_parsing" or kind == "bool_type":
        return (
            f"{where}: '{value}' ist kein Ja/Nein; "
            f"schreibe {field_name}: true oder {field_name}: false"
        )
    if kind == "string_pattern_mismatch":
        return (
            f"{where}: '{value}' geht nicht: nur Kleinbuchstaben a-z, Ziffern und '-' "
            f"(keine Leerzeichen, keine Umlaute), z. B. {field_name}: {_slug(str(value))}"
        )
    if kind == "list_type":
        example = _example(loc) or "[erstes, zweites]"
        return (
            f"{where}: hier gehört eine Liste hin, z. B. {field_name}: {example} "
            "(oder jedes Element in einer eigenen Zeile mit '- ')"
        )
    if kind in ("model_type", "dict_type"):
        return (
            f"{where}: hier gehören Felder mit 'name: wert' hin, nicht '{_short(value)}'; "
            f"z. B. - name: Polizeirevier Lahr (in der nächsten Zeile, gleich eingerückt: "
            f'phone: "+49 7821 277-0")'
        )
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}"


# German words a team lead may write for a field, and the field they mean.
_GERMAN_FIELDS = {
    "telefon": "phone",
    "tel": "phone",
    "telefonnummer": "phone",
    "nummer": "phone",
    "mail": "email",
    "e-mail": "email",
    "adresse": "address",
    "anschrift": "address",
    "öffnungszeiten": "hours",
    "zeiten": "hours",
    "sprechzeiten": "hours",
    "erreichbarkeit": "hours",
    "quelle": "source",
    "geprüft": "verified",
    "geprueft": "verified",
    "stand": "verified",
    "titel": "title",
    "kategorie": "category",
    "stichwörter": "keywords",
    "stichworte": "keywords",
    "schlagwörter": "keywords",
    "schritte": "steps",
    "kontakte": "contacts",
    "kontakt": "contacts",
    "verwandt": "related",
    "siehe": "related",
    "dringend": "urgent",
    "notfall": "urgent",
    "zuständig": "owner",
    "verantwortlich": "owner",
    "rolle": "role",
    "funktion": "role",
    "orte": "places",
    "ort": "name",
    "gemeinde": "name",
    "ortsteile": "aliases",
    "einträge": "entries",
    "kategorien": "categories",
    "synonyme": "synonyms",
    "gültig": "scope",
    "bereich": "scope",
    "nachts": "after_hours",
    "außerhalb": "after_hours",
}


def _model_at(loc: tuple[object, ...]) -> type[BaseModel] | None:
    """The model whose field ``loc`` names (the last item), found through the annotations."""
    model: type[BaseModel] = KnowledgeFile
    for item in loc[:-1]:
        if isinstance(item, int):
            continue
        info = model.model_fields.get(str(item))
        if info is None:
            return None
        inner = _model_in(info.annotation)
        if inner is None:
            return None
        model = inner
    return model


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _unknown_field(name: str, loc: tuple[object, ...]) -> str:
    model = _model_at(loc)
    allowed = list(model.model_fields) if model is not None else []
    guess = _GERMAN_FIELDS.get(name.lower().strip())
    if guess not in allowed:
        best = process.extractOne(
            name, allowed, scorer=fuzz.ratio, processor=utils.default_process, score_cutoff=60
        )
        guess = best[0] if best else None
    hint = f" – meinst du '{guess}'?" if guess else ""
    listed = f" Erlaubt sind: {', '.join(allowed)}." if allowed else ""
    return f"unbekanntes Feld '{name}'{hint}{listed}"


def _example(loc: tuple[object, ...]) -> str:
    """The first documented example of the field ``loc`` ends in, in YAML flow style."""
    model = _model_at(loc)
    info = model.model_fields.get(str(loc[-1])) if model is not None and loc else None
    if info is None or not info.examples:
        return ""
    return _flow(info.examples[0])


def _flow(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if re.fullmatch(r"[+\d][\d ()/-]*", text):
        return f'"{text}"'  # a phone number: always quoted
    return text


def _key_of(loc: tuple[object, ...]) -> str:
    """The YAML key a value stands under: 'phone', or for a list item the list's key."""
    for item in reversed(loc):
        if isinstance(item, str):
            return item
    return "wert"


def _written_value(line_text: str) -> str:
    """What the lead wrote on the line: the text after 'key:' or '- '."""
    text = line_text.split(" #", 1)[0].strip()
    if ":" in text and not text.startswith("- "):
        text = text.split(":", 1)[1].strip()
    return text.removeprefix("- ").strip().strip("[]").strip()


_GERMAN_DATE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")


def _date_message(value: object) -> str:
    example = "2026-12-01"
    match = _GERMAN_DATE.match(str(value))
    if match:
        day, month, year = (int(g) for g in match.groups())
        with contextlib.suppress(ValueError):
            example = dt.date(year, month, day).isoformat()
    shown = f"{value:%Y-%m-%d %H:%M}" if isinstance(value, dt.datetime) else str(value)
    return (
        f"'{shown}' ist kein Datum in der richtigen Form: Jahr-Monat-Tag mit Bindestrichen, "
        f"ohne Uhrzeit, z. B. verified: {example}"
    )


def _slug(value: str) -> str:
    folded = value.lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        folded = folded.replace(umlaut, plain)
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return slug or "polizei-lahr"


def _short(value: object, limit: int = 40) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(loc: tuple[object, ...], data: object) -> str:
    """``entries[3] (id polizei-lahr), contacts[0].phone`` for a location."""
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            node = node[item] if isinstance(node, list) and item < len(node) else None
            if isinstance(node, dict):
                ident = node.get("id") or node.get("name")
                if isinstance(ident, str):
                    label += f" ({ident})"
            if parts:
                parts[-1] += label
            else:
                parts.append(label)
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts) or "Datei"


def _assemble(sources: list[SourceFile]) -> Knowledge:
    categories: dict[str, Category] = {}
    entries: dict[str, Entry] = {}
    places: list[Place] = []
    synonyms: list[list[str]] = []
    origins: dict[str, Origin] = {}
    for source in sources:
        for index, category in enumerate(source.content.categories):
            categories.setdefault(category.id, category)
            origin = Origin(source.name, ("categories", index))
            origins.setdefault(f"category:{category.id}", origin)
        for index, entry in enumerate(source.content.entries):
            entries.setdefault(entry.id, entry)
            origins.setdefault(entry.id, Origin(source.name, ("entries", index)))
        for index, place in enumerate(source.content.places):
            places.append(place)
            origins.setdefault(f"place:{place.name}", Origin(source.name, ("places", index)))
        synonyms.extend(source.content.synonyms)
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.name.encode() + b"\0" + source.text.encode() + b"\0")
    return Knowledge(
        categories=categories,
        entries=entries,
        places=places,
        synonyms=synonyms,
        origins=origins,
        files={source.name: source.text for source in sources},
        contents={source.name: source.content for source in sources},
        version=digest.hexdigest()[:12],
    )
