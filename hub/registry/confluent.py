"""A Confluent Schema Registry or Karapace, reached over its REST API with httpx.

Registry error codes become :mod:`hub.errors` classes: 409 an incompatible schema,
422 an invalid one, 404 an unknown subject, version or id, 401/403 bad credentials
(a settings problem), anything else or no answer at all a plain SchemaError. Schemas
fetched by id are cached: an id never changes its schema.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from hub.compatibility import Mode
from hub.errors import (
    IncompatibleSchemaError,
    SchemaError,
    SettingsError,
    UnknownSchemaError,
)

CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"


class ConfluentRegistry:
    """A :class:`~hub.registry.base.SchemaRegistry` over the Schema Registry REST API."""

    def __init__(
        self,
        url: str,
        *,
        auth: tuple[str, str] | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Accept": CONTENT_TYPE, "Content-Type": CONTENT_TYPE}
        self.url = url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.url, auth=auth, headers=headers, timeout=timeout, transport=transport
        )
        self._schemas: dict[int, str] = {}

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def register(self, subject: str, schema_str: str) -> int:
        """The id of ``schema_str`` under ``subject``; the registry checks compatibility."""
        body = self._call("POST", f"/subjects/{_q(subject)}/versions", json={"schema": schema_str})
        schema_id = int(body["id"])
        self._schemas.setdefault(schema_id, schema_str)
        return schema_id

    def schema_by_id(self, schema_id: int) -> str:
        """The schema text of ``schema_id``."""
        if schema_id not in self._schemas:
            self._schemas[schema_id] = str(self._call("GET", f"/schemas/ids/{schema_id}")["schema"])
        return self._schemas[schema_id]

    def versions(self, subject: str) -> list[int]:
        """The version numbers of ``subject``."""
        return [int(v) for v in self._call("GET", f"/subjects/{_q(subject)}/versions")]

    def schema_at(self, subject: str, version: int) -> str:
        """The schema of ``subject`` at ``version``."""
        return str(self._call("GET", f"/subjects/{_q(subject)}/versions/{version}")["schema"])

    def compatibility(self, subject: str) -> Mode:
        """The subject's mode, or the registry's global one when the subject has none."""
        try:
            body = self._call("GET", f"/config/{_q(subject)}")
        except UnknownSchemaError:
            body = self._call("GET", "/config")
        level = body.get("compatibilityLevel") or body.get("compatibility")
        try:
            return Mode(str(level))
        except ValueError:
            raise SchemaError(f"{self.url} answered an unknown compatibility {level!r}") from None

    def _call(self, method: str, path: str, json: Any = None) -> Any:
        try:
            response = self._http.request(method, path, json=json)
        except httpx.HTTPError as exc:
            raise SchemaError(f"schema registry {self.url} unreachable: {exc}") from exc
        if response.is_success:
            return response.json()
        raise _translate(response, f"{method} {self.url}{path}")


def _q(subject: str) -> str:
    return quote(subject, safe="")


def _translate(response: httpx.Response, what: str) -> Exception:
    try:
        body = response.json()
        message = str(body.get("message", body))
    except ValueError:
        message = response.text[:200]
    text = f"{what}: HTTP {response.status_code}: {message}"
    status = response.status_code
    if status in (401, 403):
        return SettingsError(f"{text} (check ONEWINDOW_SCHEMA_REGISTRY__USERNAME and __PASSWORD)")
    error: type[SchemaError] = {
        404: UnknownSchemaError,
        409: IncompatibleSchemaError,
    }.get(status, SchemaError)
    return error(text)
