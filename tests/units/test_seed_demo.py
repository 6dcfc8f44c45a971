import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from units.permissions import user_is_leader, user_is_office, user_roles, user_unit
from units.roles import Role

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_creates_every_demo_account_with_its_role():
    call_command("seed_demo", force=True, verbosity=0)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("Demo@2026")
    office = User.objects.get(username="office")
    assert user_is_office(office) and office.is_staff and not office.is_superuser
    leader = User.objects.get(username="leader")
    assert user_is_leader(leader) and not leader.is_staff and not user_is_office(leader)
    rsj = User.objects.get(username="rsj")
    assert user_roles(rsj) == {Role.REPORTER}
    assert user_unit(rsj).name == "区人社局"
    cgb = User.objects.get(username="cgb")
    assert user_unit(cgb).name == "区产改办" and not user_is_office(cgb)
    approver = User.objects.get(username="gzw_sh")
    assert user_roles(approver) == {Role.APPROVER} and user_unit(approver).code == "gzw"
    assert User.objects.count() == 16


def test_is_idempotent():
    call_command("seed_demo", force=True, verbosity=0)
    before = sorted(User.objects.values_list("username", "pk"))
    call_command("seed_demo", force=True, verbosity=0)
    assert sorted(User.objects.values_list("username", "pk")) == before
    # One role group and one unit group.
    assert User.objects.get(username="zgh").groups.count() == 2


def test_refuses_on_a_production_server():
    with pytest.raises(CommandError, match="生产环境不创建演示账号"):
        call_command("seed_demo", verbosity=0)


def test_prints_the_logins(capsys):
    call_command("seed_demo", force=True, print_logins=True)
    out = capsys.readouterr().out
    assert "密码均为 Demo@2026" in out
    assert "rsj" in out and "区人社局填报人" in out


def test_sample_data_builds_a_lived_in_cycle():
    from scoring.models import Cycle, EvidenceFile, SlotStatus

    call_command("seed_demo", force=True, sample_data=True, verbosity=0)
    cycle = Cycle.objects.get(name="2026年度")
    statuses = set(cycle.slots.values_list("status", flat=True))
    assert {
        SlotStatus.DRAFT,
        SlotStatus.SUBMITTED,
        SlotStatus.RETURNED,
        SlotStatus.APPROVED,
        SlotStatus.PENDING_APPROVAL,
    } <= statuses
    assert cycle.slots.filter(current_version=2).exists()  # resubmitted after a return
    types = set(EvidenceFile.objects.values_list("content_type", flat=True))
    assert {"application/pdf", "image/png"} <= types
    assert any("wordprocessingml" in t for t in types)
    assert any("spreadsheetml" in t for t in types)
    for evidence in EvidenceFile.objects.all():
        assert evidence.file.storage.exists(evidence.file.name)
    # Idempotent.
    call_command("seed_demo", force=True, sample_data=True, verbosity=0)
    assert Cycle.objects.filter(name="2026年度").count() == 1


def test_sample_data_without_figure_defaults_says_what_to_load():
    from scoring.models import Cycle, FigureTemplate

    FigureTemplate.objects.all().delete()
    with pytest.raises(CommandError) as exc:
        call_command("seed_demo", force=True, sample_data=True, verbosity=0)
    assert str(exc.value) == (
        "尚未导入数据指标模板，无法创建示例数据：请先执行 python manage.py loaddata figure_defaults"
    )
    assert not Cycle.objects.exists()
    assert not User.objects.exists()
