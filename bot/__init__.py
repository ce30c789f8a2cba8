"""caseworker-bot: a Telegram assistant for the integration managers of the Ortenaukreis."""

__version__ = "0.1.0"
