"""The console chat: the bot's answers in a terminal, on the same core and renderer.

Buttons become numbers; typing a number presses that button. This is what a newcomer sees
first (``caseworker-bot run`` without a token), and what team leads use to try knowledge.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import TextIO

from bot import actions, texts
from bot.actions import Action
from bot.assistant import Assistant
from bot.cards.card import all_cards, build
from bot.clock import parse_local_datetime
from bot.commands import COMMANDS
from bot.knowledge.model import Place
from bot.render import Reply, to_plain
from bot.render.answers import Renderer
from bot.render.cards import card_html, caseworker_note, language_menu

# The bot's commands, from the command table: here they get "only in Telegram".
TELEGRAM_COMMANDS = frozenset(name for row in COMMANDS for name in row.names)
# Console commands that are the bot's commands of the same name (the rest are console-only).
SHARED_COMMANDS = frozenset({"themen", "notfall", "ort", "karte", "hilfe", "help"})


class ConsoleChat:
    """One conversation in a terminal; ``handle`` maps a typed line to the printed reply."""

    def __init__(self, assistant: Assistant, renderer: Renderer) -> None:
        self.assistant = assistant
        self.renderer = renderer
        self.place: Place | None = None
        self.at: dt.datetime | None = None
        self._buttons: list[Action] = []

    def welcome(self) -> str:
        knowledge = self.assistant.knowledge
        return texts.CONSOLE_WELCOME.format(
            version=knowledge.version, entries=len(knowledge.entries)
        )

    def handle(self, line: str) -> str | None:
        """The text to print for one input line; None ends the chat."""
        text = line.strip()
        if not text:
            return ""
        if text in {"/ende", "/exit", "/quit"}:
            return None
        if text.isascii() and text.isdigit() and len(text) <= 3:
            index = int(text) - 1
            if not 0 <= index < len(self._buttons):
                return texts.CONSOLE_NO_SUCH_BUTTON
            return self._press(self._buttons[index])
        command, _, argument = text.partition(" ")
        handlers: dict[str, Callable[[str], str]] = {
            "/themen": lambda _: self._show(self.renderer.topics()),
            "/notfall": lambda _: self._show(self.renderer.emergency(self.place)),
            "/ort": self._set_place,
            "/zeit": self._set_time,
            "/karte": lambda lang: self._card(lang or None),
            "/hilfe": lambda _: self._show(Reply(texts.CONSOLE_HELP)),
            "/help": lambda _: self._show(Reply(texts.CONSOLE_HELP)),
        }
        if command in handlers:
            return handlers[command](argument.strip())
        if command.startswith("/"):
            # A Telegram command (/eskalation, /bearbeiten …) is no question to search for.
            if command.lstrip("/") in TELEGRAM_COMMANDS:
                return texts.CONSOLE_UNKNOWN_COMMAND.format(command=command)
            return texts.CONSOLE_NO_SUCH_COMMAND.format(command=command)
        answer = self.assistant.answer(text, place=self.place, now=self._now())
        return self._show(self.renderer.answer(answer))

    def _now(self) -> dt.datetime:
        return self.at or self.assistant.clock.now()

    def _press(self, action: Action) -> str:
        if action.kind == actions.OPEN_ENTRY:
            entry = self.assistant.entry(action.args[0])
            if entry is None:
                return texts.OUTDATED_BUTTON
            return self._show(
                self.renderer.entry(
                    entry,
                    now=self._now(),
                    place=self.place,
                    place_source="default" if self.place else None,
                )
            )
        if action.kind == actions.TOPICS:
            return self._show(self.renderer.topics(int(action.args[0])))
        if action.kind == actions.TOPIC:
            reply = self.renderer.topic(action.args[0], int(action.args[1]))
            return self._show(reply) if reply else texts.OUTDATED_BUTTON
        if action.kind == actions.FEEDBACK:
            return texts.FEEDBACK_THANKS
        if action.kind == actions.CARD:  # issue 14: the emergency card (menu, then a card)
            return self._card(action.args[0] if action.args else None)
        return texts.OUTDATED_BUTTON

    def _card(self, lang: str | None) -> str:
        knowledge = self.assistant.knowledge
        card = all_cards(knowledge).get(lang) if lang else None
        if card is None:
            return self._show(language_menu(knowledge)) if lang is None else texts.OUTDATED_BUTTON
        note = self._show(caseworker_note(knowledge, card, self.place is not None))
        return to_plain(card_html(build(self.assistant, card, self.place))) + "\n\n" + note

    def _set_place(self, name: str) -> str:
        if not name:
            self.place = None
            return texts.CONSOLE_PLACE_CLEARED
        place = self.assistant.find_place(name)
        if place is None:
            return texts.CONSOLE_PLACE_UNKNOWN.format(place=name)
        self.place = place
        return texts.CONSOLE_PLACE_SET.format(place=place.name)

    def _set_time(self, value: str) -> str:
        try:
            self.at = parse_local_datetime(value, self.assistant.clock.timezone)
        except ValueError:
            return texts.CONSOLE_TIME_INVALID
        return texts.CONSOLE_TIME_SET.format(when=f"{self.at:%d.%m.%Y %H:%M}")

    def _show(self, reply: Reply) -> str:
        self._buttons = [button.action for row in reply.buttons for button in row]
        return format_reply(reply)


def format_reply(reply: Reply) -> str:
    """A reply as terminal text: plain text, then the buttons numbered from 1."""
    lines = [to_plain(reply.html)]
    labels = [button.label for row in reply.buttons for button in row]
    if labels:
        lines.append("")
        lines.extend(f"  [{i}] {label}" for i, label in enumerate(labels, 1))
    return "\n".join(lines)


def run_console(chat: ConsoleChat, stdin: TextIO, stdout: TextIO, prompt: str = "> ") -> int:
    """Read questions until end of input or /ende.

    In a terminal, lines are read with ``readline``: arrow keys, Ctrl-A/E and the history of
    earlier questions (↑) work as in a shell.
    """
    print(chat.welcome(), file=stdout)
    interactive = stdin.isatty()
    editing = interactive and stdin is sys.stdin and stdout is sys.stdout and _line_editing()
    while True:
        if editing:
            try:
                line = input(prompt) + "\n"
            except EOFError:
                line = ""
        else:
            if interactive:
                stdout.write(prompt)
                stdout.flush()
            line = stdin.readline()
        if not line:
            break
        reply = chat.handle(line)
        if reply is None:
            break
        if reply:
            print(reply + "\n", file=stdout)
    print(texts.CONSOLE_BYE, file=stdout)
    return 0


def _line_editing() -> bool:
    """Turn on line editing for ``input()``; False where Python has no readline (Windows)."""
    try:
        import readline  # noqa: F401  (importing it is what enables editing in input())
    except ImportError:
        return False
    return True
