"""Tornado handlers: thin layers that parse requests and call the host's modules."""

# The parts of routes the server extension and the team service share.
FILE_ID = r"(?P<file_id>[^/]+)"
VERSION_ID = r"(?P<version_id>[0-9]{1,18})"
