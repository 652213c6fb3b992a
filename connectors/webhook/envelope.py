"""What a webhook receiver gets: a CloudEvent in structured JSON mode, signed with HMAC-SHA256.

The signature header is ``sha256=<hex digest>`` over the exact body bytes, with the
department's secret; receivers check it with :func:`verify` (or the same three lines in
their own language) before trusting anything in the body::

    >>> body = b'{"id": "e-1"}'
    >>> header = sign(body, "s3cret")
    >>> verify(body, header, "s3cret"), verify(body + b" ", header, "s3cret")
    (True, False)
"""

from __future__ import annotations

import hashlib
import hmac
import json

from hub.envelope import SPEC_VERSION, TYPE_PREFIX
from hub.events import Event

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
SIGNATURE_HEADER = "X-Onewindow-Signature"
SCHEME = "sha256="


def structured_body(event: Event) -> bytes:
    """The event as a structured-mode CloudEvent (JSON), its fields under ``data``."""
    document = {
        "specversion": SPEC_VERSION,
        "id": event.event_id,
        "type": TYPE_PREFIX + event.event_name,
        "source": event.source,
        "subject": event.key(),
        "time": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "dataschemaversion": event.schema_version,
        "data": event.model_dump(mode="json"),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def sign(body: bytes, secret: str) -> str:
    """The signature header's value for ``body``."""
    return SCHEME + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, header: str | None, secret: str) -> bool:
    """True when ``header`` is the signature of ``body`` with ``secret`` (constant time)."""
    return header is not None and hmac.compare_digest(header, sign(body, secret))


def delivery_headers(event: Event, body: bytes, secret: str) -> dict[str, str]:
    """The request headers: content type, signature, and the event id for de-duplication."""
    return {
        "Content-Type": CONTENT_TYPE,
        SIGNATURE_HEADER: sign(body, secret),
        "ce-id": event.event_id,
        "Idempotency-Key": event.event_id,
    }
