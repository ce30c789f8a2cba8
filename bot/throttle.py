"""Per-user flood protection: a token bucket per Telegram user.

A caseworker may type a few messages quickly; a script sending a hundred a second is
throttled for that user alone, with one notice, while everyone else is served as usual.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float
    noticed: bool = False  # told during this stretch; a stretch ends when the bucket is full


class Throttle:
    """``rate`` messages per second on average, bursts up to ``burst``."""

    def __init__(self, rate: float = 1.0, burst: int = 10, max_users: int = 10_000) -> None:
        self.rate = rate
        self.burst = burst
        self.max_users = max_users
        self._buckets: dict[int, _Bucket] = {}

    def allow(self, user_id: int, now: float) -> tuple[bool, bool]:
        """(allowed, tell): ``tell`` is True once per throttled stretch, for the notice."""
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= self.max_users:
                self._forget_full(now)
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= self.burst:
            # Quiet long enough to refill completely: the throttled stretch is over. Not
            # sooner: a sustained flood gets a message through every 1/rate seconds, and
            # each of those must not earn the flooder another notice.
            bucket.noticed = False
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return True, False
        tell = not bucket.noticed
        bucket.noticed = True
        return False, tell

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled completely: they carry no information."""
        for user_id, bucket in list(self._buckets.items()):
            if bucket.tokens + (now - bucket.updated) * self.rate >= self.burst:
                del self._buckets[user_id]
