"""Cross-cutting pieces every app uses the same way (one way to do each): the form layer (forms),
the CSV writer and reader (csvfile), the link rule (links), calendar files (ics), links to this
site (site) and the control-character guard (middleware).

The bottom of the dependency order: it imports Django and libraries, never an app of ours.
"""
