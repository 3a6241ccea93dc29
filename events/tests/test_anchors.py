"""Signed anchors of the chain head, kept outside the database, checked by verify_event_log by default."""

import json

import pytest
from django.core.management import CommandError, call_command

from events import guard
from events.models import ChainHead, Event
from events.services import event_chain_head, event_hash, event_record


@pytest.fixture
def anchor_file(settings, tmp_path):
    settings.EVENT_ANCHOR_KEY = "a-key-kept-off-the-database-host"
    settings.EVENT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    return settings.EVENT_ANCHOR_FILE


def record(n: int) -> None:
    for i in range(n):
        event_record(action="accounts.policy.changed", target_label=f"policy {i}", data={"i": i})


def recompute_from(seq: int) -> None:
    """What someone with database access could do: rewrite an entry and every hash after it, head included."""
    with guard.event_log_writable():
        rows = list(Event.objects.order_by("seq"))
        rows[seq - 1].target_label = "rewritten"
        prev = rows[seq - 2].hash
        for row in rows[seq - 1:]:
            row.prev_hash = prev
            row.hash = prev = event_hash(prev_hash=prev, event=row)
            Event.objects.filter(pk=row.pk).update(target_label=row.target_label, prev_hash=row.prev_hash, hash=row.hash)
        ChainHead.objects.filter(pk=1).update(hash=prev)


@pytest.mark.django_db
def test_a_signed_anchor_catches_a_chain_recomputed_after_it(anchor_file, capsys):
    record(3)
    call_command("anchor_event_log")
    seq, digest = event_chain_head()
    [line] = anchor_file.read_text().splitlines()
    assert json.loads(line)["seq"] == seq and json.loads(line)["hash"] == digest
    call_command("verify_event_log")
    assert "ตรวจกับจุดยึด" in capsys.readouterr().out
    recompute_from(2)
    with pytest.raises(CommandError, match="ห่วงโซ่ถูกคำนวณใหม่"):
        call_command("verify_event_log")


@pytest.mark.django_db
def test_an_anchor_file_edited_without_the_key_is_refused(anchor_file):
    record(2)
    call_command("anchor_event_log")
    record(1)
    recompute_from(2)
    # Rewriting the anchor to the recomputed head without the key: the signature no longer matches.
    forged = json.loads(anchor_file.read_text().splitlines()[-1])
    forged["hash"] = event_chain_head()[1]
    forged["seq"] = event_chain_head()[0]
    anchor_file.write_text(json.dumps(forged) + "\n")
    with pytest.raises(CommandError, match="ลายมือชื่อ"):
        call_command("verify_event_log")


@pytest.mark.django_db
def test_no_anchor_without_a_key_and_none_of_a_broken_chain(anchor_file, settings):
    record(2)
    settings.EVENT_ANCHOR_KEY = ""
    with pytest.raises(CommandError, match="EVENT_ANCHOR_KEY"):
        call_command("anchor_event_log")
    settings.EVENT_ANCHOR_KEY = "k"
    with guard.event_log_writable():
        Event.objects.filter(seq=2).update(actor_label="someone")
    with pytest.raises(CommandError, match="ไม่ลงนามจุดยึด"):
        call_command("anchor_event_log")
    assert not anchor_file.exists()
