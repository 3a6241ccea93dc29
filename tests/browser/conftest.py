"""Journeys through the real UI in Debian's Chromium, against live_server, with the demo world and its logins.

Never `playwright install`: the browser is Debian's (apt-get install chromium). Without it the journeys are skipped
on a developer's machine and fail under CI=true (the root conftest's missing_service).
"""

import os
from pathlib import Path

import pytest

from conftest import missing_service

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
_set_here = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    # The sync Playwright API runs an event loop in this thread while a journey runs, and the ORM refuses to run beside
    # one (the journeys set up their data and check the database in this thread). Allowed for the journeys only, from
    # before their fixtures until after their teardown: a subprocess of another test (`manage.py check --deploy`)
    # must not inherit it, since the deployment check rightly refuses it.
    item.stash[_set_here] = ASYNC_UNSAFE not in os.environ
    os.environ.setdefault(ASYNC_UNSAFE, "true")
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        if item.stash.get(_set_here, False):
            os.environ.pop(ASYNC_UNSAFE, None)


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        missing_service(f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A Thai official's browser: the UI answers in the language the browser asks for.
    return {
        **browser_context_args,
        "locale": "th-TH",
        "timezone_id": "Asia/Bangkok",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


@pytest.fixture
def demo(live_server):
    """The demo world (provinces 47 and 49, the demo logins) and its receipts, committed for the live server."""
    from receipts.demo import demo_receipts_build
    from rightsadmin.demo import demo_second_factors_build, demo_world_build

    demo_world_build()
    demo_second_factors_build()
    demo_receipts_build()
    return live_server


@pytest.fixture
def journey(request, page, demo):
    from tests.browser.journey import Journey

    name = request.node.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    return Journey(page, demo.url, name)
