"""Cross-cutting pieces every app shares: the CSV writer, the link rule, the control-character guard.

The bottom of the dependency order: it imports Django and the standard library, never an app of ours.
"""
