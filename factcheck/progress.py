"""Progress of long work: bars with an ETA on a terminal, a plain log line every few seconds otherwise.

A CI log has no terminal, so bars would never show; a line such as
``factcheck: embed 1200/5000 (24%), 240/s, ETA 0:16`` tells whoever watches it that work goes on.
Work that finishes within one interval prints nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

ProgressCallback = Callable[[str, int, int], None]


@dataclass(slots=True)
class _Stage:
    started: float
    last_line: float
    lines: int = 0


@dataclass(slots=True)
class LogProgress:
    """A progress callback ``(stage, done, total)`` that writes a line per stage at most every ``interval``
    seconds, and a closing line for a stage that wrote any."""

    interval: float
    write: Callable[[str], None]
    clock: Callable[[], float] = time.monotonic
    _stages: dict[str, _Stage] = field(default_factory=dict)

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        state = self._stages.setdefault(stage, _Stage(now, now))
        elapsed = now - state.started
        if total and done >= total:
            if state.lines:
                self.write(f"factcheck: {stage} {done}/{total} done in {_duration(elapsed)}")
            del self._stages[stage]
            return
        if now - state.last_line < self.interval:
            return
        state.last_line = now
        state.lines += 1
        self.write(f"factcheck: {stage} {done}/{total}{_pace(done, total, elapsed)}")


def _pace(done: int, total: int, elapsed: float) -> str:
    share = f" ({100 * done // total}%)" if total else ""
    if done <= 0 or elapsed <= 0:
        return share
    rate = done / elapsed
    speed = f"{rate:.0f}/s" if rate >= 10 else f"{rate:.1f}/s"
    return f"{share}, {speed}, ETA {_duration((total - done) / rate)}"


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@contextmanager
def progress_reporter(interval: float, stream: TextIO | None = None) -> Iterator[ProgressCallback]:
    """Bars when ``stream`` (stderr by default) is a terminal, log lines every ``interval`` seconds otherwise."""
    stream = stream or sys.stderr
    if not stream.isatty():

        def write(line: str) -> None:
            print(line, file=stream, flush=True)

        yield LogProgress(interval, write)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(file=stream, highlight=False, soft_wrap=True)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("ETA"), TimeRemainingColumn(), console=console, transient=True,
    ) as bars:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total)
            bars.update(tasks[stage], completed=done, total=total)

        yield update
