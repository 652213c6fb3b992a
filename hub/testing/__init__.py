"""Test helpers shipped with the hub, so that connector authors' tests look like ours.

The pytest plugin in :mod:`hub.testing.plugin` is registered through the ``pytest11``
entry point; installing ``onewindow`` makes its fixtures available in any test suite::

    def test_my_connector(postgres_url: str) -> None:
        ...
"""
