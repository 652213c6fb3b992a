"""The API serves beyond loopback only with department tokens on, or when told it may."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hub.cli.main import cli
from hub.errors import SettingsError
from hub.settings import ApiSettings
from hub.trust.api import check_exposure

UNSET = {"ONEWINDOW_API__TRUST": None, "ONEWINDOW_API__INSECURE": None}


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_needs_nothing(host: str) -> None:
    check_exposure(ApiSettings(host=host))


@pytest.mark.parametrize("host", ["0.0.0.0", "10.1.2.3", "::", "hub.example.gov"])
def test_beyond_loopback_trust_or_insecure_is_needed(host: str) -> None:
    with pytest.raises(SettingsError, match="ONEWINDOW_API__TRUST=true") as refused:
        check_exposure(ApiSettings(host=host))
    assert f"ONEWINDOW_API__HOST={host}" in str(refused.value)
    check_exposure(ApiSettings(host=host, trust=True))
    check_exposure(ApiSettings(host=host, insecure=True))


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["api", "serve", "--host", "0.0.0.0"], UNSET),
        (["up"], UNSET | {"ONEWINDOW_API__HOST": "0.0.0.0"}),
    ],
)
def test_the_commands_refuse_before_serving(args: list[str], env: dict[str, str | None]) -> None:
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 2
    assert "ONEWINDOW_API__INSECURE=true (--insecure)" in result.output
