import datetime

import pytest
from django.utils import timezone

from accounts.models import Official
from audit.engine import audit_account, audit_accounts
from rights.flags import BAD, CHANGE_REQUEST_FILED, DORMANT, FLAG_CODES, FLAGS, REPORTED_AS_LEAVER, WARN
from rights.scope import Scope
from tests.factories import (
    AssignmentOrderFactory,
    OrderLineFactory,
    UserFactory,
    account_with_roles,
    hold,
    level,
    position,
    unit,
)

JUNE_15 = datetime.date(2026, 6, 15)


def codes(account, on):
    return audit_account(account=account, as_of=on).codes


def logged_in(days_before: int, on: datetime.date) -> datetime.datetime:
    """A login at noon Bangkok time, `days_before` days before `on`."""
    day = on - datetime.timedelta(days=days_before)
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 12, 0))


@pytest.mark.django_db
def test_clean_account_has_no_flag(make_account):
    account = make_account("ISV_USER")
    assert codes(account, datetime.date(2026, 1, 10)) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "on, in_force",
    [
        (datetime.date(2026, 1, 1), True),  # first day
        (datetime.date(2025, 12, 31), False),  # the day before
        (datetime.date(2026, 3, 31), True),  # last day
        (datetime.date(2026, 4, 1), False),  # the day after
    ],
)
def test_order_line_in_force_on_first_and_last_day(make_account, on, in_force):
    account = make_account(
        "ISV_USER", effective_from=datetime.date(2026, 1, 1), effective_to=datetime.date(2026, 3, 31),
    )
    account.last_login = logged_in(1, on)
    account.save()
    result = codes(account, on)
    assert ("NO_ORDER" in result) is (not in_force)
    assert ("EXCESS_ROLE" in result) is (not in_force)


@pytest.mark.django_db
def test_revoked_order_grants_nothing(make_account):
    account = make_account("ISV_USER")
    account.official.order_lines.first().order.__class__.objects.update(revoked_at=timezone.now())
    assert "NO_ORDER" in codes(account, datetime.date(2026, 1, 10))


@pytest.mark.django_db
def test_unknown_person():
    account = UserFactory(official=None, first_name="ไม่ทราบ", last_name="ชื่อ", registered_unit=unit("4701"),
                          registered_position=position("ปลัดอำเภอ"), registered_level=level("K1"))
    account.official_id = "1234567890121"  # a valid ID that the HR record does not have
    account.save()
    result = codes(account, datetime.date(2026, 1, 10))
    assert "UNKNOWN_PERSON" in result and "NO_ORDER" in result


