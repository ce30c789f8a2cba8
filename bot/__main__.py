"""``python -m bot`` is the same as the ``caseworker-bot`` command."""

from bot.cli import main

raise SystemExit(main())
