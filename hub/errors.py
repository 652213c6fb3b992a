"""Every error the hub raises on purpose.

One root, a short tree; third-party errors (librdkafka, fastavro, SQL drivers) are
translated at the boundary with ``raise ... from exc``::

    HubError
    ├── SettingsError            invalid or missing configuration
    ├── SchemaError              an Avro contract problem
    │   ├── UnknownSchemaError   no schema for that id, subject or event type
    │   ├── IncompatibleSchemaError  a new version breaks the compatibility mode
    │   └── SerializationError   bytes that cannot be framed, encoded or decoded
    ├── ValidationError          an event or value that breaks a domain rule
    │   ├── InvalidIdentifierError   a bad credit code, identity number or license id
    │   └── UnknownItemError     an item code the catalogue does not know
    ├── CatalogueError           the item catalogue or calendar data is malformed
    ├── DatabaseError            a SQL database refused a statement or could not be reached
    ├── AuthenticationError      a department credential that is missing, unknown or revoked
    ├── AccessRefusedError       no data-sharing agreement grants the request
    ├── BrokerError              the Kafka broker (embedded or real) failed
    │   └── PublishError         an event was not confirmed by the broker
    └── ConnectorError           a connector failed
        ├── RetriableError       try the same work again later
        └── BackpressureError    the target is busy; wait ``retry_after`` seconds
"""

from __future__ import annotations


class HubError(Exception):
    """Root of every error the hub raises on purpose."""


class SettingsError(HubError):
    """Configuration is invalid or missing; the message names the setting."""


class SchemaError(HubError):
    """An Avro contract problem."""


class UnknownSchemaError(SchemaError):
    """No schema is known for that id, subject or event type."""


class IncompatibleSchemaError(SchemaError):
    """A new schema version breaks the compatibility mode of its subject."""


class SerializationError(SchemaError):
    """Bytes that cannot be framed, encoded or decoded against their schema."""


class ValidationError(HubError):
    """An event or value breaks a domain rule; the message names the field."""


class InvalidIdentifierError(ValidationError):
    """A unified social credit code, identity number or license id is invalid."""


class UnknownItemError(ValidationError):
    """An approval item or bundle code that the catalogue does not know."""


class CatalogueError(HubError):
    """The item catalogue or working-day calendar data is malformed."""


class DatabaseError(HubError):
    """A SQL database refused a statement or could not be reached."""


class AuthenticationError(HubError):
    """A department credential is missing, unknown, expired or revoked."""


class AccessRefusedError(HubError):
    """No data-sharing agreement grants the request; the message names the rule that refused."""


class BrokerError(HubError):
    """The Kafka broker, embedded or real, failed or could not be reached."""


class PublishError(BrokerError):
    """An event was not confirmed by the broker."""


class ConnectorError(HubError):
    """A connector failed."""


class RetriableError(ConnectorError):
    """A transient failure: the same work may succeed if tried again later."""


class BackpressureError(RetriableError):
    """The target is overloaded; retry after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after
