"""Items one process gathers for a background thread of its own: the write-behind buffer
(core.writebehind) and the SMS sender (notify.sending) are both this, with their own loop."""

import os
import threading
import time


class PendingList:
    """Items added under a lock, taken all at once, put back in front after a failure. The
    daemon thread (`run`, defined by the subclass) starts with the first item; `wake` tells it
    there is work, `oldest` says since when the oldest pending item waits."""

    thread_name = "onetrip-pending"

    def __init__(self):
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.items: list = []
        self.oldest = 0.0  # time.monotonic() when the oldest pending item came
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None

    def add(self, item) -> int:
        """Appends `item`; returns how many are pending now."""
        with self.lock:
            if not self.items:
                self.oldest = time.monotonic()
            self.items.append(item)
            if self.thread is None:
                self.thread = threading.Thread(target=self.run, name=self.thread_name, daemon=True)
                self.thread.start()
            return len(self.items)

    def take(self) -> list:
        with self.lock:
            items, self.items = self.items, []
        return items

    def put_back(self, items: list) -> None:
        with self.lock:
            self.items[:0] = items

    def run(self) -> None:
        raise NotImplementedError

    @property
    def forked(self) -> bool:
        """True in a child process that inherited this list: the child starts its own (the
        parent writes what it had) with its own lock and thread."""
        return self.pid != os.getpid()
