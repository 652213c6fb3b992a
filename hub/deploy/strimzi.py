"""Strimzi resources for the hub's Kafka cluster, from the topic registry and the principals.

Kafka runs in KRaft mode on one pool of nodes that are both controllers and brokers, with
as many nodes as the largest replication factor in the registry. Clients authenticate
with SCRAM-SHA-512 on an internal listener and the simple authorizer enforces each
principal's ACLs; Strimzi's topic and user operators reconcile the resources below::

    >>> from hub.topics import REGISTRY
    >>> topic = kafka_topic(REGISTRY[0])
    >>> topic["spec"]["topicName"], topic["spec"]["partitions"]
    ('onewindow.applications', 6)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from hub.deploy.acls import Acl, Resource, acls
from hub.deploy.principals import Principal
from hub.topics import TopicSpec

Manifest = dict[str, Any]

API_VERSION = "kafka.strimzi.io/v1beta2"
CLUSTER = "onewindow"
KAFKA_VERSION = "4.0.0"
METADATA_VERSION = "4.0-IV3"
LISTENER = "scram"
LISTENER_PORT = 9092
BOOTSTRAP = f"{CLUSTER}-kafka-bootstrap:{LISTENER_PORT}"
NODE_POOL = "dual-role"
BROKER_STORAGE = "100Gi"
BROKER_RESOURCES = {
    "requests": {"cpu": "1", "memory": "4Gi"},
    "limits": {"cpu": "2", "memory": "4Gi"},
}
_NOT_DNS = re.compile(r"[^a-z0-9.-]")


def cluster_labels() -> dict[str, str]:
    """The label that ties a Strimzi resource to the hub's cluster."""
    return {"strimzi.io/cluster": CLUSTER}


def kafka(topics: Sequence[TopicSpec]) -> Manifest:
    """The ``Kafka`` resource: KRaft, node pools, a SCRAM listener, simple authorization."""
    replication = max(spec.replication_factor for spec in topics)
    in_sync = max(int(spec.config()["min.insync.replicas"]) for spec in topics)
    return {
        "apiVersion": API_VERSION,
        "kind": "Kafka",
        "metadata": {
            "name": CLUSTER,
            "annotations": {"strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled"},
        },
        "spec": {
            "kafka": {
                "version": KAFKA_VERSION,
                "metadataVersion": METADATA_VERSION,
                "listeners": [_listener()],
                "authorization": {"type": "simple"},
                "config": _broker_config(replication, in_sync),
            },
            "entityOperator": {"topicOperator": {}, "userOperator": {}},
            # Consumer lag and log-end offsets for the alert rules (deploy/monitoring).
            "kafkaExporter": {"topicRegex": "onewindow.*", "groupRegex": ".*"},
        },
    }


def node_pool(topics: Sequence[TopicSpec]) -> Manifest:
    """The ``KafkaNodePool``: combined controller and broker nodes on persistent volumes."""
    volume = {
        "id": 0,
        "type": "persistent-claim",
        "size": BROKER_STORAGE,
        "deleteClaim": False,
        "kraftMetadata": "shared",
    }
    return {
        "apiVersion": API_VERSION,
        "kind": "KafkaNodePool",
        "metadata": {"name": NODE_POOL, "labels": cluster_labels()},
        "spec": {
            "replicas": max(spec.replication_factor for spec in topics),
            "roles": ["controller", "broker"],
            "storage": {"type": "jbod", "volumes": [volume]},
            "resources": BROKER_RESOURCES,
        },
    }


def kafka_topic(spec: TopicSpec) -> Manifest:
    """A ``KafkaTopic`` carrying exactly the registry's partitions, replicas and config."""
    return {
        "apiVersion": API_VERSION,
        "kind": "KafkaTopic",
        "metadata": {"name": resource_name(spec.name), "labels": cluster_labels()},
        "spec": {
            "topicName": str(spec.name),
            "partitions": spec.partitions,
            "replicas": spec.replication_factor,
            "config": spec.config(),
        },
    }


def kafka_user(principal: Principal) -> Manifest:
    """A ``KafkaUser`` with a SCRAM-SHA-512 password (a Secret of the same name) and ACLs."""
    return {
        "apiVersion": API_VERSION,
        "kind": "KafkaUser",
        "metadata": {
            "name": principal.name,
            "labels": cluster_labels(),
            "annotations": {"onewindow.io/description": principal.description},
        },
        "spec": {
            "authentication": {"type": "scram-sha-512"},
            "authorization": {
                "type": "simple",
                "acls": [_strimzi_acl(acl) for acl in acls(principal)],
            },
        },
    }


def resource_name(topic: str) -> str:
    """A Kubernetes name for a topic: lower case, with ``_`` and the like as ``-``."""
    return _NOT_DNS.sub("-", topic.lower()).strip(".-")


def _listener() -> Manifest:
    return {
        "name": LISTENER,
        "port": LISTENER_PORT,
        "type": "internal",
        "tls": False,
        "authentication": {"type": "scram-sha-512"},
    }


def _broker_config(replication: int, in_sync: int) -> dict[str, Any]:
    # Internal topics get the same durability as the hub's; nothing is created by accident.
    return {
        "auto.create.topics.enable": False,
        "default.replication.factor": replication,
        "min.insync.replicas": in_sync,
        "offsets.topic.replication.factor": replication,
        "transaction.state.log.replication.factor": replication,
        "transaction.state.log.min.isr": in_sync,
    }


def _strimzi_acl(acl: Acl) -> Manifest:
    resource: Manifest = {"type": str(acl.resource)}
    if acl.resource is not Resource.CLUSTER:
        resource |= {"name": acl.name, "patternType": str(acl.pattern)}
    return {"resource": resource, "operations": list(acl.operations)}
