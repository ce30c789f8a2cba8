"""The knowledge format: the contract with the team leads.

These pydantic models are the single definition of what a knowledge file may contain. They
produce the JSON Schema for editors (``caseworker-bot schema``) and the per-field errors of
``caseworker-bot validate``. Field names are a contract: existing files must keep loading, so
new fields are always optional.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from bot.knowledge.hours import HoursError, check_hours
from bot.knowledge.phones import PhoneError, parse_phone

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=48),
    Field(description="Lowercase a-z, 0-9 and '-', unique across all files."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Tag = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$"),
    Field(description="A place tag, e.g. revier-lahr or team-kinzigtal."),
]


class _Strict(BaseModel):
    """Unknown keys are errors: a typo such as ``phnoe`` must not be ignored silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Category(_Strict):
    id: Id
    label: Text = Field(description="Shown in /themen.")


class Contact(_Strict):
    name: Text
    role: Text | None = None
    phone: Text | None = Field(
        default=None,
        description="A phone number valid for its country, e.g. '+49 7821 277-0', or a German "
        "short/emergency number such as 110, 112, 116 117. A '-' marks the extension.",
    )
    email: Text | None = None
    address: Text | None = None
    hours: Text | None = Field(
        default=None,
        description="Opening hours in OpenStreetMap opening_hours syntax, e.g. "
        "'Mo-Fr 08:00-16:00; PH off'. Public holidays of the configured state are closed "
        "unless the hours are '24/7'.",
    )
    after_hours: Id | None = Field(
        default=None, description="Id of the entry to point to while this contact is closed."
    )
    source: Text | None = Field(
        default=None,
        description="Where these facts come from: the public page's address or the internal "
        "document's name.",
    )
    verified: dt.date | None = Field(
        default=None, description="Date this contact's facts were last checked at the source."
    )

    @field_validator("verified", mode="before")
    @classmethod
    def _date_only(cls, value: object) -> object:
        # YAML gives a date for 2026-11-01; refuse datetimes and numbers instead of coercing.
        if isinstance(value, dt.datetime | int | float):
            raise ValueError("expected a date like 2026-11-01")
        return value

    @field_validator("phone")
    @classmethod
    def _valid_phone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_phone(value)
            except PhoneError as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("hours")
    @classmethod
    def _valid_hours(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                check_hours(value)
            except HoursError as exc:
                raise ValueError(str(exc)) from None
        return value


class Entry(_Strict):
    id: Id
    title: Text
    category: Id
    keywords: list[Text] = Field(default_factory=list)
    scope: list[Tag] = Field(
        default_factory=list,
        description="Place tags this entry is limited to; empty or absent means everywhere.",
    )
    text: Text = Field(description="The answer. A blank line starts a new paragraph.")
    steps: list[Text] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    related: list[Id] = Field(default_factory=list)
    urgent: bool = False
    verified: dt.date | None = Field(default=None, description="Date the content was last checked.")
    owner: Text | None = None
    source: Text | None = None

    @field_validator("verified", mode="before")
    @classmethod
    def _date_only(cls, value: object) -> object:
        # YAML gives a date for 2026-11-01; refuse datetimes and numbers instead of coercing.
        if isinstance(value, dt.datetime | int | float):
            raise ValueError("expected a date like 2026-11-01")
        return value


Latitude = Annotated[
    float,
    Field(ge=-90, le=90, description="Latitude in decimal degrees (WGS 84), e.g. 48.28426."),
]
Longitude = Annotated[
    float,
    Field(ge=-180, le=180, description="Longitude in decimal degrees (WGS 84), e.g. 8.17602."),
]


class Part(_Strict):
    """A village part with coordinates, so a shared location can be named precisely."""

    name: Text = Field(description="The village part (Ortsteil), e.g. Einbach.")
    lat: Latitude
    lon: Longitude


class Place(_Strict):
    name: Text = Field(description="The town (Gemeinde), its usual short name.")
    aliases: list[Text] = Field(
        default_factory=list, description="Village parts (Ortsteile) and other spellings."
    )
    tags: list[Tag] = Field(default_factory=list)
    lat: Latitude | None = Field(
        default=None, description="Latitude of the town centre; with lon, for shared locations."
    )
    lon: Longitude | None = Field(
        default=None, description="Longitude of the town centre; with lat."
    )
    parts: list[Part] = Field(
        default_factory=list,
        description="Village parts with coordinates, for shared locations only: a part is "
        "found in typed questions only if it is also an alias.",
    )

    @model_validator(mode="after")
    def _both_coordinates(self) -> Place:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat und lon nur zusammen angeben")
        return self


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

    categories: list[Category] = Field(default_factory=list)
    entries: list[Entry] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    synonyms: list[list[Text]] = Field(
        default_factory=list, description="Groups of words that mean the same to a caseworker."
    )


def json_schema() -> dict[str, object]:
    """The JSON Schema that editors use through the ``yaml-language-server`` comment."""
    schema = KnowledgeFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
