"""The knowledge format: the contract with the team leads.

These pydantic models are the single definition of what a knowledge file may contain. They
produce the JSON Schema for editors (``caseworker-bot schema``), the field reference in
``knowledge/README.md`` (``caseworker-bot schema --markdown``) and the per-field errors of
``caseworker-bot validate``. Field names are a contract: existing files must keep loading,
so new fields are always optional. Descriptions and examples are German: team leads read
them in their editor and in the field reference.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from bot.knowledge.hours import HoursError, normalise_hours
from bot.knowledge.phones import PhoneError, parse_phone

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=48),
    Field(description="Kleinbuchstaben a-z, Ziffern und '-'; über alle Dateien eindeutig."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Tag = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$"),
    Field(description="Ein Orts-Tag, z. B. revier-lahr oder team-kinzigtal."),
]

_EMAIL = re.compile(r"^[^@\s()\[\]<>,;:]+@[^@\s()\[\]<>,;:]+\.[A-Za-z]{2,}$")
_AT_WRITTEN = re.compile(r"\s*(\(at\)|\[at\]|\{at\}|\(ät\)|\sat\s)\s*", re.IGNORECASE)
_DOT_WRITTEN = re.compile(r"\s*(\(dot\)|\[dot\]|\(punkt\)|\[punkt\])\s*", re.IGNORECASE)


def _date_only(value: object) -> object:
    # YAML gives a date for 2026-11-01; refuse datetimes and numbers instead of coercing.
    if isinstance(value, dt.datetime | int | float):
        raise ValueError("expected a date like 2026-11-01")
    return value


class _Strict(BaseModel):
    """Unknown keys are errors: a typo such as ``phnoe`` must not be ignored silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Category(_Strict):
    id: Id = Field(examples=["polizei"])
    label: Text = Field(description="Name der Kategorie in /themen.", examples=["Polizei"])


class Contact(_Strict):
    name: Text = Field(
        description="Wer: Stelle oder Dienst (keine Namen von Klientinnen und Klienten).",
        examples=["Polizeirevier Lahr"],
    )
    role: Text | None = Field(
        default=None,
        description="Wofür diese Stelle da ist, kurz.",
        examples=["Zentrale, verbindet weiter"],
    )
    phone: Text | None = Field(
        default=None,
        description="Genau eine Telefonnummer, in Anführungszeichen, mit Vorwahl; '-' trennt "
        "die Durchwahl. Kurznummern wie 110, 112, 116 117 ohne Vorwahl.",
        examples=["0781 21-0", "+49 7821 277-0", "110"],
    )
    email: Text | None = Field(
        default=None,
        description="E-Mail-Adresse mit @ (nicht (at)).",
        examples=["migrationsamt@ortenaukreis.de"],
    )
    address: Text | None = Field(
        default=None,
        description="Postanschrift oder Besuchsadresse.",
        examples=["Prinz-Eugen-Straße 78, 77654 Offenburg"],
    )
    hours: Text | None = Field(
        default=None,
        description="Erreichbarkeit: Tage (Mo, Di, Mi, Do, Fr, Sa, So, Feiertag), dann "
        "Uhrzeiten; mehrere Regeln mit ';'. Auch das OpenStreetMap-Format (Mo-Fr "
        "08:00-16:00) geht. An Feiertagen in Baden-Württemberg gilt jede Stelle als "
        "geschlossen, außer bei '24/7'. Ohne Angabe steht in der Antwort: Erreichbarkeit: "
        "bitte vorher anrufen.",
        examples=["Mo–Fr 9–12 Uhr", "Mo-Do 8-16 Uhr; Fr 8-12 Uhr", "24/7"],
    )
    after_hours: Id | None = Field(
        default=None,
        description="id des Eintrags, auf den der Bot verweist, solange diese Stelle "
        "geschlossen ist.",
        examples=["notruf"],
    )
    source: Text | None = Field(
        default=None,
        description="Woher die Angaben stammen: die Internetadresse (https://…) der "
        "öffentlichen Seite oder 'Dokument: ' und der Name des internen Dokuments.",
        examples=["https://www.116117.de", "Dokument: Telefonliste Integrationsmanagement"],
    )
    verified: dt.date | None = Field(
        default=None,
        description="Datum, an dem die Angaben dieses Kontakts zuletzt an der Quelle "
        "geprüft wurden, als JJJJ-MM-TT.",
        examples=["2026-12-01"],
    )

    _verified_is_date = field_validator("verified", mode="before")(_date_only)

    @field_validator("phone")
    @classmethod
    def _valid_phone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_phone(value)
            except PhoneError as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str | None) -> str | None:
        if value is None or _EMAIL.match(value):
            return value
        fixed = _DOT_WRITTEN.sub(".", _AT_WRITTEN.sub("@", value)).replace(" ", "")
        example = fixed if _EMAIL.match(fixed) else "name@ortenaukreis.de"
        raise ValueError(
            f"'{value}' ist keine E-Mail-Adresse: schreibe sie mit @ und ohne Leerzeichen, "
            f"z. B. email: {example}"
        )

    @field_validator("hours")
    @classmethod
    def _valid_hours(cls, value: str | None) -> str | None:
        """The German form the lead wrote becomes the OSM form the library reads."""
        if value is not None:
            try:
                return normalise_hours(value)
            except HoursError as exc:
                raise ValueError(str(exc)) from None
        return value


