"""The hub's own Kubernetes workloads: worker, archiver and API, non-root and probed.

Every container runs the one hub image with ``onewindow <noun>``; settings come from the
environment as in :mod:`hub.settings`: the broker address and SCRAM user from here, the
password from the Secret Strimzi writes for the principal's ``KafkaUser``, the database
URL from the ``onewindow-database`` Secret and the schema registry URL from the
``onewindow-settings`` ConfigMap, both created by the operator (see deploy/README.md).
The worker's autoscaler stops at the partition count of the topics it consumes, since a
consumer group member beyond that count would get no partition::

    >>> worker_max_replicas([])
    1
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hub import __version__
from hub.deploy.principals import Principal
from hub.deploy.strimzi import BOOTSTRAP
from hub.topics import TopicSpec

Manifest = dict[str, Any]

IMAGE = f"ghcr.io/onewindow/onewindow:{__version__}"
API_PORT = 8600
HEALTH_PORT = 8601
USER_ID = 10001
DATA_DIR = "/var/lib/onewindow"
DATABASE_SECRET = "onewindow-database"
SETTINGS_CONFIGMAP = "onewindow-settings"
REGISTRY_KEY = "schema-registry-url"
WORKER_MIN_REPLICAS = 2
WORKER_CPU_TARGET = 70
_WORKER_RESOURCES = {
    "requests": {"cpu": "250m", "memory": "512Mi"},
    "limits": {"cpu": "1", "memory": "1Gi"},
}
_API_RESOURCES = {
    "requests": {"cpu": "100m", "memory": "256Mi"},
    "limits": {"cpu": "1", "memory": "512Mi"},
}


def worker_max_replicas(consumed: Sequence[TopicSpec]) -> int:
    """The most workers that can each own a partition of the topics they consume."""
    return max((spec.partitions for spec in consumed), default=1)


def worker(principal: Principal) -> Manifest:
    """The processors' Deployment: ``onewindow worker`` members of one consumer group."""
    container = _container("worker", ["worker", "--loglevel", "info"], principal, HEALTH_PORT)
    # No replicas: the autoscaler owns the count, and an apply must not reset it.
    return _deployment("worker", None, container, "RollingUpdate")


def archiver(principal: Principal) -> Manifest:
    """``onewindow archive run``: copies every topic into the archive; one replica."""
    container = _container("archiver", ["archive", "run"], principal, HEALTH_PORT)
    return _deployment("archiver", 1, container, "Recreate")


def api(principal: Principal) -> Manifest:
    """The HTTP API and dashboard's Deployment."""
    command = ["api", "serve", "--host", "0.0.0.0", "--port", str(API_PORT)]
    container = _container("api", command, principal, API_PORT)
    return _deployment("api", 2, container, "RollingUpdate")


def api_service() -> Manifest:
    """The API's ClusterIP Service on port 80."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "onewindow-api", "labels": _labels("api")},
        "spec": {
            "selector": _labels("api"),
            "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
        },
    }


def worker_autoscaler(consumed: Sequence[TopicSpec]) -> Manifest:
    """Scale workers on CPU between two and the partition count of their topics."""
    target = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "onewindow-worker"}
    cpu = {"type": "Utilization", "averageUtilization": WORKER_CPU_TARGET}
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "onewindow-worker", "labels": _labels("worker")},
        "spec": {
            "scaleTargetRef": target,
            "minReplicas": WORKER_MIN_REPLICAS,
            "maxReplicas": worker_max_replicas(consumed),
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": cpu}}],
        },
    }


def _deployment(
    component: str, replicas: int | None, container: Manifest, strategy: str
) -> Manifest:
    count = {} if replicas is None else {"replicas": replicas}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": f"onewindow-{component}", "labels": _labels(component)},
        "spec": count
        | {
            "strategy": {"type": strategy},
            "selector": {"matchLabels": _labels(component)},
            "template": {
                "metadata": {"labels": _labels(component)},
                "spec": _pod(container),
            },
        },
    }


def _pod(container: Manifest) -> Manifest:
    non_root = {"runAsNonRoot": True, "runAsUser": USER_ID, "runAsGroup": USER_ID}
    return {
        "automountServiceAccountToken": False,
        # Long enough for a worker to finish its batch and commit offsets on SIGTERM.
        "terminationGracePeriodSeconds": 60,
        "securityContext": non_root
        | {"fsGroup": USER_ID, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [container],
        "volumes": [{"name": "data", "emptyDir": {}}, {"name": "tmp", "emptyDir": {}}],
    }


def _container(name: str, args: list[str], principal: Principal, port: int) -> Manifest:
    return {
        "name": name,
        "image": IMAGE,
        "args": args,
        "env": _environment(principal),
        "ports": [{"name": "http", "containerPort": port}],
        "readinessProbe": _probe("/readyz", period=10),
        "livenessProbe": _probe("/healthz", period=20) | {"initialDelaySeconds": 30},
        "resources": _API_RESOURCES if name == "api" else _WORKER_RESOURCES,
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [
            {"name": "data", "mountPath": DATA_DIR},
            {"name": "tmp", "mountPath": "/tmp"},
        ],
    }


def _probe(path: str, period: int) -> Manifest:
    return {
        "httpGet": {"path": path, "port": "http"},
        "periodSeconds": period,
        "timeoutSeconds": 5,
        "failureThreshold": 3,
    }


def _environment(principal: Principal) -> list[Manifest]:
    plain = {
        "ONEWINDOW_DATA_DIR": DATA_DIR,
        "ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS": BOOTSTRAP,
        "ONEWINDOW_KAFKA__SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "ONEWINDOW_KAFKA__SASL_MECHANISM": "SCRAM-SHA-512",
        "ONEWINDOW_KAFKA__SASL_USERNAME": principal.name,
        # Production defaults: department tokens and agreements, personal fields sealed.
        "ONEWINDOW_API__TRUST": "true",
        "ONEWINDOW_ENCRYPT_PERSONAL_DATA": "true",
    }
    return [{"name": key, "value": value} for key, value in plain.items()] + [
        _from("ONEWINDOW_KAFKA__SASL_PASSWORD", "secretKeyRef", principal.name, "password"),
        _from("ONEWINDOW_DATABASE_URL", "secretKeyRef", DATABASE_SECRET, "url"),
        _from(
            "ONEWINDOW_SCHEMA_REGISTRY__URL",
            "configMapKeyRef",
            SETTINGS_CONFIGMAP,
            "schema-registry-url",
        ),
    ]


def _from(variable: str, source: str, name: str, key: str) -> Manifest:
    return {"name": variable, "valueFrom": {source: {"name": name, "key": key}}}


def _labels(component: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": "onewindow", "app.kubernetes.io/component": component}
