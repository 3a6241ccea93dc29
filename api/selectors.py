"""Reads of API tokens: a user only ever sees their own."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from api.models import ApiToken


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first, active or not (revoked and expired ones stay listed for the record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_get(*, user: User, pk: int) -> ApiToken:
    """One of the user's tokens (ApiToken.DoesNotExist for anyone else's: the views answer 404)."""
    return ApiToken.objects.get(user=user, pk=pk)
