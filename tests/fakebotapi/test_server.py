"""The fake Bot API over HTTP, driven by the real python-telegram-bot client.

Compatibility is proven with the real python-telegram-bot client; errors must surface as the
same ``telegram.error`` exceptions with the same messages Telegram produces.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken

from fakebotapi import FakeBotApiThread, User, rules
from tests.fakebotapi.conftest import ANNA, BEN, GROUP_ID, KEYBOARD, call, png, ptb_message


def test_get_me_and_tokens(api: FakeBotApiThread) -> None:
    me = call(api, lambda bot: bot.get_me())
    assert me.id == 123456789
    assert me.username == "caseworker_test_bot"
    assert me.is_bot

    async def wrong_token() -> None:
        async with Bot("987:WRONG", base_url=api.base_url) as bot:
            await bot.get_me()

    with pytest.raises(InvalidToken, match="was rejected by the server"):
        asyncio.run(wrong_token())
    assert api.requests[-1].status == 401


def test_raw_http_unknown_method_get_and_json_bodies(api: FakeBotApiThread) -> None:
    base = f"{api.base_url}{api.token}"
    response = httpx.post(f"{base}/sendTelepathy", data={"chat_id": "1"})
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert httpx.get(f"{api.url}/nothing/here").status_code == 404
    unimplemented = httpx.post(f"{base}/pinChatMessage", data={"chat_id": "1"})
    assert unimplemented.status_code == 501
    assert "does not simulate" in unimplemented.json()["description"]
    assert httpx.get(f"{base}/getMe").json()["result"]["username"] == "caseworker_test_bot"
    assert httpx.get(f"{base}/getme").json()["ok"]  # method names are case-insensitive

    api.add_user(ANNA)
    body = {
        "chat_id": ANNA.id,
        "text": "<i>json</i>",
        "parse_mode": "HTML",
        "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": "x"}]]},
    }
    result = httpx.post(f"{base}/sendMessage", json=body).json()
    assert result["ok"] and result["result"]["entities"][0]["type"] == "italic"
    query = httpx.get(f"{base}/sendMessage", params={"chat_id": ANNA.id, "text": "q"}).json()
    assert query["result"]["text"] == "q"
    bad = httpx.post(
        f"{base}/sendMessage", data={"chat_id": str(ANNA.id), "text": "a < b", "parse_mode": "HTML"}
    )
    assert bad.status_code == 400
    assert bad.json()["description"] == (
        'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2'
    )


def test_send_message_html_and_inline_keyboard(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    html = "<b>Polizei</b> Hausach &amp; Umgebung 👮\n<a href='https://polizei.de'>Website</a>"
    sent = call(
        api,
        lambda bot: bot.send_message(ANNA.id, html, parse_mode="HTML", reply_markup=KEYBOARD),
    )
    assert sent.text == "Polizei Hausach & Umgebung 👮\nWebsite"
    assert sent.parse_entities()  # PTB can resolve the UTF-16 offsets
    assert [e.type for e in sent.entities] == ["bold", "text_link"]
    assert sent.entities[1].url == "https://polizei.de"
    assert sent.reply_markup == KEYBOARD
    assert sent.from_user is not None and sent.from_user.is_bot

    [msg] = api.wait_for_messages(ANNA.id, timeout=1)
    assert msg.message_id == sent.message_id
    assert msg.text == html
    assert msg.parse_mode == "HTML"
    assert msg.plain_text == sent.text
    assert msg.buttons == [
        [("✅ Ja", "yes")],
        [("Nein", "no"), ("Website", "https://example.org/hilfe")],
    ]
    assert msg.button("ja").callback_data == "yes"
    assert msg.button("web").url == "https://example.org/hilfe"
    with pytest.raises(LookupError):
        msg.button("Vielleicht")

    second = call(api, lambda bot: bot.send_message(ANNA.id, "zwei"))
    assert second.message_id == sent.message_id + 1


def test_other_reply_markups_are_accepted(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)

    async def scenario(bot: Bot) -> None:
        keyboard = ReplyKeyboardMarkup([["Ja", "Nein"]], resize_keyboard=True)
        sent = await bot.send_message(ANNA.id, "Tastatur", reply_markup=keyboard)
        assert sent.reply_markup is None  # Telegram only echoes inline keyboards
        await bot.send_message(ANNA.id, "weg", reply_markup=ReplyKeyboardRemove())
        await bot.send_message(ANNA.id, "antworte", reply_markup=ForceReply())

    call(api, scenario)
    first, _, _ = api.wait_for_messages(ANNA.id, count=3, timeout=1)
    assert first.reply_keyboard == [["Ja", "Nein"]]


@pytest.mark.parametrize(
    ("text", "parse_mode", "description"),
    [
        ("", None, rules.ERR_TEXT_EMPTY),
        ("x" * 4097, None, rules.ERR_TEXT_TOO_LONG),
        ("<b>" + "x" * 4097 + "</b>", "HTML", rules.ERR_TEXT_TOO_LONG),
        (
            "Treffer: 3 < 5",
            "HTML",
            'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 11',
        ),
        (
            "<h1>Titel</h1>",
            "HTML",
            'Bad Request: can\'t parse entities: Unsupported start tag "h1" at byte offset 0',
        ),
        (
            "<b>offen",
            "HTML",
            "Bad Request: can't parse entities: "
            'Can\'t find end tag corresponding to start tag "b"',
        ),
    ],
)
def test_send_message_errors(
    api: FakeBotApiThread, text: str, parse_mode: str | None, description: str
) -> None:
    api.add_user(ANNA)
    with pytest.raises(BadRequest) as err:
        call(api, lambda bot: bot.send_message(ANNA.id, text, parse_mode=parse_mode))
    assert err.value.message == ptb_message(description)
    assert api.messages(ANNA.id) == []
    assert api.requests_for("sendMessage")[-1].status == 400


def test_unescaped_ampersand_is_rejected(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        call(api, lambda bot: bot.send_message(ANNA.id, "Müller & Söhne", parse_mode="HTML"))
    assert api.messages(ANNA.id) == []


def test_callback_data_of_65_bytes_is_rejected(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="ä" * 32 + "x")]])
    with pytest.raises(BadRequest) as err:
        call(api, lambda bot: bot.send_message(ANNA.id, "x", reply_markup=markup))
    assert err.value.message == ptb_message(rules.ERR_BUTTON_DATA_INVALID)


def test_chat_not_found_blocked_and_groups(api: FakeBotApiThread) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        call(api, lambda bot: bot.send_message(4242, "hallo"))
    api.add_user(BEN)
    api.block_bot(BEN)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        call(api, lambda bot: bot.send_message(BEN.id, "hallo"))
    api.send_text(BEN, "wieder da")  # writing to the bot unblocks it
    call(api, lambda bot: bot.send_message(BEN.id, "hallo"))

    with pytest.raises(BadRequest, match="Chat not found"):
        call(api, lambda bot: bot.send_message(GROUP_ID, "hallo"))
    api.add_group(GROUP_ID, "Team", username="team_chat", members=[ANNA])
    update_id = api.send_text(ANNA, "/hilfe@caseworker_test_bot", chat=GROUP_ID)
    update = next(u for u in api.updates if u["update_id"] == update_id)
    assert update["message"]["chat"] == {
        "id": GROUP_ID,
        "type": "supergroup",
        "title": "Team",
        "username": "team_chat",
    }
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 26}]

    async def in_group(bot: Bot) -> None:
        await bot.send_message(GROUP_ID, "an alle")
        await bot.send_message("@team_chat", "per username")
        chat = await bot.get_chat(GROUP_ID)
        assert chat.title == "Team"
        member = await bot.get_chat_member(GROUP_ID, ANNA.id)
        assert member.status == "member"
        assert (await bot.get_chat_member(GROUP_ID, BEN.id)).status == "left"
        private = await bot.get_chat(ANNA.id)
        assert private.first_name == "Anna" and private.type == "private"

    call(api, in_group)
    assert [m.plain_text for m in api.messages(GROUP_ID)] == ["an alle", "per username"]

    # Users seen only in a group never opened the bot: no private messages to them.
    carla = User(1003, "Carla")
    api.send_text(carla, "hallo gruppe", chat=GROUP_ID)
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        call(api, lambda bot: bot.send_message(carla.id, "privat"))
    api.add_user(carla)  # she presses Start
    call(api, lambda bot: bot.send_message(carla.id, "privat"))

    api.set_member_status(GROUP_ID, api.bot_user, "kicked")
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        call(api, lambda bot: bot.send_message(GROUP_ID, "noch da?"))

    # wait_for_request walks through matching requests one by one
    first = api.wait_for_request("sendMessage", timeout=1)
    second = api.wait_for_request("sendMessage", timeout=1)
    assert second.seq > first.seq
    denied = api.wait_for_request("sendMessage", lambda r: r.status == 403, timeout=1, since=0)
    assert denied.error == "Forbidden: bot was blocked by the user"


def test_edit_delete_and_not_modified(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)

    async def scenario(bot: Bot) -> None:
        sent = await bot.send_message(
            ANNA.id, "<b>v1</b>", parse_mode="HTML", reply_markup=KEYBOARD
        )
        with pytest.raises(BadRequest) as err:
            await bot.edit_message_text(
                "<b>v1</b>", ANNA.id, sent.message_id, parse_mode="HTML", reply_markup=KEYBOARD
            )
        assert err.value.message == ptb_message(rules.ERR_NOT_MODIFIED)
        # Same text but different formatting is a modification.
        await bot.edit_message_text("v1", ANNA.id, sent.message_id, reply_markup=KEYBOARD)
        # Leaving out reply_markup removes the keyboard, as on Telegram.
        edited = await bot.edit_message_text("v2", ANNA.id, sent.message_id)
        assert isinstance(edited, Message)
        assert edited.reply_markup is None and edited.edit_date is not None
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_reply_markup(ANNA.id, sent.message_id, reply_markup=None)
        await bot.edit_message_reply_markup(ANNA.id, sent.message_id, reply_markup=KEYBOARD)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", ANNA.id, 999)
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.edit_message_text("<b></b>", ANNA.id, sent.message_id, parse_mode="HTML")
        assert await bot.delete_message(ANNA.id, sent.message_id)
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await bot.delete_message(ANNA.id, sent.message_id)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", ANNA.id, sent.message_id)

    call(api, scenario)
    [msg] = api.messages(ANNA.id, include_deleted=True)
    assert msg.deleted and api.messages(ANNA.id) == []
    assert [v.plain_text for v in msg.edits] == ["v1", "v1", "v2"]
    assert msg.edits[0].parse_mode == "HTML" and msg.edits[1].parse_mode is None
    assert msg.plain_text == "v2" and msg.buttons[0] == [("✅ Ja", "yes")]
    assert msg.version == 3


def test_reply_parameters(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    api.send_text(ANNA, "frage")
    user_message_id = api.updates[-1]["message"]["message_id"]

    async def scenario(bot: Bot) -> None:
        reply = await bot.send_message(
            ANNA.id, "antwort", reply_parameters=ReplyParameters(user_message_id)
        )
        assert reply.reply_to_message is not None
        assert reply.reply_to_message.text == "frage"
        with pytest.raises(BadRequest, match="Message to be replied not found"):
            await bot.send_message(ANNA.id, "x", reply_parameters=ReplyParameters(777))
        await bot.send_message(
            ANNA.id, "x", reply_parameters=ReplyParameters(777, allow_sending_without_reply=True)
        )

    call(api, scenario)
    assert api.messages(ANNA.id)[0].reply_to_message_id == user_message_id


def test_get_updates_long_poll_and_offsets(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    sent = call(api, lambda bot: bot.send_message(ANNA.id, "Wähle", reply_markup=KEYBOARD))
    [bot_msg] = api.wait_for_messages(ANNA.id, timeout=1)

    async def scenario(bot: Bot) -> None:
        loop = asyncio.get_running_loop()
        loop.call_later(0.3, api.send_text, ANNA, "polizei hausach")
        started = time.monotonic()
        updates = await bot.get_updates(timeout=5)
        assert 0.2 < time.monotonic() - started < 2.0  # it really blocked, then returned early
        [update] = updates
        assert update.message is not None and update.message.text == "polizei hausach"
        assert update.message.from_user is not None and update.message.from_user.id == ANNA.id

        query_id = api.press_button(ANNA, bot_msg, "no")
        file_update_id = api.send_document(
            ANNA, "bescheid.pdf", b"%PDF-1.4 fake", mime_type="application/pdf", caption="Bitte"
        )
        # Not confirmed yet: the same update comes again, followed by the new ones.
        again = await bot.get_updates(timeout=0)
        assert [u.update_id for u in again] == [
            update.update_id,
            update.update_id + 1,
            file_update_id,
        ]
        assert api.pending_updates == 3

        updates = await bot.get_updates(offset=update.update_id + 1, timeout=0, limit=1)
        assert api.pending_updates == 2
        [callback] = updates
        assert callback.callback_query is not None
        assert callback.callback_query.id == query_id
        assert callback.callback_query.data == "no"
        assert callback.callback_query.message is not None
        assert callback.callback_query.message.message_id == sent.message_id
        assert await callback.callback_query.answer("Notiert")
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(query_id)

        [doc_update] = await bot.get_updates(offset=callback.update_id + 1, timeout=0)
        assert doc_update.message is not None and doc_update.message.document is not None
        assert doc_update.message.document.file_name == "bescheid.pdf"
        assert doc_update.message.caption == "Bitte"
        await bot.get_updates(offset=doc_update.update_id + 1, timeout=0)
        assert api.pending_updates == 0

        # Negative offsets keep only the newest updates.
        for i in range(3):
            api.send_text(ANNA, f"n{i}")
        [last] = await bot.get_updates(offset=-1, timeout=0)
        assert last.message is not None and last.message.text == "n2"
        assert api.pending_updates == 1

    call(api, scenario)
    [answer] = api.callback_answers
    assert answer.text == "Notiert" and not answer.show_alert


def test_concurrent_get_updates_conflict(api: FakeBotApiThread) -> None:
    """A second bot instance polling terminates the first one's request, as on Telegram."""

    async def scenario(first_bot: Bot) -> None:
        async with Bot(api.token, base_url=api.base_url) as second_bot:
            first = asyncio.create_task(first_bot.get_updates(timeout=3))
            await asyncio.sleep(0.2)
            second = asyncio.create_task(second_bot.get_updates(timeout=0))
            with pytest.raises(Conflict, match="terminated by other getUpdates request"):
                await first
            assert await second == ()

    call(api, scenario)


