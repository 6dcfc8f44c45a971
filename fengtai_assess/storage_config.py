"""Where evidence files (佐证材料) live, chosen from the environment. Imported by the settings.

    FENGTAI_EVIDENCE_STORAGE  local (default): the folder PRIVATE_MEDIA_ROOT/evidence
                              s3: a bucket of an S3-compatible object store
    FENGTAI_S3_ENDPOINT_URL   the store's address, e.g. https://oss.fengtai.gov.cn
    FENGTAI_S3_BUCKET         the bucket (must exist; required for s3)
    FENGTAI_S3_REGION         region name the store expects (default us-east-1)
    FENGTAI_S3_ACCESS_KEY     access key and secret key; both or neither (neither: boto3's
    FENGTAI_S3_SECRET_KEY     own chain, e.g. AWS_* variables or an instance role)
    FENGTAI_S3_PREFIX         optional key prefix inside the bucket, e.g. chanzgai/evidence
    FENGTAI_S3_CA_BUNDLE      optional CA bundle file for a store with an internal certificate

Either way the files stay private: no URL, no presigned link; every byte goes out through the
permission-checked download view (see common/s3storage.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "common.s3storage.PrivateS3Storage"
CHOICES = ("local", "s3")


def _get(environ: Mapping[str, str], name: str, default: str = "") -> str:
    return environ.get(name, default).strip() or default


def s3_options(environ: Mapping[str, str]) -> dict[str, object]:
    """PrivateS3Storage options from FENGTAI_S3_*; ImproperlyConfigured when incomplete."""
    bucket = _get(environ, "FENGTAI_S3_BUCKET")
    if not bucket:
        raise ImproperlyConfigured("FENGTAI_EVIDENCE_STORAGE=s3: set FENGTAI_S3_BUCKET too.")
    access_key = _get(environ, "FENGTAI_S3_ACCESS_KEY")
    secret_key = _get(environ, "FENGTAI_S3_SECRET_KEY")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "Set both FENGTAI_S3_ACCESS_KEY and FENGTAI_S3_SECRET_KEY, or neither."
        )
    return {
        "bucket_name": bucket,
        "endpoint_url": _get(environ, "FENGTAI_S3_ENDPOINT_URL") or None,
        "region_name": _get(environ, "FENGTAI_S3_REGION", "us-east-1"),
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "location": _get(environ, "FENGTAI_S3_PREFIX").strip("/"),
        # Most district stores (MinIO, SeaweedFS, Ceph) serve bucket names in the path, not as
        # subdomains that would need their own DNS and certificates.
        "addressing_style": "path",
        "signature_version": "s3v4",
        # Objects are private to the bucket's owner: no ACL grants anyone else anything.
        "default_acl": None,
        # Irrelevant (PrivateS3Storage.url refuses); off so nothing could ever sign a link.
        "querystring_auth": False,
        # Evidence bytes never change: a name in use is never written over.
        "file_overwrite": False,
        "verify": _get(environ, "FENGTAI_S3_CA_BUNDLE") or None,
    }


def evidence_storage_settings(environ: Mapping[str, str], *, local_root: Path) -> dict:
    """The STORAGES["evidence"] entry for FENGTAI_EVIDENCE_STORAGE (default: the local folder)."""
    kind = _get(environ, "FENGTAI_EVIDENCE_STORAGE", "local").lower()
    if kind == "local":
        return {"BACKEND": LOCAL_BACKEND, "OPTIONS": {"location": local_root, "base_url": None}}
    if kind == "s3":
        return {"BACKEND": S3_BACKEND, "OPTIONS": s3_options(environ)}
    raise ImproperlyConfigured(
        f"FENGTAI_EVIDENCE_STORAGE must be one of {', '.join(CHOICES)}, not {kind!r}."
    )