class Entry(_Strict):
    id: Id = Field(examples=["polizei-lahr"])
    title: Text = Field(description="Überschrift der Antwort.", examples=["Polizeirevier Lahr"])
    category: Id = Field(description="id einer Kategorie (categories.yaml).", examples=["polizei"])
    keywords: list[Text] = Field(
        default_factory=list,
        description="Wörter, mit denen Kolleginnen und Kollegen fragen würden (ohne Ortsnamen).",
        examples=[["revier", "polizei lahr", "wache"]],
    )
    scope: list[Tag] = Field(
        default_factory=list,
        description="Orts-Tags, für die dieser Eintrag gilt; leer oder weggelassen: überall.",
        examples=[["revier-lahr"]],
    )
    text: Text = Field(
        description="Die Antwort. Das Wichtigste zuerst; eine Leerzeile beginnt einen neuen "
        "Absatz. Telefonnummern gehören in die Kontakte.",
        examples=["Bei akuter Gefahr: 110 wählen."],
    )
    steps: list[Text] = Field(
        default_factory=list,
        description="Schritte, die der Bot nummeriert zeigt.",
        examples=[["Ruhe bewahren.", "110 anrufen."]],
    )
    contacts: list[Contact] = Field(
        default_factory=list, description="Stellen mit Telefon, E-Mail, Adresse, Zeiten."
    )
    related: list[Id] = Field(
        default_factory=list,
        description="ids verwandter Einträge (als Knöpfe unter der Antwort).",
        examples=[["notruf", "eskalation"]],
    )
    urgent: bool = Field(
        default=False,
        description="true: erscheint in /notfall; dann muss der erste Absatz des Texts 110 "
        "oder 112 nennen (z. B. »Lebensgefahr: 112.«).",
        examples=[True],
    )
    verified: dt.date | None = Field(
        default=None,
        description="Datum, an dem der Inhalt zuletzt geprüft wurde, als JJJJ-MM-TT.",
        examples=["2026-12-01"],
    )
    owner: Text | None = Field(
        default=None,
        description="Wer für diesen Eintrag zuständig ist (für /veraltet).",
        examples=["Teamleitung Lahr Umland"],
    )
    source: Text | None = Field(
        default=None,
        description="Woher der Inhalt stammt: Internetadresse oder 'Dokument: ' und Name.",
        examples=["Dokument: Ablauf Kinderschutz, Stand 2026-10"],
    )

    _verified_is_date = field_validator("verified", mode="before")(_date_only)


Latitude = Annotated[
    float,
    Field(ge=-90, le=90, description="Breitengrad in Dezimalgrad (WGS 84), z. B. 48.28426."),
]
Longitude = Annotated[
    float,
    Field(ge=-180, le=180, description="Längengrad in Dezimalgrad (WGS 84), z. B. 8.17602."),
]


class Part(_Strict):
    """A village part with coordinates, so a shared location can be named precisely."""

    name: Text = Field(description="Der Ortsteil.", examples=["Einbach"])
    lat: Latitude
    lon: Longitude


