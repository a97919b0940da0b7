"""JupyterHub end-to-end tests. A package: its modules import each other by relative name
(`.hub_harness`, `.conftest`, `.test_hub`)."""
