"""The embedded queue (SQLite): builds run on a thread of ``briefgen serve`` itself.

With nothing configured the portal keeps everything in one SQLite file and needs no
other process. Its runner is a thread woken when its own process queues a build; it
takes the oldest queued item whose spec is not being built, one at a time. A queue
library would bring nothing here: procrastinate needs PostgreSQL, and a separate
worker over SQLite could only find new work by polling the file. So ``briefgen
worker`` refuses SQLite, and several processes sharing the work means PostgreSQL.

An item left "running" by a portal that died (killed, a power cut) is found when a
runner starts on that machine (its process is gone): it is queued again, up to the
same number of attempts as on PostgreSQL, then marked failed with the reason.
"""

from __future__ import annotations

import socket
import sys
import threading

from briefgen.jobs.run import Builder
from briefgen.jobs.store import Store, worker_name

ORPHANED = (
    "{spec}: the portal building it stopped before finishing, {times} "
    "(killed, or out of memory); not tried again: see the server's log"
)


class EmbeddedQueue:
    def __init__(self, builder: Builder, max_attempts: int = 3) -> None:
        self.builder = builder
        self.store: Store = builder.store
        self.max_attempts = max_attempts
        self.wake = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.stopping = False

    def enqueue(self, _session, _items) -> None:
        pass  # the rows are the queue; start() is told after they are committed

    def start(self) -> None:
        """Start the runner (once; again if it died) and have it look at the queue."""
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.recover()
                self.thread = threading.Thread(target=self.run, name="builds", daemon=True)
                self.thread.start()
        self.wake.set()

    def stop(self, wait_seconds: float = 5) -> None:
        """Stop taking builds; the one in hand goes on for ``wait_seconds`` (if the process
        then ends, its item is found orphaned by the next runner on this machine)."""
        self.stopping = True
        self.wake.set()
        if self.thread is not None:
            self.thread.join(wait_seconds)

    def recover(self) -> None:
        for item in self.store.orphans(socket.gethostname()):
            self.store.give_back(item.id, ORPHANED if item.attempts >= self.max_attempts else None)

    def run(self) -> None:
        name = worker_name()
        while not self.stopping:
            self.wake.clear()  # before looking: a build queued meanwhile sets it again
            try:
                item_id = self.store.next_queued()
                item = self.store.start(item_id, name) if item_id is not None else None
            except Exception as exc:  # the database went away: say so, wait for a request
                print(f"briefgen: cannot read the build queue: {exc}", file=sys.stderr)
                item_id = item = None
            if item is not None:
                self.builder.run(item)
            elif item_id is None:
                self.wake.wait()
