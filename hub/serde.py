"""Message values in the Confluent wire format: magic byte 0, 4-byte schema id, Avro binary.

Each schema is parsed once and cached by id (decoding) or event name (encoding); the
per-message path is one dict lookup, one call of the writer compiled for the schema (see
:mod:`hub.avro`) or of fastavro's reader and, for old data, one upcast::

    >>> from hub.registry import EmbeddedRegistry
    >>> registry = EmbeddedRegistry()
    >>> data = Serializer(registry).encode_event(event)  # doctest: +SKIP
    >>> Deserializer(registry).decode(data).to_event() == event  # doctest: +SKIP
    True

Two encode paths: :meth:`Serializer.encode` validates the record against the schema first
and names the offending field; ``validate=False`` trusts a record already checked.
:meth:`Serializer.encode_event`, whose pydantic model has already checked every field and
mirrors its schema, is the hot path: the model's attributes are encoded as they are,
without a record dumped first.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import fastavro
from fastavro.validation import ValidationError as AvroValidationError
from fastavro.validation import validate as avro_validate

from hub.avro import Write, compile_writer
from hub.errors import SerializationError, UnknownSchemaError
from hub.registry.base import SchemaRegistry, subject_for
from hub.registry.files import SchemaFile, current_files, event_and_version
from schemas import SCHEMA_DIR

if TYPE_CHECKING:
    from hub.events.base import Event

MAGIC = 0
HEADER = struct.Struct(">BI")
_read = fastavro.schemaless_reader


class SerializableEvent(Protocol):
    """What the serde needs of an event model (see :class:`hub.events.base.Event`)."""

    @property
    def event_name(self) -> str: ...

    def to_record(self) -> dict[str, Any]: ...

    def key(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Decoded:
    """One decoded message value; ``record`` is at the current version of its event."""

    schema_id: int
    event_name: str
    version: int
    writer_version: int
    record: dict[str, Any]

    def to_event(self) -> Event:
        """The pydantic event model of this record, built only when asked for."""
        from hub.events import model_for  # models are loaded only by callers that want them

        return model_for(self.event_name).from_record(self.record)


class _Writer(NamedTuple):
    header: bytes  # the Confluent frame: magic byte and schema id
    parsed: Any
    record: Write  # from a dict
    model: Write  # from the attributes of an event model


class Serializer:
    """Encodes records of the current schema version of each event, framed with its id."""

    def __init__(self, registry: SchemaRegistry, schema_dir: Path = SCHEMA_DIR) -> None:
        self._registry = registry
        self._files = current_files(schema_dir)
        self._writers: dict[str, _Writer] = {}

    def encode(self, event_name: str, record: dict[str, Any], *, validate: bool = True) -> bytes:
        """Frame and encode ``record``; ``validate=False`` trusts a record already checked."""
        writer = self._writers.get(event_name) or self._writer_for(event_name)
        if validate:
            _validate(event_name, writer.parsed, record)
        return _framed(event_name, writer.header, writer.record, record)

    def encode_event(self, event: SerializableEvent) -> bytes:
        """Encode a validated event model (the fast path: no second validation, no dump)."""
        name = event.event_name
        writer = self._writers.get(name) or self._writer_for(name)
        return _framed(name, writer.header, writer.model, event)

    def key_of(self, event: SerializableEvent) -> str:
        """The Kafka key (and CloudEvents subject) of ``event``: its aggregate id."""
        return event.key()

    def schema_id(self, event_name: str) -> int:
        """The registry id of the current schema of ``event_name``."""
        writer = self._writers.get(event_name) or self._writer_for(event_name)
        return int(HEADER.unpack(writer.header)[1])

    def parsed_schema(self, event_name: str) -> Any:
        """The fastavro-parsed current schema of ``event_name``, as the encoder uses it."""
        return (self._writers.get(event_name) or self._writer_for(event_name)).parsed

    def _writer_for(self, event_name: str) -> _Writer:
        schema_file = self._file(event_name)
        schema_id = self._registry.register(subject_for(event_name), schema_file.text)
        parsed = fastavro.parse_schema(schema_file.schema)
        writer = _Writer(
            HEADER.pack(MAGIC, schema_id),
            parsed,
            compile_writer(parsed),
            compile_writer(parsed, attributes=True),
        )
        self._writers[event_name] = writer
        return writer

    def _file(self, event_name: str) -> SchemaFile:
        try:
            return self._files[event_name]
        except KeyError:
            raise UnknownSchemaError(f"no schema for event type {event_name!r}") from None


class _Reader(NamedTuple):
    parsed: Any
    resolved: Any
    event_name: str
    version: int
    current: int


class Deserializer:
    """Decodes framed values with the writer's schema, then upcasts old versions.

    A version newer than ours (a producer upgraded first) is resolved to our current one.
    """

    def __init__(self, registry: SchemaRegistry, schema_dir: Path = SCHEMA_DIR) -> None:
        self._registry = registry
        self._files = current_files(schema_dir)
        self._readers: dict[int, _Reader] = {}

    def decode(self, data: bytes) -> Decoded:
        """The schema id, event, version and record of one message value."""
        try:
            magic, schema_id = HEADER.unpack_from(data)
        except (struct.error, TypeError) as exc:
            raise SerializationError(f"value of {len(data)} bytes is too short to frame") from exc
        if magic != MAGIC:
            raise SerializationError(f"value starts with magic byte {magic}, expected {MAGIC}")
        reader = self._readers.get(schema_id) or self._reader_for(schema_id)
        record = _read_record(reader, data)
        if reader.version < reader.current:
            record = _upcast(reader, record)
        return Decoded(schema_id, reader.event_name, reader.current, reader.version, record)

    def _reader_for(self, schema_id: int) -> _Reader:
        schema = json.loads(self._registry.schema_by_id(schema_id))
        event_name, version = event_and_version(schema)
        ours = self._files.get(event_name)
        current = ours.version if ours else version
        # Data from a newer producer is read through our current schema (Avro resolution);
        # a schema from outside our tree (no version attribute) is read as it is.
        resolve = ours is not None and version > current
        reader = _Reader(
            fastavro.parse_schema(schema),
            fastavro.parse_schema(ours.schema) if ours and resolve else None,
            event_name,
            version or current,
            current,
        )
        self._readers[schema_id] = reader
        return reader


def _framed(event_name: str, header: bytes, write: Write, datum: Any) -> bytes:
    out = bytearray(header)
    try:
        write(datum, out)
    except Exception as exc:  # a value of the wrong type fails in many ways, as in fastavro
        raise SerializationError(f"{event_name} record does not fit its schema: {exc!r}") from exc
    return bytes(out)


def _read_record(reader: _Reader, data: bytes) -> dict[str, Any]:
    body = BytesIO(data)
    body.seek(HEADER.size)
    try:
        record: dict[str, Any] = _read(body, reader.parsed, reader.resolved)  # type: ignore[assignment]
    except Exception as exc:  # fastavro raises many types for bytes that are not Avro
        raise SerializationError(f"{reader.event_name} body is not its Avro: {exc!r}") from exc
    if body.tell() != len(data):
        raise SerializationError(f"{len(data) - body.tell()} bytes left after the Avro record")
    return record


def _upcast(reader: _Reader, record: dict[str, Any]) -> dict[str, Any]:
    from hub.events import upcast  # the package registers every step; only old data pays

    return upcast(reader.event_name, reader.version, record)


def _validate(event_name: str, parsed: Any, record: dict[str, Any]) -> None:
    try:
        avro_validate(record, parsed, raise_errors=True)
    except AvroValidationError as exc:
        raise SerializationError(f"{event_name}: {_describe(exc)}") from exc


def _describe(exc: AvroValidationError) -> str:
    problems = []
    for error in exc.errors:
        field = str(error.field).removeprefix("gov.onewindow.events.")
        expected = error.schema.get("type") if isinstance(error.schema, dict) else error.schema
        problems.append(f"field {field} is {error.datum!r}, expected {expected}")
    return "; ".join(problems)
