"""De-duplication by event id within a bounded window of recently handled events.

Delivery is at least once, so the same event can arrive twice: a producer retry, a
redelivery after a crash before the commit, a department that sent it again. A consumer
remembers the ids it has handled and skips them. Memory stays bounded on long runs: only
the newest ``capacity`` ids are kept, the oldest forgotten first. Durable read models
must still record what they processed in their own transaction (the tracking records of
the projections); this window only spares them the work of the common, recent duplicate::

    >>> seen = RecentEventIds(capacity=2)
    >>> seen.add("a"); seen.add("b"); seen.add("c")
    >>> "a" in seen, "c" in seen, len(seen)
    (False, True, 2)
"""

from __future__ import annotations

from collections import OrderedDict

from hub.errors import SettingsError

DEFAULT_CAPACITY = 100_000


class RecentEventIds:
    """The ids of the last ``capacity`` events handled; the oldest is forgotten first."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise SettingsError(f"de-duplication capacity must be at least 1 (got {capacity})")
        self.capacity = capacity
        # OrderedDict, not dict: evicting the oldest of a dict rescans deleted slots.
        self._ids: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, event_id: str) -> None:
        """Remember ``event_id`` as the newest; forget the oldest beyond capacity."""
        if event_id in self._ids:
            self._ids.move_to_end(event_id)
            return
        self._ids[event_id] = None
        if len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
