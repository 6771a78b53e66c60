"""pytest fixtures for users of openapi_client (registered through the pytest11 entry point)."""
