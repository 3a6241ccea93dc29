"""Gap-free numbering per unit and fiscal year, also under concurrent issuing, on SQLite and on PostgreSQL."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from accounts.models import Unit
from events.models import Event
from events.services import event_chain_verify
from receipts.models import Receipt, ReceiptCounter, ReceiptOffice, fiscal_year_be
from receipts.services import ItemInput, receipt_issue


@pytest.mark.parametrize(
    "day, year",
    [
        (datetime.date(2026, 9, 30), 2569),
        (datetime.date(2026, 10, 1), 2570),
        (datetime.date(2027, 1, 1), 2570),
        (datetime.date(2027, 9, 30), 2570),
        (datetime.date(2027, 10, 1), 2571),
    ],
)
def test_fiscal_year_runs_from_1_october(day, year):
    assert fiscal_year_be(day) == year


@pytest.mark.django_db
def test_numbers_follow_each_other_per_unit(clock, issue, make_account):
    clock(datetime.date(2026, 11, 2))
    account = make_account("ISV_FEE_RECEIPT")
    other = make_account("ISV_FEE_RECEIPT", unit_code="4702")
    numbers = [issue(account).number_display for _ in range(3)]
    assert numbers == ["4701/2570/000001", "4701/2570/000002", "4701/2570/000003"]
    assert issue(other, unit_code="4702").number_display == "4702/2570/000001"


@pytest.mark.django_db
def test_fiscal_year_roll_over_on_1_october(clock, issue, make_account):
    account = make_account("ISV_FEE_RECEIPT")
    clock(datetime.date(2026, 9, 30), hour=23, minute=59)
    assert [issue(account).number_display for _ in range(2)] == ["4701/2569/000001", "4701/2569/000002"]
    clock(datetime.date(2026, 10, 1), hour=0, minute=1)
    first_of_year = issue(account)
    assert first_of_year.number_display == "4701/2570/000001"
    assert first_of_year.issued_on == datetime.date(2026, 10, 1)


@pytest.mark.django_db
def test_bangkok_date_decides_the_year_not_utc(clock, issue, make_account):
    """00:30 on 1 October in Bangkok is still 30 September in UTC: the receipt belongs to the new year."""
    account = make_account("ISV_FEE_RECEIPT")
    clock(datetime.date(2026, 10, 1), hour=0, minute=30)
    assert issue(account).number_display == "4701/2570/000001"


@pytest.mark.django_db
def test_trial_receipts_are_numbered_separately(clock, issue, make_account):
    clock(datetime.date(2026, 11, 2))
    account = make_account("ISV_FEE_RECEIPT")
    issue(account)
    ReceiptOffice.objects.create(unit=Unit.objects.get(code="4701"), trial_mode=True)
    trial = [issue(account) for _ in range(2)]
    assert [(r.trial, r.number) for r in trial] == [(True, 1), (True, 2)]
    assert "(ทดลอง)" in str(trial[0])
    ReceiptOffice.objects.filter(unit__code="4701").update(trial_mode=False)
    assert issue(account).number == 2  # the real series carries on where it was


@pytest.mark.django_db
def test_refused_or_invalid_issue_leaves_no_gap(clock, issue, make_account):
    clock(datetime.date(2026, 11, 2))
    account = make_account("ISV_FEE_RECEIPT")
    issue(account)
    with pytest.raises(ValidationError):
        issue(account, items=[ItemInput("ไม่มีราคา", Decimal("1"), Decimal("0"))])
    with pytest.raises(ValidationError):
        issue(account, payer_name=" ")
    # A failure after the number was taken rolls the counter back with it.
    with pytest.raises(RuntimeError), transaction.atomic():
        issue(account)
        raise RuntimeError("the caller's transaction fails after the receipt was issued")
    assert issue(account).number == 2
    assert ReceiptCounter.objects.get(unit__code="4701").last_number == 2


@pytest.mark.django_db
def test_database_refuses_a_duplicate_number(clock, issue, make_account):
    clock(datetime.date(2026, 11, 2))
    receipt = issue(make_account("ISV_FEE_RECEIPT"))
    receipt.pk = None
    receipt._state.adding = True
    with pytest.raises(IntegrityError), transaction.atomic():
        receipt.save()


def _issue_concurrently(account, *, threads: int, per_thread: int) -> list[BaseException]:
    """Start `threads` threads together, each issuing `per_thread` receipts at 4701; return their errors."""
    unit = Unit.objects.get(code="4701")
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work():
        try:
            barrier.wait(timeout=30)
            for n in range(per_thread):
                receipt_issue(
                    issuer=account, unit=unit, category="AUCTION", payer_name=f"ผู้ซื้อทรัพย์ {n}",
                    items=[ItemInput("ทรัพย์ขายทอดตลาด", Decimal("1"), Decimal("1500.50"))], payment_method="cash",
                )
        except BaseException as exc:  # reported to the main thread, which fails the test
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert not any(worker.is_alive() for worker in workers), "a thread did not finish"
    return errors


def _assert_numbers_one_to(n: int) -> None:
    numbers = sorted(Receipt.objects.filter(unit__code="4701").values_list("number", flat=True))
    assert numbers == list(range(1, n + 1))
    assert ReceiptCounter.objects.get(unit__code="4701", trial=False).last_number == n
    # Each receipt logged once, and the writers queued on the chain head left one unbroken chain.
    assert Event.objects.filter(action="receipts.receipt.issued").count() == n
    assert event_chain_verify() is None


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_eight_threads_issue_200_receipts_numbered_1_to_200_on_postgresql(make_account):
    account = make_account("ISV_AUCTION_RECEIPT")
    errors = _issue_concurrently(account, threads=8, per_thread=25)
    assert errors == []
    _assert_numbers_one_to(200)


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_on_the_default_database(make_account):
    """On SQLite (file database, IMMEDIATE transactions) the writers queue; on PostgreSQL the row lock decides."""
    account = make_account("ISV_AUCTION_RECEIPT")
    errors = _issue_concurrently(account, threads=8, per_thread=5)
    assert errors == []
    _assert_numbers_one_to(40)
