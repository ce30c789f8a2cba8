"""The command line as a user runs it: real processes, real files."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot import texts
from bot.render import to_plain
from tests.conftest import MINIMAL, ROOT, write_files
from tests.conftest import run_cli as run

# Every test runs the command line as a subprocess (about a second each, ~30 in all).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def _vectors_warm(meaning: object) -> None:
    """The commands that answer find the shipped knowledge's vectors in the session's cache,
    as the bots of the end-to-end tests do; otherwise the first of them embeds it (about a
    minute on a busy machine, the commands' timeout) whenever this module runs first."""


def test_validate_shipped_knowledge_exits_0() -> None:
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK:" in result.stdout


def test_validate_broken_knowledge_lists_file_line_and_exits_1(tmp_path: Path) -> None:
    broken = MINIMAL["entries.yaml"].replace('phone: "0781 805 1660"', 'phnoe: "0781 805 1660"')
    directory = write_files(tmp_path / "k", {**MINIMAL, "entries.yaml": broken})
    result = run("validate", "--knowledge", str(directory))
    assert result.returncode == 1
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if "phnoe" in text)
    assert f"{directory / 'entries.yaml'}:{line}: " in result.stdout
    assert "unbekanntes Feld 'phnoe'" in result.stdout


def test_schema_is_json_schema_and_matches_the_shipped_file() -> None:
    result = run("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"categories", "entries", "places", "synonyms", "cards"}
    shipped = json.loads((ROOT / "knowledge" / "schema.json").read_text(encoding="utf-8"))
    assert shipped == schema, "knowledge/schema.json is stale: caseworker-bot schema > it"
    for path in (ROOT / "knowledge").glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=./schema.json", path.name


def test_ask_json_is_exactly_the_documented_format() -> None:
    result = run("ask", "polizei hausach", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["query", "outcome", "urgent", "place", "results"]
    assert data["query"] == "polizei hausach" and data["outcome"] == "answer"
    assert data["place"] == "Hausach" and data["urgent"] is False
    assert data["results"][0]["id"] == "polizei-haslach"
    assert all(set(r) == {"id", "title", "score"} for r in data["results"])
    assert len(data["results"]) <= 5


def test_ask_batch_answers_each_line_in_order_as_json_lines() -> None:
    questions = ["polizei hausach", "wlan passwort", "klient suizid was tun"]
    result = run("ask", "--batch", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == questions
    assert [line["outcome"] for line in lines][:2] == ["answer", "none"]
    assert lines[2]["urgent"] is True


def test_ask_renders_like_the_bot_with_time(tmp_path: Path) -> None:
    directory = write_files(tmp_path / "k", MINIMAL)
    result = run("ask", "migrationsamt", "--knowledge", str(directory), "--at", "2026-11-28T22:00")
    assert result.returncode == 0, result.stderr
    assert "Migrationsamt" in result.stdout
    assert "jetzt geschlossen, öffnet Mo 08:00" in result.stdout
    assert "[1] 🌙 Notruf 110 und 112" in result.stdout


def test_eval_json_has_the_documented_keys(tmp_path: Path) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(
        '- q: "polizei hausach"\n  expect: polizei-haslach\n'
        '- q: "revier lahr"\n  expect: [polizei-lahr, polizei-zustaendigkeit]\n'
        '- q: "pizza bestellen"\n  expect: null\n',
        encoding="utf-8",
    )
    result = run("eval", str(questions), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "n",
        "top1",
        "top3",
        "mrr",
        "declined",
        "wrong_place",
        "p50_ms",
        "p99_ms",
        "urgent_recall",
        "urgent_precision",
        "by_group",
    }
    assert data["n"] == 3 and data["top1"] == 1.0 and data["declined"] == 1.0
    assert data["wrong_place"] == 0


def test_chat_console_answers_presses_buttons_and_ends() -> None:
    session = "\n".join(["/ort Hausach", "polizeirevier", "1", "/themen", "/ende"]) + "\n"
    result = run("chat", stdin=session)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Dein Ort ist jetzt Hausach." in out
    assert "Polizeirevier Haslach" in out and "(dein Ort, ändern mit /ort)" in out
    assert "Themen: Wähle einen Bereich." in out
    assert out.rstrip().endswith("Auf Wiedersehen.")


def test_run_without_token_and_without_terminal_exits_2_with_one_line() -> None:
    result = run("run", stdin="")
    assert result.returncode == 2
    assert "BotFather" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("name", "value"),
    [("TIMEZONE", "Mars/Olympus"), ("HOLIDAY_REGION", "XX"), ("ADMIN_USER_IDS", "anna")],
)
def test_invalid_settings_give_one_clear_line(name: str, value: str) -> None:
    result = run("validate", env={name: value})
    assert result.returncode == 2
    assert result.stderr.startswith(f"Einstellung {name}: ")
    assert "Traceback" not in result.stderr


def test_users_add_list_remove(tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "bot.sqlite3")}
    assert run("users", "add", "42", "--role", "lead", env=env).returncode == 0
    listing = run("users", "list", env=env)
    assert listing.stdout.startswith("42\tlead")
    assert run("users", "remove", "42", env=env).returncode == 0
    assert run("users", "remove", "42", env=env).returncode == 1
    assert run("users", "list", env=env).stdout == ""


def test_backup_is_a_consistent_copy_that_answers(tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "bot.sqlite3")}
    assert run("users", "add", "42", "--role", "lead", env=env).returncode == 0
    target = tmp_path / "backup.sqlite3"
    result = run("backup", str(target), env=env)
    assert result.returncode == 0, result.stderr
    restored = run("users", "list", env={"DATABASE_PATH": str(target)})
    assert restored.stdout.startswith("42\tlead")
    assert run("backup", str(target), env=env).returncode == 1  # never overwrites


