"""Telegram plumbing: the typed context, sending, conversation steps, the per-user update
processor, delivery of the outbox, the HTTP request class, the error handler, the command
menus and the scheduled jobs. No update handler lives here (those are in bot/handlers/)."""

__all__ = [
    "context",
    "deliver",
    "errors",
    "io",
    "jobs",
    "menu",
    "processor",
    "request",
    "steps",
]
