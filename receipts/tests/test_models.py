"""Nothing in an issued receipt changes, and nothing is deleted: in the model, its querysets and the admin."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from receipts.models import FeeType, PayInSlip, Receipt, ReceiptImmutable, ReceiptItem
from rights.reference_data import reference_data_load
from tests.factories import UserFactory


@pytest.fixture
def receipt(clock, issue, make_account):
    clock(datetime.date(2026, 11, 2))
    return issue(make_account("ISV_FEE_RECEIPT"))


@pytest.mark.django_db
@pytest.mark.parametrize("field, value", [("payer_name", "คนอื่น"), ("total", Decimal("1.00")), ("number", 99)])
def test_issued_receipt_cannot_be_edited(receipt, field, value):
    setattr(receipt, field, value)
    with pytest.raises(ReceiptImmutable):
        receipt.save()
    with pytest.raises(ReceiptImmutable):
        receipt.save(update_fields=[field])
    receipt.refresh_from_db()
    assert getattr(receipt, field) != value


@pytest.mark.django_db
def test_void_fields_change_only_through_the_void_service(receipt):
    from django.utils import timezone

    receipt.voided_at, receipt.void_reason = timezone.now(), "แอบยกเลิก"
    with pytest.raises(ReceiptImmutable):  # not through receipt_void: no rights were checked
        receipt.save(update_fields=["voided_at", "void_reason"])


@pytest.mark.django_db
def test_receipts_and_items_cannot_be_deleted_or_bulk_updated(receipt):
    with pytest.raises(ReceiptImmutable):
        receipt.delete()
    with pytest.raises(ReceiptImmutable):
        Receipt.objects.filter(pk=receipt.pk).delete()
    with pytest.raises(ReceiptImmutable):
        Receipt.objects.filter(pk=receipt.pk).update(total=Decimal("1"))
    item = receipt.items.get()
    item.amount = Decimal("1")
    with pytest.raises(ReceiptImmutable):
        item.save()
    with pytest.raises(ReceiptImmutable):
        item.delete()
    with pytest.raises(ReceiptImmutable):
        ReceiptItem.objects.all().delete()
    assert Receipt.objects.filter(pk=receipt.pk).exists() and receipt.items.count() == 1


@pytest.mark.django_db
def test_admin_shows_receipts_read_only(client, receipt):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    model_admin = admin.site._registry[Receipt]
    request = type("Request", (), {"user": superuser})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, receipt)
    assert not model_admin.has_delete_permission(request, receipt)
    assert client.get(reverse("admin:receipts_receipt_changelist")).status_code == 200
    change_url = reverse("admin:receipts_receipt_change", args=[receipt.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and b'name="payer_name"' not in page.content  # shown, not editable
    assert client.post(change_url, {"payer_name": "คนอื่น"}).status_code == 403
    assert client.post(reverse("admin:receipts_receipt_delete", args=[receipt.pk]), {"post": "yes"}).status_code == 403
    changelist = client.post(reverse("admin:receipts_receipt_changelist"),
                             {"action": "delete_selected", "_selected_action": [receipt.pk], "post": "yes"})
    assert changelist.status_code in (200, 302)
    receipt.refresh_from_db()
    assert receipt.payer_name == "นายผู้ชำระ ทดสอบ"
    for model in (PayInSlip, ReceiptItem):
        if model in admin.site._registry:
            assert not admin.site._registry[model].has_delete_permission(request)


@pytest.mark.django_db
def test_fee_types_are_loaded_with_the_reference_data_idempotently():
    assert FeeType.objects.filter(code__in=["IDCARD", "CIVREG", "OTHER"]).count() == 3
    before = FeeType.objects.count()
    summary = reference_data_load()
    assert (summary.created, summary.updated) == (0, 0)
    assert FeeType.objects.count() == before
    FeeType.objects.filter(code="IDCARD").update(name_th="ชื่อที่ถูกแก้")
    assert reference_data_load().updated == 1
    assert FeeType.objects.get(code="IDCARD").name_th == "ค่าธรรมเนียมบัตรประจำตัวประชาชน"
