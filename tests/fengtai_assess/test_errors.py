"""The error handler: a database outage is the friendly 503 page, any other fault the 500."""

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from fengtai_assess.errors import server_error


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError("connection to server at 127.0.0.1 failed: Connection refused"),
        InterfaceError("connection already closed"),
    ],
)
def test_a_database_outage_is_a_503_with_the_chinese_page(exc):
    """No database for this test: pytest-django fails any query, as the outage would."""
    request = RequestFactory().get("/tasks/")
    try:
        raise exc
    except type(exc):
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "系统暂时无法访问" in body
    assert "已保存的数据不受影响" in body
    assert "<script" not in body and "style=" not in body


def test_any_other_fault_is_the_500_page():
    request = RequestFactory().get("/tasks/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "系统暂时出错" in response.content.decode()
