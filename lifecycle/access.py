"""The access policies of change requests and leaver reports (rights.access)."""

from lifecycle.models import ChangeRequest, LeaverReport
from rights.access import DEACTIVATE_MENU, DECIDE_CHANGES_MENU, REPORT_LEAVERS_MENU, AccessPolicy

# A request belongs to the office where its account is registered; a leaver report to the unit it was filed for.
change_request_access = AccessPolicy(ChangeRequest, unit_path="account__registered_unit", actions={
    "decide": DECIDE_CHANGES_MENU,
})
leaver_report_access = AccessPolicy(LeaverReport, unit_path="unit", actions={
    "report": REPORT_LEAVERS_MENU, "decide": DEACTIVATE_MENU,
})
