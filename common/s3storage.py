"""Private files in an S3-compatible bucket (the district's object store, or SeaweedFS in tests).

Chosen by FENGTAI_EVIDENCE_STORAGE=s3 (see fengtai_assess/storage_config.py). Two differences
from django-storages' S3Storage, both because these files are only ever handed out by a view
that has checked permission:

- url() refuses. A presigned link would let whoever holds it fetch the file without any check,
  for as long as it lives; nothing in the application may produce one.
- Failures are OSError (StoreUnavailable), as a full disk would be, with short timeouts.
- Reading streams. S3Storage's file object downloads the whole object into memory (or a
  temporary file) on the first read(); here a file opened for reading is the GET response body
  itself, so read(n) holds at most n bytes whatever the object's size.
"""

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import File
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class StoreUnavailable(OSError):
    """The object store could not be reached or refused the request (an OSError, like a full
    or unmounted disk would be for the local folder)."""


class StreamedS3File(File):
    """A read-only file over an S3 GET response body; read(n) pulls n bytes off the wire."""

    def __init__(self, body, name: str, size: int):
        super().__init__(body, name)
        self._size = size
        self.mode = "rb"

    @property
    def size(self) -> int:
        return self._size

    def seekable(self) -> bool:
        return False


class PrivateS3Storage(S3Storage):
    """S3Storage for private files: no URL ever, reads streamed in bounded memory."""

    # An unreachable store answers an upload within seconds, with a message, not a hung page.
    TIMEOUTS = Config(
        connect_timeout=5, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"}
    )

    def __init__(self, **settings):
        super().__init__(**settings)
        self.client_config = self.client_config.merge(self.TIMEOUTS)

    def exists(self, name):
        try:
            return super().exists(name)
        except (BotoCoreError, ClientError) as err:
            raise StoreUnavailable(f"object store unreachable for {name}: {err}") from err

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError(
            "Private files have no URL: serve them through the permission-checked view."
        )

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except (BotoCoreError, ClientError) as err:
            raise StoreUnavailable(f"object store refused {name}: {err}") from err

    def _open(self, name, mode="rb"):
        if set(mode) - {"r", "b"}:
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        try:
            response = self.connection.meta.client.get_object(Bucket=self.bucket_name, Key=key)
        except ClientError as err:
            if err.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from err
            raise StoreUnavailable(f"object store refused {name}: {err}") from err
        except BotoCoreError as err:
            raise StoreUnavailable(f"object store unreachable for {name}: {err}") from err
        return StreamedS3File(response["Body"], name, response["ContentLength"])
