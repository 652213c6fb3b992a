"""The routers of ``/api/v1``, one per thing a data officer looks up."""
