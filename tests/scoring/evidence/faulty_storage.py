"""A real file-system storage whose disk fills up halfway through writing a file."""

import errno
import os

from django.core.files.storage import FileSystemStorage


class DiskFullStorage(FileSystemStorage):
    """Writes the first chunk of every file to disk, then fails as a full disk does (ENOSPC).

    `partial_files` lists what it left on disk, so a test can see the cleanup was needed.
    """

    partial_files: list[str] = []

    def _save(self, name, content):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "xb") as fh:
            fh.write(next(iter(content.chunks(chunk_size=1024))))
        DiskFullStorage.partial_files.append(path)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
