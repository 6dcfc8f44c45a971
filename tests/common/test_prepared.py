"""Prepared reads: compiled from the ORM once per database, then run with each call's arguments."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.prepared import PreparedRead

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_compiles_once_and_runs_with_each_calls_arguments(make_user):
    alice, bob = make_user("alice"), make_user("bob")
    builds = []

    def build(pk):
        builds.append(pk)
        return User.objects.filter(pk=pk, is_active=True).values_list("username")

    read = PreparedRead(build)
    with CaptureQueriesContext(connection) as queries:
        assert read.rows(alice.pk) == [("alice",)]
        assert read.rows(bob.pk) == [("bob",)]
        assert read.rows(alice.pk + bob.pk + 1000) == []
    # Two builds on the first call (its model, its SQL), none after; one statement per call.
    assert len(builds) == 2
    assert len(queries) == 3


def test_constants_of_the_query_stay_as_compiled(make_user):
    active, gone = make_user("active_one"), make_user("gone_one")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    read = PreparedRead(
        lambda pk: User.objects.filter(pk=pk, is_active=True, username__startswith="a").values_list(
            "pk"
        )
    )
    assert read.rows(active.pk) == [(active.pk,)]
    assert read.rows(gone.pk) == []


def test_two_arguments(make_user):
    alice, bob = make_user("alice"), make_user("bob")
    read = PreparedRead(
        lambda a, b: (
            User.objects.filter(pk__in=[a, b]).order_by("username").values_list("username")
        ),
        arity=2,
    )
    assert read.rows(bob.pk, alice.pk) == [("alice",), ("bob",)]


def test_an_argument_that_is_not_a_parameter_is_refused():
    read = PreparedRead(lambda pk: User.objects.values_list("pk"))
    with pytest.raises(ValueError, match="every argument"):
        read.rows(1)


def test_rows_carry_the_same_values_as_the_queryset(make_user):
    """Booleans, aware datetimes and nulls come back as values_list() returns them (SQLite
    stores 0/1 and text)."""
    user = make_user("alice")

    def build(pk):
        return User.objects.filter(pk=pk).values_list("is_active", "date_joined", "last_login")

    assert PreparedRead(build).rows(user.pk) == list(build(user.pk))
    is_active, joined, last_login = PreparedRead(build).rows(user.pk)[0]
    assert is_active is True and joined.tzinfo is not None and last_login is None
