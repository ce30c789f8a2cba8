"""The "checked when" note under an answer: never about 110/112, always about local facts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot import texts
from bot.assistant import Assistant
from bot.clock import Clock
from bot.knowledge.hours import HolidayCalendar
from bot.knowledge.loader import load_knowledge
from bot.render.answers import Renderer
from tests.conftest import BERLIN, MINIMAL, write_files

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN)

EMERGENCY_ONLY = """\
entries:
  - id: notruf
    title: Notruf 110 und 112
    category: notruf
    keywords: [Notruf, Notfall]
    text: Bei akuter Gefahr sofort 110 oder 112 wählen.
    urgent: true
    contacts:
      - name: Polizei-Notruf
        phone: "110"
      - name: Rettungsdienst
        phone: "112"
  - id: polizei-lahr
    title: Polizeirevier Lahr
    category: polizei
    keywords: [Revier Lahr]
    text: Das Revier Lahr ist für Lahr zuständig.
    contacts:
      - name: Polizeirevier Lahr
        phone: "+49 7821 277-0"
      - name: Polizei
        phone: "110"
  - id: migrationsamt
    title: Migrationsamt
    category: behoerden
    keywords: [Ausländerbehörde]
    text: Das Migrationsamt ist für Aufenthaltsfragen zuständig.
    verified: 2020-01-01
    contacts:
      - name: Migrationsamt
        phone: "0781 805 1660"
"""


def renderer(tmp_path: Path) -> Renderer:
    files = {**MINIMAL, "entries.yaml": EMERGENCY_ONLY}
    knowledge = load_knowledge(write_files(tmp_path / "k", files), today=NOW.date()).knowledge
    assert knowledge is not None
    clock = Clock(BERLIN, NOW)
    return Renderer(Assistant(knowledge, clock, HolidayCalendar("BW")), 180)


def entry_text(render: Renderer, entry_id: str, *, urgent: bool = False) -> str:
    entry = render.assistant.entry(entry_id)
    assert entry is not None
    return render.entry(entry, now=NOW, urgent=urgent).html


def test_no_verification_note_on_emergency_numbers(tmp_path: Path) -> None:
    render = renderer(tmp_path)
    emergency = entry_text(render, "notruf", urgent=True)
    assert "geprüft" not in emergency
    local = entry_text(render, "polizei-lahr")
    assert texts.NEVER_VERIFIED_LOCAL in local  # local facts: still warned, 110 excepted
    stale = entry_text(render, "migrationsamt")
    assert texts.STALE.format(date="01.01.2020", days=180) in stale
    urgent = entry_text(render, "migrationsamt", urgent=True)  # below the 110/112 lines
    assert texts.STALE_LOCAL.format(date="01.01.2020", days=180) in urgent
