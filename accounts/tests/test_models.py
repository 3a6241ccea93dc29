import datetime

import pytest

from accounts.models import Level, retirement_date_for
from tests.factories import OfficialFactory


@pytest.mark.parametrize(
    "born, retires",
    [
        (datetime.date(1966, 10, 1), datetime.date(2026, 9, 30)),  # completes 60 on 30 Sep 2026
        (datetime.date(1966, 10, 2), datetime.date(2027, 9, 30)),  # completes 60 on 1 Oct 2026: next fiscal year
        (datetime.date(1966, 9, 30), datetime.date(2026, 9, 30)),
        (datetime.date(1967, 1, 1), datetime.date(2027, 9, 30)),
        (datetime.date(1964, 2, 29), datetime.date(2024, 9, 30)),
    ],
)
def test_retirement_date_follows_the_fiscal_year(born, retires):
    assert retirement_date_for(born) == retires


def test_retirement_age_is_a_setting(settings):
    settings.RETIREMENT_AGE = 63
    assert retirement_date_for(datetime.date(1966, 10, 1)) == datetime.date(2029, 9, 30)


@pytest.mark.django_db
def test_official_stores_its_retirement_date():
    official = OfficialFactory(birth_date=datetime.date(1966, 10, 2))
    official.refresh_from_db()
    assert official.retirement_date == datetime.date(2027, 9, 30)


@pytest.mark.django_db
def test_levels_compare_only_within_their_track():
    levels = {lv.code: lv for lv in Level.objects.all()}
    assert levels["K3"].is_at_least(levels["K3"])
    assert levels["K4"].is_at_least(levels["K3"])
    assert not levels["K2"].is_at_least(levels["K3"])
    assert not levels["M1"].is_at_least(levels["K3"])  # another track is not "above"
    assert not levels["O4"].is_at_least(levels["K1"])
    assert [lv.code for lv in Level.objects.filter(track="K")] == ["K1", "K2", "K3", "K4", "K5"]
