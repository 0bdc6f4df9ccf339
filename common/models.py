"""No models: the change log that common/changes.py keeps is PostgreSQL's own table, made after migrate.
This module exists so that Django sends this app post_migrate (it skips apps without one)."""
