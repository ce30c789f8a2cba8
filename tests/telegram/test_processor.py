"""The update processor: one person's updates in order, the others meanwhile, no slot hogging."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

from telegram import Chat, Message, Update, User

from bot.telegram.processor import PerUserUpdateProcessor


def _update(user_id: int, n: int) -> Update:
    user = User(id=user_id, first_name=f"u{user_id}", is_bot=False)
    chat = Chat(id=user_id, type=Chat.PRIVATE)
    message = Message(n, dt.datetime.now(dt.UTC), chat, from_user=user, text=f"frage {n}")
    return Update(n, message=message)


async def _until(condition: Callable[[], bool], seconds: float = 2.0) -> bool:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.005)
    return True


class _Handlers:
    """Handlers that record that they started and then wait until released."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.release = asyncio.Event()

    async def handle(self, name: str) -> None:
        self.started.append(name)
        await self.release.wait()


async def test_a_flooder_waiting_for_their_turn_does_not_hold_up_the_others() -> None:
    processor = PerUserUpdateProcessor(max_running=2)
    handlers = _Handlers()
    tasks = [
        asyncio.create_task(processor.process_update(_update(1, n), handlers.handle(f"flood{n}")))
        for n in range(10)
    ]
    await asyncio.sleep(0.01)  # the flooder's ten are admitted: one runs, nine wait their turn
    tasks.append(
        asyncio.create_task(processor.process_update(_update(2, 99), handlers.handle("other")))
    )
    assert await _until(lambda: "other" in handlers.started), handlers.started
    assert handlers.started == ["flood0", "other"]
    handlers.release.set()
    await asyncio.gather(*tasks)
    assert handlers.started[2:] == [f"flood{n}" for n in range(1, 10)]  # in order


async def test_no_more_updates_run_at_once_than_the_running_slots() -> None:
    processor = PerUserUpdateProcessor(max_running=2)
    handlers = _Handlers()
    tasks = [
        asyncio.create_task(
            processor.process_update(_update(user, user), handlers.handle(f"u{user}"))
        )
        for user in (1, 2, 3)
    ]
    assert await _until(lambda: len(handlers.started) == 2)
    await asyncio.sleep(0.05)
    assert handlers.started == ["u1", "u2"]  # the third waits for a slot
    handlers.release.set()
    await asyncio.gather(*tasks)
    assert handlers.started == ["u1", "u2", "u3"]
