"""One rule for every search of people (rights.selectors): names, usernames, positions and levels word by word,
or a whole national ID, in the database and in memory alike."""

import pytest

from accounts.models import User
from core.national_id import format_national_id
from rights.selectors import account_matches, account_search_condition, person_search
from tests.factories import account_with_roles, level, position


def test_a_whole_national_id_is_a_national_id_whatever_its_spelling():
    assert person_search("1-2345-67890-12-1").national_id == "1234567890121"
    assert person_search(" ๑๒๓๔๕๖๗๘๙๐๑๒๑ ").national_id == "1234567890121"
    assert person_search("1 2345 67890 12 1") == person_search("1234567890121")


@pytest.mark.parametrize("query", ["12345", "1-2345-67890", "12345678901234", "x234567890121"])
def test_part_of_a_national_id_is_only_words(query):
    assert person_search(query).national_id == ""


def test_words_are_split_casefolded_and_read_thai_digits_as_arabic():
    assert person_search("  Clerk.๔๗๐๑   ปลัดอำเภอ ").words == ("clerk.4701", "ปลัดอำเภอ")


@pytest.fixture
def people(db):
    lawyer = account_with_roles("ISV_USER", username="lawyer.4701", first_name="สมชาย", last_name="ใจดี",
                                title="นาย", position_name="นิติกร", level_code="K1")
    lawyer.registered_position, lawyer.registered_level = position("ปลัดอำเภอ"), level("K2")
    lawyer.save()
    clerk = account_with_roles("ISV_USER", username="clerk.4701", first_name="มาลี", last_name="ใจดี",
                               position_name="เจ้าพนักงานธุรการ", level_code="O2")
    return {"lawyer": lawyer, "clerk": clerk}


def found_in_database(query: str) -> set[str]:
    return set(User.objects.filter(account_search_condition(query)).values_list("username", flat=True))


def found_in_memory(query: str) -> set[str]:
    accounts = User.objects.select_related("official__position", "official__level", "registered_position",
                                           "registered_level")
    return {account.username for account in accounts if account_matches(account, query)}


@pytest.mark.django_db
@pytest.mark.parametrize("query, expected", [
    ("สมชาย", {"lawyer.4701"}),
    ("ใจดี", {"lawyer.4701", "clerk.4701"}),
    ("ใจดี มาลี", {"clerk.4701"}),  # every word, wherever it is found
    ("นิติกร", {"lawyer.4701"}),  # the HR record's position
    ("ปลัดอำเภอ", {"lawyer.4701"}),  # the registered one
    ("ปฏิบัติการ", {"lawyer.4701"}),  # the HR record's level K1
    ("ธุรการ ชำนาญงาน", {"clerk.4701"}),
    ("CLERK.๔๗๐๑", {"clerk.4701"}),
    ("ผู้ว่าราชการ", set()),
    ("", {"lawyer.4701", "clerk.4701"}),
])
def test_the_database_and_memory_find_the_same_people(people, query, expected):
    assert found_in_database(query) == expected
    assert found_in_memory(query) == expected


@pytest.mark.django_db
def test_national_ids_find_only_when_whole(people):
    national_id = people["lawyer"].national_id
    for query in (national_id, format_national_id(national_id)):
        assert found_in_database(query) == found_in_memory(query) == {"lawyer.4701"}
    for part in (national_id[:12], national_id[1:], national_id[4:10]):
        assert found_in_database(part) == found_in_memory(part) == set()


@pytest.mark.django_db
def test_through_reaches_the_account_of_a_related_row(people):
    from lifecycle.models import LeaverReport

    condition = account_search_condition("นิติกร", through="account__")
    assert "account__official__position__name_th__icontains" in str(condition)
    assert LeaverReport.objects.filter(condition).count() == 0
