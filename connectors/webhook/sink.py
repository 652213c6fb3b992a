"""The webhook sink: a department's subscribed events POSTed to its URL, signed, one by one.

Each event is one request (see :mod:`connectors.webhook.envelope`). A 2xx answer is a
delivery; 408, 425, 429 and 5xx answers and network failures are retried with backoff by
the runner, waiting as long as a ``Retry-After`` header asks; any other answer (a 400, a
401) will not get better and sends the event to the dead-letter topic with the status and
the start of the answer. Requests carry the event id as ``ce-id`` and ``Idempotency-Key``,
so a receiver that sees one twice (a retry, a redelivery) can ignore the second.

An erasure notice (:class:`~hub.events.erasure.PersonErased`) is delivered the same way,
signed, as a CloudEvent of type ``gov.onewindow.events.PersonErased``: the receiver
erases its copies of the events the notice lists.
"""

from __future__ import annotations

import email.utils
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import ClassVar

import httpx
from pydantic import AnyHttpUrl, Field, SecretStr

from connectors.base import Sink, SinkConfig
from connectors.webhook.envelope import delivery_headers, structured_body
from hub.consuming import RecentEventIds
from hub.errors import BackpressureError, ConnectorError, RetriableError
from hub.events import Event
from hub.events.erasure import PersonErased

RETRIABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_SHOWN_ANSWER = 200


class WebhookConfig(SinkConfig):
    """Where a department receives its events, and the secret they are signed with."""

    url: AnyHttpUrl
    secret: SecretStr = Field(min_length=16)
    timeout: float = Field(default=10.0, gt=0)


class WebhookSink(Sink[WebhookConfig]):
    """Delivers events to a department's HTTPS endpoint as signed CloudEvents."""

    config_model: ClassVar[type[WebhookConfig]] = WebhookConfig

    def __init__(self) -> None:
        self._config: WebhookConfig | None = None
        self._client: httpx.Client | None = None
        # A retried batch should not POST again what the receiver already acknowledged.
        self._delivered = RecentEventIds(capacity=10_000)

    def start(self, config: WebhookConfig) -> None:
        """Open one HTTP client (kept-alive connections) for the whole run."""
        if self._client is None:
            self._config = config
            self._client = httpx.Client(timeout=config.timeout)

    def write(self, batch: Sequence[Event]) -> None:
        """POST each event in order; the first failure stops the batch and names the event."""
        for event in batch:
            if event.event_id not in self._delivered:
                self._post(event)
                self._delivered.add(event.event_id)

    def flush(self) -> None:
        """Nothing is buffered: every event was acknowledged by the receiver in ``write``."""

    def erase(self, notice: PersonErased) -> None:
        """Forward the erasure notice to the department's endpoint, signed like every event."""
        self._post(notice)

    def stop(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def _post(self, event: Event) -> None:
        if self._client is None or self._config is None:
            raise ConnectorError("webhook: write() before start()")
        body = structured_body(event)
        headers = delivery_headers(event, body, self._config.secret.get_secret_value())
        url = str(self._config.url)
        try:
            answer = self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise RetriableError(f"POST {url} for event {event.event_id}: {exc!r}") from exc
        check_answer(answer, event)


def check_answer(answer: httpx.Response, event: Event) -> None:
    """Nothing on a 2xx; otherwise the error that says whether trying again can help."""
    if answer.is_success:
        return
    what = f"{answer.request.url} answered {answer.status_code} to event {event.event_id}"
    detail = f"{what}: {answer.text[:_SHOWN_ANSWER]!r}"
    wait = retry_after(answer.headers.get("Retry-After"))
    if answer.status_code in RETRIABLE_STATUS and wait is not None:
        raise BackpressureError(detail, wait)
    if answer.status_code in RETRIABLE_STATUS:
        raise RetriableError(detail)
    raise ConnectorError(detail)


def retry_after(header: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date), None if absent or bad."""
    if header is None:
        return None
    text = header.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, when.timestamp() - current) if when.tzinfo else None
