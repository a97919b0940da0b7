"""What the tests of every layer share: stand-in servers (HTTP in a thread, a recording server,
an alternating proxy), a hand-driven HTTP client, a `jupyter server` subprocess, a throwaway
PostgreSQL cluster, the team service's fixtures, and the helpers more than one test module
uses. Imported as `support.<module>`: pytest puts `tests/` on `sys.path` (`pythonpath` in
pyproject.toml)."""
