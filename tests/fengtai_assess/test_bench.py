"""The benchmark hooks (fengtai_assess/bench.py): off unless FENGTAI_BENCH=1, and honest when on."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import Resolver404, resolve

from fengtai_assess import bench
from indicators.models import Indicator


def test_hooks_are_off_by_default():
    assert settings.FENGTAI_BENCH is False
    assert "fengtai_assess.bench.QueryCountMiddleware" not in settings.MIDDLEWARE
    with pytest.raises(Resolver404):
        resolve("/bench/ping/")


@pytest.mark.django_db
def test_query_header_counts_the_statements_the_request_ran():
    def view(request):
        list(Indicator.objects.all()[:1])
        Indicator.objects.count()
        return HttpResponse("ok")

    response = bench.QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert response[bench.QUERY_HEADER] == "2"


@pytest.mark.django_db
def test_ping_requires_login(make_user):
    request = RequestFactory().get("/bench/ping/")
    request.user = AnonymousUser()
    assert bench.ping(request).status_code == 302
    request.user = make_user("bench_reader")
    response = bench.ping(request)
    assert response.status_code == 200
    assert response.content.decode() == bench.PING_MARKER
