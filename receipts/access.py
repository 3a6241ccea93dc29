"""The access policies of receipts and pay-in slips (rights.access): seen where one issues them, and where one
reviews the accounts."""

from receipts.models import PayInSlip, Receipt
from rights.access import REVIEW_MENU, AccessPolicy

ISSUE_MENU = "menu_issue_receipts"

receipt_access = AccessPolicy(Receipt, unit_path="unit", actions={"view": (ISSUE_MENU, REVIEW_MENU), "issue": ISSUE_MENU})
payin_slip_access = AccessPolicy(PayInSlip, unit_path="unit", actions={"view": (ISSUE_MENU, REVIEW_MENU),
                                                                       "issue": ISSUE_MENU})
