from django.contrib.auth.backends import ModelBackend, UserModel


class AccountBackend(ModelBackend):
    """Django's model backend, loading the account with its HR record: every page reads it to derive the rights."""

    def get_user(self, user_id):
        user = (
            UserModel._default_manager.select_related("official__position", "official__level").filter(pk=user_id).first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
