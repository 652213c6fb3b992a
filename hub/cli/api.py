"""``onewindow api``: the HTTP API and dashboard as a process of their own.

``onewindow api`` (or ``onewindow api serve``) serves on ``ONEWINDOW_API__HOST`` and
``ONEWINDOW_API__PORT`` (default http://127.0.0.1:8600) over ``ONEWINDOW_DATABASE_URL``;
with ``ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS`` set it publishes every data access on
``onewindow.access``, and ``/readyz`` checks the broker and that the processors are at most
``ONEWINDOW_API__MAX_PROCESSOR_LAG`` messages behind (``onewindow_consumer_lag`` on ``/metrics``).
Beyond loopback it serves only with ``ONEWINDOW_API__TRUST=true`` (department tokens and
agreements), or when told ``--insecure`` (``ONEWINDOW_API__INSECURE=true``).
"""

from __future__ import annotations

import click


@click.group(invoke_without_command=True)
@click.pass_context
def api(ctx: click.Context) -> None:
    """Serve the HTTP API and the dashboard (same as 'onewindow api serve')."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(serve)


@api.command()
@click.option("--host", help="Address to listen on (default: the api.host setting).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: api.port).")
@click.option(
    "--insecure",
    is_flag=True,
    help="Serve beyond loopback without department tokens (api.insecure); not for real data.",
)
def serve(host: str | None, port: int | None, insecure: bool) -> None:
    """Serve the HTTP API and dashboard until interrupted."""
    from hub.api import serve as run  # loads FastAPI and uvicorn only for this command
    from hub.api.component import broker_hooks
    from hub.settings import load_settings
    from hub.trust.api import check_exposure

    settings = load_settings()
    chosen = settings.api.model_copy(
        update={
            "host": host or settings.api.host,
            "port": port or settings.api.port,
            "insecure": insecure or settings.api.insecure,
        }
    )
    check_exposure(chosen)
    click.echo(f"onewindow API and dashboard on http://{chosen.host}:{chosen.port}", err=True)
    if settings.kafka.embedded:  # no cluster, no access topic: data accesses go to the log
        run(settings.model_copy(update={"api": chosen}))
        return
    hooks, publisher = broker_hooks(settings)
    try:
        run(settings.model_copy(update={"api": chosen}), hooks=hooks)
    finally:
        publisher.close()
