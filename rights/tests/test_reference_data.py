import pytest

from accounts.models import Level, Position, Unit
from rights.models import Policy, Role
from rights.reference_data import reference_data_load


@pytest.mark.django_db
def test_reference_data_has_every_province_and_district():
    assert Unit.objects.filter(kind=Unit.Kind.PROVINCE).count() == 77
    assert Unit.objects.filter(kind=Unit.Kind.DISTRICT).count() == 928
    assert Unit.objects.filter(kind=Unit.Kind.DISTRICT, is_bma=True).count() == 50
    assert Unit.objects.get(code="4701").name_th == "เมืองสกลนคร"
    assert Unit.objects.get(code="4701").parent.code == "47"
    assert Unit.objects.filter(kind=Unit.Kind.BUREAU, name_th="สำนักการสอบสวนและนิติการ").exists()
    assert Unit.objects.filter(kind=Unit.Kind.BUREAU, name_th="กองคลัง").exists()
    assert Level.objects.count() == 13
    assert Position.objects.filter(name_th__in=["ปลัดอำเภอ", "เจ้าพนักงานปกครอง", "นายอำเภอ"]).count() == 3
    assert set(Role.objects.values_list("code", flat=True)) >= {
        "ISV_USER", "ISV_AUCTION_RECEIPT", "ISV_SCRAP_RECEIPT", "ISV_FEE_RECEIPT", "DISTRICT_REVIEWER",
        "PROVINCE_REVIEWER", "DEBT_REPORTER", "LINKAGE_USER", "CENTRAL_ADMIN",
    }


@pytest.mark.django_db
def test_reference_data_load_is_idempotent():
    counts = (Unit.objects.count(), Level.objects.count(), Position.objects.count(), Role.objects.count(), Policy.objects.count())
    summary = reference_data_load()
    assert (summary.created, summary.updated) == (0, 0)
    assert counts == (Unit.objects.count(), Level.objects.count(), Position.objects.count(), Role.objects.count(), Policy.objects.count())


@pytest.mark.django_db
def test_subtree_is_one_query(django_assert_num_queries):
    province = Unit.objects.get(code="47")
    with django_assert_num_queries(1):
        codes = list(Unit.objects.subtree_of(province).values_list("code", flat=True))
    assert codes[0] == "47" and len(codes) == 1 + 18
    assert all(code.startswith("47") for code in codes)


@pytest.mark.django_db
def test_auction_policy_is_the_circulars_rule():
    policy = Policy.objects.get(role__code="ISV_AUCTION_RECEIPT")
    assert str(policy.effective_from) == "2026-06-15"
    assert {p.name_th for p in policy.allowed_positions.all()} == {"ปลัดอำเภอ", "เจ้าพนักงานปกครอง"}
    assert [lv.code for lv in policy.minimum_levels.all()] == ["K3"]
