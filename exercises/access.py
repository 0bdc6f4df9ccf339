"""Who besides the officer and programme staff may see an officer's submissions.

Exercises sits below mentoring, so it cannot know who mentors whom. Apps above it register a rule
from their AppConfig.ready() (mentoring registers "a lead mentor sees their mentees'"), as apps
register digest sections with notifications. A rule returns a Q over Submission, or None.
"""

from collections.abc import Callable

from django.db.models import Q

ViewerRule = Callable[..., Q | None]
VIEWER_RULES: dict[str, ViewerRule] = {}


def register_exercise_viewer_rule(*, name: str, rule: ViewerRule) -> None:
    VIEWER_RULES[name] = rule


def extra_viewer_filter(user) -> Q | None:
    """The union of every registered rule for `user`, or None if none grants anything."""
    combined = None
    for rule in VIEWER_RULES.values():
        granted = rule(user)
        if granted is not None:
            combined = granted if combined is None else combined | granted
    return combined
