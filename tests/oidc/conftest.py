"""A real OpenID Connect provider (panva/oidc-provider on Node.js) for the sign-on tests.

It runs for the test session on a free loopback port, registered with the live server's callback.
With REQUIRE_SERVICES=1 (CI) a provider that cannot start fails the tests; it never skips them."""

import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import REQUIRE_SERVICES, unavailable

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
CLIENT_ID = "bootcamp-oidc-tests"
SECRET_ENV = "OIDC_SECRET_CAMDEN_TESTS"
SLUG = "camden"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider(live_server):
    node = shutil.which("node")
    if node is None:
        unavailable("the OpenID provider needs Node.js (Debian package nodejs)", required=REQUIRE_SERVICES)
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        unavailable(f"the OpenID provider is not installed: npm ci --prefix {PROVIDER_DIR}", required=REQUIRE_SERVICES)
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    secret = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": secret,
        "OIDC_REDIRECT_URIS": f"{live_server.url}/accounts/sign-on/{SLUG}/callback/",
    }
    process = subprocess.Popen(
        [node, str(PROVIDER_DIR / "server.mjs")], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=1):  # noqa: S310
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.stdout.read().decode(errors="replace") if process.stdout else ""
                unavailable(f"the OpenID provider did not start: {output[-500:]}", required=REQUIRE_SERVICES)
            time.sleep(0.2)
    os.environ[SECRET_ENV] = secret
    try:
        yield SimpleNamespace(issuer=issuer, client_id=CLIENT_ID, secret_env=SECRET_ENV, slug=SLUG)
    finally:
        os.environ.pop(SECRET_ENV, None)
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
