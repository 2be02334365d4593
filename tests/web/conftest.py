"""Web fixtures: a seeded database made once per session and copied per test, users, signed-in clients."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import SEEDS
from zfxxgk import api
from zfxxgk.store import Store
from zfxxgk.store import users as users_mod
from zfxxgk.web import UploadLimits, create_app

PASSWORDS = {"admin": "admin-pass-1", "rev": "reviewer-pass-1", "filer": "filer-pass-1", "rev2": "reviewer-pass-2"}
REVIEWER_REGION = "昌乐县"  # seeds 000 (乔官镇) and 003 (鄌郚镇)
REVIEWER2_REGION = "枣庄市"  # seed 004
FILER_UNIT = "武陟县大封镇人民政府"  # seed 001


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """The five seeds imported, plus users admin / rev (昌乐县) / rev2 (枣庄市) / filer (大封镇)."""
    path = tmp_path_factory.mktemp("web") / "seeded.db"
    store = Store(str(path))
    outcomes = list(api.import_paths(SEEDS, store))
    assert all(o.error is None for o in outcomes)
    users_mod.add_user(store, "admin", PASSWORDS["admin"], "admin")
    users_mod.add_user(store, "rev", PASSWORDS["rev"], "reviewer", region=REVIEWER_REGION)
    users_mod.add_user(store, "rev2", PASSWORDS["rev2"], "reviewer", region=REVIEWER2_REGION)
    users_mod.add_user(store, "filer", PASSWORDS["filer"], "filer", unit=FILER_UNIT)
    store.close()
    with sqlite3.connect(path) as conn:  # fold the WAL into the file so that a plain copy is complete
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def store(seeded_db, tmp_path) -> Store:
    target = tmp_path / "web.db"
    shutil.copy(seeded_db, target)
    s = Store(str(target))
    yield s
    s.close()


@pytest.fixture
def empty_store(tmp_path) -> Store:
    s = Store(str(tmp_path / "empty.db"))
    users_mod.add_user(s, "admin", PASSWORDS["admin"], "admin")
    yield s
    s.close()


@pytest.fixture
def app(store):
    return create_app(store, secret="test-secret")


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def login(client: TestClient, name: str, password: str | None = None):
    page = client.get("/login")
    return client.post("/login", data={"username": name, "password": password or PASSWORDS[name],
                                       "csrf_token": csrf_of(page.text), "next": "/reports"}, follow_redirects=False)


def page_csrf(client: TestClient, path: str = "/account") -> str:
    """The CSRF token of the signed-in session (read from a page, as a browser would)."""
    return csrf_of(client.get(path).text)


@pytest.fixture
def client_for(app):
    """A signed-in client for a user name (or an anonymous one for None)."""
    made = []

    def make(name: str | None = None, the_app=None) -> TestClient:
        c = TestClient(the_app or app, follow_redirects=False)
        made.append(c)
        if name is not None:
            r = login(c, name)
            assert r.status_code == 303, r.text
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture
def admin(client_for) -> TestClient:
    return client_for("admin")


def db_digest(store: Store) -> str:
    """A hash of every row of every table: equal before and after means nothing was written."""
    path = store.url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()


def small_limits(**kw) -> UploadLimits:
    return UploadLimits(**kw)
