"""The WOPI protocol's own rules, with no I/O: access tokens, proof keys, lock rules, file
names in headers, a file's version and CheckFileInfo's answer. A new WOPI header or property
is decided here; `handlers/wopi.py` reads and writes it."""
