"""Checks shared by the tests of the read-only admin pages (accounts and audit)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.urls import reverse


def admin_url(model: type[models.Model], view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def assert_pages_keep_their_query_count(
    client, django_assert_max_num_queries, model: type[models.Model], make_rows: Callable[[int], object],
) -> None:
    """Open the changelist and the first row's page with one row, then with ten: no more queries the second time.

    `make_rows(n)` adds n rows, each with its own related objects (accounts, deciders), so a missing join shows.
    """
    make_rows(1)
    first = model.objects.order_by("pk").first()
    pages = [admin_url(model, "changelist"), admin_url(model, "change", first.pk)]
    for url in pages:  # warm the per-process caches (content types, reference data) as a running server has them
        assert client.get(url).status_code == 200, url
    budgets = []
    for url in pages:
        with django_assert_max_num_queries(40) as captured:
            assert client.get(url).status_code == 200, url
        budgets.append(len(captured.captured_queries))
    make_rows(9)
    for url, budget in zip(pages, budgets, strict=True):
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200, url
    html = client.get(pages[0]).content.decode()
    for pk in model.objects.values_list("pk", flat=True):
        assert admin_url(model, "change", pk) in html, f"row {pk} missing from the changelist"


def assert_writes_are_refused(client, obj: models.Model, change_data: dict) -> None:
    """Adding is refused, and POSTing a change or a delete is refused (403) and leaves the row as it was."""
    model = type(obj)
    before = model.objects.filter(pk=obj.pk).values().get()
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "add"), change_data).status_code == 403
    assert client.post(admin_url(model, "change", obj.pk), change_data).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    # The bulk delete action is not offered; posting it anyway deletes nothing.
    client.post(admin_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert model.objects.filter(pk=obj.pk).values().get() == before
