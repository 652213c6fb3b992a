"""The usage example in the ``connectors`` package docstring runs as written."""

from __future__ import annotations

import textwrap

import pytest

import connectors

pytestmark = pytest.mark.integration


def test_the_package_docstring_example_delivers_its_event(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert connectors.__doc__ is not None
    code = textwrap.dedent(connectors.__doc__.split("::\n", 1)[1])
    exec(compile(code, "connectors.__doc__", "exec"), {"__name__": "example"})
    assert "RunStats(delivered=1, dead_lettered=0, steps=2)" in capsys.readouterr().out
