"""The API's rate limit holds across server processes: counted in the database, one atomic statement a request."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import RateCounter
from accounts.ratelimit import request_counted, stale_counters_purged

ME = "/api/v1/me/"


@pytest.mark.django_db
def test_requests_are_counted_per_key_and_window():
    start = 1_800_000_000.0  # a window of 60 s starts here (divisible by 60)
    assert [request_counted("k", window_seconds=60, now=start + s).hits for s in (0, 1, 59)] == [1, 2, 3]
    assert request_counted("other", window_seconds=60, now=start + 2).hits == 1
    next_window = request_counted("k", window_seconds=60, now=start + 60.5)
    assert next_window.hits == 1 and next_window.retry_after == 60
    assert request_counted("k", window_seconds=60, now=start + 119.2).retry_after == 1


@pytest.mark.django_db
def test_counters_of_clients_gone_for_a_day_are_purged(capsys):
    start = 1_700_000_040.0  # 2023: both counters are stale by today's clock
    request_counted("gone", window_seconds=60, now=start)
    request_counted("recent", window_seconds=60, now=start + 86_400)
    assert stale_counters_purged(now=start + 86_400 + 59) == 0  # the window ended less than a day ago
    assert stale_counters_purged(now=start + 86_400 + 60) == 1
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["recent"]
    call_command("purge_rate_counters")
    assert "removed 1 request counters" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_of_one_token_are_each_counted(settings, make_account, issue_token):
    """Eight clients at once, each with its own database connection as separate server processes have: exactly
    the limit gets through. A count kept in process memory, or read and written back in a shared cache, lets more."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "40/hour", "api_session": "1000/min", "api_anonymous": "1000/min"},
    }
    token = issue_token(make_account("ISV_USER"))
    statuses: list[int] = []
    lock = threading.Lock()

    def client_requests():
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
            for _ in range(10):
                status = client.get(ME).status_code
                with lock:
                    statuses.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=client_requests) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(statuses)) == [200, 429]
    assert statuses.count(200) == 40 and statuses.count(429) == 40
    (counter,) = RateCounter.objects.filter(key__startswith="api:api_token:")
    assert counter.hits == 80
