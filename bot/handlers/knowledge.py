"""Team leads change the knowledge from Telegram: quick edits, uploads, rollback, reports.

All changes go through :class:`bot.knowledge.manager.KnowledgeManager` (validate the whole
knowledge with the change, write atomically, record a revision, swap the live index).
These handlers only ask, show the review and relay the lead's decision.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import logging
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any

from telegram import InputFile, Update
from telegram.error import TelegramError
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import actions, render_leads, reports, texts
from bot.actions import Action
from bot.handlers.access import guarded, require
from bot.handlers.context import BotContext
from bot.handlers.io import acknowledge, send
from bot.handlers.steps import as_handler, on_button, show
from bot.knowledge.diff import Review
from bot.knowledge.edit import EditError, Field, edit_entry
from bot.knowledge.hours import german_hours
from bot.knowledge.manager import (
    MAX_UPLOAD_BYTES,
    ChangedMeanwhile,
    ChangeRefused,
    KnowledgeManager,
    Proposal,
)
from bot.knowledge.model import Entry
from bot.render import Button, Reply, echo
from bot.storage.users import Role

log = logging.getLogger(__name__)

ENTRY, FIELD, CONTACT, VALUE, CONFIRM = range(10, 15)
DRAFT = "knowledge_draft"
UPLOAD = "knowledge_upload"
GAPS = "knowledge_gaps"
GAP_DAYS = 30


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


def _actor(update: Update, context: BotContext) -> tuple[int | None, str | None]:
    account = context.account
    if account is None:
        return None, None
    return account.user_id, account.display_name or str(account.user_id)


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
    text = texts.EDIT_CHOOSE_FIELD.format(title=html.escape(entry.title), id=entry.id)
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
        + texts.EDIT_CURRENT.format(value=render_leads._value(current))
    )
    rows = [_cancel_row()]
    if draft.field is Field.VERIFIED:
        rows.insert(0, [Button("heute", Action(actions.EDIT_TODAY, ()))])
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
    if draft.field is Field.VERIFIED and value.lower() == "heute":
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
        text = render_leads.refused(proposal.result.errors)
        await show(update, context, Reply(text, [_cancel_row()]))
        return VALUE
    if proposal.review.empty:
        await show(update, context, Reply(texts.EDIT_NO_CHANGE))
        return ConversationHandler.END
    _save(context, replace(draft, field=field, proposal=proposal, value=value))
    rows = [[Button(texts.EDIT_APPLY, Action(actions.EDIT_APPLY, ("yes",))), *_cancel_row()]]
    await show(update, context, Reply(_review_text(manager, proposal, meanwhile), rows))
    return CONFIRM


def _review_text(
    manager: KnowledgeManager, proposal: Proposal, meanwhile: tuple[Proposal, str | None] | None
) -> str:
    warnings = proposal.result.warnings
    if meanwhile is None:
        return render_leads.review(proposal.file, proposal.review, warnings)
    older, who = meanwhile
    return render_leads.changed_meanwhile(
        proposal.file, who, manager.changed_since(older), proposal.review, warnings
    )


async def _changed_by(context: BotContext, file: str) -> str | None:
    """Who applied the latest change of ``file`` (None: changed on disk, or not known)."""
    for revision in await context.services.knowledge.revisions.recent(50):
        if revision.file == file:
            return revision.actor_name
    return None


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
    if await _apply(update, context, draft.proposal, "edit"):
        return ConversationHandler.END
    # The file changed since the review: the same edit on the current file, reviewed again.
    _save(context, draft)
    assert draft.field is not None and draft.value is not None
    who = await _changed_by(context, draft.proposal.file)
    return await _propose(update, context, draft.field, draft.value, (draft.proposal, who))


async def cancel(update: Update, context: BotContext) -> int:
    _save(context, EditDraft())
    await show(update, context, Reply(texts.EDIT_DISCARDED))
    return ConversationHandler.END


async def expired(update: Update, context: BotContext) -> None:
    _save(context, EditDraft())
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, texts.EDIT_EXPIRED)


async def _apply(update: Update, context: BotContext, proposal: Proposal, source: str) -> bool:
    """Apply and tell; False (nothing said or done) if the file changed since the review."""
    manager = context.services.knowledge
    actor_id, actor_name = _actor(update, context)
    try:
        revision, changes = await manager.apply(
            proposal, actor_id=actor_id, actor_name=actor_name, source=source
        )
    except ChangedMeanwhile:
        log.info("%s changed since the review: reviewing again", proposal.file)
        return False
    except ChangeRefused as exc:
        text = render_leads.refused(exc.problems)
        await show(update, context, Reply(text))
        return True
    except OSError:
        log.exception("could not write knowledge file %s", proposal.file)
        await show(update, context, Reply(texts.EDIT_FAILED))
        return True
    text = texts.EDIT_APPLIED.format(revision=revision, summary=html.escape(changes.summary()))
    await show(update, context, Reply(text))
    await announce_phone_changes(context, changes)
    return True


# -- /luecken: a gap becomes a keyword -------------------------------------------------------


async def gaps_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    services = context.services
    since = services.clock.now() - dt.timedelta(days=GAP_DAYS)
    unanswered = [q.question for q in await services.questions.unanswered_since(since)]
    found = reports.gaps(unanswered, await services.questions.unhelpful_since(since))
    if context.user_data is not None:
        context.user_data[GAPS] = [g.example for g in found]
    rows = [
        [Button(texts.GAPS_ADD.format(index=i), Action(actions.GAP, (str(i - 1),)))]
        for i in range(1, min(len(found), render_leads.MAX_LISTED) + 1)
    ]
    await send(context.bot, chat.id, Reply(render_leads.gaps(found), rows))


async def gap_start(update: Update, context: BotContext) -> int:
    """A ➕ button of /luecken: choose the entry the question should find."""
    query = update.callback_query
    if query is None:
        return ConversationHandler.END
    action = actions.decode(query.data or "")
    index = actions.number(action.args[0]) if action and action.args else None
    examples = context.user_data.get(GAPS, []) if context.user_data else []
    if index is None or index >= len(examples):
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
        return ConversationHandler.END
    _save(context, EditDraft(keyword=examples[index]))
    return await _find_entry(update, context, examples[index])


# -- uploads ---------------------------------------------------------------------------------


async def upload(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or message.document is None:
        return
    document = message.document
    name = KnowledgeManager.valid_name(document.file_name or "")
    if name is None:
        await message.reply_text(texts.UPLOAD_NOT_YAML)
        return
    if document.file_size is not None and document.file_size > MAX_UPLOAD_BYTES:
        await message.reply_text(texts.UPLOAD_TOO_BIG)
        return
    file = await document.get_file()
    content = bytes(await file.download_as_bytearray())
    if len(content) > MAX_UPLOAD_BYTES:
        await message.reply_text(texts.UPLOAD_TOO_BIG)
        return
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        await message.reply_text(texts.UPLOAD_NOT_TEXT)
        return
    proposal = context.services.knowledge.propose(name, text)
    if not proposal.ok:
        reply = Reply(render_leads.refused(proposal.result.errors))
        await send(context.bot, message.chat_id, reply)
        return
    if proposal.review.empty and name in context.services.knowledge.knowledge.files:
        await message.reply_text(texts.EDIT_NO_CHANGE)
        return
    await send(context.bot, message.chat_id, _upload_review(context, proposal, None))


def _upload_review(
    context: BotContext, proposal: Proposal, meanwhile: tuple[Proposal, str | None] | None
) -> Reply:
    """The review of an upload with its buttons; the pending upload remembered."""
    token = secrets.token_hex(4)
    if context.user_data is not None:
        context.user_data[UPLOAD] = (token, proposal)
    rows = [
        [
            Button(texts.EDIT_APPLY, Action(actions.UPLOAD, (token, "yes"))),
            Button(texts.EDIT_DISCARD, Action(actions.UPLOAD, (token, "no"))),
        ]
    ]
    return Reply(_review_text(context.services.knowledge, proposal, meanwhile), rows)


async def upload_decided(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    action = actions.decode(query.data or "")
    pending = context.user_data.pop(UPLOAD, None) if context.user_data is not None else None
    if action is None or len(action.args) != 2 or pending is None or pending[0] != action.args[0]:
        await acknowledge(query, texts.UPLOAD_OUTDATED, alert=True)
        return
    if action.args[1] != "yes":
        await show(update, context, Reply(texts.EDIT_DISCARDED))
        return
    older: Proposal = pending[1]
    if await _apply(update, context, older, "upload"):
        return
    # The file changed since the review: the upload reviewed again against the current file,
    # so that what it would undo of the other change is visible.
    fresh = context.services.knowledge.propose(older.file, older.new_text)
    if not fresh.ok:
        await show(update, context, Reply(render_leads.refused(fresh.result.errors)))
        return
    who = await _changed_by(context, older.file)
    await show(update, context, _upload_review(context, fresh, (older, who)))


# -- one-shot commands -----------------------------------------------------------------------


async def confirm_command(update: Update, context: BotContext) -> None:
    """/bestaetigen ID: the "I checked it, still right" tap."""
    message = update.effective_message
    if message is None:
        return
    args = context.args or []
    if len(args) != 1:
        await message.reply_text(texts.CONFIRM_USAGE)
        return
    manager = context.services.knowledge
    entry = manager.assistant.entry(args[0].lower())
    file = manager.knowledge.file_of(args[0].lower())
    if entry is None or file is None:
        await message.reply_text(texts.CONFIRM_UNKNOWN.format(id=echo(args[0])))
        return
    today = context.services.clock.today()
    new_text = edit_entry(
        manager.knowledge.files[file], entry.id, Field.VERIFIED, today.isoformat()
    )
    actor_id, actor_name = _actor(update, context)
    try:
        revision, _ = await manager.change(
            file, new_text, actor_id=actor_id, actor_name=actor_name, source="edit"
        )
    except ChangeRefused as exc:
        await send(
            context.bot,
            message.chat_id,
            Reply(render_leads.refused(exc.problems)),
        )
        return
    await message.reply_text(
        texts.CONFIRMED.format(
            title=html.escape(entry.title), date=texts.german_date(today), revision=revision
        )
    )


async def files_command(update: Update, context: BotContext) -> None:
    """/wissen: the current files as documents, to edit on a laptop."""
    chat = update.effective_chat
    if chat is None:
        return
    files = context.services.knowledge.files()
    await context.bot.send_message(chat.id, texts.KNOWLEDGE_FILES.format(count=len(files)))
    for name, text in files.items():
        await context.bot.send_document(chat.id, InputFile(text.encode("utf-8"), filename=name))


async def history_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    services = context.services
    recent = await services.knowledge.revisions.recent(10)
    await send(context.bot, chat.id, Reply(render_leads.history(recent, services.clock.timezone)))


async def rollback_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    args = context.args or []
    number = actions.number(args[0].removeprefix("#")) if len(args) == 1 else None
    if number is None:
        await message.reply_text(texts.ROLLBACK_USAGE)
        return
    actor_id, actor_name = _actor(update, context)
    try:
        revision, changes = await context.services.knowledge.rollback(
            number, actor_id=actor_id, actor_name=actor_name
        )
    except KeyError:
        await message.reply_text(texts.ROLLBACK_UNKNOWN.format(id=number))
        return
    except ChangeRefused as exc:
        await send(
            context.bot,
            message.chat_id,
            Reply(render_leads.refused(exc.problems)),
        )
        return
    await message.reply_text(
        texts.ROLLBACK_DONE.format(
            old=number, revision=revision, summary=html.escape(changes.summary())
        )
    )
    await announce_phone_changes(context, changes)


async def reload_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    outcome = await context.services.knowledge.reload_from_disk()
    if outcome.problems:
        context.services.knowledge.new_problems(outcome.problems)  # told now: not again
        text = texts.RELOAD_BROKEN.format(problems=render_leads.problems(outcome.problems))
        await send(context.bot, message.chat_id, Reply(text))
    elif outcome.changed and outcome.review is not None:
        await message.reply_text(
            texts.RELOAD_CHANGED.format(summary=html.escape(outcome.review.summary()))
        )
        await announce_phone_changes(context, outcome.review)
    else:
        await message.reply_text(texts.RELOAD_UNCHANGED)


async def stale_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await send(context.bot, chat.id, Reply(stale_report(context)))


def stale_report(context: BotContext) -> str:
    services = context.services
    threshold = services.settings.stale_after_days
    report = reports.stale(services.knowledge.knowledge, services.clock.today(), threshold)
    return render_leads.stale(report, threshold)


# -- telling people --------------------------------------------------------------------------


async def lead_chats(context: BotContext) -> list[int]:
    """Where leads are told things: their group, or each lead directly."""
    services = context.services
    if services.settings.team_lead_chat_id is not None:
        return [services.settings.team_lead_chat_id]
    return [u.user_id for u in await services.users.with_role_at_least(Role.LEAD)]


async def announce_phone_changes(context: BotContext, changes: Review) -> None:
    """When an urgent entry's phone number changes, every registered person hears of it.

    Sent through the rate-limited broadcast bot, so a large team stays within Telegram's
    limits.
    """
    services = context.services
    changed = changes.urgent_phone_changes(services.knowledge.knowledge)
    if not changed:
        return
    users = await services.users.all()
    bot = context.broadcaster
    for entry in changed:
        phones = "\n".join(
            f"☎️ {html.escape(view.contact.name)}: {html.escape(view.phone.display)}"
            for view in services.assistant.contacts(entry)
            if view.phone is not None
        )
        text = texts.PHONE_CHANGED_NOTICE.format(title=html.escape(entry.title), phones=phones)
        for user in users:
            try:
                await bot.send_message(user.user_id, text)
            except TelegramError:
                log.warning("could not tell %s about a changed number", user.user_id, exc_info=True)


async def weekly_stale_job(context: BotContext) -> None:
    """Weekly: the stale list to the leads, when it is not empty."""
    services = context.services
    report = reports.stale(
        services.knowledge.knowledge, services.clock.today(), services.settings.stale_after_days
    )
    if not report:
        return
    text = render_leads.stale(report, services.settings.stale_after_days)
    for chat_id in await lead_chats(context):
        try:
            await send(context.bot, chat_id, Reply(text))
        except TelegramError:
            log.warning("could not send the stale report to %s", chat_id, exc_info=True)


async def watch_job(context: BotContext) -> None:
    """With KNOWLEDGE_WATCH: pick up changes on disk; tell the leads once about breakage."""
    manager = context.services.knowledge
    outcome = await manager.reload_from_disk()
    if outcome.problems and manager.new_problems(outcome.problems):
        text = texts.RELOAD_BROKEN.format(problems=render_leads.problems(outcome.problems))
        for chat_id in await lead_chats(context):
            try:
                await send(context.bot, chat_id, Reply(text))
            except TelegramError:
                log.warning("could not tell %s about broken knowledge", chat_id, exc_info=True)
    elif outcome.changed and outcome.review is not None:
        manager.new_problems([])
        await announce_phone_changes(context, outcome.review)


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
