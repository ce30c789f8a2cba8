"""The ``caseworker-bot`` command line: validate, schema, ask, eval, chat, run, …"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import texts
from bot.assistant import EMBED_NOW_LIMIT, Assistant
from bot.clock import parse_local_datetime
from bot.config import Settings, SettingsError, load_settings
from bot.console import ConsoleChat, format_reply, run_console
from bot.escalations.reports import to_csv, to_json
from bot.escalations.service import EscalationService, EscalationSettings
from bot.evaluation import evaluate, read_questions
from bot.knowledge import reports
from bot.knowledge.loader import LoadResult, load_knowledge
from bot.knowledge.model import field_reference, json_schema, with_field_reference
from bot.render import knowledge as render_knowledge
from bot.render import to_plain
from bot.render.answers import Renderer
from bot.services import StartupError, semantic_stage
from bot.storage.database import Database, StorageError
from bot.storage.questions import QuestionLog
from bot.storage.users import Role, UserStore

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        settings = load_settings()
    except SettingsError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return EXIT_USAGE
    handler = _COMMANDS[args.command]
    try:
        return handler(args, settings)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`caseworker-bot ask … | head`): not an error of ours.
        sys.stderr.close()
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="caseworker-bot",
        description="Telegram assistant for the integration managers of the Ortenaukreis.",
    )
    commands = parser.add_subparsers(dest="command")

    def with_knowledge(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument(
            "--knowledge", type=Path, help="knowledge directory (default: KNOWLEDGE_DIR)"
        )
        return sub

    with_knowledge(commands.add_parser("validate", help="check the knowledge files"))
    schema = commands.add_parser("schema", help="print the JSON Schema of the knowledge format")
    schema.add_argument(
        "--markdown", action="store_true", help="print the field reference (Markdown) instead"
    )
    schema.add_argument(
        "--update",
        type=Path,
        metavar="README",
        help="with --markdown: replace the generated section of this file (knowledge/README.md)",
    )
    ask = with_knowledge(commands.add_parser("ask", help="answer one question"))
    ask.add_argument("question", nargs="?", help="the question (omit with --batch)")
    ask.add_argument("--at", help="answer as at this ISO date and time")
    ask.add_argument("--place", help="the asker's town, used when the question names none")
    ask.add_argument("--json", action="store_true", help="machine-readable output")
    ask.add_argument(
        "--batch", action="store_true", help="one question per line on stdin, JSON lines out"
    )
    evaluation = with_knowledge(commands.add_parser("eval", help="measure search quality"))
    evaluation.add_argument("file", type=Path, help="questions file (YAML)")
    evaluation.add_argument("--json", action="store_true")
    evaluation.add_argument("--verbose", action="store_true", help="list every miss")
    with_knowledge(commands.add_parser("chat", help="console chat on the knowledge"))
    with_knowledge(commands.add_parser("run", help="start the Telegram bot"))
    users = commands.add_parser("users", help="registered people").add_subparsers(
        dest="action", required=True
    )
    add = users.add_parser("add", help="register a Telegram user id")
    add.add_argument("user_id", type=int)
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.CASEWORKER.value)
    users.add_parser("list", help="list registered people")
    remove = users.add_parser("remove", help="unregister a Telegram user id")
    remove.add_argument("user_id", type=int)
    backup = commands.add_parser(
        "backup", help="consistent copy of the database, also while running"
    )
    backup.add_argument("target", type=Path, help="file to write (must not exist)")
    escalations = commands.add_parser("escalations", help="escalations").add_subparsers(
        dest="action", required=True
    )
    report = commands.add_parser("report", help="reports for team leads")
    report.add_argument("kind", choices=["gaps", "stale"])
    report.add_argument("--days", type=int, default=30, help="gaps: how far back (default 30)")
    with_knowledge(report)
    card = with_knowledge(
        commands.add_parser("card", help="print an emergency card (one-page PDF or PNG)")
    )
    card.add_argument("--lang", required=True, help="language of the card, e.g. ar, uk, fa")
    card.add_argument("--out", required=True, type=Path, help="file to write: .pdf or .png")
    card.add_argument("--place", help="town whose team the card names (default: none)")
    export = escalations.add_parser("export", help="export escalations of a period")
    export.add_argument("--since", required=True, help="first day, YYYY-MM-DD")
    export.add_argument("--until", help="last day, YYYY-MM-DD (default: today)")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    places = commands.add_parser("places", help="places of the knowledge").add_subparsers(
        dest="action", required=True
    )
    fill = with_knowledge(
        places.add_parser(
            "fill-coordinates", help="fill missing lat/lon from the bundled GeoNames data"
        )
    )
    fill.add_argument("--dry-run", action="store_true", help="report only, change no file")
    return parser


def _knowledge_dir(args: argparse.Namespace, settings: Settings) -> Path:
    return args.knowledge if getattr(args, "knowledge", None) else settings.knowledge_dir


def _load(args: argparse.Namespace, settings: Settings) -> LoadResult:
    return load_knowledge(
        _knowledge_dir(args, settings),
        today=settings.clock().today(),
        stale_after_days=settings.stale_after_days,
    )


def _assistant(
    args: argparse.Namespace, settings: Settings, *, create_folder: bool = False
) -> Assistant | None:
    result = _load(args, settings)
    if result.knowledge is None:
        for problem in result.errors:
            print(problem, file=sys.stderr)
        print(
            f"Wissen in {_knowledge_dir(args, settings)} ist fehlerhaft "
            f"({len(result.errors)} Fehler); 'caseworker-bot validate' zeigt alle.",
            file=sys.stderr,
        )
        return None
    meaning, unavailable = semantic_stage(settings, create_folder=create_folder)
    if unavailable:
        print(texts.SEMANTIC_OFF.format(reason=unavailable), file=sys.stderr)
    elif meaning is not None:
        missing = meaning.missing(result.knowledge, list(result.knowledge.entries.values()))
        if missing > EMBED_NOW_LIMIT:  # a first run: say why it takes a moment
            print(texts.SEMANTIC_PREPARING.format(count=missing), file=sys.stderr)
    return Assistant(
        result.knowledge,
        settings.clock(),
        settings.calendar(),
        meaning,
        unavailable,
        embed_now=None,
    )


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    result = _load(args, settings)
    for problem in result.problems:
        print(problem)
    if result.knowledge is None:
        print(f"{len(result.errors)} Fehler, {len(result.warnings)} Warnungen.")
        return EXIT_INVALID
    knowledge = result.knowledge
    print(
        f"OK: {len(knowledge.files)} Dateien, {len(knowledge.entries)} Einträge, "
        f"{len(knowledge.places)} Orte, {len(result.warnings)} Warnungen."
    )
    return EXIT_OK


def cmd_schema(args: argparse.Namespace, settings: Settings) -> int:
    if args.update is not None and not args.markdown:
        print("--update geht nur zusammen mit --markdown.", file=sys.stderr)
        return EXIT_USAGE
    if not args.markdown:
        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return EXIT_OK
    if args.update is None:
        sys.stdout.write(field_reference())
        return EXIT_OK
    try:
        readme = args.update.read_text(encoding="utf-8")
        updated = with_field_reference(readme)
        if updated != readme:
            args.update.write_text(updated, encoding="utf-8")
    except OSError as exc:
        print(f"{args.update}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"Feldreferenz in {args.update} ist aktuell.")
    return EXIT_OK


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if not args.batch and not args.question:
        print("Bitte eine Frage angeben, oder --batch.", file=sys.stderr)
        return EXIT_USAGE
    assistant = _assistant(args, settings)
    if assistant is None:
        return EXIT_INVALID
    now = None
    if args.at:
        try:
            now = parse_local_datetime(args.at, settings.zone)
        except ValueError:
            print(texts.CONSOLE_TIME_INVALID, file=sys.stderr)
            return EXIT_USAGE
    if args.batch:
        for line in sys.stdin:
            question = line.rstrip("\n")
            answer = assistant.answer(question, place=args.place, now=now)
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        return EXIT_OK
    answer = assistant.answer(args.question, place=args.place, now=now)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        return EXIT_OK
    renderer = Renderer(assistant, settings.stale_after_days, records_questions=False)
    print(format_reply(renderer.answer(answer)))
    return EXIT_OK


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    assistant = _assistant(args, settings)
    if assistant is None:
        return EXIT_INVALID
    try:
        questions = read_questions(args.file)
    except (OSError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    now = assistant.clock.now()
    report = evaluate(questions, lambda q: assistant.answer(q, now=now), assistant)
    if args.json:
        print(json.dumps(report.to_json()))
        return EXIT_OK
    if args.verbose:
        for failure in report.failures:
            print(failure)
    print(
        f"Fragen: {report.n}\n"
        f"Top-1: {report.top1:.3f}  Top-3: {report.top3:.3f}  MRR: {report.mrr:.3f}\n"
        f"Abgelehnt (unbeantwortbar): {report.declined:.3f}\n"
        f"Falscher Ort: {report.wrong_place}\n"
        f"Latenz p50: {report.p50_ms:.2f} ms  p99: {report.p99_ms:.2f} ms"
    )
    return EXIT_OK


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    # The console is the bot without Telegram: like the bot, it keeps its vector cache.
    assistant = _assistant(args, settings, create_folder=True)
    if assistant is None:
        return EXIT_INVALID
    renderer = Renderer(assistant, settings.stale_after_days, records_questions=False)
    chat = ConsoleChat(assistant, renderer)
    return run_console(chat, sys.stdin, sys.stdout)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.telegram_bot_token:
        if sys.stdin.isatty():
            print(texts.CONSOLE_NO_TOKEN, file=sys.stderr)
            return cmd_chat(args, settings)
        print(texts.RUN_NO_TOKEN, file=sys.stderr)
        return EXIT_USAGE
    from bot import app, logs

    logs.configure(settings.log_level, settings.telegram_bot_token, settings.secrets())
    try:
        app.run(settings)
    except StartupError as exc:
        print(logs.redact(str(exc)), file=sys.stderr)
        return exc.exit_code
    return EXIT_OK


def _database_path(settings: Settings) -> Path | None:
    """The database file this command uses, said on stderr (stdout stays for the output).

    None after one line if its folder does not exist: a command run in the wrong working
    directory must not create a second, empty database that the bot never sees.
    """
    path = settings.database_path.absolute()
    if not path.parent.is_dir():
        print(
            f"Ordner {path.parent} für die Datenbank gibt es nicht (DATABASE_PATH="
            f"{settings.database_path}); nichts angelegt. Im falschen Verzeichnis? Sonst den "
            f"Ordner anlegen: mkdir -p {path.parent}",
            file=sys.stderr,
        )
        return None
    print(f"Datenbank: {path}", file=sys.stderr)
    return path


async def _open_database(settings: Settings) -> Database | None:
    """The database, or None after one line on stderr saying why it cannot be used."""
    path = _database_path(settings)
    if path is None:
        return None
    try:
        return await Database.open(path, create_folder=False)
    except (StorageError, OSError, sqlite3.Error) as exc:
        print(f"Datenbank {path} nicht nutzbar: {exc}", file=sys.stderr)
        return None


def cmd_users(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_users(args, settings))


async def _users(args: argparse.Namespace, settings: Settings) -> int:
    db = await _open_database(settings)
    if db is None:
        return EXIT_INVALID
    try:
        users = UserStore(db, frozenset(settings.admin_user_ids))
        now = settings.clock().now()
        if args.action == "add":
            user = await users.add(args.user_id, Role(args.role), now)
            print(f"{user.user_id} ist registriert als {user.role.value}.")
        elif args.action == "remove":
            if not await users.remove(args.user_id):
                print(f"{args.user_id} ist nicht registriert (oder Admin aus ADMIN_USER_IDS).")
                return EXIT_INVALID
            print(f"{args.user_id} ist entfernt.")
        else:
            for user in await users.all():
                seen = user.last_seen.isoformat() if user.last_seen else "-"
                print(f"{user.user_id}\t{user.role.value}\t{user.display_name}\t{seen}")
        return EXIT_OK
    finally:
        await db.close()


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """SQLite's online backup: a consistent snapshot even while the bot writes.

    The target's folder is created if missing; the copy is readable by its owner only.
    """
    source_path = _database_path(settings)
    if source_path is None:
        return EXIT_INVALID
    if not source_path.exists():
        print(f"Datenbank {source_path} gibt es nicht.", file=sys.stderr)
        return EXIT_INVALID
    target_path: Path = args.target.absolute()
    try:
        target_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        print(f"Sicherung nach {target_path} nicht möglich: {_os_reason(exc)}", file=sys.stderr)
        return EXIT_INVALID
    try:
        # O_EXCL: never overwrite a backup, even one created in this very moment.
        os.close(os.open(target_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        print(f"{target_path} gibt es schon; bitte einen neuen Dateinamen wählen.", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:
        print(f"Sicherung nach {target_path} nicht möglich: {_os_reason(exc)}", file=sys.stderr)
        return EXIT_INVALID
    try:
        source = sqlite3.connect(source_path)
        try:
            target = sqlite3.connect(target_path)
            try:
                source.backup(target)
                check = target.execute("PRAGMA integrity_check").fetchone()
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        target_path.unlink(missing_ok=True)
        print(f"Sicherung nach {target_path} fehlgeschlagen: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if not check or check[0] != "ok":
        print(f"Sicherung {target_path} ist beschädigt: {check}", file=sys.stderr)
        return EXIT_INVALID
    print(f"Gesichert nach {target_path}.")
    return EXIT_OK


def _os_reason(exc: OSError) -> str:
    """'Permission denied: /var/backups/x' as one line, without Python's error class."""
    reason = exc.strerror or str(exc)
    return f"{reason}: {exc.filename}" if exc.filename else reason


