"""The clocks: a held clock stands still before start() and while paused (test pacing)."""

from __future__ import annotations

import time

from copydesk.clock import HeldClock


def test_held_clock_stands_still_until_started():
    clock = HeldClock()
    before = clock.now()
    time.sleep(0.02)
    assert clock.monotonic() == 0.0
    assert clock.now() == before


def test_paused_time_does_not_count():
    clock = HeldClock()
    clock.pause()  # before start(): nothing to pause
    clock.start()
    time.sleep(0.02)
    clock.pause()
    stopped = clock.monotonic()
    assert stopped >= 0.02
    time.sleep(0.05)
    assert clock.monotonic() == stopped  # still, however long the pause
    clock.pause()  # pausing twice keeps the first moment
    clock.resume()
    resumed = time.monotonic()
    time.sleep(0.02)
    running = clock.monotonic()
    since = time.monotonic() - resumed
    assert stopped + 0.02 <= running <= stopped + since  # the pause is left out
    clock.resume()  # resuming while running changes nothing
    assert clock.monotonic() >= running
