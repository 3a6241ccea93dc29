"""The English catalogue: complete, compiled from the committed .po, and used where strings are built.

Thai is the source language (msgids are Thai); English comes from locale/en. The app reads only the compiled .mo,
so a .po edited without compiling, or a catalogue with empty or fuzzy entries, shows Thai in the English UI.
"""

from __future__ import annotations

import ast
import datetime
import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from tests.pdf_glyphs import printed_text

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file (blocks separated by blank lines) as dicts: msgctxt, msgid, msgid_plural,
    msgstr (a str, or a list for plural forms) and fuzzy. The header (empty msgid) is left out."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, key = {"fuzzy": False}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["fuzzy"] = "fuzzy" in line
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                if isinstance(entry[key], list):
                    entry[key][-1] += ast.literal_eval(line)
                else:
                    entry[key] += ast.literal_eval(line)
            else:
                word, _, rest = line.partition(" ")
                if word.startswith("msgstr["):
                    key = "msgstr"
                    entry.setdefault(key, []).append(ast.literal_eval(rest))
                else:
                    key = word
                    entry[key] = ast.literal_eval(rest)
        if entry.get("msgid"):
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def po_entries():
    return read_po(LOCALE / "django.po")


def test_every_entry_is_translated_and_none_is_fuzzy(po_entries):
    assert len(po_entries) > 800
    untranslated = [e["msgid"] for e in po_entries if not all(e["msgstr"] if isinstance(e["msgstr"], list) else [e["msgstr"]])]
    fuzzy = [e["msgid"] for e in po_entries if e["fuzzy"]]
    assert untranslated == []
    assert fuzzy == []