@pytest.mark.django_db
def test_an_unknown_person_is_judged_against_the_order_lines_naming_the_id():
    """UNKNOWN_PERSON, and NO_ORDER, the mismatches and EXCESS_ROLE exactly as for anyone; POLICY_VIOLATION needs
    the HR record, so an auction role that the line's level would not allow is not judged by it."""
    on = datetime.date(2026, 6, 20)
    national_id = "1234567890121"  # a valid ID that the HR record does not have
    account = UserFactory(official=None, first_name="มาใหม่", last_name="ไม่มีทะเบียน", registered_unit=unit("4701"),
                          registered_position=position("ปลัดอำเภอ"), registered_level=level("K1"),
                          last_login=logged_in(1, on))
    account.official_id = national_id
    account.save()
    hold(account, "ISV_USER", "4701")
    hold(account, "ISV_AUCTION_RECEIPT", "4701")
    assert codes(account, on) == ["EXCESS_ROLE", "NO_ORDER", "UNKNOWN_PERSON"]
    OrderLineFactory(official=None, official_id=national_id, written_name="มาใหม่ ไม่มีทะเบียน", unit=unit("4701"),
                     position=position("ปลัดอำเภอ"), level=level("K2"), effective_from=datetime.date(2026, 1, 1))
    audit = audit_account(account=account, as_of=on)
    assert audit.codes == ["EXCESS_ROLE", "LEVEL_MISMATCH", "UNKNOWN_PERSON"]
    assert [flag.facts[0].code for flag in audit.flags if flag.code == "EXCESS_ROLE"] == ["ISV_AUCTION_RECEIPT"]
    assert "มีคำสั่งมอบหมายที่มีผลระบุเลขนี้" in next(f for f in audit.flags if f.code == "UNKNOWN_PERSON").explanation
    assert audit.latest_line.written_name == "มาใหม่ ไม่มีทะเบียน" and audit.latest_line.official is None
    [scoped] = [a for a in audit_accounts(scope=Scope(roots=[unit("4701")]), as_of=on) if a.account == account]
    assert scoped.codes == audit.codes


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value, flag",
    [
        ("registered_position", lambda: position("เจ้าพนักงานปกครอง"), "POSITION_MISMATCH"),
        ("registered_level", lambda: level("K2"), "LEVEL_MISMATCH"),
        ("registered_unit", lambda: unit("4702"), "UNIT_MISMATCH"),
        ("registered_position", lambda: None, "POSITION_MISMATCH"),
    ],
)
def test_registration_mismatch_with_latest_line(make_account, field, value, flag):
    account = make_account("ISV_USER")
    setattr(account, field, value())
    account.save()
    audit = audit_account(account=account, as_of=datetime.date(2026, 1, 10))
    assert [f.code for f in audit.flags if f.code.endswith("MISMATCH")] == [flag]
    explanation = next(f.explanation for f in audit.flags if f.code == flag)
    assert "ไม่ตรงกับคำสั่งที่" in explanation


@pytest.mark.django_db
def test_position_mismatch_explanation_names_both_positions(make_account):
    account = make_account("ISV_USER", position_name="ปลัดอำเภอ")
    account.registered_position = position("เจ้าพนักงานปกครอง")
    account.save()
    order_number = account.official.order_lines.get().order.number
    flag = next(f for f in audit_account(account=account, as_of=datetime.date(2026, 1, 10)).flags)
    assert flag.explanation == f"ตำแหน่งที่ลงทะเบียน (เจ้าพนักงานปกครอง) ไม่ตรงกับคำสั่งที่ {order_number} (ปลัดอำเภอ)"


@pytest.mark.django_db
def test_latest_in_force_line_wins_over_an_older_one(make_account):
    account = make_account("ISV_USER", level_code="K2", effective_from=datetime.date(2025, 10, 1))
    newer = AssignmentOrderFactory(number="5/2569", order_date=datetime.date(2026, 1, 2))
    OrderLineFactory(order=newer, official=account.official, level=level("K3"), effective_from=datetime.date(2026, 1, 5))
    assert "LEVEL_MISMATCH" not in codes(account, datetime.date(2026, 1, 4))  # only the K2 line is in force
    assert "LEVEL_MISMATCH" in codes(account, datetime.date(2026, 1, 5))  # the K3 line is the latest


@pytest.mark.django_db
def test_same_start_date_later_order_date_then_higher_number_wins(make_account):
    account = make_account("ISV_USER", level_code="K2", effective_from=datetime.date(2026, 1, 1))
    start = datetime.date(2026, 1, 1)
    first = AssignmentOrderFactory(number="9/2569", order_date=datetime.date(2025, 12, 20))
    second = AssignmentOrderFactory(number="12/2569", order_date=datetime.date(2025, 12, 20))
    OrderLineFactory(order=first, official=account.official, level=level("K2"), effective_from=start)
    OrderLineFactory(order=second, official=account.official, level=level("K3"), effective_from=start)
    audit = audit_account(account=account, as_of=datetime.date(2026, 1, 10))
    assert audit.latest_line.order.number == "12/2569"  # 12 > 9 as numbers, not as text


