"""The faust application of the stream processors, configured for both kinds of broker.

The same settings run on the embedded broker (librdkafka's mock cluster) and on a real
cluster. The mock cluster cannot create topics through the admin API and its
transactions are not faithful, which decides several of them:

- ``topic_allow_declare=False`` and no leader topic: every topic, faust's changelogs
  included, is provisioned from :mod:`hub.topics` before a worker starts;
- ``processing_guarantee="at_least_once"``: agents publish what they cause before their
  input is acknowledged, and every consumer is idempotent by event id;
- raw keys and values: the hub's serde decodes them (Confluent wire format, Avro);
- the web server is off: the HTTP API is the hub's own, not faust's.

::

    app = create_app(load_settings(), "127.0.0.1:9092")

The common faust settings live in :mod:`hub.broker.streams`; this adds the hub's serde
(raw bytes in and out), full acknowledgement of produced messages and SASL credentials.
"""

from __future__ import annotations

import ssl
from typing import Any

import faust

from hub.broker.streams import faust_app_config
from hub.settings import HubSettings
from projections.agents import BATCH

APP_ID = "onewindow-processors"
# The default of faust's own topics; the registry provisions every one of ours explicitly.
DEFAULT_PARTITIONS = 6
# Messages an agent's stream may hold before faust stops fetching for the partition that
# filled it (at 80%). faust's 4,096 stopped it below one batch, so a catching-up worker
# waited for every batch to fill: with room for three batches, ``onewindow bench
# pipeline`` measured the read models at 0.47 of the plain loop instead of 0.40.
STREAM_BUFFER = 4 * BATCH


def create_app(
    settings: HubSettings,
    bootstrap: str,
    app_id: str = APP_ID,
    session_timeout: float | None = None,
) -> faust.App:
    """A faust App on ``bootstrap`` with the hub's delivery guarantees; no agents yet."""
    datadir = settings.data_dir / "faust"
    datadir.mkdir(parents=True, exist_ok=True)  # faust creates only the last level
    config = faust_app_config(
        bootstrap,
        DEFAULT_PARTITIONS,
        broker_client_id=f"{settings.kafka.client_id}-{app_id}",
        key_serializer="raw",
        value_serializer="raw",
        producer_acks=-1,
        autodiscover=False,
        stream_buffer_maxsize=STREAM_BUFFER,
        datadir=str(datadir),
        **_security(settings),
        **_session(session_timeout),
    )
    return faust.App(app_id, **config)


def _session(timeout: float | None) -> dict[str, float]:
    """A session timeout when one is asked for (faust's default otherwise)."""
    if timeout is None:
        return {}
    return {"broker_session_timeout": timeout, "broker_heartbeat_interval": timeout / 4}


def _security(settings: HubSettings) -> dict[str, Any]:
    """SASL credentials for a secured cluster; nothing for PLAINTEXT."""
    kafka = settings.kafka
    if not kafka.sasl_mechanism or not kafka.sasl_username:
        return {}
    password = kafka.sasl_password.get_secret_value() if kafka.sasl_password else ""
    tls = ssl.create_default_context() if kafka.security_protocol == "SASL_SSL" else None
    credentials = faust.SASLCredentials(
        username=kafka.sasl_username,
        password=password,
        mechanism=kafka.sasl_mechanism,
        ssl_context=tls,
    )
    return {"broker_credentials": credentials}
