"""The ``webhook`` sink: events to a department's URL as signed CloudEvents (HMAC-SHA256).

Config (TOML)::

    topics = ["onewindow.licenses"]
    event_types = ["LicenseIssued", "LicenseRevoked"]
    url = "https://tax.example.gov/onewindow/events"
    secret = "a secret of at least 16 characters"
"""

from connectors.webhook.envelope import SIGNATURE_HEADER, sign, structured_body, verify
from connectors.webhook.sink import WebhookConfig, WebhookSink

__all__ = [
    "SIGNATURE_HEADER",
    "WebhookConfig",
    "WebhookSink",
    "sign",
    "structured_body",
    "verify",
]