def cmd_escalations(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_export_escalations(args, settings))


async def _export_escalations(args: argparse.Namespace, settings: Settings) -> int:
    zone = settings.zone
    try:
        since = dt.datetime.combine(dt.date.fromisoformat(args.since), dt.time(), tzinfo=zone)
        last = dt.date.fromisoformat(args.until) if args.until else settings.clock().today()
    except ValueError:
        print("Datum bitte als JJJJ-MM-TT.", file=sys.stderr)
        return EXIT_USAGE
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    db = await _open_database(settings)
    if db is None:
        return EXIT_INVALID
    try:
        service = EscalationService(
            db, settings.clock(), EscalationSettings(lead_chat_id=None), _no_recipients
        )
        rows = await service.between(since, until)
    finally:
        await db.close()
    text = to_csv(rows, zone) if args.format == "csv" else to_json(rows) + "\n"
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))  # UTF-8 whatever the terminal's locale
    return EXIT_OK


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    if args.kind == "stale":
        result = _load(args, settings)
        if result.knowledge is None:
            for problem in result.errors:
                print(problem, file=sys.stderr)
            return EXIT_INVALID
        threshold = settings.stale_after_days
        found = reports.stale(result.knowledge, settings.clock().today(), threshold)
        print(to_plain(render_knowledge.stale_list(found, threshold)))
        return EXIT_OK
    return asyncio.run(_report_gaps(args, settings))


