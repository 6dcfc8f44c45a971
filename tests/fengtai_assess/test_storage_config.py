"""FENGTAI_EVIDENCE_STORAGE and FENGTAI_S3_* choose where evidence lives."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from fengtai_assess.storage_config import evidence_storage_settings
from tests.fengtai_assess.test_settings import run_manage

ROOT = Path("/srv/chanzgai/private/evidence")
S3 = {
    "FENGTAI_EVIDENCE_STORAGE": "s3",
    "FENGTAI_S3_ENDPOINT_URL": "https://oss.fengtai.gov.cn",
    "FENGTAI_S3_BUCKET": "chanzgai",
    "FENGTAI_S3_ACCESS_KEY": "AK",
    "FENGTAI_S3_SECRET_KEY": "SK",
}


def test_the_local_folder_is_the_default():
    for environ in ({}, {"FENGTAI_EVIDENCE_STORAGE": ""}, {"FENGTAI_EVIDENCE_STORAGE": "LOCAL"}):
        assert evidence_storage_settings(environ, local_root=ROOT) == {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": ROOT, "base_url": None},
        }


def test_s3_is_private_path_style_and_never_overwrites():
    config = evidence_storage_settings(
        {**S3, "FENGTAI_S3_PREFIX": "/evidence/", "FENGTAI_S3_REGION": "cn-north-1"},
        local_root=ROOT,
    )
    assert config["BACKEND"] == "common.s3storage.PrivateS3Storage"
    options = config["OPTIONS"]
    assert options["endpoint_url"] == "https://oss.fengtai.gov.cn"
    assert (options["bucket_name"], options["region_name"]) == ("chanzgai", "cn-north-1")
    assert (options["access_key"], options["secret_key"]) == ("AK", "SK")
    assert options["location"] == "evidence"
    assert options["addressing_style"] == "path"
    assert options["default_acl"] is None
    assert options["querystring_auth"] is False
    assert options["file_overwrite"] is False


def test_the_region_defaults_and_keys_may_come_from_boto3s_own_chain():
    environ = {k: v for k, v in S3.items() if "KEY" not in k}
    options = evidence_storage_settings(environ, local_root=ROOT)["OPTIONS"]
    assert options["region_name"] == "us-east-1"
    assert (options["access_key"], options["secret_key"]) == (None, None)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"FENGTAI_EVIDENCE_STORAGE": "ftp"}, "must be one of local, s3"),
        ({**S3, "FENGTAI_S3_BUCKET": " "}, "set FENGTAI_S3_BUCKET"),
        ({**S3, "FENGTAI_S3_SECRET_KEY": ""}, "both FENGTAI_S3_ACCESS_KEY and"),
    ],
)
def test_an_incomplete_choice_is_a_clear_error(environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        evidence_storage_settings(environ, local_root=ROOT)


def test_the_settings_read_the_environment(tmp_path):
    result = run_manage(
        "shell",
        "-c",
        "from django.core.files.storage import storages; s = storages['evidence'];"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url)",
        env_overrides={"DJANGO_DEBUG": "1", **S3},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "PrivateS3Storage",
        "chanzgai",
        "https://oss.fengtai.gov.cn",
    ]


@pytest.mark.s3
def test_a_bucket_gives_no_url_and_no_presigned_link(s3_server):
    from common.s3storage import PrivateS3Storage

    config = evidence_storage_settings(s3_server.environ(), local_root=ROOT)
    storage = PrivateS3Storage(**config["OPTIONS"])
    with pytest.raises(NotImplementedError, match="no URL"):
        storage.url("2026/01/anything")
