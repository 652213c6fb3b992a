"""Stream processors (faust agents) and the SQL read models they maintain.

The read side turns batches of events into rows, once per event, in one transaction per
batch (:mod:`projections.engine`); a rebuild from the log gives the same tables::

    >>> from projections.engine import Projector
    >>> from projections.testing import dump_tables, event_stream
    >>> events = list(event_stream(seed=1, cases=5))
    >>> projector = Projector("sqlite://")
    >>> projector.apply(events).applied == len(events)
    True
    >>> projector.apply(events[:10]).skipped  # redelivered: nothing changes
    10
    >>> before = dump_tables(projector.engine)
    >>> _ = projector.rebuild(events, batch_size=50)
    >>> dump_tables(projector.engine) == before
    True
"""
