"""The access policies of review rounds' items and of the event log (rights.access)."""

from audit.models import RoundItem
from events.models import Event
from rights.access import EVENT_LOG_MENU, REVIEW_MENU, AccessPolicy

round_item_access = AccessPolicy(RoundItem, unit_path="unit", actions={"review": REVIEW_MENU})
# The event log keeps the unit's path as text, so an entry outlives any change of the unit tree. Entries without a
# unit (a failed login for an unknown name) are national: only the centre sees them.
event_access = AccessPolicy(Event, unit_path="unit_path", stores_path=True, actions={"view": EVENT_LOG_MENU})
