"""The team as replies: the welcome, invitations, the list of registered people."""

from __future__ import annotations

import datetime as dt
import html

from bot import texts
from bot.storage.users import Role, User

__all__ = ["invite_created", "user_list", "welcome"]


def welcome(first_name: str, role: Role) -> str:
    return texts.WELCOME.format(name=html.escape(first_name), role=texts.ROLE_NAMES[role.value])


def invite_created(role: Role, until: dt.datetime, link: str) -> str:
    return texts.INVITE_CREATED.format(
        role=texts.ROLE_NAMES[role.value], until=f"{until:%d.%m.%Y %H:%M}", link=html.escape(link)
    )


def user_list(users: list[User], zone: dt.tzinfo) -> str:
    lines = [texts.USERS_HEADING.format(count=len(users))]
    for user in users:
        seen = (
            f"{user.last_seen.astimezone(zone):%d.%m.%Y %H:%M}"
            if user.last_seen
            else texts.USER_NEVER_SEEN
        )
        lines.append(
            texts.USER_LINE.format(
                name=html.escape(user.display_name or "–"),
                role=texts.ROLE_NAMES[user.role.value],
                user_id=user.user_id,
                seen=seen,
            )
        )
    return "\n".join(lines)