def test_the_committed_mo_is_compiled_from_the_committed_po(po_entries):
    with open(LOCALE / "django.mo", "rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    stale = []
    for e in po_entries:
        msgid = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if "msgid_plural" in e:
            got = [catalog.ngettext(msgid, e["msgid_plural"], n) for n in (1, 2)]
            if "msgctxt" in e:
                got = [catalog.npgettext(e["msgctxt"], e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
            if got != e["msgstr"]:
                stale.append(e["msgid"])
        else:
            got = catalog.pgettext(e["msgctxt"], e["msgid"]) if "msgctxt" in e else catalog.gettext(e["msgid"])
            if got != e["msgstr"]:
                stale.append(e["msgid"])
    assert stale == [], "run compilemessages -l en after changing django.po"


def test_placeholders_survive_translation(po_entries):

    placeholder = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")
    broken = []
    for e in po_entries:
        texts = e["msgstr"] if isinstance(e["msgstr"], list) else [e["msgstr"]]
        broken += [e["msgid"] for text in texts if sorted(placeholder.findall(text)) != sorted(placeholder.findall(e["msgid"]))]
    assert broken == []


def test_flag_labels_follow_the_active_language():
    from audit.engine import DORMANT, RETIRED_ACTIVE, Flag

    flag = Flag(RETIRED_ACTIVE)
    with translation.override("en"):
        assert flag.label == "Retired but still active"
        assert isinstance(flag.label, str)
        assert "; ".join([flag.label, Flag(DORMANT).label])  # exports join them
    with translation.override("th"):
        assert flag.label == "เกษียณแล้วแต่ยังใช้งาน"


def test_token_lifetimes_follow_the_active_language():
    from api.forms import TokenCreateForm

    with translation.override("en"):
        assert str(TokenCreateForm().fields["days"].choices[0][1]) == "30 days"
    with translation.override("th"):
        assert str(TokenCreateForm().fields["days"].choices[0][1]) == "30 วัน"


def test_registry_import_reads_thai_status_words_when_first_loaded_in_english():
    """The module is first imported inside a request, which may be in English: the Thai words must still parse."""
    code = (
        "import django; django.setup()\n"
        "from django.utils import translation; translation.activate('en')\n"
        "from registry.importers.values import status_value\n"
        "print(status_value('เกษียณ'), status_value('ปฏิบัติราชการ'), status_value('retired'))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "rightsadmin.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["retired", "active", "retired"]


@pytest.mark.django_db
def test_a_review_page_in_english(client, make_account):
    client.force_login(make_account("DISTRICT_REVIEWER", unit_code="4701"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/audit/units/4701/accounts/").content.decode()
    assert "Active accounts" in html and "Not in HR record" in html
    assert "บัญชีที่ใช้งานอยู่" not in html and "ไม่พบในทะเบียนบุคคล" not in html


@pytest.mark.django_db
def test_findings_remedies_and_policy_refusals_follow_the_active_language(client, make_account):
    """What is wrong with an account and what to do read in English on the English interface, role names and all;
    the same texts read in Thai on the Thai one."""
    client.force_login(make_account("DISTRICT_REVIEWER", unit_code="4701"))
    no_order = make_account("ISV_USER", unit_code="4701", ordered=False, username="no.order.4701")
    k2 = make_account("ISV_AUCTION_RECEIPT", unit_code="4701", level_code="K2", username="k2.4701")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/audit/units/4701/accounts/?as_of=2569-06-15").content.decode()
    assert "No assignment order in force on 15 June 2569" in html
    assert "Role “Auction receipts”, from 15 June 2569" in html  # the policy refusal, with the role's English name
    detail = client.get(reverse("audit:account-detail", args=[no_order.pk])).content.decode()
    detail += client.get(reverse("audit:account-detail", args=[k2.pk])).content.decode()
    assert "requires level Senior Professional (K3) or above, but the level in the HR record is" in detail
    assert "Obtain a copy of the assignment order and record it" in detail  # the remedy
    for thai in ("ไม่มีคำสั่งมอบหมายที่มีผล", "ขอสำเนาคำสั่งมอบหมาย", "กำหนดระดับ", "มิถุนายน"):
        assert thai not in html + detail, thai
    assert "ISV_AUCTION_RECEIPT" not in html  # the list names the role; the account's page shows its code beside
    sync = client.get("/accounts/rights/sync/").content.decode()
    assert "requires level Senior Professional (K3) or above" in sync and "No assignment order in force on" in sync
    assert "กำหนดระดับ" not in sync and "ไม่มีคำสั่งมอบหมายที่มีผล" not in sync
    client.post("/i18n/setlang/", {"language": "th", "next": "/"})
    account = client.get(reverse("audit:account-detail", args=[k2.pk])).content.decode()
    assert "กำหนดระดับ ชำนาญการพิเศษ (K3) ขึ้นไป แต่ระดับตามทะเบียนบุคคลคือ ชำนาญการ (K2)" in account
    assert "บทบาท “จำหน่ายใบเสร็จรับเงินงานขายทอดตลาด” ตั้งแต่วันที่ 15 มิถุนายน 2569" in account


@pytest.mark.django_db
def test_role_and_level_names_follow_the_active_language(client, make_account):
    client.force_login(make_account("ISV_FEE_RECEIPT", unit_code="4701", level_code="K2"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Fee receipts" in profile and "ออกใบเสร็จรับเงินค่าธรรมเนียมอื่น" not in profile
    client.post("/i18n/setlang/", {"language": "th", "next": "/"})
    assert "ออกใบเสร็จรับเงินค่าธรรมเนียมอื่น" in client.get(reverse("accounts:profile")).content.decode()


def test_dates_follow_the_active_language_and_keep_the_buddhist_era():
    from core.templatetags.thai import be_date, be_date_long, be_datetime

    day = datetime.date(2026, 6, 15)
    moment = timezone.make_aware(datetime.datetime(2026, 6, 15, 14, 5))
    with translation.override("th"):
        assert (be_date(day), be_date_long(day), be_datetime(moment)) == (
            "15 มิ.ย. 2569", "15 มิถุนายน 2569", "15 มิ.ย. 2569 14:05"
        )
    with translation.override("en"):
        assert (be_date(day), be_date_long(day), be_datetime(moment)) == (
            "15 Jun 2569", "15 June 2569", "15 Jun 2569 14:05"
        )


@pytest.fixture
def printed_html(monkeypatch):
    """The HTML WeasyPrint is given, captured instead of printed."""
    import weasyprint

    seen = {}

    class CapturedHTML:
        def __init__(self, string, base_url=None):
            seen["html"] = string
            seen["text"] = printed_text(string)  # as a reader sees it, without the word spans

        def write_pdf(self):
            return b"%PDF-1.7 captured"

    monkeypatch.setattr(weasyprint, "HTML", CapturedHTML)
    return seen


@pytest.mark.django_db
def test_the_report_form_is_thai_in_the_english_interface(client, make_account, printed_html):
    """A signed report form is an official Thai document, whatever the screen's language."""
    reviewer = make_account("PROVINCE_REVIEWER", unit_code="47")
    make_account("ISV_USER", unit_code="4701")
    client.force_login(reviewer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/audit/provinces/47/").content.decode()  # the screen is in English
    assert client.get("/audit/provinces/47/report.pdf?as_of=2026-06-15").status_code == 200
    html, text = printed_html["html"], printed_html["text"]
    assert "แบบรายงานผลการตรวจสอบสิทธิ์ผู้ใช้งานระบบ" in text and "15 มิถุนายน 2569" in text
    assert "June 2569" not in html and "Province total" not in html
