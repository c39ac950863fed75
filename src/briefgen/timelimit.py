"""A wall-clock limit on rendering, so pathological CSS or layout cannot hang a build.

WeasyPrint lays out in Python, so a timer signal can interrupt it. The limit
needs SIGALRM and the main thread (true for the command line and for worker
processes); elsewhere it is not enforced.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_SECONDS = 60.0
RETRY_SECONDS = 0.2


class TimeLimitExceeded(BaseException):
    """A BaseException, so no ``except Exception`` inside a library can swallow it."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    usable = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if not seconds or not usable:
        yield
        return

    expired = False

    def on_alarm(signum, frame):
        nonlocal expired
        expired = True
        # Again soon: WeasyPrint swallows even a BaseException while it draws an SVG, and
        # a library may turn it into an error of its own ("figure cannot be read").
        signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)
        raise TimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except BaseException:
        if expired:  # whatever the interruption became on its way out, it was the limit
            raise TimeLimitExceeded() from None
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if expired:  # swallowed on the way, and the work finished anyway: still over the limit
        raise TimeLimitExceeded()


# Room a render may take on top of what the process already holds. Virtual memory: a
# template asking for one huge string ('x' * 10**10, center(), format widths) fails
# with MemoryError at once instead of taking the machine's memory (the time limit
# cannot interrupt one C call that builds a string).
MEMORY_BUDGET_BYTES = 2 * 1024**3


def address_space() -> int | None:
    """This process's virtual memory size now, in bytes (Linux); None if unknown."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def memory_limit(budget: int | None = MEMORY_BUDGET_BYTES) -> Iterator[None]:
    """At most ``budget`` more bytes of address space while the block runs (RLIMIT_AS,
    the soft limit only, set back afterwards); where it cannot be set, no limit."""
    try:
        import resource
    except ImportError:  # not on POSIX
        yield
        return
    current = address_space()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if not budget or current is None:
        yield
        return
    wanted = current + budget
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft <= wanted:
        yield  # already tighter
        return
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
