"""A wall-clock limit on rendering, so pathological CSS or layout cannot hang a build.

WeasyPrint lays out in Python, so a timer signal can interrupt it. The limit
needs SIGALRM and the main thread (true for the command line and for worker
processes); elsewhere it is not enforced.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_SECONDS = 60.0


class TimeLimitExceeded(BaseException):
    """A BaseException, so no ``except Exception`` inside a library can swallow it."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    usable = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if not seconds or not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise TimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
