"""``/healthz``, ``/readyz`` and ``/metrics``: for load balancers and Prometheus.

``/healthz`` says the process answers. ``/readyz`` checks the database and every hook the
hosting process registered (broker reachable, processors caught up), and answers 503
naming each check that failed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from hub.api.context import ApiContext, Check
from hub.api.deps import context
from hub.api.metrics import CONTENT_TYPE

router = APIRouter(tags=["operations"])
Context = Annotated[ApiContext, Depends(context)]


@router.get("/healthz", summary="Liveness")
def healthz() -> dict[str, str]:
    """The process is up and answering."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness",
    responses={503: {"description": "Some check failed; each is named with its reason"}},
)
def readyz(ctx: Context) -> Any:
    """Database reachable, broker reachable, processors caught up (as the hooks report)."""
    checks = {
        "database": _database(ctx),
        **{name: _run(c) for name, c in ctx.hooks.readiness.items()},
    }
    ready = all(problem is None for problem in checks.values())
    shown = {name: problem or "ok" for name, problem in checks.items()}
    return JSONResponse({"ready": ready, "checks": shown}, status_code=200 if ready else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(ctx: Context) -> Response:
    """Request latency and counts per route, and the gauges other components registered."""
    return Response(ctx.metrics.render(), media_type=CONTENT_TYPE)


def _database(ctx: ApiContext) -> str | None:
    try:
        with ctx.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver failure means "not ready", named in the answer
        return f"unreachable: {exc}"
    return None


def _run(check: Check) -> str | None:
    try:
        problem = check()
    except Exception as exc:  # a failing hook is a failed check, not a failed probe
        return f"check failed: {exc}"
    return problem if problem is None else str(problem)
