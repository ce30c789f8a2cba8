"""Emergency cards for clients in their own language (issue 14).

:mod:`bot.cards.numbers` finds the phone numbers in a card's text (also for ``validate``),
:mod:`bot.cards.card` picks cards and the caseworker's team from the knowledge and builds the
Telegram message, :mod:`bot.cards.bidi` keeps numbers in order inside right-to-left text, and
:mod:`bot.cards.printable` writes the one-page PDF or PNG for a notice board. Nothing here
knows about Telegram's API; the handler in :mod:`bot.handlers.cards` only sends.
"""

__all__ = [
    "bidi",
    "card",
    "numbers",
    "printable",
]
