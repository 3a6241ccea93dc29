"""The calendar of the rollouts, applied to the receipts (e-Bill circular): the offices of a rollout's accepted
nominations issue trial receipts from trial_from, their trial receipts are purged on purge_on, and they leave trial
mode on go_live_on.

It lives here, not in rollout, because rollout sits below receipts in the layers: receipts may read rollouts, a rollout
may not reach the receipts. Run it daily (`manage.py rollout_calendar`); a second run of the same day changes nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from accounts.models import User
from receipts.models import ReceiptOffice
from receipts.services import receipt_office_update, trial_receipts_purge
from rollout.models import Rollout
from rollout.selectors import accepted_units
from rollout.services import rollout_calendar_step_record


def rollout_apply_calendar(*, on: datetime.date, actor: User | None = None) -> list[tuple[Rollout, str]]:
    """Take the steps of every rollout's calendar that are due on `on`; return the (rollout, step) taken.

    - trial_from <= on <= trial_to: each office with an accepted nomination is in trial mode (also one accepted late);
    - on >= purge_on: once, the trial receipts and pay-in slips of those offices are removed (trial_receipts_purge);
    - on >= go_live_on: once, those offices leave trial mode (after the purge, if a run was missed).
    Changes of an office's trial mode and each purge are logged by the receipts' services, each step by the rollout.
    """
    taken = []
    for rollout in Rollout.objects.filter(went_live_at__isnull=True).order_by("pk"):
        units = accepted_units(rollout)
        if rollout.trial_from <= on <= rollout.trial_to:
            with transaction.atomic():
                switched = [unit.code for unit in units if _set_trial(unit, True, actor)]
                if rollout.trial_started_at is None:
                    rollout_calendar_step_record(rollout=rollout, step="trial", on=on, actor=actor,
                                                 data={"offices": switched})
                    taken.append((rollout, "trial"))
        if on >= rollout.purge_on and rollout.purged_at is None:
            with transaction.atomic():
                receipts = slips = 0
                for unit in units:
                    summary = trial_receipts_purge(unit=unit, actor=actor)
                    receipts += summary.total_receipts
                    slips += summary.total_slips
                rollout_calendar_step_record(rollout=rollout, step="purge", on=on, actor=actor, data={
                    "offices": [unit.code for unit in units], "receipts": receipts, "payin_slips": slips})
            taken.append((rollout, "purge"))
        if on >= rollout.go_live_on:
            with transaction.atomic():
                switched = [unit.code for unit in units if _set_trial(unit, False, actor)]
                rollout_calendar_step_record(rollout=rollout, step="go_live", on=on, actor=actor,
                                             data={"offices": switched})
            taken.append((rollout, "go_live"))
    return taken


def _set_trial(unit, trial: bool, actor) -> bool:
    """Put `unit` in (or out of) trial mode; whether it changed."""
    current = ReceiptOffice.objects.filter(unit=unit).values_list("trial_mode", flat=True).first() or False
    if current == trial:
        return False
    receipt_office_update(unit=unit, actor=actor, trial_mode=trial)
    return True