@pytest.mark.django_db
def test_the_latest_line_and_its_order_are_the_stored_ones(make_account):
    """The engine reads lines as rows; the OrderLine it gives a page is the stored one, fields it did not read
    loaded on access, never defaults."""
    account = make_account("ISV_USER")
    order = AssignmentOrderFactory(number="30/2569", order_date=datetime.date(2025, 12, 20), signer="นายอำเภอ")
    stored = OrderLineFactory(order=order, official=account.official, effective_from=datetime.date(2026, 1, 1))
    line = audit_account(account=account, as_of=datetime.date(2026, 1, 10)).latest_line
    assert (line.pk, line.order.pk, line._state.adding) == (stored.pk, order.pk, False)
    assert (line.order.signer, line.order.recorded_by_id, line.order.created_at) == (
        "นายอำเภอ", order.recorded_by_id, order.created_at
    )


@pytest.mark.django_db
def test_a_position_added_by_another_process_is_found(make_account):
    """The reference cache is per process: a position another process added (no signal here) reloads it."""
    from accounts.models import Position

    account = make_account("ISV_USER")
    audit_account(account=account, as_of=datetime.date(2026, 1, 10))  # the cache is loaded
    [added] = Position.objects.bulk_create([Position(name_th="ตำแหน่งทดสอบใหม่", name_en="New test position", track="K")])
    OrderLineFactory(order=AssignmentOrderFactory(order_date=datetime.date(2026, 1, 2)), official=account.official,
                     position=added, effective_from=datetime.date(2026, 1, 5))
    audit = audit_account(account=account, as_of=datetime.date(2026, 1, 10))
    assert "POSITION_MISMATCH" in audit.codes
    assert "ตำแหน่งทดสอบใหม่" in next(flag.explanation for flag in audit.flags if flag.code == "POSITION_MISMATCH")


@pytest.mark.django_db
def test_excess_role_held_without_a_line(make_account):
    account = make_account("ISV_USER")
    hold(account, "ISV_SCRAP_RECEIPT", "4701")
    audit = audit_account(account=account, as_of=datetime.date(2026, 1, 10))
    assert audit.codes == ["EXCESS_ROLE"]
    # The role as a person reads it, not its code.
    assert "“จำหน่ายใบเสร็จรับเงินค่าของเก่า”" in audit.flags[0].explanation
    assert "ISV_SCRAP_RECEIPT" not in audit.flags[0].explanation


@pytest.mark.django_db
def test_role_held_at_another_unit_than_ordered_is_excess(make_account):
    account = make_account("ISV_FEE_RECEIPT", held=False)
    hold(account, "ISV_FEE_RECEIPT", "4702")
    assert "EXCESS_ROLE" in codes(account, datetime.date(2026, 1, 10))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "position_name, level_code, on, violates",
    [
        ("ปลัดอำเภอ", "K3", JUNE_15, False),  # K3 exactly
        ("ปลัดอำเภอ", "K2", JUNE_15, True),
        ("ปลัดอำเภอ", "K2", JUNE_15 - datetime.timedelta(days=1), False),  # the policy starts on 15 June 2026
        ("เจ้าพนักงานปกครอง", "K4", JUNE_15, False),
        ("นายอำเภอ", "M1", JUNE_15, True),  # another track is not "K3 or above"
        ("นักจัดการงานทั่วไป", "K3", JUNE_15, True),  # K3 but not an allowed position
    ],
)
def test_auction_policy(make_account, position_name, level_code, on, violates):
    account = make_account("ISV_AUCTION_RECEIPT", position_name=position_name, level_code=level_code)
    account.last_login = logged_in(1, on)
    account.save()
    assert ("POLICY_VIOLATION" in codes(account, on)) is violates


@pytest.mark.django_db
def test_policy_reads_the_hr_record_not_the_registration(make_account):
    account = make_account("ISV_AUCTION_RECEIPT", level_code="K2")
    account.registered_level = level("K3")  # declares K3, HR says K2
    account.save()
    assert "POLICY_VIOLATION" in codes(account, JUNE_15)


