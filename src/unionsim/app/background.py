"""The explorer's background threads: the notifier that redraws the page (coalesced, never
blocking its caller) and the cache that draws figures once, off the page's thread; both end when
idle, so a closed page leaves nothing running."""

from __future__ import annotations

import threading
from typing import Callable

from unionsim.app.batches import error_text


IDLE_SECONDS = 60.0
#: Seconds a figure waits at most for the page's redraw in progress before it is drawn.
PAGE_FIRST_SECONDS = 3.0


class Notifier:
    """Calls ``callback`` in a thread of its own after `poke`, coalescing pokes that come while
    it runs: a batch never waits for the page to redraw, and a slow redraw is followed by one
    more, not by one per change that came meanwhile."""

    def __init__(self, callback: Callable[[], None]):
        self.callback = callback
        self.idle = threading.Event()   # clear while the callback (a redraw) runs
        self.idle.set()
        self._event = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def poke(self) -> None:
        with self._lock:
            self._event.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="page updates",
                                                daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while True:
            if not self._event.wait(IDLE_SECONDS):
                with self._lock:     # idle: end (a closed page leaves no thread behind)
                    if not self._event.is_set():
                        self._thread = None
                        return
            self._event.clear()
            self.idle.clear()
            try:
                self.callback()
            except Exception:   # a closed page must not stop the updates of another
                pass
            finally:
                self.idle.set()


class FigureCache:
    """PNG figures drawn in one background thread, newest request first, each drawn once.

    The page asks for a figure while it renders; it gets the PNG if it is ready, else None (the
    figure is queued) and ``on_ready`` is called when it is. So a redraw never waits for
    matplotlib, and a figure nobody looks at is never drawn.
    """

    def __init__(self, on_ready: Callable[[], None] | None = None, keep: int = 24,
                 page_idle: threading.Event | None = None):
        import queue

        self.on_ready = on_ready
        self.page_idle = page_idle
        self.keep = keep
        self._done: dict[tuple, bytes | str] = {}
        self._queued: set[tuple] = set()
        self._queue: "queue.LifoQueue" = queue.LifoQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.drawn = 0            # how many figures were drawn (for tests and the benchmark)

    def get(self, key: tuple, draw: Callable[[], bytes]) -> bytes | str | None:
        """The PNG bytes (or the error text of a failed drawing), or None while queued."""
        with self._lock:
            if key in self._done:
                return self._done[key]
            if key not in self._queued:
                self._queued.add(key)
                self._queue.put((key, draw))
                if self._thread is None:
                    self._thread = threading.Thread(target=self._loop, name="figures",
                                                    daemon=True)
                    self._thread.start()
        return None

    def _loop(self) -> None:
        import queue

        while True:
            try:
                key, draw = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:     # idle: end (a closed page leaves no thread behind)
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            if self.page_idle is not None:
                # let the redraw that asked for the figure reach the page first (drawing holds
                # the interpreter lock for most of a second), but never wait long for it
                self.page_idle.wait(PAGE_FIRST_SECONDS)
            try:
                png: bytes | str = draw()
            except Exception as exc:   # the page shows the error in the figure's place
                png = error_text(exc)
            with self._lock:
                self.drawn += 1
                self._queued.discard(key)
                self._done[key] = png
                while len(self._done) > self.keep:   # the oldest figures go first
                    self._done.pop(next(iter(self._done)))
            if self.on_ready is not None:
                try:
                    self.on_ready()
                except Exception:
                    pass
