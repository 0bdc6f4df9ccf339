"""How messages are shown, so no page shows a stored code such as `weekly_log_missing`."""

from . import registry


def kind_label(kind: str) -> str:
    """The registered label of a kind of email; an old kind nobody registers any more gets its code
    in words ("approval chase")."""
    registered = registry.KINDS.get(kind)
    if registered is not None:
        return registered.label
    words = kind.replace("_", " ").replace(".", " ").strip()
    return words[:1].upper() + words[1:] if words else "Unknown"


def kind_choices(kinds: list[str]) -> list[tuple[str, str]]:
    """(code, label) for each kind, in the order of their labels."""
    return sorted(((kind, kind_label(kind)) for kind in kinds), key=lambda choice: choice[1].lower())


def with_kind_labels(messages: list) -> list:
    """A page of messages, each carrying `kind_label` for the table."""
    for message in messages:
        message.kind_label = kind_label(message.kind)
    return messages
