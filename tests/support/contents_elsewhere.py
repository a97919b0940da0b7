"""A contents manager that keeps its files "elsewhere", as an S3 or database-backed one does:
to Jupyter it is a plain `AsyncContentsManager`, not a file-system one (no `FileManagerMixin`).
It hands every call to a file manager object of its own, so the lab still lists and opens
files through it. Importable by a server subprocess as `tests.support.contents_elsewhere`
(the repository is on its PYTHONPATH)."""

from __future__ import annotations

from typing import Any

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from jupyter_server.services.contents.manager import AsyncContentsManager

CLASS_NAME = "ElsewhereContentsManager"


class ElsewhereContentsManager(AsyncContentsManager):
    """Files behind an API of their own, as far as jupyter_wopi can tell."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # The base class's root is "/": take the server's, as the file managers do.
        self.root_dir = getattr(self.parent, "root_dir", None) or self.root_dir
        self._store = AsyncLargeFileManager(
            root_dir=self.root_dir, delete_to_trash=False, log=self.log
        )

    async def get(self, path: str, content: bool = True, **kwargs: Any) -> Any:
        return await self._store.get(path, content=content, **kwargs)

    async def save(self, model: dict[str, Any], path: str) -> Any:
        return await self._store.save(model, path)

    async def delete_file(self, path: str) -> None:
        await self._store.delete_file(path)

    async def rename_file(self, old_path: str, new_path: str) -> None:
        await self._store.rename_file(old_path, new_path)

    async def file_exists(self, path: str = "") -> bool:
        return bool(await self._store.file_exists(path))

    async def dir_exists(self, path: str) -> bool:
        return bool(await self._store.dir_exists(path))

    async def is_hidden(self, path: str) -> bool:
        return bool(await self._store.is_hidden(path))

    async def create_checkpoint(self, path: str) -> Any:
        return await self._store.create_checkpoint(path)

    async def list_checkpoints(self, path: str) -> Any:
        return await self._store.list_checkpoints(path)

    async def restore_checkpoint(self, checkpoint_id: str, path: str) -> None:
        await self._store.restore_checkpoint(checkpoint_id, path)

    async def delete_checkpoint(self, checkpoint_id: str, path: str) -> None:
        await self._store.delete_checkpoint(checkpoint_id, path)