class Place(_Strict):
    name: Text = Field(description="Die Gemeinde, ihr üblicher Kurzname.", examples=["Lahr"])
    aliases: list[Text] = Field(
        default_factory=list,
        description="Ortsteile und andere Schreibweisen.",
        examples=[["Sulz", "Kippenheimweiler"]],
    )
    tags: list[Tag] = Field(
        default_factory=list,
        description="Orts-Tags (zuständiges Revier, Team).",
        examples=[["revier-lahr", "team-lahr-umland"]],
    )
    lat: Latitude | None = Field(
        default=None,
        description="Breitengrad der Ortsmitte; nur zusammen mit lon, für geteilte Standorte "
        "(z. B. lat: 48.28426, lon: 8.17602).",
    )
    lon: Longitude | None = Field(
        default=None,
        description="Längengrad der Ortsmitte; nur zusammen mit lat.",
    )
    parts: list[Part] = Field(
        default_factory=list,
        description="Ortsteile mit Koordinaten, nur für geteilte Standorte: in getippten Fragen "
        "wird ein Ortsteil nur gefunden, wenn er auch unter aliases steht.",
    )

    @model_validator(mode="after")
    def _both_coordinates(self) -> Place:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat und lon nur zusammen angeben")
        return self


class Card(_Strict):
    """An emergency card for clients, in one language (issue 14): shown or forwarded in
    Telegram, printed for the notice board. Every card names the phone numbers of the German
    one, no more and no fewer (``caseworker-bot validate`` checks this)."""

    lang: Annotated[
        str,
        StringConstraints(pattern=r"^[a-z]{2,3}$"),
        Field(description="ISO 639-1 language code, e.g. de, ar, uk, fa."),
    ]
    language: Text = Field(description="The language's name in itself, e.g. 'العربية'.")
    direction: Literal["ltr", "rtl"] = Field(
        default="ltr", description="Writing direction: rtl for Arabic, Persian/Dari."
    )
    title: Text
    lines: list[Text] = Field(
        min_length=1,
        description="The card's lines in order. A line that starts with a phone number is "
        "shown large (e.g. '110 – Polizei'). Phone numbers: three or more digits, groups "
        "separated by spaces or '-'; write '24/7' as words.",
    )
    team_label: Text | None = Field(
        default=None,
        description="Heading for the caseworker's team, e.g. 'Ihr Integrationsmanagement'.",
    )
    checked_by_native_speaker: bool = Field(
        default=False,
        description="True once a native speaker has checked this translation; until then "
        "the caseworker sees 'Übersetzung noch nicht geprüft'.",
    )


