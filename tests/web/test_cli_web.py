"""CLI: zfxxgk serve (without starting a server) and zfxxgk user add/list/passwd/token."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.conftest import SEEDS_DIR
from zfxxgk.cli import EXIT_INPUT, EXIT_OK, app
from zfxxgk.store import Store
from zfxxgk.store import users as users_mod

runner = CliRunner()


def test_serve_imports_creates_the_admin_and_starts(tmp_path, monkeypatch):
    import uvicorn

    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda web_app, **kw: started.update(app=web_app, **kw))
    monkeypatch.setenv("ZFXXGK_ADMIN_PASSWORD", "from-env-pass-1")
    db = str(tmp_path / "s.db")
    r = runner.invoke(app, ["serve", "--db", db, "--import", str(SEEDS_DIR), "--port", "8123"])
    assert r.exit_code == EXIT_OK, r.output
    assert "新增 5 份" in r.stdout and "ZFXXGK_ADMIN_PASSWORD" in r.stdout
    assert started["port"] == 8123 and started["host"] == "127.0.0.1"
    assert {route.path for route in started["app"].routes if hasattr(route, "path")} >= {"/static"}
    s = Store(db)
    assert s.count_reports() == 5 and users_mod.authenticate(s, "admin", "from-env-pass-1") is not None
    s.close()
    again = runner.invoke(app, ["serve", "--db", db])  # users exist: no new admin
    assert "管理员" not in again.stdout


def test_serve_demo_imports_the_bundled_samples_once(tmp_path, monkeypatch):
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    db = str(tmp_path / "d.db")
    first = runner.invoke(app, ["serve", "--demo", "--db", db])
    assert first.exit_code == EXIT_OK and "新增 5 份" in first.stdout, first.output
    again = runner.invoke(app, ["serve", "--demo", "--db", db])
    assert "新增 0 份，已存在 5 份" in again.stdout
    s = Store(db)
    assert s.count_reports() == 5
    s.close()


def test_serve_prints_a_random_admin_password_once(tmp_path, monkeypatch):
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    monkeypatch.delenv("ZFXXGK_ADMIN_PASSWORD", raising=False)
    db = str(tmp_path / "s.db")
    r = runner.invoke(app, ["serve", "--db", db])
    assert "初始密码" in r.stdout
    password = r.stdout.split("初始密码：")[1].split("（")[0].strip()
    s = Store(db)
    assert users_mod.authenticate(s, "admin", password) is not None
    s.close()


def test_user_commands(tmp_path):
    db = str(tmp_path / "u.db")
    runner.invoke(app, ["import", str(SEEDS_DIR), "--db", db])
    r = runner.invoke(app, ["user", "add", "rev", "--role", "reviewer", "--region", "昌乐县", "--password",
                            "reviewer-pass", "--db", db])
    assert r.exit_code == EXIT_OK, r.output
    assert "审核人员" in r.stdout and "昌乐县" in r.stdout
    r = runner.invoke(app, ["user", "add", "filer1", "--role", "filer", "--unit", "昌乐县乔官镇人民政府", "--db", db], input="\n")
    assert r.exit_code == EXIT_OK and "初始密码" in r.stdout
    typo = runner.invoke(app, ["user", "add", "f2", "--role", "filer", "--unit", "昌乐县乔官镇人民政付", "--password",
                               "long-enough", "--db", db])
    assert typo.exit_code == EXIT_INPUT and "昌乐县乔官镇人民政府" in typo.stderr  # refused, the nearest named
    assert runner.invoke(app, ["user", "add", "f3", "--role", "filer", "--unit", "临朐县新设局", "--new-unit",
                               "--password", "long-enough", "--db", db]).exit_code == EXIT_OK
    bad = runner.invoke(app, ["user", "add", "xx", "--role", "reviewer", "--password", "long-enough", "--db", db])
    assert bad.exit_code == EXIT_INPUT and "审核人员必须指定负责的地区" in bad.stderr
    listed = runner.invoke(app, ["user", "list", "--db", db])
    assert "rev" in listed.stdout and "昌乐县乔官镇人民政府" in listed.stdout
    r = runner.invoke(app, ["user", "passwd", "rev", "--password", "changed-pass-1", "--db", db])
    assert r.exit_code == EXIT_OK
    token = runner.invoke(app, ["user", "token", "rev", "--db", db]).stdout.strip()
    s = Store(db)
    assert users_mod.authenticate(s, "rev", "changed-pass-1") is not None
    assert users_mod.token_user(s, token).name == "rev"
    s.close()
    missing = runner.invoke(app, ["user", "passwd", "nobody", "--password", "whatever-123", "--db", db])
    assert missing.exit_code == EXIT_INPUT and "没有用户" in missing.stderr
