"""Progress without a terminal: a plain line every few seconds, nothing for short work."""

from __future__ import annotations

import io

from factcheck.progress import LogProgress, progress_reporter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_lines_come_at_most_once_per_interval_with_rate_and_eta() -> None:
    clock, lines = Clock(), []
    progress = LogProgress(5.0, lines.append, clock)
    progress("embed", 0, 1000)
    for done in range(100, 1000, 100):
        clock.now += 2.0
        progress("embed", done, 1000)
    clock.now += 2.0
    progress("embed", 1000, 1000)
    # Lines at 6, 12 and 18 s (300, 600, 900 done): 50/s; then the closing line.
    assert lines == [
        "factcheck: embed 300/1000 (30%), 50/s, ETA 0:14",
        "factcheck: embed 600/1000 (60%), 50/s, ETA 0:08",
        "factcheck: embed 900/1000 (90%), 50/s, ETA 0:02",
        "factcheck: embed 1000/1000 done in 0:20",
    ]


def test_short_work_prints_nothing() -> None:
    clock, lines = Clock(), []
    progress = LogProgress(5.0, lines.append, clock)
    for done in range(1, 11):
        clock.now += 0.1
        progress("read", done, 10)
    assert lines == []


def test_slow_rates_and_hours_are_readable() -> None:
    clock, lines = Clock(), []
    progress = LogProgress(1.0, lines.append, clock)
    progress("verifying", 0, 10_000)
    clock.now += 4.0
    progress("verifying", 2, 10_000)
    assert lines == ["factcheck: verifying 2/10000 (0%), 0.5/s, ETA 5:33:16"]


def test_a_stream_that_is_not_a_terminal_gets_log_lines() -> None:
    stream = io.StringIO()
    with progress_reporter(0.0, stream) as progress:
        assert isinstance(progress, LogProgress)
        progress("read", 1, 2)
        progress("read", 2, 2)
    assert stream.getvalue() == "factcheck: read 1/2 (50%)\nfactcheck: read 2/2 done in 0:00\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_with_the_time_remaining() -> None:
    stream = Terminal()
    with progress_reporter(5.0, stream) as progress:
        progress("embed", 0, 1000)
        progress("embed", 400, 1000)
    assert "embed" in stream.getvalue() and "ETA" in stream.getvalue()
    assert "factcheck: embed" not in stream.getvalue()  # no log lines on a terminal