@pytest.mark.django_db
@pytest.mark.parametrize("holders, exceeded", [(2, False), (3, True)])
def test_quota_two_versus_three(make_account, holders, exceeded):
    accounts = [make_account("DEBT_REPORTER", position_name="พนักงานปกครอง", level_code="O2") for _ in range(holders)]
    results = audit_accounts(scope=Scope(roots=[unit("4701")]), as_of=datetime.date(2026, 1, 10))
    assert len(results) == holders
    for audit in results:
        assert ("QUOTA_EXCEEDED" in audit.codes) is exceeded
    # A deactivated holder does not count.
    if exceeded:
        accounts[0].is_active = False
        accounts[0].save()
        results = audit_accounts(scope=Scope(roots=[unit("4701")]), as_of=datetime.date(2026, 1, 10))
        assert all("QUOTA_EXCEEDED" not in audit.codes for audit in results)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "on, retired", [(datetime.date(2026, 9, 30), False), (datetime.date(2026, 10, 1), True)]
)
def test_retirement_on_30_september_versus_1_october(make_account, on, retired):
    account = make_account("ISV_USER", birth_date=datetime.date(1966, 10, 1))  # retires 30 Sep 2026
    account.last_login = logged_in(1, on)
    account.save()
    assert ("RETIRED_ACTIVE" in codes(account, on)) is retired


@pytest.mark.django_db
def test_a_retirement_by_age_gives_its_date_one_by_status_does_not_contradict_the_record(make_account):
    on = datetime.date(2026, 10, 1)
    by_age = make_account("ISV_USER", birth_date=datetime.date(1966, 10, 1), username="by.age")
    by_status = make_account("ISV_USER", status=Official.Status.RETIRED, birth_date=datetime.date(1990, 1, 1),
                             username="by.status")
    (age_flag,) = audit_account(account=by_age, as_of=on).flags
    (status_flag,) = audit_account(account=by_status, as_of=on).flags
    assert "เกษียณอายุราชการเมื่อ 30 กันยายน 2569" in age_flag.explanation
    assert status_flag.explanation == "ทะเบียนบุคคลระบุว่าเกษียณอายุราชการแล้ว แต่บัญชียังใช้งานได้"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status, flag",
    [
        (Official.Status.RETIRED, "RETIRED_ACTIVE"),
        (Official.Status.TRANSFERRED, "TRANSFERRED_ACTIVE"),
        (Official.Status.RESIGNED, "SEPARATED_ACTIVE"),
        (Official.Status.DECEASED, "SEPARATED_ACTIVE"),
    ],
)
def test_hr_status_flags(make_account, status, flag):
    account = make_account("ISV_USER", status=status)
    assert codes(account, datetime.date(2026, 1, 10)) == [flag]


@pytest.mark.django_db
@pytest.mark.parametrize("days, dormant", [(90, False), (91, True)])
def test_dormant_at_90_versus_91_days(make_account, days, dormant):
    on = datetime.date(2026, 1, 10)
    account = make_account("ISV_USER")
    account.last_login = logged_in(days, on)
    account.save()
    assert ("DORMANT" in codes(account, on)) is dormant


@pytest.mark.django_db
def test_dormant_uses_the_bangkok_date_of_the_last_login(make_account):
    on = datetime.date(2026, 1, 10)
    account = make_account("ISV_USER")
    # 20:00 UTC on 11 Oct 2025 is 03:00 on 12 Oct in Bangkok: 90 days before 10 Jan 2026, so not dormant.
    account.last_login = datetime.datetime(2025, 10, 11, 20, 0, tzinfo=datetime.UTC)
    account.save()
    assert "DORMANT" not in codes(account, on)


@pytest.mark.django_db
def test_never_logged_in_is_dormant(make_account):
    account = make_account("ISV_USER")
    account.last_login = None
    account.save()
    assert "DORMANT" in codes(account, datetime.date(2026, 1, 10))


