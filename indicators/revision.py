"""The catalogue's revision, and the catalogue page's body cached under it.

The body of the catalogue page (the tree, the 责任单位 lists, the unit filter) depends only on
the catalogue and on the page's unit filter, never on who asks: it is the same HTML for every
user, so it is cached in Django's cache (Redis when REDIS_URL is set) under the catalogue's
revision. Every write to a unit, an indicator, a 一级/二级 parent or a responsibility, through
the admin, the Excel import, loaddata or the shell, gives the revision a new token in the
database, in the same transaction, so the next request on any server renders afresh. Writes that
bypass model signals (QuerySet.update, bulk_create) are not seen: the cached body also expires
after BODY_TIMEOUT. The cache failing never fails the page: it is then rendered as before.
"""

import logging
import uuid

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from common.signals import catalogue_changed
from indicators.models import CatalogueRevision, Indicator, Level1, Level2, Responsibility
from units.models import Unit

logger = logging.getLogger(__name__)

BODY_TIMEOUT = 600  # seconds; a backstop for writes that send no signal
REVISION_PK = 1


def catalogue_revision() -> str:
    """The current token ("" before the catalogue was first written under this scheme)."""
    token = CatalogueRevision.objects.filter(pk=REVISION_PK).values_list("token", flat=True)
    return token.first() or ""


def catalogue_revision_bump(**kwargs) -> None:
    """Receiver: give the catalogue a new revision token (also callable directly)."""
    token = uuid.uuid4().hex
    if not CatalogueRevision.objects.filter(pk=REVISION_PK).update(token=token):
        CatalogueRevision.objects.update_or_create(pk=REVISION_PK, defaults={"token": token})


def body_key(*, unit_code: str) -> str:
    return f"indicators:catalogue:{catalogue_revision()}:{unit_code}"


def body_get(key: str) -> str | None:
    try:
        return cache.get(key)
    except Exception:  # a cache that is down must not take the catalogue with it
        logger.warning("catalogue cache unavailable", exc_info=True)
        return None


def body_set(key: str, body: str) -> None:
    try:
        cache.set(key, body, BODY_TIMEOUT)
    except Exception:
        logger.warning("catalogue cache unavailable", exc_info=True)


def connect() -> None:
    for model in (Unit, Level1, Level2, Indicator, Responsibility):
        post_save.connect(catalogue_revision_bump, sender=model, dispatch_uid=f"rev-save-{model}")
        post_delete.connect(catalogue_revision_bump, sender=model, dispatch_uid=f"rev-del-{model}")
    catalogue_changed.connect(catalogue_revision_bump, dispatch_uid="indicators.revision")
