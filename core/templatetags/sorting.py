"""The header cell of a sortable column (core.sorting).

{% load sorting %}
{% sort_header sort "name" _("ชื่อ-นามสกุล") %}            <th> with a link that sorts by the column
{% sort_header sort "total" _("จำนวนเงิน") css="num" %}    the same, with a class on the cell

The link keeps the page's other parameters (filters, search) and starts again from the first page.
"""

from django import template

from core.sorting import SORT_PARAM, SortOrder

register = template.Library()


@register.inclusion_tag("includes/_sort_header.html", takes_context=True)
def sort_header(context, sort: SortOrder, key: str, label: str, css: str = "") -> dict:
    params = context["request"].GET.copy()
    params[SORT_PARAM] = sort.link_param(key)
    params.pop("page", None)
    aria_sort = sort.aria_sort(key)
    return {"label": label, "url": f"?{params.urlencode()}", "aria_sort": aria_sort, "css": css,
            "next_descending": params[SORT_PARAM].startswith("-")}
