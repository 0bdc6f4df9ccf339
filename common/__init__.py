"""Cross-cutting pieces every app uses the same way (one way to do each): links to this site, and
later the CSV writer and the link rule. The bottom of the dependency order: it imports no app."""
