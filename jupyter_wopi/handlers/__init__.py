"""Tornado handlers: thin layers that parse requests and call the host's modules."""