def test_allowed_updates_and_webhook(api: FakeBotApiThread) -> None:
    async def scenario(bot: Bot) -> None:
        await bot.get_updates(timeout=0, allowed_updates=["message"])
        api.add_user(ANNA)
        msg = await bot.send_message(ANNA.id, "x", reply_markup=KEYBOARD)
        api.press_button(ANNA, (ANNA.id, msg.message_id), label="Nein")  # filtered out
        api.send_text(ANNA, "kommt an")
        [update] = await bot.get_updates(timeout=0)
        assert update.message is not None
        assert await bot.set_webhook("https://example.org/hook")
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates(timeout=0)
        info = await bot.get_webhook_info()
        assert info.url == "https://example.org/hook" and info.pending_update_count == 1
        with pytest.raises(BadRequest, match="an https url must be provided"):
            await bot.set_webhook("http://example.org/hook")
        assert await bot.delete_webhook(drop_pending_updates=True)
        assert await bot.get_updates(timeout=0) == ()

    call(api, scenario)
    assert api.allowed_updates == ["message"]


def test_files_upload_and_download(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    content = bytes(range(256)) * 40
    api.send_document(ANNA, "akte.bin", content)
    file_id = api.updates[-1]["message"]["document"]["file_id"]
    image = png(4, 3)

    async def scenario(bot: Bot) -> None:
        tg_file = await bot.get_file(file_id)
        assert tg_file.file_size == len(content)
        assert tg_file.file_path is not None and tg_file.file_path.startswith(api.base_file_url)
        assert bytes(await tg_file.download_as_bytearray()) == content
        with pytest.raises(BadRequest, match="Wrong file_id"):
            await bot.get_file("nope")

        sent = await bot.send_document(
            ANNA.id,
            b"a;b\n1;2\n",
            filename="export.csv",
            caption="<b>Export</b>",
            parse_mode="HTML",
        )
        assert sent.document is not None and sent.document.file_name == "export.csv"
        assert sent.caption == "Export"
        again = await bot.send_document(ANNA.id, sent.document.file_id)  # resend by file_id
        assert again.document is not None and again.document.file_id == sent.document.file_id
        photo = await bot.send_photo(ANNA.id, image, caption="Bild")
        assert photo.photo[-1].width == 4 and photo.photo[-1].height == 3
        downloaded = await (await bot.get_file(photo.photo[-1].file_id)).download_as_bytearray()
        assert bytes(downloaded) == image
        with pytest.raises(BadRequest, match="Image_process_failed"):
            await bot.send_photo(ANNA.id, b"not an image")
        with pytest.raises(BadRequest, match="Message caption is too long"):
            await bot.send_document(ANNA.id, b"x", filename="x.txt", caption="c" * 1025)

    call(api, scenario)
    doc, _, pic = api.wait_for_messages(ANNA.id, count=3, timeout=1)
    assert doc.kind == "document" and doc.document is not None
    assert doc.document.content == b"a;b\n1;2\n"
    assert doc.document.filename == "export.csv" and doc.document.mime_type == "text/csv"
    assert doc.caption == "<b>Export</b>" and doc.plain_text == "Export"
    assert pic.photo is not None and pic.photo.content == image and pic.photo.caption == "Bild"
    assert httpx.get(f"{api.base_file_url}{api.token}/documents/missing").status_code == 404


def test_commands_menu_actions_and_callback_answers(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    commands = [BotCommand("start", "Starten"), BotCommand("hilfe", "Hilfe anzeigen")]

    async def scenario(bot: Bot) -> None:
        assert await bot.set_my_commands(commands)
        assert await bot.get_my_commands() == tuple(commands)
        assert await bot.set_my_commands([BotCommand("start", "Start")], language_code="en")
        assert await bot.get_my_commands(language_code="en") == (BotCommand("start", "Start"),)
        with pytest.raises(BadRequest, match="Bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Start", "x")])
        with pytest.raises(BadRequest, match="Bot_command_description_invalid"):
            await bot.set_my_commands([BotCommand("start", "")])
        assert await bot.delete_my_commands(language_code="en")
        assert await bot.get_my_commands(language_code="en") == ()
        assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
        assert await bot.send_chat_action(ANNA.id, "typing")
        with pytest.raises(BadRequest, match="Wrong parameter action"):
            await bot.send_chat_action(ANNA.id, "dancing")
        msg = await bot.send_message(ANNA.id, "?", reply_markup=KEYBOARD)
        query_id = api.press_button(ANNA, (ANNA.id, msg.message_id), label="Ja")
        with pytest.raises(BadRequest, match="Message_too_long"):
            await bot.answer_callback_query(query_id, text="x" * 201)
        assert await bot.answer_callback_query(query_id, text="x" * 200, show_alert=True)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query("12345")

    call(api, scenario)
    assert api.commands() == [c.to_dict() for c in commands]
    assert api.menu_buttons[None] == {"type": "commands"}
    assert [a.action for a in api.chat_actions] == ["typing"]
    assert api.callback_answers[-1].show_alert


def test_press_button_checks_current_keyboard(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    api.add_user(BEN)
    msg = call(api, lambda bot: bot.send_message(ANNA.id, "?", reply_markup=KEYBOARD))
    ref = (ANNA.id, msg.message_id)
    with pytest.raises(LookupError):
        api.press_button(ANNA, ref, "maybe")
    with pytest.raises(ValueError, match="cannot see"):
        api.press_button(BEN, ref, "yes")
    with pytest.raises(ValueError, match="not a callback button"):
        api.press_button(ANNA, ref, label="Website")
    call(api, lambda bot: bot.edit_message_reply_markup(ANNA.id, msg.message_id))
    with pytest.raises(LookupError):
        api.press_button(ANNA, ref, "yes")