@pytest.mark.django_db
def test_only_active_accounts_in_scope_are_audited(make_account):
    inside = make_account("ISV_USER", unit_code="4701")
    make_account("ISV_USER", unit_code="4702")
    inactive = make_account("ISV_USER", unit_code="4701")
    inactive.is_active = False
    inactive.save()
    results = audit_accounts(scope=Scope(roots=[unit("4701")]), as_of=datetime.date(2026, 1, 10))
    assert [a.account.pk for a in results] == [inside.pk]
    assert len(audit_accounts(scope=Scope(roots=[unit("47")]), as_of=datetime.date(2026, 1, 10))) == 2


def test_the_flag_registry_holds_the_flags_of_the_domain_spec_in_its_order():
    assert FLAG_CODES == (  # the table of flags in the domain spec, top to bottom
        "UNKNOWN_PERSON", "NO_ORDER", "POSITION_MISMATCH", "LEVEL_MISMATCH", "UNIT_MISMATCH", "EXCESS_ROLE",
        "POLICY_VIOLATION", "QUOTA_EXCEEDED", "RETIRED_ACTIVE", "TRANSFERRED_ACTIVE", "SEPARATED_ACTIVE", "DORMANT",
    )
    for spec in FLAGS.values():
        assert spec.label and spec.help and spec.severity in (WARN, BAD)
        assert set(spec.round_answers) <= {CHANGE_REQUEST_FILED, REPORTED_AS_LEAVER}


@pytest.mark.django_db
def test_the_dormancy_limit_is_the_setting_in_every_text(settings, make_account):
    settings.DORMANT_AFTER_DAYS = 45
    account = make_account("ISV_USER")
    account.last_login = timezone.make_aware(datetime.datetime(2025, 6, 1, 9, 0))
    account.save(update_fields=["last_login"])
    flags = {flag.code: flag for flag in audit_account(account=account, as_of=datetime.date(2026, 1, 10)).flags}
    assert FLAGS[DORMANT].label == "ไม่ได้เข้าใช้งานเกิน 45 วัน" == flags[DORMANT].label
    assert "นานกว่า 45 วัน" in FLAGS[DORMANT].help and "(เกิน 45 วัน)" in flags[DORMANT].explanation


def _population(count: int) -> None:
    """A mix of clean and flagged accounts in province 47: no order, quota, policy, excess."""
    for n in range(count):
        kind = n % 4
        if kind == 0:
            UserFactory()
        elif kind == 1:
            account_with_roles("DEBT_REPORTER", position_name="พนักงานปกครอง", level_code="O2")
        elif kind == 2:
            account_with_roles("ISV_USER", "ISV_AUCTION_RECEIPT", level_code="K2", unit_code="4702")
        else:
            hold(account_with_roles("ISV_USER", "ISV_FEE_RECEIPT"), "ISV_SCRAP_RECEIPT", "4701")


@pytest.mark.django_db
def test_query_count_does_not_grow_with_accounts(django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _population(10)
    with CaptureQueriesContext(connection) as small:
        assert len(audit_accounts(scope=Scope(roots=[unit("47")]), as_of=datetime.date(2026, 1, 10))) == 10
    _population(190)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(audit_accounts(scope=Scope(roots=[unit("47")]), as_of=datetime.date(2026, 1, 10))) == 200


@pytest.mark.django_db
def test_accounts_read_through_from_db_when_init_signals_are_listened_to(make_account):
    """With a post_init receiver the engine builds its instances with Model.from_db, which takes the values in the
    model's field order: the same account, field for field."""
    from django.db.models.signals import post_init

    from accounts.models import User

    account = make_account("ISV_USER")
    plain = audit_account(account=account, as_of=datetime.date(2026, 1, 10))
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=User)
    try:
        signalled = audit_account(account=account, as_of=datetime.date(2026, 1, 10))
    finally:
        post_init.disconnect(receiver, sender=User)
    assert seen
    names = ("username", "last_login", "is_superuser", "official_id", "registered_unit_id", "email")
    assert [getattr(signalled.account, n) for n in names] == [getattr(plain.account, n) for n in names]
    assert (signalled.codes, signalled.official.pk) == (plain.codes, plain.official.pk)
