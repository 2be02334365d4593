"""A live zfxxgk web app for browser tests and screenshots: uvicorn in a background thread on a free port."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import uvicorn

from zfxxgk.store import Store
from zfxxgk.store import users as users_mod
from zfxxgk.web import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORDS = {"admin": "admin-pass-1", "rev": "reviewer-pass-1", "filer": "filer-pass-1"}
REVIEWER_REGION = "昌乐县"
FILER_UNIT = "昌乐县乔官镇人民政府"  # seed 000 (no error finding): its data make a correct filing


class LiveServer:
    """The app on ``db_path`` served at ``self.url`` until :meth:`stop`."""

    def __init__(self, db_path: Path) -> None:
        self.store = Store(str(db_path))
        app = create_app(self.store, secret="e2e-secret", login_attempts=1000)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web app did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        """Shut the server down and close the store."""
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
        self.store.close()


def add_users(store: Store) -> None:
    """admin, rev (reviewer of 昌乐县) and filer (昌乐县乔官镇人民政府); scopes created when missing."""
    users_mod.add_user(store, "admin", PASSWORDS["admin"], "admin")
    users_mod.add_user(store, "rev", PASSWORDS["rev"], "reviewer", region=REVIEWER_REGION, create_scope=True)
    users_mod.add_user(store, "filer", PASSWORDS["filer"], "filer", unit=FILER_UNIT, create_unit=True)


def launch(playwright):
    """Debian's Chromium, headless (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def browser_missing_reason() -> str | None:
    """Why browser tests cannot run here (None: they can)."""
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} 不存在（apt-get install chromium，或运行 scripts/setup）"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "未安装 playwright（uv sync）"
    return None


def login(page, base: str, name: str) -> None:
    """Sign in through the login page."""
    page.goto(base + "/login")
    page.get_by_test_id("login-username").fill(name)
    page.get_by_test_id("login-password").fill(PASSWORDS[name])
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/reports**")
