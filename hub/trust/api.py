"""The trust layer plugged into the API: bearer tokens, agreements, seals, status lists.

:func:`install_trust` turns an app from :func:`hub.api.create_app` into one where

- the caller is the department whose bearer token (``Authorization: Bearer owt_…``) the
  request carries; a request without one is the ``public``; an unknown, expired or revoked
  token is a 401 naming why. The ``X-Onewindow-Department`` header no longer counts: a
  claimed department is not an identity. The API's ``caller`` dependency is replaced
  through FastAPI's dependency overrides, so every route keeps its code;
- the data-sharing agreements decide per caller, resource and purpose which personal
  fields are shown and which requests are refused (403 naming the rule);
- license verification checks the issuer's seal;
- verifiers fetch the status lists, a license's entries in them and the departments'
  public keys (:mod:`hub.trust.routes`);
- departments publish events over HTTP at ``POST /api/v1/events`` (:mod:`hub.api.ingress`)::

    app = install_trust(create_app(settings, engine), Trust.from_settings(settings, engine))

or, the same, ``ONEWINDOW_API__TRUST=true`` for ``onewindow up`` and ``onewindow api serve``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, Engine

from hub.api import deps
from hub.api.context import ApiContext
from hub.api.disclosure import Caller, Grant, GrantPolicy
from hub.api.errors import body
from hub.db import database_errors
from hub.errors import AuthenticationError, SettingsError
from hub.queries.licenses import SignatureChecker
from hub.queries.models import LicenseView, SignatureCheck
from hub.settings import ApiSettings, HubSettings
from hub.trust.agreements import PERSONAL_FIELDS, PUBLIC, Agreements, load_agreements
from hub.trust.identities import Identities
from hub.trust.keys import DepartmentKeys
from hub.trust.signing import check_seal, stored_seals
from hub.trust.tables import license_public_seals, license_seals

BEARER = "bearer "
BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "A department token from 'onewindow department token create'",
}


@dataclass
class Trust:
    """What the trust layer works with: credentials, agreements, signing keys, the database."""

    engine: Engine
    identities: Identities
    agreements: Agreements
    keys: DepartmentKeys

    @classmethod
    def from_settings(cls, settings: HubSettings, engine: Engine) -> Trust:
        """Tokens in ``engine``'s database, the shipped agreements, keys under the data dir."""
        keys = DepartmentKeys(settings.data_dir / "keys")
        return cls(engine, Identities(engine), load_agreements(), keys)


def install_from_settings(app: FastAPI, settings: HubSettings) -> FastAPI:
    """:func:`install_trust` over the app's own database (``api.trust`` is on)."""
    context: ApiContext = app.state.context
    return install_trust(app, Trust.from_settings(settings, context.engine))


def install_trust(app: FastAPI, trust: Trust) -> FastAPI:
    """Make ``app`` authenticate departments, apply the agreements and check seals."""
    from hub.api import ingress
    from hub.trust import routes

    context: ApiContext = app.state.context
    context.hooks.grants = agreement_policy(trust.agreements)
    context.hooks.check_signature = seal_checker(trust.engine, trust.keys)
    app.state.trust = trust
    app.dependency_overrides[deps.caller] = authenticated_caller
    app.add_exception_handler(AuthenticationError, _unauthenticated)  # type: ignore[arg-type]
    app.include_router(routes.router)
    app.include_router(ingress.router)
    _document_bearer(app)
    return app


def _document_bearer(app: FastAPI) -> None:
    """Name the bearer token in the OpenAPI document, where the override does not show."""
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        schema = plain()
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes["department"] = BEARER_SCHEME
        schema["security"] = [{"department": []}, {}]  # without a token: the public
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def agreement_policy(agreements: Agreements) -> GrantPolicy:
    """The API's grant policy: the agreements' decision on every personal field."""

    def grants(caller: Caller, resource: str) -> Grant:
        department = caller.department or PUBLIC
        return agreements.decide(department, resource, PERSONAL_FIELDS, caller.purpose)

    return grants


def authenticated_caller(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    accessor: Annotated[str, Header(alias="X-Onewindow-Accessor")] = "anonymous",
    purpose: Annotated[str, Header(alias="X-Onewindow-Purpose")] = "data officer query",
) -> Caller:
    """The caller as their bearer token says; the public when there is none."""
    department = None if authorization is None else bearer_department(request, authorization)
    return Caller(accessor=accessor, department=department, purpose=purpose)


def bearer_department(request: Request, authorization: str) -> str:
    """The department of the bearer token in an ``Authorization`` header."""
    if not authorization.lower().startswith(BEARER):
        raise AuthenticationError("the Authorization header must be 'Bearer <token>'")
    trust: Trust = request.app.state.trust
    return trust.identities.authenticate(authorization[len(BEARER) :].strip())


def seal_checker(
    bind: Engine | Connection, keys: DepartmentKeys, require_seal: bool = True
) -> SignatureChecker:
    """The signature hook: the issuer's seal checked against the license as stored.

    With ``require_seal`` off, a license without a seal is reported as not checked rather
    than invalid (a store filled before sealing was switched on); a seal that does not
    match is invalid either way.
    """

    def check(found: LicenseView) -> SignatureCheck:
        seal, public = _seals_of(bind, found.license_id)
        if seal is None and not require_seal:
            return SignatureCheck(checked=False, valid=None, detail="the license carries no seal")
        result = check_seal(keys, face_of(found), seal, public)
        return SignatureCheck(
            checked=result.checked,
            valid=not result.problems if result.checked else None,
            detail=result.detail,
            holder_erased=result.holder_erased,
        )

    return check


def check_exposure(api: ApiSettings) -> None:
    """Refuse to serve beyond this machine without department tokens, unless told to."""
    if api.trust or api.insecure or _loopback(api.host):
        return
    raise SettingsError(
        f"ONEWINDOW_API__HOST={api.host} serves beyond this machine, and with "
        "ONEWINDOW_API__TRUST off anyone who reaches it reads the cases unauthenticated: set "
        "ONEWINDOW_API__TRUST=true, or ONEWINDOW_API__INSECURE=true (--insecure) to serve "
        "anyway"
    )


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve to anything


def command_line_seals(conn: Connection, settings: HubSettings) -> SignatureChecker:
    """The seal check of ``onewindow license verify``: unsealed licenses are not checked."""
    license_seals.create(conn, checkfirst=True)
    license_public_seals.create(conn, checkfirst=True)
    return seal_checker(conn, DepartmentKeys(settings.data_dir / "keys"), require_seal=False)


def _seals_of(
    bind: Engine | Connection, license_id: str
) -> tuple[dict[str, Any] | None, str | None]:
    with database_errors("cannot read the license seals"):
        if isinstance(bind, Engine):
            with bind.connect() as conn:
                return stored_seals(conn, license_id)
        return stored_seals(bind, license_id)


def face_of(found: LicenseView) -> dict[str, Any]:
    """The sealed fields of a license as the store shows it."""
    holder = found.holder
    return {
        **found.model_dump(),
        "holder_id_type": holder.id_type,
        "holder_id_number": holder.id_number,
        "holder_name": holder.name,
    }


async def _unauthenticated(_request: Request, exc: AuthenticationError) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="onewindow"'}
    return JSONResponse(body("unauthenticated", str(exc)), status_code=401, headers=headers)