def test_escalations_export_on_an_empty_database(tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "bot.sqlite3")}
    result = run("escalations", "export", "--since", "2026-01-01", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("\ufeffid;created_at;kind;urgency;place")
    as_json = run("escalations", "export", "--since", "2026-01-01", "--format", "json", env=env)
    assert json.loads(as_json.stdout) == []
    assert run("escalations", "export", "--since", "gestern", env=env).returncode == 2


def test_report_stale_and_gaps(tmp_path: Path) -> None:
    stale = run("report", "stale")
    assert stale.returncode == 0, stale.stderr
    assert stale.stdout.startswith("Veraltete Einträge")
    # Internal procedures carry no check date yet (the police entries now do).
    assert "(wer-macht-was): nie geprüft" in stale.stdout
    env = {"DATABASE_PATH": str(tmp_path / "bot.sqlite3")}
    empty = run("report", "gaps", env=env)
    assert empty.returncode == 0 and "keine Fragen ohne Antwort" in empty.stdout
    import sqlite3

    assert run("users", "list", env=env).returncode == 0  # creates the database
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        now = "2099-01-01T00:00:00+00:00"
        for question in ("wlan passwort", "wlan passwort vergessen", "kantine"):
            db.execute(
                "INSERT INTO questions (asked_at, user_id, question, outcome, latency_ms) "
                "VALUES (?, 1, ?, 'none', 1.0)",
                (now, question),
            )
    gaps = run("report", "gaps", env={**env, "CASEWORKER_BOT_NOW": "2099-01-02T00:00"})
    assert gaps.returncode == 0, gaps.stderr
    assert "1. »wlan passwort« – 2×" in gaps.stdout and "»kantine« – 1×" in gaps.stdout


@pytest.mark.parametrize(
    "command",
    [
        ("users", "add", "4711", "--role", "admin"),
        ("users", "list"),
        ("users", "remove", "4711"),
        ("escalations", "export", "--since", "2026-01-01"),
        ("report", "gaps"),
        ("backup", "copy.sqlite3"),
    ],
)
def test_a_missing_database_folder_is_one_line_and_nothing_is_created(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    """Run from the wrong directory, no command creates a second, empty database."""
    missing = tmp_path / "nowhere"
    result = run(*command, env={"DATABASE_PATH": str(missing / "bot.sqlite3")})
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert str(missing) in result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_a_relative_database_path_is_named_absolute(tmp_path: Path) -> None:
    """Which database a command used is always on stderr, as an absolute path."""
    result = run("users", "list", env={"DATABASE_PATH": "nicht-hier/bot.sqlite3"})
    assert result.returncode == 1
    assert str(ROOT / "nicht-hier") in result.stderr
    assert not (ROOT / "nicht-hier").exists()
    path = tmp_path / "bot.sqlite3"
    added = run("users", "add", "4711", "--role", "admin", env={"DATABASE_PATH": str(path)})
    assert added.returncode == 0, added.stderr
    assert added.stderr == f"Datenbank: {path}\n"
    assert added.stdout == "4711 ist registriert als admin.\n"


def test_database_and_backups_are_private(tmp_path: Path) -> None:
    """0600 for the database (also one that was world-readable) and for every backup; the
    backup folder is created; a folder that cannot be created is one line, no traceback."""
    path = tmp_path / "bot.sqlite3"
    env = {"DATABASE_PATH": str(path)}
    assert run("users", "add", "42", "--role", "lead", env=env).returncode == 0
    assert path.stat().st_mode & 0o777 == 0o600
    for sidecar in tmp_path.glob("bot.sqlite3-*"):
        assert sidecar.stat().st_mode & 0o777 == 0o600, sidecar
    path.chmod(0o644)
    assert run("users", "list", env=env).returncode == 0
    assert path.stat().st_mode & 0o777 == 0o600

    target = tmp_path / "sicherungen" / "2026" / "bot.sqlite3"
    result = run("backup", str(target), env=env)
    assert result.returncode == 0, result.stderr
    assert target.stat().st_mode & 0o777 == 0o600
    assert run("users", "list", env={"DATABASE_PATH": str(target)}).stdout.startswith("42\tlead")

    blocked = tmp_path / "eine-datei"
    blocked.write_text("kein Ordner")
    refused = run("backup", str(blocked / "bot.sqlite3"), env=env)
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert refused.stderr.splitlines()[-1].startswith(f"Sicherung nach {blocked}")


def test_console_is_honest_and_knows_its_commands() -> None:
    """Nothing is stored in the console, so it does not say "notiert"; /hilfe is help, not
    a search; a Telegram-only command says so."""
    session = "\n".join(["wlan passwort kantine", "/hilfe", "/eskalation", "/ende"]) + "\n"
    result = run("chat", stdin=session)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Dazu habe ich nichts gefunden." in out
    assert "notiert" not in out
    assert to_plain(texts.CONSOLE_HELP) in out
    assert texts.CONSOLE_UNKNOWN_COMMAND.format(command="/eskalation") in out
    asked = run("ask", "wlan passwort kantine")
    assert "notiert" not in asked.stdout and "nichts gefunden" in asked.stdout


def test_console_in_a_terminal_has_line_editing() -> None:
    """In a terminal lines are read with readline: the up arrow brings back the last line,
    Ctrl-A jumps to the start of the line."""
    main, side = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    environment["TERM"] = "xterm"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat"],
        stdin=side,
        stdout=side,
        stderr=side,
        cwd=ROOT,
        env=environment,
        close_fds=True,
    )
    os.close(side)
    output = b""

    def read_until(marker: bytes, timeout: float = 30) -> None:
        nonlocal output
        deadline = time.monotonic() + timeout
        while marker not in output:
            assert time.monotonic() < deadline, output.decode("utf-8", "replace")
            ready, _, _ = select.select([main], [], [], 0.5)
            if ready:
                try:
                    output += os.read(main, 65536)
                except OSError:
                    break

    try:
        read_until(b"> ")
        os.write(main, b"/zeit 2026-11-28T22:00\r")
        read_until("Uhrzeit für Antworten".encode())
        output = b""
        os.write(main, b"\x1b[A\r")  # up arrow: the same line again, from the history
        read_until("Uhrzeit für Antworten".encode())
        os.write(main, b"hausach\x01polizei \r")  # Ctrl-A: to the start of the line
        read_until(b"Polizeirevier Haslach")
        os.write(main, b"/ende\r")
        read_until(texts.CONSOLE_BYE.encode())
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main)


