"""The rollout screens: who reaches them, the form's refusals on the page, and a fixed number of queries."""

import pytest
from django.urls import reverse

from rollout import services
from rollout.models import Nomination
from tests.pdf_glyphs import assert_thai_typeset


@pytest.fixture
def office_client(client, reviewer_4701):
    client.force_login(reviewer_4701)
    return client


@pytest.fixture
def centre_client(client, central):
    client.force_login(central)
    return client


@pytest.mark.django_db
def test_the_policy_refusal_shows_on_the_form(office_client, rollout, person):
    from rights.models import Role

    url = reverse("rollout:office", args=[rollout.pk, "4701"])
    response = office_client.post(url, {"national_id": person(level_code="K2").national_id,
                                        "role": Role.objects.get(code="ISV_AUCTION_RECEIPT").pk})
    assert response.status_code == 200
    assert "ชำนาญการพิเศษ" in response.content.decode() and not Nomination.objects.exists()
    response = office_client.post(url, {"national_id": person().national_id,
                                        "role": Role.objects.get(code="ISV_AUCTION_RECEIPT").pk, "trainee": "on"})
    assert response.status_code == 302 and Nomination.objects.get().trainee


@pytest.mark.django_db
def test_an_office_outside_the_scope_is_404(office_client, rollout):
    assert office_client.get(reverse("rollout:office", args=[rollout.pk, "4702"])).status_code == 404
    assert office_client.get(reverse("rollout:office-form-export", args=[rollout.pk, "4702", "xlsx"])).status_code == 404


@pytest.mark.django_db
def test_the_centre_screens_are_the_centre_s(office_client, rollout):
    assert office_client.get(reverse("rollout:list")).status_code == 403
    assert office_client.get(reverse("rollout:detail", args=[rollout.pk])).status_code == 403


@pytest.mark.django_db
def test_create_form_names_the_field_out_of_order(centre_client):
    from rights.models import Role

    response = centre_client.post(reverse("rollout:create"), {
        "name": "x", "roles": [Role.objects.get(code="ISV_FEE_RECEIPT").pk], "nomination_deadline": "10/06/2569", "registration_from": "16/06/2569",
        "registration_to": "30/06/2569", "trial_from": "22/06/2569", "trial_to": "20/07/2569",
        "purge_on": "27/07/2569", "go_live_on": "20/07/2569", "trainees_per_office": 1, "max_users_per_office": 2,
    })
    assert response.status_code == 200
    assert "วันเริ่มใช้งานจริง ต้องอยู่หลังวันลบข้อมูลช่วงทดลอง" in response.content.decode()


@pytest.mark.django_db
def test_create_then_compile_through_the_screens(centre_client, nominate, person, central, national, today):
    from rights.models import Role

    response = centre_client.post(reverse("rollout:create"), {
        "name": "e-Bill", "roles": [Role.objects.get(code="ISV_FEE_RECEIPT").pk],
        "nomination_deadline": "10/06/2569", "registration_from": "16/06/2569", "registration_to": "30/06/2569",
        "trial_from": "22/06/2569", "trial_to": "20/07/2569", "purge_on": "27/07/2569", "go_live_on": "01/08/2569",
        "trainees_per_office": 1, "max_users_per_office": 2,
    })
    assert response.status_code == 302
    nomination = nominate(person())
    response = centre_client.post(reverse("rollout:nomination-decide", args=[nomination.pk]), {"decision": "accept"})
    assert response.status_code == 302
    response = centre_client.post(reverse("rollout:compile", args=[nomination.rollout_id]), {
        "number": "12/2569", "order_date": "01/06/2569", "signer": "อธิบดีกรมการปกครอง"})
    assert response.status_code == 302 and "/orders/" in response["Location"]


@pytest.mark.django_db
def test_the_nomination_form_documents(office_client, nominate, person, rollout):
    nominate(person())
    xlsx = office_client.get(reverse("rollout:office-form-export", args=[rollout.pk, "4701", "xlsx"]))
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    pdf = office_client.get(reverse("rollout:office-form-export", args=[rollout.pk, "4701", "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


# ---------------------------------------------------------------------------------------------------------------
# Query budgets: the same at one and at several nominations


def _grow(nominate, person, central, national, rollout, n):
    for _ in range(n):
        nomination = nominate(person(), "ISV_FEE_RECEIPT")
        services.nomination_decide(nomination=nomination, accept=False, reason="ทดสอบ", actor=central, scope=national)


@pytest.mark.django_db
@pytest.mark.parametrize("name, kwargs, who", [
    ("rollout:list", lambda r: {}, "centre"),
    ("rollout:create", lambda r: {}, "centre"),
    ("rollout:edit", lambda r: {"pk": r.pk}, "centre"),
    ("rollout:detail", lambda r: {"pk": r.pk}, "centre"),
    ("rollout:office-index", lambda r: {}, "office"),
    ("rollout:office", lambda r: {"pk": r.pk, "unit_code": "4701"}, "office"),
    ("rollout:office-form-export", lambda r: {"pk": r.pk, "unit_code": "4701", "fmt": "xlsx"}, "office"),
])
def test_pages_take_a_fixed_number_of_queries(name, kwargs, who, client, central, reviewer_4701, rollout, nominate,
                                              person, national, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(central if who == "centre" else reviewer_4701)
    url = reverse(name, kwargs=kwargs(rollout)) + ("?status=refused" if name == "rollout:detail" else "")
    client.get(url)  # the session's first request warms what every later one finds ready
    counts = []
    for n in (1, 3):
        _grow(nominate, person, central, national, rollout, n)
        with django_assert_max_num_queries(25), CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries with 1 nomination, {counts[1]} with 4"


@pytest.mark.django_db
def test_the_order_and_the_form_read_back_in_thai(office_client, nominate, person, rollout, central, national, today):
    """The compiled order's PDF and the office's form carry their Thai text (kept in test-artifacts/rollout/)."""
    import subprocess
    from pathlib import Path

    from django.conf import settings

    from conftest import require_tool

    require_tool("pdftotext", "poppler-utils")
    nomination = nominate(person(), "ISV_FEE_RECEIPT", reason="ผู้รับผิดชอบงานการเงิน")
    form = office_client.get(reverse("rollout:office-form-export", args=[rollout.pk, "4701", "pdf"])).content
    services.nomination_decide(nomination=nomination, accept=True, actor=central, scope=national)
    order = services.rollout_order_compile(rollout=rollout, number="77/2569", order_date=today,
                                           signer="อธิบดีกรมการปกครอง", actor=central, scope=national)
    folder = Path(settings.BASE_DIR) / "test-artifacts" / "rollout"
    folder.mkdir(parents=True, exist_ok=True)
    texts = {}
    for name, content in {"nomination-form.pdf": form, "order.pdf": order.scan.read()}.items():
        (folder / name).write_bytes(content)
        assert_thai_typeset(content)
        # -raw: in the order written; the layout mode sorts by position and puts a raised tone mark out of order.
        texts[name] = subprocess.run(["pdftotext", "-raw", str(folder / name), "-"], capture_output=True,
                                     check=True, text=True).stdout
    import unicodedata

    def has(name, *words):
        text = unicodedata.normalize("NFKC", texts[name])  # SARA AM comes back decomposed (README "PDFs")
        return all(unicodedata.normalize("NFKC", word) in text for word in words)

    assert has("nomination-form.pdf", "แบบแจ้งรายชื่อบุคคลที่ได้รับมอบหมาย", nomination.official.first_name)
    assert has("order.pdf", "คำสั่งกองคลัง", "77/2569", nomination.official.first_name)
