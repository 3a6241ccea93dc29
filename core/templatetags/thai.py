"""Template filters for Thai display: Buddhist Era dates, masked national IDs, baht, reference names."""

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from core.names import local_name as _local_name
from core.national_id import format_national_id, mask_national_id
from core.thai import baht_in_words, format_be_date, reader_is_english

register = template.Library()


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _english() -> bool:
    return reader_is_english()


@register.filter
def local_name(item):
    """A role's, level's, position's or fee type's name in the active language (core.names.local_name)."""
    return _local_name(item)


@register.filter
def be_date(value):
    """15 มิ.ย. 2569 (15 Jun 2569 in the English interface)"""
    return format_be_date(_local(value), english=_english())


@register.filter
def be_date_long(value):
    """15 มิถุนายน 2569 (15 June 2569)"""
    return format_be_date(_local(value), long=True, english=_english())


@register.filter
def be_datetime(value):
    """15 มิ.ย. 2569 14:05 (15 Jun 2569 14:05)"""
    if not value:
        return ""
    value = _local(value)
    return f"{format_be_date(value, english=_english())} {value:%H:%M}"


@register.filter
def national_id(value):
    return format_national_id(value or "")


@register.filter
def masked_national_id(value):
    return mask_national_id(value or "")


@register.filter
def baht(value):
    """1,234.50"""
    if value in (None, ""):
        return ""
    return f"{Decimal(value):,.2f}"


@register.filter
def baht_words(value):
    return baht_in_words(Decimal(value))
