from urllib.parse import unquote

import pytest
from django.test import RequestFactory

from common.http import client_ip, content_disposition, proxy_networks


def test_content_disposition_has_ascii_fallback_and_rfc5987_name():
    header = content_disposition("指标表.xlsx", fallback='a "b"/c.xlsx')
    plain, encoded = header.removeprefix("attachment; ").split("; ")
    assert plain == 'filename="a__b__c.xlsx"'
    assert encoded.startswith("filename*=UTF-8''")
    assert unquote(encoded.removeprefix("filename*=UTF-8''")) == "指标表.xlsx"
    assert header.isascii()


def test_content_disposition_keeps_an_ascii_name():
    assert content_disposition("report.xlsx").startswith('attachment; filename="report.xlsx";')


# --- client_ip behind reverse proxies ------------------------------------------------------------

NGINX = "10.0.0.10"


def _request(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.FENGTAI_TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.5", "198.51.100.7")) == "203.0.113.5"


def test_a_spoofed_header_from_an_untrusted_client_is_ignored(settings):
    settings.FENGTAI_TRUSTED_PROXIES = [NGINX]
    # The browser talks to the app server directly and claims to be someone else.
    assert client_ip(_request("203.0.113.5", "198.51.100.7, 10.0.0.10")) == "203.0.113.5"


def test_behind_a_trusted_proxy_the_client_is_the_address_it_appended(settings):
    settings.FENGTAI_TRUSTED_PROXIES = [NGINX]
    assert client_ip(_request(NGINX, "203.0.113.5")) == "203.0.113.5"
    # What the browser wrote itself stands left of what nginx appended: never believed.
    assert client_ip(_request(NGINX, "198.51.100.7, 203.0.113.5")) == "203.0.113.5"
    assert client_ip(_request(NGINX, "not-an-address, 203.0.113.5")) == "203.0.113.5"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.FENGTAI_TRUSTED_PROXIES = ["10.0.0.0/24", "172.16.5.1"]
    forwarded = "198.51.100.7, 203.0.113.5, 172.16.5.1, 10.0.0.3"
    assert client_ip(_request(NGINX, forwarded)) == "203.0.113.5"


def test_only_proxies_in_the_header_means_the_left_most_proxy(settings):
    settings.FENGTAI_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(_request(NGINX, "10.0.0.7, 10.0.0.3")) == "10.0.0.7"
    # No header (a health check from nginx's own machine): nginx's address.
    assert client_ip(_request(NGINX)) == NGINX
    # Garbage where a trusted proxy should have written: the last address we can vouch for.
    assert client_ip(_request(NGINX, "10.0.0.7, junk")) == NGINX


def test_ipv6_and_ipv4_mapped_addresses(settings):
    settings.FENGTAI_TRUSTED_PROXIES = ["::1", NGINX]
    assert client_ip(_request("::1", "2001:db8::5")) == "2001:db8::5"
    assert client_ip(_request("::ffff:10.0.0.10", "203.0.113.5")) == "203.0.113.5"


def test_proxy_networks_refuses_what_is_not_an_address():
    assert [str(n) for n in proxy_networks(["10.0.0.10", " 10.0.1.0/24 ", ""])] == [
        "10.0.0.10/32",
        "10.0.1.0/24",
    ]
    with pytest.raises(ValueError):
        proxy_networks(["nginx.local"])
