import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Every factory user hashes a password; PBKDF2 at production strength costs ~0.3 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
