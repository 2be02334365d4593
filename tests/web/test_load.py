"""Fifty reviewers open the statistics page at once, over a real socket: every request succeeds."""

from __future__ import annotations

import threading

import httpx

from tests.conftest import SEEDS
from tests.e2e.server import LiveServer, add_users
from zfxxgk import api
from zfxxgk.store import users as users_mod


def test_fifty_concurrent_statistics_requests_all_succeed(tmp_path):
    server = LiveServer(tmp_path / "load.db")
    try:
        assert all(o.error is None for o in api.import_paths(SEEDS, server.store))
        add_users(server.store)
        token = users_mod.create_token(server.store, "admin", "load test")
        statuses: list[int] = []
        start = threading.Barrier(50)

        def ask() -> None:
            start.wait()
            with httpx.Client(base_url=server.url, timeout=120, headers={"Authorization": f"Bearer {token}"}) as c:
                statuses.append(c.get("/stats").status_code)

        threads = [threading.Thread(target=ask) for _ in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [200] * 50
    finally:
        server.stop()