class KnowledgeFile(_Strict):
    """One YAML file; every top-level key is optional."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="caseworker-bot knowledge file",
        json_schema_extra={
            "description": "A knowledge file of caseworker-bot. See knowledge/README.md.",
        },
    )

    categories: list[Category] = Field(default_factory=list, description="Kategorien.")
    entries: list[Entry] = Field(default_factory=list, description="Einträge (Antworten).")
    places: list[Place] = Field(default_factory=list, description="Orte des Ortenaukreises.")
    synonyms: list[list[Text]] = Field(
        default_factory=list,
        description="Gruppen von Wörtern, die für die Suche dasselbe bedeuten.",
        examples=[[["Polizei", "Revier", "Wache"]]],
    )
    cards: list[Card] = Field(
        default_factory=list,
        description="Emergency cards for clients, one per language (see knowledge/karten.yaml).",
    )


def json_schema() -> dict[str, object]:
    """The JSON Schema that editors use through the ``yaml-language-server`` comment."""
    schema = KnowledgeFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


# -- the field reference in knowledge/README.md ------------------------------------------

REFERENCE_BEGIN = "<!-- BEGIN generated field reference -->"
REFERENCE_END = "<!-- END generated field reference -->"
_SECTIONS = (
    ("KnowledgeFile", "Datei (oberste Ebene)", ""),
    ("Category", "Kategorie", "ein Element von `categories:`"),
    ("Entry", "Eintrag", "ein Element von `entries:`"),
    ("Contact", "Kontakt", "ein Element von `contacts:` in einem Eintrag"),
    ("Place", "Ort", "ein Element von `places:`"),
    ("Part", "Ortsteil", "ein Element von `parts:` in einem Ort"),
    ("Card", "Notfallkarte", "ein Element von `cards:`"),
)
_PLURALS = {
    "Category": "Kategorien",
    "Entry": "Einträge",
    "Contact": "Kontakte",
    "Place": "Orte",
    "Part": "Ortsteile",
    "Card": "Notfallkarten",
    "Text": "Texte",
    "id": "ids",
}


def field_reference() -> str:
    """The Markdown field reference, generated from the models (``schema --markdown``)."""
    schema = json_schema()
    definitions: dict[str, dict[str, object]] = schema["$defs"]  # type: ignore[assignment]
    lines = [
        REFERENCE_BEGIN,
        "## Feldreferenz",
        "",
        "Erzeugt aus `bot/knowledge/model.py` mit `caseworker-bot schema --markdown "
        "--update knowledge/README.md`; nicht von Hand ändern (ein Test prüft, dass dieser "
        "Abschnitt zum Code passt). Anleitung: `docs/wissen-pflegen-fuer-teamleitungen.md`.",
    ]
    for name, title, where in _SECTIONS:
        definition = schema if name == "KnowledgeFile" else definitions[name]
        properties: dict[str, dict[str, object]] = definition["properties"]  # type: ignore[assignment]
        required = set(definition.get("required", []))  # type: ignore[call-overload]
        lines += ["", f"### {title}" + (f" ({where})" if where else ""), ""]
        lines += [
            "| Feld | Typ | Pflicht | Bedeutung | Beispiel |",
            "| --- | --- | --- | --- | --- |",
        ]
        for field_name, spec in properties.items():
            examples = spec.get("examples") or []
            example = _yaml_example(field_name, examples[0]) if examples else ""  # type: ignore[index]
            lines.append(
                f"| `{field_name}` | {_type_label(spec)} | "
                f"{'ja' if field_name in required else 'nein'} | "
                f"{_cell(str(spec.get('description', '')))} | {example} |"
            )
    lines.append(REFERENCE_END)
    return "\n".join(lines) + "\n"


def _type_label(spec: dict[str, object]) -> str:
    options = spec.get("anyOf")
    if isinstance(options, list):
        spec = next(o for o in options if o.get("type") != "null")
    reference = spec.get("$ref")
    if isinstance(reference, str):
        return reference.rsplit("/", 1)[1]
    kind = spec.get("type")
    choices = spec.get("enum")
    if isinstance(choices, list):
        return " oder ".join(f"`{choice}`" for choice in choices)
    if kind == "array":
        items = spec.get("items")
        assert isinstance(items, dict)
        inner = _type_label(items)
        if inner.startswith("Liste"):
            return "Liste von Listen (" + inner.split("(", 1)[1]
        return f"Liste ({_PLURALS.get(inner, inner)})"
    if kind == "boolean":
        return "true/false"
    if spec.get("format") == "date":
        return "Datum"
    if kind == "number":
        return "Zahl"
    if "pattern" in spec:
        return "id"
    if kind == "string":
        return "Text"
    return str(kind)


def _yaml_example(name: str, value: object) -> str:
    if isinstance(value, list):
        shown = "[" + ", ".join(_yaml_scalar(v) for v in value) + "]"
    else:
        shown = _yaml_scalar(value)
    return f"`{name}: {_cell(shown)}`"


def _yaml_scalar(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_scalar(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if re.fullmatch(r"[+\d][\d ()/-]*", text) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f'"{text}"'
    if ": " in text or text.startswith(("@", "*", "&", "!", "[", "{")):
        return f'"{text}"'
    return text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def with_field_reference(readme: str) -> str:
    """``readme`` with its generated section replaced (or appended when it has none)."""
    section = field_reference()
    if REFERENCE_BEGIN in readme and REFERENCE_END in readme:
        head = readme[: readme.index(REFERENCE_BEGIN)]
        tail = readme[readme.index(REFERENCE_END) + len(REFERENCE_END) :].lstrip("\n")
        return head + section + (("\n" + tail) if tail else "")
    return readme.rstrip("\n") + "\n\n" + section
