"""JupyterHub end-to-end tests. A package, so that its conftest is `hub.conftest`: the tests
in tests/ import the top-level `conftest` by name (`from conftest import WopiClient`)."""