async def _report_gaps(args: argparse.Namespace, settings: Settings) -> int:
    db = await _open_database(settings)
    if db is None:
        return EXIT_INVALID
    try:
        log = QuestionLog(db)
        since = settings.clock().now() - dt.timedelta(days=args.days)
        unanswered = [q.question for q in await log.unanswered_since(since)]
        found = reports.gaps(unanswered, await log.unhelpful_since(since))
    finally:
        await db.close()
    print(to_plain(render_knowledge.gaps(found)))
    return EXIT_OK


def cmd_card(args: argparse.Namespace, settings: Settings) -> int:
    """Issue 14: the client's emergency card for a notice board."""
    from bot.cards.card import all_cards, build
    from bot.cards.printable import footer_text, write_card

    if args.out.suffix.lower() not in (".pdf", ".png"):
        print(texts.CARD_CLI_BAD_SUFFIX.format(out=args.out), file=sys.stderr)
        return EXIT_USAGE
    assistant = _assistant(args, settings)
    if assistant is None:
        return EXIT_INVALID
    cards = all_cards(assistant.knowledge)
    card = cards.get(args.lang)
    if card is None:
        known = ", ".join(cards) or "-"
        print(texts.CARD_CLI_UNKNOWN_LANGUAGE.format(lang=args.lang, known=known), file=sys.stderr)
        return EXIT_USAGE
    place = None
    if args.place:
        place = assistant.find_place(args.place)
        if place is None:
            print(texts.CARD_CLI_UNKNOWN_PLACE.format(place=args.place), file=sys.stderr)
            return EXIT_USAGE
    content = build(assistant, card, place)
    write_card(content, args.out, footer=footer_text(content, assistant.knowledge.version))
    print(texts.CARD_CLI_WRITTEN.format(out=args.out))
    return EXIT_OK


