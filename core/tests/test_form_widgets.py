"""The date boxes carry the calendar's mark, the unit lists the search box's mark; both stay plain fields that post
what they always posted."""

import pytest

from core.forms import ThaiDateField, ThaiDateInput
from lifecycle.forms import ChangeRequestForm, OrderForm, OrderLineForm


def test_every_date_box_is_a_text_box_marked_for_the_calendar():
    field = ThaiDateField(label="วันที่")
    html = field.widget.render("day", "15/06/2569")
    assert 'type="text"' in html and "data-thai-date" in html and 'placeholder="15/06/2569"' in html
    assert ThaiDateInput(attrs={"size": 8}).attrs["size"] == 8  # a form may still set its own attributes
    assert field.clean("15/06/2569").isoformat() == "2026-06-15"


def test_the_as_of_date_uses_the_same_box():
    from audit.forms import AccountFilterForm, AsOfForm

    assert isinstance(AsOfForm().fields["as_of"].widget, ThaiDateInput)
    assert "data-thai-date" in str(AccountFilterForm({})["as_of"])
    assert "ตำแหน่ง ระดับ" in str(AccountFilterForm().fields["q"].help_text)


def test_the_event_log_dates_have_the_calendar_too():
    from audit.event_views import EventFilterForm

    form = EventFilterForm()
    assert "data-thai-date" in str(form["date_from"]) and "data-thai-date" in str(form["date_to"])


@pytest.mark.django_db
def test_unit_lists_are_searchable_selects_with_unit_ids_as_values():
    from accounts.models import Unit
    from rights.models import Role

    form = ChangeRequestForm()
    html = str(form["unit"])
    assert html.startswith("<select") and "data-searchable" in html
    district = Unit.objects.get(code="4701")
    assert f'<option value="{district.pk}">4701 {district.display_name}</option>' in html
    units = Unit.objects.filter(code__startswith="47")
    assert "data-searchable" in str(OrderForm(units=units)["issuing_unit"])
    assert "data-searchable" in str(OrderLineForm(units=units, roles=Role.objects.all())["unit"])
    assert "data-searchable" not in str(form["position"])  # a short list stays a plain one


@pytest.mark.django_db
def test_receipt_unit_filters_are_searchable(make_account):
    from accounts.models import Unit
    from receipts.forms import DailySummaryForm, ReceiptFilterForm

    units = Unit.objects.filter(code__startswith="47")
    assert "data-searchable" in str(ReceiptFilterForm(units=units, issuers=[])["unit"])
    assert "data-searchable" in str(DailySummaryForm(units=units)["unit"])
