"""Team leads and the knowledge files: uploads, /bestaetigen, /wissen, /verlauf,
/zuruecksetzen, /neuladen, /luecken, /veraltet.

All changes go through :class:`bot.knowledge.manager.KnowledgeManager` (validate the whole
knowledge with the change, write atomically, record a revision, swap the live index).
These handlers only ask, show the review and relay the lead's decision.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from telegram import InputFile, Update

from bot import actions, texts
from bot.actions import Action
from bot.knowledge import reports
from bot.knowledge.edit import Field, edit_entry
from bot.knowledge.manager import (
    MAX_UPLOAD_BYTES,
    ChangedMeanwhile,
    ChangeRefused,
    KnowledgeManager,
    Proposal,
)
from bot.render import Button, Reply, echo
from bot.render import knowledge as render_knowledge
from bot.telegram import deliver
from bot.telegram.context import BotContext
from bot.telegram.io import acknowledge, send
from bot.telegram.steps import show

log = logging.getLogger(__name__)

UPLOAD = "knowledge_upload"
GAPS = "knowledge_gaps"
GAP_DAYS = 30


def actor(update: Update, context: BotContext) -> tuple[int | None, str | None]:
    """Who makes a change, for its revision."""
    account = context.account
    if account is None:
        return None, None
    return account.user_id, account.display_name or str(account.user_id)


def review_text(
    manager: KnowledgeManager[Any],
    proposal: Proposal,
    meanwhile: tuple[Proposal, str | None] | None,
) -> str:
    warnings = proposal.result.warnings
    if meanwhile is None:
        return render_knowledge.review(proposal.file, proposal.review, warnings)
    older, who = meanwhile
    return render_knowledge.changed_meanwhile(
        proposal.file, who, manager.changed_since(older), proposal.review, warnings
    )


async def changed_by(context: BotContext, file: str) -> str | None:
    """Who applied the latest change of ``file`` (None: changed on disk, or not known)."""
    for revision in await context.services.knowledge.revisions.recent(50):
        if revision.file == file:
            return revision.actor_name
    return None


async def apply_reviewed(
    update: Update, context: BotContext, proposal: Proposal, source: str
) -> bool:
    """Apply and tell; False (nothing said or done) if the file changed since the review."""
    manager = context.services.knowledge
    actor_id, actor_name = actor(update, context)
    try:
        revision, changes = await manager.apply(
            proposal, actor_id=actor_id, actor_name=actor_name, source=source
        )
    except ChangedMeanwhile:
        log.info("%s changed since the review: reviewing again", proposal.file)
        return False
    except ChangeRefused as exc:
        text = render_knowledge.refused(exc.problems)
        await show(update, context, Reply(text))
        return True
    except OSError:
        log.exception("could not write knowledge file %s", proposal.file)
        await show(update, context, Reply(texts.EDIT_FAILED))
        return True
    text = render_knowledge.applied(revision, changes)
    await show(update, context, Reply(text))
    await deliver.announce_phone_changes(context, changes)
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
        for i in range(1, min(len(found), render_knowledge.MAX_LISTED) + 1)
    ]
    await send(context.bot, chat.id, Reply(render_knowledge.gaps(found), rows))


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
        reply = Reply(render_knowledge.refused(proposal.result.errors))
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
    return Reply(review_text(context.services.knowledge, proposal, meanwhile), rows)


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
    if await apply_reviewed(update, context, older, "upload"):
        return
    # The file changed since the review: the upload reviewed again against the current file,
    # so that what it would undo of the other change is visible.
    fresh = context.services.knowledge.propose(older.file, older.new_text)
    if not fresh.ok:
        await show(update, context, Reply(render_knowledge.refused(fresh.result.errors)))
        return
    who = await changed_by(context, older.file)
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
    entry = context.services.assistant.entry(args[0].lower())
    file = manager.knowledge.file_of(args[0].lower())
    if entry is None or file is None:
        await message.reply_text(texts.CONFIRM_UNKNOWN.format(id=echo(args[0])))
        return
    today = context.services.clock.today()
    new_text = edit_entry(
        manager.knowledge.files[file], entry.id, Field.VERIFIED, today.isoformat()
    )
    actor_id, actor_name = actor(update, context)
    try:
        revision, _ = await manager.change(
            file, new_text, actor_id=actor_id, actor_name=actor_name, source="edit"
        )
    except ChangeRefused as exc:
        await send(context.bot, message.chat_id, Reply(render_knowledge.refused(exc.problems)))
        return
    await message.reply_text(render_knowledge.confirmed(entry.title, today, revision))


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
    await send(
        context.bot,
        chat.id,
        Reply(render_knowledge.revision_history(recent, services.clock.timezone)),
    )


async def rollback_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    args = context.args or []
    number = actions.number(args[0].removeprefix("#")) if len(args) == 1 else None
    if number is None:
        await message.reply_text(texts.ROLLBACK_USAGE)
        return
    actor_id, actor_name = actor(update, context)
    try:
        revision, changes = await context.services.knowledge.rollback(
            number, actor_id=actor_id, actor_name=actor_name
        )
    except KeyError:
        await message.reply_text(texts.ROLLBACK_UNKNOWN.format(id=number))
        return
    except ChangeRefused as exc:
        await send(context.bot, message.chat_id, Reply(render_knowledge.refused(exc.problems)))
        return
    await message.reply_text(render_knowledge.rolled_back(number, revision, changes))
    await deliver.announce_phone_changes(context, changes)


async def reload_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    outcome = await context.services.knowledge.reload_from_disk()
    if outcome.problems:
        context.services.knowledge.new_problems(outcome.problems)  # told now: not again
        text = texts.RELOAD_BROKEN.format(problems=render_knowledge.problems(outcome.problems))
        await send(context.bot, message.chat_id, Reply(text))
    elif outcome.changed and outcome.review is not None:
        await message.reply_text(render_knowledge.reloaded(outcome.review))
        await deliver.announce_phone_changes(context, outcome.review)
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
    return render_knowledge.stale_list(report, threshold)
