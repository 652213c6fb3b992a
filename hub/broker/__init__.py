"""Broker access: the embedded Kafka-protocol broker, client configurations, topic admin.

Run the hub's topics on an in-memory broker and talk to it with any Kafka client::

    from confluent_kafka import Producer
    from hub.broker import EmbeddedBroker, producer_config
    from hub.topics import Topic, declared_topics

    with EmbeddedBroker(topics=declared_topics()) as broker:
        producer = Producer(producer_config(broker.bootstrap_servers))
        producer.produce(Topic.APPLICATIONS, key=b"case-1", value=b"...")
        producer.flush(10)
"""

from hub.broker.clients import admin_config, consumer_config, producer_config
from hub.broker.embedded import EmbeddedBroker

__all__ = ["EmbeddedBroker", "admin_config", "consumer_config", "producer_config"]
