"""/bearbeiten: a lead changes one field of an entry in a few steps, and /luecken's ➕ buttons.

Each step re-checks the role; the change is reviewed (the diff) and applied by
:mod:`bot.handlers.knowledge_files` like an upload.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any

from telegram import Update
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import actions, texts
from bot.actions import Action
from bot.handlers import knowledge_files
from bot.handlers.access import guarded, require
from bot.knowledge.edit import EditError, Field, edit_entry
from bot.knowledge.hours import german_hours
from bot.knowledge.manager import (
    Proposal,
)
from bot.knowledge.model import Entry
from bot.render import Button, Reply, echo
from bot.render import knowledge as render_knowledge
from bot.storage.users import Role
from bot.telegram.context import BotContext
from bot.telegram.io import acknowledge
from bot.telegram.steps import as_handler, on_button, show

log = logging.getLogger(__name__)

ENTRY, FIELD, CONTACT, VALUE, CONFIRM = range(10, 15)
DRAFT = "knowledge_draft"


@dataclass(frozen=True)
class EditDraft:
    entry_id: str | None = None
    field: Field | None = None
    contact: int | None = None
    proposal: Proposal | None = None
    value: str | None = None  # what the lead typed (re-applied if the file changed meanwhile)
    keyword: str | None = None  # from /luecken: the question to add as a keyword


def _draft(context: BotContext) -> EditDraft:
    data = context.user_data if context.user_data is not None else {}
    draft = data.get(DRAFT)
    return draft if isinstance(draft, EditDraft) else EditDraft()


def _save(context: BotContext, draft: EditDraft) -> None:
    if context.user_data is not None:
        context.user_data[DRAFT] = draft


def _cancel_row() -> list[Button]:
    return [Button(texts.EDIT_DISCARD, Action(actions.EDIT_APPLY, ("no",)))]


# -- the quick-edit conversation ------------------------------------------------------------

Step = Callable[[Update, BotContext], Coroutine[Any, Any, int]]


def lead_step(step: Step) -> Step:
    """Every step re-checks the role: a lead demoted mid-conversation cannot go on."""

    @functools.wraps(step)
    async def checked(update: Update, context: BotContext) -> int:
        if not await require(update, context, Role.LEAD):
            _save(context, EditDraft())
            return ConversationHandler.END
        return await step(update, context)

    return checked


async def edit_start(update: Update, context: BotContext) -> int:
    """/bearbeiten [query]: the role is checked where the command is registered."""
    _save(context, EditDraft())
    query = " ".join(context.args or []).strip()
    if query:
        return await _find_entry(update, context, query)
    await show(update, context, Reply(texts.EDIT_ASK_ENTRY, [_cancel_row()]))
    return ENTRY


@lead_step
async def entry_typed(update: Update, context: BotContext) -> int:
    message = update.effective_message
    assert message is not None
    return await _find_entry(update, context, message.text or "")


async def _find_entry(update: Update, context: BotContext, query: str) -> int:
    assistant = context.services.assistant
    exact = assistant.entry(query.strip().lower())
    if exact is not None:
        return await _entry_chosen(update, context, exact)
    answer = assistant.answer(query)
    candidates = [h.entry for h in answer.results[:5]]
    if not candidates:
        await show(update, context, Reply(texts.EDIT_NO_ENTRY, [_cancel_row()]))
        return ENTRY
    rows = [[Button(e.title[:60], Action(actions.EDIT_ENTRY, (e.id,)))] for e in candidates]
    heading = texts.EDIT_CHOOSE_ENTRY
    draft = _draft(context)
    if draft.keyword:
        heading = texts.GAPS_CHOOSE_ENTRY.format(question=echo(draft.keyword))
    await show(update, context, Reply(heading, [*rows, _cancel_row()]))
    return ENTRY


@lead_step
async def entry_pressed(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None
    action = actions.decode(query.data or "")
    entry = context.services.assistant.entry(action.args[0]) if action and action.args else None
    if entry is None:
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
        return ENTRY
    return await _entry_chosen(update, context, entry)


async def _entry_chosen(update: Update, context: BotContext, entry: Entry) -> int:
    draft = replace(_draft(context), entry_id=entry.id)
    _save(context, draft)
    if draft.keyword:
        keywords = ", ".join([*entry.keywords, draft.keyword])
        return await _propose(update, context, Field.KEYWORDS, keywords)
    rows = [
        [Button(texts.FIELD_LABELS[f.value], Action(actions.EDIT_FIELD, (f.value,)))] for f in Field
    ]
    text = render_knowledge.choose_field(entry.title, entry.id)
    await show(update, context, Reply(text, [*rows, _cancel_row()]))
    return FIELD


@lead_step
async def field_pressed(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None
    action = actions.decode(query.data or "")
    draft = _draft(context)
    entry = context.services.assistant.entry(draft.entry_id or "")
    try:
        field = Field(action.args[0]) if action and action.args else None
    except ValueError:
        field = None
    if field is None or entry is None:
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
        return FIELD
    _save(context, replace(draft, field=field))
    if field.per_contact:
        if not entry.contacts:
            await acknowledge(query, texts.EDIT_NO_CONTACTS, alert=True)
            return FIELD
        if len(entry.contacts) > 1:
            rows = [
                [
                    Button(
                        f"{c.name} {c.phone or ''}".strip()[:60],
                        Action(actions.EDIT_CONTACT, (str(i),)),
                    )
                ]
                for i, c in enumerate(entry.contacts)
            ]
            await show(update, context, Reply(texts.EDIT_CHOOSE_CONTACT, [*rows, _cancel_row()]))
            return CONTACT
        _save(context, replace(_draft(context), contact=0))
    return await _ask_value(update, context)


@lead_step
async def contact_pressed(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None
    action = actions.decode(query.data or "")
    index = actions.number(action.args[0]) if action and action.args else None
    entry = context.services.assistant.entry(_draft(context).entry_id or "")
    if index is None or entry is None or index >= len(entry.contacts):
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
        return CONTACT
    _save(context, replace(_draft(context), contact=index))
    return await _ask_value(update, context)


async def _ask_value(update: Update, context: BotContext) -> int:
    draft = _draft(context)
    entry = context.services.assistant.entry(draft.entry_id or "")
    assert draft.field is not None and entry is not None
    current = _current_value(entry, draft.field, draft.contact)
    text = (
        texts.EDIT_ASK_VALUE[draft.field.value]
        + "\n\n"
        + texts.EDIT_CURRENT.format(value=render_knowledge.shown_value(current))
    )
    rows = [_cancel_row()]
    if draft.field is Field.VERIFIED:
        rows.insert(0, [Button(texts.EDIT_TODAY_BUTTON, Action(actions.EDIT_TODAY, ()))])
    await show(update, context, Reply(text, rows))
    return VALUE


def _current_value(entry: Entry, field: Field, contact: int | None) -> object:
    if field.per_contact:
        value = getattr(entry.contacts[contact or 0], field.value)
        return german_hours(value) if field is Field.HOURS and value else value
    value = getattr(entry, field.value)
    return value.isoformat() if isinstance(value, dt.date) else value


@lead_step
async def value_typed(update: Update, context: BotContext) -> int:
    message = update.effective_message
    assert message is not None
    draft = _draft(context)
    assert draft.field is not None
    value = (message.text or "").strip()
    if draft.field is Field.VERIFIED and value.lower() == texts.EDIT_TODAY_WORD:
        value = context.services.clock.today().isoformat()
    return await _propose(update, context, draft.field, value)


@lead_step
async def today_pressed(update: Update, context: BotContext) -> int:
    return await _propose(
        update, context, Field.VERIFIED, context.services.clock.today().isoformat()
    )


async def _propose(
    update: Update,
    context: BotContext,
    field: Field,
    value: str,
    meanwhile: tuple[Proposal, str | None] | None = None,
) -> int:
    """The edit as a review to confirm; ``meanwhile``: the older proposal and who changed
    its file since (shown above the new review)."""
    draft = _draft(context)
    manager = context.services.knowledge
    file = manager.knowledge.file_of(draft.entry_id or "")
    if file is None or draft.entry_id is None:
        await show(update, context, Reply(texts.OUTDATED_BUTTON))
        return ConversationHandler.END
    try:
        new_text = edit_entry(
            manager.knowledge.files[file], draft.entry_id, field, value, draft.contact
        )
    except (EditError, ValueError) as exc:
        log.info("edit refused: %s", exc)
        await show(
            update,
            context,
            Reply(texts.EDIT_INVALID.format(problems=echo(str(exc), 300)), [_cancel_row()]),
        )
        return VALUE
    proposal = manager.propose(file, new_text)
    if not proposal.ok:
        text = render_knowledge.refused(proposal.result.errors)
        await show(update, context, Reply(text, [_cancel_row()]))
        return VALUE
    if proposal.review.empty:
        await show(update, context, Reply(texts.EDIT_NO_CHANGE))
        return ConversationHandler.END
    _save(context, replace(draft, field=field, proposal=proposal, value=value))
    rows = [[Button(texts.EDIT_APPLY, Action(actions.EDIT_APPLY, ("yes",))), *_cancel_row()]]
    await show(
        update, context, Reply(knowledge_files.review_text(manager, proposal, meanwhile), rows)
    )
    return CONFIRM


@lead_step
async def apply_pressed(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None
    draft = _draft(context)
    _save(context, EditDraft())
    if (
        actions.decode(query.data or "") != Action(actions.EDIT_APPLY, ("yes",))
        or draft.proposal is None
    ):
        await show(update, context, Reply(texts.EDIT_DISCARDED))
        return ConversationHandler.END
    if await knowledge_files.apply_reviewed(update, context, draft.proposal, "edit"):
        return ConversationHandler.END
    # The file changed since the review: the same edit on the current file, reviewed again.
    _save(context, draft)
    assert draft.field is not None and draft.value is not None
    who = await knowledge_files.changed_by(context, draft.proposal.file)
    return await _propose(update, context, draft.field, draft.value, (draft.proposal, who))


async def cancel(update: Update, context: BotContext) -> int:
    _save(context, EditDraft())
    await show(update, context, Reply(texts.EDIT_DISCARDED))
    return ConversationHandler.END


async def expired(update: Update, context: BotContext) -> None:
    _save(context, EditDraft())
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, texts.EDIT_EXPIRED)


async def gap_start(update: Update, context: BotContext) -> int:
    """A ➕ button of /luecken: choose the entry the question should find."""
    query = update.callback_query
    if query is None:
        return ConversationHandler.END
    action = actions.decode(query.data or "")
    index = actions.number(action.args[0]) if action and action.args else None
    examples = context.user_data.get(knowledge_files.GAPS, []) if context.user_data else []
    if index is None or index >= len(examples):
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
        return ConversationHandler.END
    _save(context, EditDraft(keyword=examples[index]))
    return await _find_entry(update, context, examples[index])


# -- wiring ----------------------------------------------------------------------------------


def conversation(
    timeout_seconds: float, command: CommandHandler[BotContext, Any]
) -> ConversationHandler[BotContext]:
    """The edit conversation, opened by ``command`` (/bearbeiten, from the command table)."""
    typed = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[
            as_handler(command),
            on_button(guarded(gap_start, Role.LEAD), actions.GAP),
        ],
        states={
            ENTRY: [
                on_button(entry_pressed, actions.EDIT_ENTRY),
                as_handler(MessageHandler(typed, entry_typed)),
            ],
            FIELD: [on_button(field_pressed, actions.EDIT_FIELD)],
            CONTACT: [on_button(contact_pressed, actions.EDIT_CONTACT)],
            VALUE: [
                on_button(today_pressed, actions.EDIT_TODAY),
                as_handler(MessageHandler(typed, value_typed)),
            ],
            CONFIRM: [on_button(apply_pressed, actions.EDIT_APPLY, args="yes", required=True)],
            ConversationHandler.TIMEOUT: [as_handler(TypeHandler(Update, expired))],
        },
        fallbacks=[
            on_button(cancel, actions.EDIT_APPLY, args="no", required=True),
            as_handler(CommandHandler("abbrechen", cancel)),
        ],
        conversation_timeout=timeout_seconds,
        name="knowledge-edit",
        allow_reentry=True,
    )
