"""Update handlers: each translates a Telegram update into calls on the services and sends
what :mod:`bot.render` made of the result. Registered in :mod:`bot.app`, commands from the
table in :mod:`bot.commands`. Plumbing (context, sending, jobs) is in :mod:`bot.telegram`.
"""

__all__ = [
    "access",
    "admin",
    "browse",
    "buttons",
    "cards",
    "escalation",
    "escalation_leads",
    "knowledge_edit",
    "knowledge_files",
    "location",
    "place",
    "questions",
    "start",
    "team",
]
