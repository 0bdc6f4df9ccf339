"""Staff looking at an officer's private record (their project, progress logs, application, mentoring
sessions) leaves a row: the officer can later ask who read it."""

from django.db import models

from .actions import Action
from .log import record


def private_record_viewed(request, obj: models.Model, *, owner_ids: set[int] | list[int], what: str) -> None:
    """Records the view when the reader is programme staff and not one of the record's owners."""
    user = request.user
    if not getattr(user, "is_programme_staff", False) or user.pk in set(owner_ids):
        return
    record(Action.PRIVATE_RECORD_VIEWED, request=request, obj=obj, what=what, path=request.path[:500])
