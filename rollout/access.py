"""The access policy of nominations (rights.access): a nomination belongs to the office it was filed for."""

from rights.access import RECORD_ORDERS_MENU, AccessPolicy
from rollout.models import Nomination

MANAGE_MENU = "menu_manage_reference_data"  # the centre's screens, with a national scope

nomination_access = AccessPolicy(Nomination, unit_path="unit", actions={
    "file": RECORD_ORDERS_MENU, "decide": MANAGE_MENU,
})
