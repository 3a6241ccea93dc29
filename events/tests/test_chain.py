"""The event log: append-only in the database, and a hash chain that names the first tampered entry."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from events import guard
from events.models import ChainHead, Event
from events.services import (
    ALTERED,
    ANCHOR_MISMATCH,
    INSERTED,
    REMOVED,
    REMOVED_OR_ALTERED,
    event_chain_head,
    event_chain_verify,
    event_hash,
    event_record,
)


def record(n: int) -> list[Event]:
    return [event_record(action="accounts.policy.changed", target_label=f"policy {i}", data={"i": i}) for i in range(n)]


@pytest.mark.django_db
def test_intact_chain_verifies():
    record(5)
    assert event_chain_verify() is None
    assert event_chain_head()[0] == 5


@pytest.mark.django_db
def test_an_event_lands_or_rolls_back_with_its_callers_transaction_without_a_savepoint():
    record(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            event_record(action="accounts.policy.changed", target_label="rolled back")
        raise RuntimeError("the change the event records fails")
    assert not [q["sql"] for q in queries.captured_queries if "SAVEPOINT" in q["sql"].upper()]
    assert event_chain_head()[0] == 1 and Event.objects.count() == 1
    assert record(1)[0].seq == 2
    assert event_chain_verify() is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        lambda: Event.objects.filter(seq=2).update(target_label="changed"),
        lambda: Event.objects.filter(seq=2).delete(),
        lambda: Event.objects.all().delete(),
    ],
    ids=["orm-update", "orm-delete", "orm-delete-all"],
)
def test_the_database_refuses_to_change_or_remove_an_event(tamper):
    record(3)
    with pytest.raises(DatabaseError), transaction.atomic():
        tamper()
    assert list(Event.objects.order_by("seq").values_list("target_label", flat=True)) == ["policy 0", "policy 1", "policy 2"]


@pytest.mark.django_db
def test_raw_sql_is_refused_too():
    record(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE events_event SET action = 'x'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM events_event")
    assert Event.objects.get().action == "accounts.policy.changed"


@pytest.mark.postgresql
@pytest.mark.django_db
def test_truncate_is_refused_on_postgresql():
    record(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE events_event")
    assert Event.objects.count() == 1


@pytest.mark.django_db
def test_inserting_is_still_allowed_and_the_switch_is_off_again_after_a_bypass():
    record(1)
    with guard.event_log_writable():
        Event.objects.filter(seq=1).update(target_label="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(seq=1).update(target_label="again")
    record(1)
    assert Event.objects.count() == 2


@pytest.mark.django_db
def test_verify_names_an_edited_row():
    record(5)
    with guard.event_log_writable():
        Event.objects.filter(seq=3).update(data={"i": 99})
    broken = event_chain_verify()
    assert (broken.seq, broken.kind) == (3, ALTERED)


@pytest.mark.django_db
def test_verify_names_an_edited_row_whose_hash_was_recomputed():
    record(5)
    forged = Event.objects.get(seq=3)
    forged.target_label = "forged"
    forged.hash = event_hash(prev_hash=forged.prev_hash, event=forged)
    with guard.event_log_writable():
        Event.objects.filter(seq=3).update(target_label=forged.target_label, hash=forged.hash)
    broken = event_chain_verify()
    assert (broken.seq, broken.kind) == (4, REMOVED_OR_ALTERED)


@pytest.mark.django_db
def test_verify_names_a_deleted_row():
    record(5)
    with guard.event_log_writable():
        Event.objects.filter(seq=2).delete()
    broken = event_chain_verify()
    assert (broken.seq, broken.kind) == (2, REMOVED)


@pytest.mark.django_db
def test_verify_names_a_deleted_row_when_the_rest_was_renumbered():
    record(5)
    with guard.event_log_writable():
        Event.objects.filter(seq=2).delete()
        for seq in (3, 4, 5):
            Event.objects.filter(seq=seq).update(seq=seq - 1)
        ChainHead.objects.filter(pk=1).update(seq=4)
    broken = event_chain_verify()
    assert (broken.seq, broken.kind) == (2, REMOVED_OR_ALTERED)


@pytest.mark.django_db
def test_verify_names_the_newest_rows_deleted():
    record(5)
    with guard.event_log_writable():
        Event.objects.filter(seq__gte=4).delete()
    broken = event_chain_verify()
    assert (broken.seq, broken.kind) == (4, REMOVED)


@pytest.mark.django_db
def test_verify_names_an_inserted_row():
    events = record(5)
    with guard.event_log_writable():
        for seq in (5, 4, 3):  # make room at 3, from the top so the unique seq never collides
            Event.objects.filter(seq=seq).update(seq=seq + 1)
        forged = Event(seq=3, occurred_at=events[1].occurred_at, action="accounts.role.granted", target_label="forged",
                       data={}, prev_hash=events[1].hash)
        forged.hash = event_hash(prev_hash=forged.prev_hash, event=forged)
        forged.save(force_insert=True)
        ChainHead.objects.filter(pk=1).update(seq=6)
    broken = event_chain_verify()
    assert (broken.seq, broken.kind) == (3, INSERTED)


@pytest.mark.django_db
def test_verify_names_rows_appended_behind_the_heads_back():
    events = record(2)
    forged = Event(seq=3, occurred_at=events[1].occurred_at, action="accounts.role.granted", target_label="forged",
                   data={}, prev_hash=events[1].hash)
    forged.hash = event_hash(prev_hash=forged.prev_hash, event=forged)
    forged.save(force_insert=True)
    broken = event_chain_verify()
    assert (broken.seq, broken.kind) == (3, INSERTED)


@pytest.mark.django_db
def test_an_anchor_catches_a_recomputed_chain():
    record(3)
    anchor = event_chain_head()
    with guard.event_log_writable():  # rewrite entry 2 and recompute everything after it, head included
        rows = list(Event.objects.order_by("seq"))
        rows[1].target_label = "rewritten"
        prev = rows[0].hash
        for row in rows[1:]:
            row.prev_hash = prev
            row.hash = prev = event_hash(prev_hash=prev, event=row)
            Event.objects.filter(pk=row.pk).update(target_label=row.target_label, prev_hash=row.prev_hash, hash=row.hash)
        ChainHead.objects.filter(pk=1).update(hash=prev)
    assert event_chain_verify() is None  # the chain alone cannot tell
    broken = event_chain_verify(anchor=anchor)
    assert (broken.seq, broken.kind) == (3, ANCHOR_MISMATCH)


@pytest.mark.django_db
def test_verify_command_reports_and_fails(capsys):
    record(3)
    call_command("verify_event_log")
    out = capsys.readouterr().out
    seq, digest = event_chain_head()
    assert f"head {seq}:{digest}" in out
    call_command("verify_event_log", anchor=f"{seq}:{digest}")
    with guard.event_log_writable():
        Event.objects.filter(seq=2).update(actor_label="someone")
    with pytest.raises(CommandError, match="ลำดับที่ 2"):
        call_command("verify_event_log")


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_write_events_and_be_flushed():
    """Its teardown flush must pass the triggers, or the test errors; outside a test run a flush is refused (next)."""
    record(2)
    assert Event.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_flush_outside_a_test_run_is_refused(monkeypatch):
    assert Event.objects.count() == 0
    record(1)
    from events.management.commands import flush

    monkeypatch.setattr(flush, "running_tests", lambda: False)
    with pytest.raises(CommandError, match="couldn't be flushed"):
        call_command("flush", interactive=False, verbosity=0)
    assert Event.objects.count() == 1
