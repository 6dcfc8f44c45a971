"""数据指标 in the admin: changed only while the cycle is 准备中, each change audited; the
default templates are read only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from common.errors import DomainError
from indicators.models import Indicator
from scoring.cycles.services import cycle_create
from scoring.models import CycleAction, CycleEvent, FigureField, FigureTemplate
from scoring.scheme.services import figure_field_delete, figure_field_save

from .support import messages_of
from .test_audit import Events

pytestmark = pytest.mark.django_db

NUMBER = 38  # 职业技能培训人次
FROZEN = "考核周期“2026年度”当前为“填报中”，考核方案已冻结，不能修改。"


@pytest.fixture
def preparing(db):
    now = timezone.now()
    return cycle_create(name="2027年度", year=2027, opens_at=now, deadline=now + timedelta(days=30))


def _post_data(cycle, **changes) -> dict:
    data = {
        "cycle": cycle.pk,
        "indicator": Indicator.objects.get(number=NUMBER).pk,
        "code": "trainees_women",
        "label": "女职工培训人次",
        "kind": "integer",
        "measure": "人次",
        "order": "9",
        "numerator_code": "",
        "denominator_code": "",
    }
    return data | changes


def _spec(field) -> list:
    return list(FigureField.objects.filter(pk=field.pk).values_list("label", "measure", "order"))


def test_adding_changing_and_removing_a_figure_field_of_a_preparing_cycle_is_audited(
    client, office_user, preparing
):
    client.force_login(office_user)

    with Events(CycleEvent) as added:
        response = client.post(reverse("admin:scoring_figurefield_add"), _post_data(preparing))
    assert response.status_code == 302, response.content.decode()[:2000]
    field = FigureField.objects.get(cycle=preparing, code="trainees_women")
    change = reverse("admin:scoring_figurefield_change", args=[field.pk])
    with Events(CycleEvent) as changed:
        response = client.post(change, _post_data(preparing, label="女职工技能培训人次"))
    assert response.status_code == 302
    with Events(CycleEvent) as removed:
        response = client.post(
            reverse("admin:scoring_figurefield_delete", args=[field.pk]), {"post": "yes"}
        )
    assert response.status_code == 302

    assert not FigureField.objects.filter(pk=field.pk).exists()
    rows = added.rows + changed.rows + removed.rows
    assert [(e.cycle_id, e.action, e.actor, e.ip_address) for e in rows] == [
        (preparing.pk, CycleAction.FIGURES_CHANGED, office_user, "127.0.0.1")
    ] * 3
    first, second, third = (e.data for e in rows)
    assert (first["old"], first["new"]["label"], first["new"]["indicator"]) == (
        None,
        "女职工培训人次",
        NUMBER,
    )
    assert (second["old"]["label"], second["new"]["label"]) == (
        "女职工培训人次",
        "女职工技能培训人次",
    )
    assert (third["old"]["label"], third["new"]) == ("女职工技能培训人次", None)


def test_saving_an_unchanged_figure_field_writes_no_audit_row(client, office_user, preparing):
    field = FigureField.objects.filter(cycle=preparing).select_related("indicator").first()

    with Events(CycleEvent) as new:
        figure_field_save(field=field, actor=office_user)

    assert new.rows == []


def test_an_opened_cycles_figure_fields_are_frozen_in_the_admin(client, office_user, cycle):
    field = FigureField.objects.filter(cycle=cycle).select_related("indicator").first()
    before = _spec(field)
    count = FigureField.objects.filter(cycle=cycle).count()
    change = reverse("admin:scoring_figurefield_change", args=[field.pk])
    client.force_login(office_user)

    with Events(CycleEvent) as new:
        changed = client.post(
            change,
            _post_data(cycle, code=field.code, label="改写的名称", indicator=field.indicator_id),
        )
        removed = client.post(
            reverse("admin:scoring_figurefield_delete", args=[field.pk]), {"post": "yes"}
        )
        added = client.post(reverse("admin:scoring_figurefield_add"), _post_data(cycle))

    assert changed.status_code == removed.status_code == 302
    assert ("error", FROZEN) in messages_of(changed)
    assert ("error", FROZEN) in messages_of(removed)
    # An opened cycle is not even offered for a new field.
    assert added.status_code == 200
    form = added.context["adminform"].form
    assert cycle not in form.fields["cycle"].queryset
    assert "cycle" in form.errors
    assert _spec(field) == before
    assert FigureField.objects.filter(cycle=cycle).count() == count
    assert new.rows == []


def test_the_services_refuse_an_opened_cycle_in_chinese(office_user, cycle):
    field = FigureField.objects.filter(cycle=cycle).select_related("indicator").first()
    field.label = "改写的名称"

    with Events(CycleEvent) as new:
        with pytest.raises(DomainError) as changed:
            figure_field_save(field=field, actor=office_user)
        with pytest.raises(DomainError) as removed:
            figure_field_delete(field=field, actor=office_user)

    assert changed.value.message == removed.value.message == FROZEN
    assert FigureField.objects.get(pk=field.pk).label != "改写的名称"
    assert new.rows == []


def test_a_figure_field_never_moves_to_another_cycle(office_user, cycle, preparing):
    field = FigureField.objects.filter(cycle=preparing).select_related("indicator").first()
    field.cycle = cycle

    with pytest.raises(DomainError, match="数据指标不能移到另一个考核周期。"):
        figure_field_save(field=field, actor=office_user)

    assert FigureField.objects.get(pk=field.pk).cycle_id == preparing.pk


def test_figure_templates_are_read_only_in_the_admin(client, office_user):
    template = FigureTemplate.objects.first()
    client.force_login(office_user)
    change = reverse("admin:scoring_figuretemplate_change", args=[template.pk])

    assert client.get(reverse("admin:scoring_figuretemplate_changelist")).status_code == 200
    assert client.post(change, {"label": "改写"}).status_code == 403
    assert client.get(reverse("admin:scoring_figuretemplate_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:scoring_figuretemplate_delete", args=[template.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert FigureTemplate.objects.get(pk=template.pk).label == template.label
