"""Connectors: the plugins that meet each department system where it is.

A :class:`~connectors.base.Source` turns what a department system holds into events, a
:class:`~connectors.base.Sink` delivers events to one; the runners in
:mod:`connectors.running` own the broker, retries and dead letters. ``onewindow connector
list`` shows the built-ins and installed plugins, ``onewindow connector new`` starts a new
one. A whole source, run once against an embedded broker::

    import threading

    from connectors.base import Source, SourceConfig, SourceContext
    from connectors.running import SourceRunner
    from hub.broker import EmbeddedBroker
    from hub.events import Event
    from hub.events.cases import CaseRated
    from hub.publisher import Publisher
    from hub.registry import EmbeddedRegistry
    from hub.serde import Serializer
    from hub.topics import declared_topics

    class DeskRatings(Source[SourceConfig]):
        \"\"\"Ratings typed in at the service-centre desk.\"\"\"

        config_model = SourceConfig

        def start(self, config: SourceConfig, context: SourceContext) -> None:
            self.waiting = [CaseRated(source="desk", case_id="C-1", score=5)]

        def poll(self) -> list[Event]:
            return self.waiting

        def commit(self, events: object) -> None:
            self.waiting = []  # the broker has confirmed them

        def stop(self) -> None:
            pass

    serializer = Serializer(EmbeddedRegistry())
    with EmbeddedBroker(topics=declared_topics()) as broker:
        with Publisher(broker.bootstrap_servers, serializer) as publisher:
            runner = SourceRunner(DeskRatings(), SourceConfig(), publisher, serializer, "desk")
            print(runner.run(threading.Event(), once=True))
    # RunStats(delivered=1, dead_lettered=0, steps=2)
"""
