"""Test helpers shipped with the hub, so that connector authors' tests look like ours.

The pytest plugin in :mod:`hub.testing.plugin` is registered through the ``pytest11``
entry point; installing ``onewindow`` makes its fixtures available in any test suite::

    def test_my_connector(database_url: str) -> None:
        ...

:mod:`hub.testing.processes` runs ``onewindow`` commands as child processes, each with
a broker of its own when the test needs one.
"""
