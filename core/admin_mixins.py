"""What every admin page of the project shares: nothing is deleted, records made by the services are read-only."""


class NoDeleteMixin:
    """Nothing a user did is ever deleted: deactivate, revoke or supersede instead."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMixin(NoDeleteMixin):
    """Records made through the app's screens and services: looked up here, never added, changed or deleted.

    Their decisions happen only through the services, which check the decider's scope and log the event; an edit
    here would do neither. The view permission stays, so central admins still open the list and each record.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
