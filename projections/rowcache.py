"""The rows a projector wrote, kept between batches so that it need not read them back.

A case's events arrive over weeks, a few in each of many batches: without the cache every
batch read its cases and tasks back from the database, decoding their dates and JSON
again, a sixth of the engine's time. Entries are the values in column order as committed;
the engine builds a fresh dict from them for the policies, which replace values rather
than mutate them, so an entry never changes. When the cache is full, the rows written
least recently go first (the engine writes back every row a batch used, so these are the
rows no recent batch touched). Whether the entries still hold is the engine's business (see
:mod:`projections.stamps`): it clears the cache whenever someone else wrote.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from sqlalchemy import Table

from projections.model import Key

Values = tuple[Any, ...]


class RowCache:
    """At most ``limit`` rows of any tables, by table and key, least recently put first."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._rows: OrderedDict[tuple[Table, Key], Values] = OrderedDict()

    def get(self, table: Table, key: Key) -> Values | None:
        """The values of the row of ``table`` with ``key``, if kept."""
        return self._rows.get((table, key))

    def put(self, table: Table, key: Key, values: Values) -> None:
        """Keep ``values`` as the row of ``table`` with ``key``, dropping the oldest if full."""
        rows = self._rows
        rows[(table, key)] = values
        rows.move_to_end((table, key))
        if len(rows) > self._limit:
            rows.popitem(last=False)

    def clear(self) -> None:
        """Forget every row."""
        self._rows.clear()
