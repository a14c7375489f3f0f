"""A least-recently-used cache bounded by the bytes its entries hold, for pictures and answers."""

from __future__ import annotations

import threading
from collections import OrderedDict


class SizedLRU:
    """Values by key, least recently used dropped first once they hold over ``max_bytes``; thread-safe.

    Each ``put`` says what its entry costs in bytes (the caller knows what it
    holds).  An entry over a quarter of the budget is not kept, so one huge
    entry cannot empty the cache.  ``max_bytes`` 0 turns it off.  ``what``
    names the setting in the error for a bad ``max_bytes``.
    """

    def __init__(self, max_bytes: int, what: str = "max_bytes"):
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 0:
            raise ValueError(f"{what} must be a whole number >= 0, not {max_bytes!r}")
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key):
        """The value kept for ``key`` (now the most recently used), or None."""
        if not self.max_bytes:
            return None
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key, value, cost: int) -> None:
        """Keep ``value`` for ``key``, as costing ``cost`` bytes; the oldest entries go to make room."""
        if not self.max_bytes or cost > self.max_bytes // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._items[key] = (value, cost)
            self.size += cost
            while self.size > self.max_bytes:
                _, (_, old_cost) = self._items.popitem(last=False)
                self.size -= old_cost

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0
