"""Storage helpers that work the same on the local folder and on an S3-compatible bucket."""

from collections.abc import Iterator

from django.core.files.storage import Storage


def storage_files(storage: Storage, prefix: str = "") -> Iterator[str]:
    """Every file name in the storage, in name order, walked through the storage API.

    Only listdir() is used: on a folder it reads directories, on a bucket it lists keys by
    "/"-delimited prefix, so the same walk serves both. A missing folder holds no files.
    """
    try:
        dirs, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{prefix}{name}"
    for sub in sorted(dirs):
        yield from storage_files(storage, f"{prefix}{sub}/")
