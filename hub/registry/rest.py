"""The embedded registry over the Schema Registry REST API, for tools that expect a URL.

ksqlDB, Kafka Connect's Avro converter or a Karapace-aware consumer pointed at the
embedded default can read the hub's topics through this; it serves the read endpoints
and registration, nothing else::

    >>> from hub.registry.embedded import EmbeddedRegistry
    >>> with serve(EmbeddedRegistry()) as server:
    ...     server.url.startswith("http://127.0.0.1:")
    True
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import unquote

from hub.errors import IncompatibleSchemaError, SchemaError, UnknownSchemaError
from hub.registry.confluent import CONTENT_TYPE
from hub.registry.embedded import EmbeddedRegistry

# Error codes as Confluent Schema Registry answers them; clients switch on them.
_ERROR_CODES: list[tuple[type[SchemaError], int, int]] = [
    (UnknownSchemaError, 404, 40401),
    (IncompatibleSchemaError, 409, 409),
    (SchemaError, 422, 42201),
]
Route = Callable[[EmbeddedRegistry, dict[str, str], Any], Any]


def _register(registry: EmbeddedRegistry, args: dict[str, str], body: Any) -> Any:
    if not isinstance(body, dict) or not isinstance(body.get("schema"), str):
        raise SchemaError('the body must be {"schema": "<Avro schema as a string>"}')
    return {"id": registry.register(args["subject"], body["schema"])}


def _version(registry: EmbeddedRegistry, args: dict[str, str], body: Any) -> Any:
    subject, version = args["subject"], args["version"]
    number = registry.versions(subject)[-1] if version == "latest" else int(version)
    entry = registry.entry(subject, number)
    return {"subject": subject, "version": number, "id": entry.schema_id, "schema": entry.schema}


def _subjects(registry: EmbeddedRegistry, args: dict[str, str], body: Any) -> Any:
    return registry.subjects()


def _versions(registry: EmbeddedRegistry, args: dict[str, str], body: Any) -> Any:
    return registry.versions(args["subject"])


def _schema(registry: EmbeddedRegistry, args: dict[str, str], body: Any) -> Any:
    return {"schema": registry.schema_by_id(int(args["id"]))}


def _config(registry: EmbeddedRegistry, args: dict[str, str], body: Any) -> Any:
    return {"compatibilityLevel": registry.compatibility(args.get("subject", ""))}


SUBJECT = r"/subjects/(?P<subject>[^/]+)"
ROUTES: list[tuple[str, re.Pattern[str], Route]] = [
    ("POST", re.compile(f"{SUBJECT}/versions"), _register),
    ("GET", re.compile("/subjects"), _subjects),
    ("GET", re.compile(f"{SUBJECT}/versions"), _versions),
    ("GET", re.compile(rf"{SUBJECT}/versions/(?P<version>latest|\d+)"), _version),
    ("GET", re.compile(r"/schemas/ids/(?P<id>\d+)"), _schema),
    ("GET", re.compile(r"/config(?:/(?P<subject>[^/]+))?"), _config),
]


class _Handler(BaseHTTPRequestHandler):
    registry: EmbeddedRegistry

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: a registry lookup per new schema id is not worth a log line."""

    def _dispatch(self, method: str) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        for verb, pattern, route in ROUTES:
            match = pattern.fullmatch(path)
            if verb == method and match:
                args = {k: unquote(v) for k, v in match.groupdict().items() if v}
                self._answer(route, args)
                return
        self._send(404, {"error_code": 404, "message": f"no route for {method} {path}"})

    def _answer(self, route: Route, args: dict[str, str]) -> None:
        try:
            body = self._body()
            self._send(200, route(self.registry, args, body))
        except SchemaError as exc:
            status, code = next((s, c) for kind, s, c in _ERROR_CODES if isinstance(exc, kind))
            self._send(status, {"error_code": code, "message": str(exc)})

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            return json.loads(self.rfile.read(length)) if length else None
        except ValueError as exc:
            raise SchemaError(f"the request body is not JSON: {exc}") from exc

    def _send(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class RegistryServer:
    """A running REST front of one embedded registry; a context manager that stops it."""

    def __init__(self, registry: EmbeddedRegistry, host: str, port: int) -> None:
        handler = type("Handler", (_Handler,), {"registry": registry})
        self._server = ThreadingHTTPServer((host, port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The base URL clients should use."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> RegistryServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def serve(registry: EmbeddedRegistry, host: str = "127.0.0.1", port: int = 0) -> RegistryServer:
    """A server for ``registry`` on ``host:port`` (port 0: any free one), started on entry."""
    return RegistryServer(registry, host, port)