async def _no_recipients() -> tuple[list[int], list[int]]:
    return [], []


def cmd_places(args: argparse.Namespace, settings: Settings) -> int:
    """``places fill-coordinates``: coordinates from GeoNames, offline, into the lead's YAML."""
    from bot.geo.fill import fill_coordinates
    from bot.geo.geonames import GeoNamesError, gazetteer

    directory = _knowledge_dir(args, settings)
    try:
        towns = gazetteer()
    except GeoNamesError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    missing = 0
    for path in sorted(directory.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if "places:" not in text:
            continue
        new_text, report = fill_coordinates(text, towns)
        name = path.relative_to(directory)
        for line in report.filled:
            print(f"{name}: ergänzt {line}")
        for line in report.parts:
            print(f"{name}: Ortsteil ergänzt {line}")
        for line in report.check:
            print(f"{name}: PRÜFEN {line}")
        for line in report.missing:
            print(f"{name}: nicht gefunden: {line}")
        missing += len(report.missing)
        if new_text != text and not args.dry_run:
            path.write_text(new_text, encoding="utf-8")
    if missing:
        print(
            f"{missing} Orte ohne Koordinaten: bitte lat/lon von Hand eintragen "
            "(z. B. aus der Gemeindeseite), dann 'caseworker-bot validate'."
        )
    return EXIT_OK


_COMMANDS = {
    "validate": cmd_validate,
    "schema": cmd_schema,
    "ask": cmd_ask,
    "eval": cmd_eval,
    "chat": cmd_chat,
    "run": cmd_run,
    "users": cmd_users,
    "backup": cmd_backup,
    "escalations": cmd_escalations,
    "report": cmd_report,
    "places": cmd_places,
    "card": cmd_card,
}
