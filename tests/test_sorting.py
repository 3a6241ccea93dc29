"""core.sorting: only the declared keys are read from the URL, querysets end on the primary key, and the
header links go the other way on the current column."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils.http import urlencode

from core.sorting import SortableColumns, SortColumn

COLUMNS = SortableColumns(columns=(
    SortColumn("name", fields=("last_name", "first_name"), value=lambda row: row["name"]),
    SortColumn("joined", fields=("date_joined",), value=lambda row: row["joined"], descending_first=True),
), default="-joined")


@pytest.mark.parametrize("asked, key, descending", [
    ({"sort": "name"}, "name", False),
    ({"sort": "-name"}, "name", True),
    ({"sort": " -joined "}, "joined", True),
    ({}, "joined", True),  # none asked: the default
    ({"sort": "password"}, "joined", True),  # not a column: the default, never an error
    ({"sort": "--name"}, "joined", True),
    ({"sort": "-"}, "joined", True),
    ({"sort": "last_name"}, "joined", True),  # a field behind a column is not itself a key
])
def test_read_takes_declared_keys_only(asked, key, descending):
    order = COLUMNS.read(asked)
    assert (order.key, order.descending) == (key, descending)


def test_a_list_may_default_otherwise():
    assert COLUMNS.read({}, default="name").param == "name"
    assert COLUMNS.read({"sort": "-joined"}, default="name").param == "-joined"


def test_a_default_must_be_a_column():
    with pytest.raises(ValueError):
        SortableColumns(columns=COLUMNS.columns, default="password")


@pytest.mark.django_db
def test_querysets_sort_in_the_database_with_the_primary_key_last():
    from accounts.models import User

    qs = User.objects.all()
    assert COLUMNS.read({"sort": "name"}).order_queryset(qs).query.order_by == ("last_name", "first_name", "pk")
    assert COLUMNS.read({"sort": "-name"}).order_queryset(qs).query.order_by == ("-last_name", "-first_name", "-pk")
    flipped = SortableColumns(columns=(SortColumn("newest", fields=("-date_joined",)),), default="newest")
    assert flipped.read({"sort": "-newest"}).order_queryset(qs).query.order_by == ("date_joined", "-pk")


def test_rows_in_memory_sort_stably_both_ways():
    rows = [{"name": "ข", "joined": 2, "n": 1}, {"name": "ก", "joined": 1, "n": 2}, {"name": "ข", "joined": 3, "n": 3}]
    assert [row["n"] for row in COLUMNS.read({"sort": "name"}).sort_rows(rows)] == [2, 1, 3]
    assert [row["n"] for row in COLUMNS.read({"sort": "-name"}).sort_rows(rows)] == [1, 3, 2]
    assert [row["n"] for row in COLUMNS.read({}).sort_rows(rows)] == [3, 1, 2]


def test_header_links_turn_the_current_column_and_start_others_their_own_way():
    order = COLUMNS.read({"sort": "name"})
    assert order.link_param("name") == "-name"
    assert order.link_param("joined") == "-joined"  # dates start newest first
    assert COLUMNS.read({"sort": "-name"}).link_param("name") == "name"
    assert order.aria_sort("name") == "ascending" and order.aria_sort("joined") == ""
    assert COLUMNS.read({}).aria_sort("joined") == "descending"


def test_the_header_cell_keeps_the_filters_drops_the_page_and_marks_the_current_column():
    request = RequestFactory().get("/list/", {"q": "สมชาย ใจดี", "flag": "DORMANT", "page": "3", "sort": "-name"})
    html = Template('{% load sorting %}{% sort_header sort "name" "ชื่อ" %}{% sort_header sort "joined" "วันที่" css="num" %}').render(
        Context({"request": request, "sort": COLUMNS.read(request.GET)}))
    name_cell, joined_cell = html.split("</th>")[:2]
    assert 'aria-sort="descending"' in name_cell and "▼" in name_cell
    assert "sort=name" in name_cell and "page=" not in name_cell
    assert urlencode({"q": "สมชาย ใจดี"}) in name_cell
    assert "flag=DORMANT" in name_cell
    assert "aria-sort" not in joined_cell and 'class="num"' in joined_cell and "sort=-joined" in joined_cell