def test_schema_markdown_prints_and_updates_the_field_reference(tmp_path: Path) -> None:
    printed = run("schema", "--markdown")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith("<!-- BEGIN generated field reference -->")
    readme = tmp_path / "README.md"
    readme.write_text("# Wissen\n\nHandgeschrieben.\n", encoding="utf-8")
    first = run("schema", "--markdown", "--update", str(readme))
    assert first.returncode == 0, first.stderr
    assert readme.read_text(encoding="utf-8") == "# Wissen\n\nHandgeschrieben.\n\n" + printed.stdout
    # A second run replaces the section instead of appending it again.
    assert run("schema", "--markdown", "--update", str(readme)).returncode == 0
    assert readme.read_text(encoding="utf-8").count("BEGIN generated field reference") == 1
    assert run("schema", "--update", str(readme)).returncode == 2


def test_validate_prints_upkeep_warnings_with_file_and_line(tmp_path: Path) -> None:
    entries = MINIMAL["entries.yaml"].replace(
        'hours: "Mo-Fr 08:00-16:00"', 'hours: "Mo-Fr 09:00-12:00; Th 14:00-17:00"'
    )
    directory = write_files(tmp_path / "k", {**MINIMAL, "entries.yaml": entries})
    result = run("validate", "--knowledge", str(directory))
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(n for n, text in enumerate(entries.splitlines(), 1) if "Th 14:00" in text)
    assert f"{directory / 'entries.yaml'}:{line}: Warnung: " in result.stdout
    assert "Th 09:00-12:00,14:00-17:00" in result.stdout
