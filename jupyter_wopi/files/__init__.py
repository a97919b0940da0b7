"""The files a WOPI host serves: their bytes read and written (atomically, streamed), what
the file system permits, and their ids (the index that follows them through moves)."""
