"""Escalations: the model, the durable service with its outbox, privacy checks, reports.

Returns values and codes (e.g. :class:`bot.escalations.privacy.PersonalData`); the German
words are chosen in :mod:`bot.render.escalations`. Nothing here knows Telegram.
"""

__all__ = [
    "model",
    "privacy",
    "reports",
    "service",
]
