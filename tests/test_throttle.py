"""Flood protection: one user is slowed down, with one notice; others are not affected."""

from bot.throttle import Throttle


def test_bursts_pass_floods_are_throttled_with_one_notice() -> None:
    throttle = Throttle(rate=1.0, burst=5)
    results = [throttle.allow(1, 0.0) for _ in range(8)]
    assert [allowed for allowed, _ in results] == [True] * 5 + [False] * 3
    assert [tell for _, tell in results] == [False] * 5 + [True, False, False]
    assert throttle.allow(2, 0.0) == (True, False)  # someone else
    assert throttle.allow(1, 2.0) == (True, False)  # refilled two tokens
    assert throttle.allow(1, 2.0) == (True, False)
    assert throttle.allow(1, 2.0) == (False, True)  # a new stretch: told again


def test_memory_stays_bounded() -> None:
    throttle = Throttle(rate=1.0, burst=2, max_users=100)
    for user in range(1000):
        throttle.allow(user, float(user))
    assert len(throttle._buckets) <= 100
