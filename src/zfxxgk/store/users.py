"""Users of the web app: accounts, roles and scopes, API tokens, and application settings.

Three roles (``ROLES``): an administrator sees and does everything and manages users; a
reviewer (审核人员) sees and reviews only the reports of units in one region subtree; a filer
(填报单位) sees only its own unit's reports. Passwords are hashed with Argon2id; an API token
is shown once and stored as its SHA-256 hash (it is random, so a slow hash adds nothing).
:func:`report_scope` is the one place that turns a user into the reports it may see.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    delete,
    false,
    func,
    select,
    true,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from ..model.units import infer_unit_type, normalise_unit
from .db import Store, StoreError
from .regions import find_region, placement, region_paths, region_subtree, resolve_region
from .schema import Base, ReportRow, Unit, WebSessionRow

ROLES = ("admin", "reviewer", "filer")
ROLE_CN = {"admin": "管理员", "reviewer": "审核人员", "filer": "填报单位"}
MIN_PASSWORD = 8
TOKEN_PREFIX = "zfx_"
SESSION_SECRET_KEY = "session_secret"
SESSION_LIFETIME = dt.timedelta(hours=12)  # a session ends this long after sign-in, however busy (the cookie's age too)
SESSION_IDLE = dt.timedelta(hours=4)  # ... or after this long without a request
_SEEN_EVERY = dt.timedelta(minutes=1)  # last_seen_at is written at most this often (not on every request)
_NAME = re.compile(r"^[\w.@-]{2,64}$")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class UserRow(Base):
    """A web-app account (table ``users``)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # admin | reviewer | filer
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))  # reviewer scope
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # filer scope
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ApiTokenRow(Base):
    """A personal API token (only its hash is kept)."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class SettingRow(Base):
    """A small application setting (table ``app_settings``)."""

    __tablename__ = "app_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True, slots=True)
class Account:
    """A user as the web app sees it (detached from any session)."""

    id: int
    name: str
    role: str
    region_id: int | None
    region: str | None  # path such as 昌乐县/乔官镇
    unit_id: int | None
    unit: str | None
    active: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    stamp: str  # changes with the password: signed-in sessions of an old password end

    @property
    def role_cn(self) -> str:
        """Chinese role name."""
        return ROLE_CN.get(self.role, self.role)

    @property
    def is_admin(self) -> bool:
        """Whether the user manages everything."""
        return self.role == "admin"

    @property
    def scope_cn(self) -> str:
        """The user's scope in words."""
        if self.role == "admin":
            return "全部"
        if self.role == "reviewer":
            return self.region or "（未设置地区）"
        return self.unit or "（未设置单位）"


# --- passwords ---------------------------------------------------------------------------------

_HASHER = None
_DUMMY: str | None = None


def _hasher():
    global _HASHER
    if _HASHER is None:
        from argon2 import PasswordHasher

        _HASHER = PasswordHasher()
    return _HASHER


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher().hash(password)


def verify_password(hashed: str, password: str) -> bool:
    """Whether the password matches the hash."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_policy(password: str) -> None:
    """Refuse passwords that are too short (StoreError in Chinese)."""
    if len(password) < MIN_PASSWORD:
        raise StoreError(f"密码至少 {MIN_PASSWORD} 位")


def generate_password() -> str:
    """A random password for a new account (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


def _stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


# --- regions and units -------------------------------------------------------------------------


def resolve_or_create_region(store: Store, s: Session, region: str | int, create: bool = False) -> int:
    """A region id from an id, a full path or a unique path ending; ``create`` adds the regions of an
    official division not in the store yet (never any other name: a typo is refused with suggestions).
    """
    paths = region_paths(s)
    found = find_region(paths, region)
    if found is not None:
        return found
    if not create or str(region).strip().isdigit():
        return resolve_region(s, region, paths)  # raises, with the nearest paths
    rid = store._region(s, placement(s, str(region)))  # an official path, or the StoreError with suggestions
    assert rid is not None
    return rid


def resolve_unit_id(s: Session, unit: str | int, create: bool = False) -> int:
    """A unit id by id or exact name (normalised); ``create`` adds a unit that is not there yet."""
    text = str(unit).strip()
    if text.isdigit():
        if len(text) > 18 or s.get(Unit, int(text)) is None:  # no id that long: never send it to the database
            raise StoreError(f"没有编号为 {text} 的单位")
        return int(text)
    key = normalise_unit(text)
    if not key:
        raise StoreError("请给出单位名称")
    found = s.scalar(select(Unit.id).where(Unit.key == key))
    if found is not None:
        return found
    candidates = list(s.scalars(select(Unit.name).where(Unit.key.contains(key, autoescape=True)).limit(6)))
    if not candidates:  # a typo: the nearest of the names that begin alike
        alike = list(s.scalars(select(Unit.name).where(Unit.key.startswith(key[:3], autoescape=True)).limit(500)))
        candidates = difflib.get_close_matches(text, alike, n=6, cutoff=0.6)
    if not create:
        hint = f"（相近的单位：{'、'.join(candidates)}）" if candidates else ""
        raise StoreError(f"库中没有单位“{text}”{hint}，请写单位全称")
    kind = infer_unit_type(text)
    row = Unit(key=key, name=text, unit_type=kind.value if kind else None)
    s.add(row)
    s.flush()
    return row.id


# --- accounts ----------------------------------------------------------------------------------


def _account(s: Session, row: UserRow, paths: dict[int, str] | None = None) -> Account:
    region = None
    if row.region_id is not None:
        region = (paths if paths is not None else region_paths(s)).get(row.region_id)
    unit = s.scalar(select(Unit.name).where(Unit.id == row.unit_id)) if row.unit_id is not None else None
    return Account(row.id, row.name, row.role, row.region_id, region, row.unit_id, unit, row.active,
                   row.created_at, row.last_login_at, _stamp(row.password_hash))


def _validate_scope(role: str, region_id: int | None, unit_id: int | None) -> None:
    if role not in ROLES:
        raise StoreError(f"角色应为 {'、'.join(f'{r}（{ROLE_CN[r]}）' for r in ROLES)}")
    if role == "reviewer" and region_id is None:
        raise StoreError("审核人员必须指定负责的地区")
    if role == "filer" and unit_id is None:
        raise StoreError("填报单位账号必须指定单位")


def add_user(
    store: Store,
    name: str,
    password: str,
    role: str,
    region: str | int | None = None,
    unit: str | int | None = None,
    create_scope: bool = False,
    create_unit: bool = False,
) -> Account:
    """Create an account; a reviewer needs a region, a filer a unit. ``create_scope`` adds an official
    division's regions when the store has none yet; ``create_unit`` a unit the store does not know (else it
    must be one imported or in the registry: a typo is refused with the nearest names).
    """
    name = name.strip()
    if not _NAME.match(name):
        raise StoreError("用户名应为 2–64 个字母、数字、汉字或 . _ - @")
    check_password_policy(password)
    with store.session() as s:
        region_id = resolve_or_create_region(store, s, region, create_scope) if region not in (None, "") and role == "reviewer" else None
        unit_id = resolve_unit_id(s, unit, create_unit) if unit not in (None, "") and role == "filer" else None
        _validate_scope(role, region_id, unit_id)
        if s.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
            raise StoreError(f"用户“{name}”已存在")
        row = UserRow(name=name, password_hash=hash_password(password), role=role, region_id=region_id,
                      unit_id=unit_id, active=True)
        s.add(row)
        try:
            s.flush()
        except IntegrityError:
            raise StoreError(f"用户“{name}”已存在") from None
        return _account(s, row)


def update_user(
    store: Store,
    user: int | str,
    role: str | None = None,
    region: str | int | None = None,
    unit: str | int | None = None,
    active: bool | None = None,
) -> Account:
    """Change an account's role, scope or active flag (the last active administrator cannot be removed)."""
    with store.session() as s:
        row = _row(s, user)
        new_role = role or row.role
        region_id = row.region_id
        unit_id = row.unit_id
        if region not in (None, ""):
            region_id = resolve_region(s, region)
        if unit not in (None, ""):
            unit_id = resolve_unit_id(s, unit)
        region_id = region_id if new_role == "reviewer" else None
        unit_id = unit_id if new_role == "filer" else None
        _validate_scope(new_role, region_id, unit_id)
        still_admin = new_role == "admin" and (row.active if active is None else active)
        if row.role == "admin" and row.active and not still_admin and _active_admins(s) <= 1:
            raise StoreError("不能停用或降级最后一个管理员")
        row.role, row.region_id, row.unit_id = new_role, region_id, unit_id
        if active is not None:
            if row.active and not active:  # a deactivated account keeps no way in
                _revoke_credentials(s, row.id)
            row.active = active
        return _account(s, row)


def _active_admins(s: Session) -> int:
    # COUNT always yields a row, never None
    return int(cast(int, s.scalar(select(func.count(UserRow.id)).where(UserRow.role == "admin",
                                                                       UserRow.active.is_(True)))))


def set_password(store: Store, user: int | str, password: str) -> Account:
    """Set a new password: every session of the user ends and every API token is revoked.

    A password change is what a user does when a credential may have leaked; a token made with the
    old password is such a credential too, so it goes with it (the user makes new ones).
    """
    check_password_policy(password)
    with store.session() as s:
        row = _row(s, user)
        row.password_hash = hash_password(password)
        _revoke_credentials(s, row.id)
        return _account(s, row)


def _revoke_credentials(s: Session, user_id: int) -> None:
    """End all of a user's sessions and delete all of their API tokens."""
    s.execute(update(WebSessionRow).where(WebSessionRow.user_id == user_id, WebSessionRow.revoked_at.is_(None))
              .values(revoked_at=_now()))
    s.execute(delete(ApiTokenRow).where(ApiTokenRow.user_id == user_id))


def _row(s: Session, user: int | str) -> UserRow:
    row = s.get(UserRow, user) if isinstance(user, int) else s.scalar(select(UserRow).where(UserRow.name == user))
    if row is None:
        raise StoreError(f"没有用户“{user}”")
    return row


def get_user(store: Store, user: int | str) -> Account | None:
    """An account by id or name, or None."""
    with store.session() as s:
        row = s.get(UserRow, user) if isinstance(user, int) else s.scalar(select(UserRow).where(UserRow.name == user))
        return _account(s, row) if row is not None else None


def list_users(store: Store) -> list[Account]:
    """All accounts by name."""
    with store.session() as s:
        paths = region_paths(s)
        return [_account(s, r, paths) for r in s.scalars(select(UserRow).order_by(UserRow.name))]


def count_users(store: Store) -> int:
    """How many accounts exist."""
    with store.session() as s:
        return int(cast(int, s.scalar(select(func.count(UserRow.id)))))  # COUNT: always a row


def authenticate(store: Store, name: str, password: str) -> Account | None:
    """The active account with this name and password (its last login is recorded), else None."""
    global _DUMMY
    with store.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.name == name.strip()))
        if row is None or not row.active:
            # spend the same time as a real check, so that names cannot be probed by timing
            _DUMMY = _DUMMY or hash_password(secrets.token_hex(8))
            verify_password(_DUMMY, password)
            return None
        if not verify_password(row.password_hash, password):
            return None
        if _hasher().check_needs_rehash(row.password_hash):
            row.password_hash = hash_password(password)
        row.last_login_at = _now()
        return _account(s, row)


def ensure_admin(store: Store, password: str | None = None) -> tuple[str, str] | None:
    """On a database without users, create ``admin``; returns (name, password) when it did."""
    if count_users(store):
        return None
    password = password or generate_password()
    try:
        add_user(store, "admin", password, "admin")
    except StoreError:
        if count_users(store):  # another process created it at the same moment
            return None
        raise
    return "admin", password


# --- web sessions ------------------------------------------------------------------------------
#
# Why a row per session rather than a per-user "session epoch" stamped into the cookie: an epoch
# can only end all of a user's sessions at once, so signing out on one computer would sign the user
# out everywhere; a row ends exactly the session that signs out, still lets a new password or a
# deactivation end all of them, and enforces the lifetime and idle limits on the server, whatever
# the cookie says. Only the SHA-256 of the random id is stored, so a database dump holds no session.


def open_session(store: Store, user: int | str, now: dt.datetime | None = None) -> str:
    """Start a session for the user; returns its id (for the cookie), stored as a hash only.

    Sessions past their lifetime are cleared out here, so that the table stays small.
    """
    now = now or _now()
    sid = secrets.token_urlsafe(32)
    with store.session() as s:
        row = _row(s, user)
        s.execute(delete(WebSessionRow).where(WebSessionRow.created_at < now - SESSION_LIFETIME - dt.timedelta(days=1)))
        s.add(WebSessionRow(id_hash=_token_hash(sid), user_id=row.id, created_at=now, last_seen_at=now))
    return sid


def session_user(store: Store, sid: str, now: dt.datetime | None = None) -> Account | None:
    """The active account of a live session (not revoked, not past its lifetime or idle limit), else None."""
    if not sid:
        return None
    now = now or _now()
    with store.session() as s:
        found = s.execute(select(WebSessionRow, UserRow).join(UserRow, UserRow.id == WebSessionRow.user_id)
                          .where(WebSessionRow.id_hash == _token_hash(sid))).first()
        if found is None:
            return None
        session, row = found
        if session.revoked_at is not None or not row.active:
            return None
        if now - session.created_at > SESSION_LIFETIME or now - session.last_seen_at > SESSION_IDLE:
            session.revoked_at = now
            return None
        if now - session.last_seen_at > _SEEN_EVERY:
            session.last_seen_at = now
        return _account(s, row)


def revoke_session(store: Store, sid: str) -> bool:
    """End one session (signing out); whether it was live."""
    with store.session() as s:
        found = s.scalar(select(WebSessionRow).where(WebSessionRow.id_hash == _token_hash(sid)))
        if found is None or found.revoked_at is not None:
            return False
        found.revoked_at = _now()
        return True


def revoke_sessions(store: Store, user: int | str) -> int:
    """End all of a user's sessions (not their API tokens); how many were live."""
    with store.session() as s:
        row = _row(s, user)
        result = s.execute(update(WebSessionRow)
                           .where(WebSessionRow.user_id == row.id, WebSessionRow.revoked_at.is_(None))
                           .values(revoked_at=_now()))
        return int(getattr(result, "rowcount", 0) or 0)


def live_sessions(store: Store, user: int | str, now: dt.datetime | None = None) -> int:
    """How many sessions of the user still count."""
    now = now or _now()
    with store.session() as s:
        row = _row(s, user)
        return int(cast(int, s.scalar(select(func.count()).select_from(WebSessionRow).where(
            WebSessionRow.user_id == row.id, WebSessionRow.revoked_at.is_(None),
            WebSessionRow.created_at >= now - SESSION_LIFETIME, WebSessionRow.last_seen_at >= now - SESSION_IDLE))))


# --- API tokens --------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(store: Store, user: int | str, label: str = "") -> str:
    """A new API token for a user: returned once in clear, stored as a hash."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.session() as s:
        row = _row(s, user)
        s.add(ApiTokenRow(user_id=row.id, token_hash=_token_hash(token), label=(label.strip() or "API")[:100]))
    return token


def token_user(store: Store, token: str) -> Account | None:
    """The active account a token belongs to (its last use is recorded), else None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    with store.session() as s:
        found = s.execute(select(ApiTokenRow, UserRow).join(UserRow, UserRow.id == ApiTokenRow.user_id)
                          .where(ApiTokenRow.token_hash == _token_hash(token))).first()
        if found is None or not found[1].active:
            return None
        found[0].last_used_at = _now()
        return _account(s, found[1])


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """An API token as listed (never the token itself)."""

    id: int
    label: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


def list_tokens(store: Store, user: int | str) -> list[TokenInfo]:
    """A user's tokens, newest first."""
    with store.session() as s:
        row = _row(s, user)
        return [TokenInfo(t.id, t.label, t.created_at, t.last_used_at)
                for t in s.scalars(select(ApiTokenRow).where(ApiTokenRow.user_id == row.id)
                                   .order_by(ApiTokenRow.id.desc()))]


def revoke_token(store: Store, user: int | str, token_id: int) -> bool:
    """Delete one of a user's tokens; whether it existed."""
    with store.session() as s:
        row = _row(s, user)
        tok = s.get(ApiTokenRow, token_id)
        if tok is None or tok.user_id != row.id:
            return False
        s.delete(tok)
        return True


# --- settings ----------------------------------------------------------------------------------


def get_setting(store: Store, key: str) -> str | None:
    """A stored setting, or None."""
    with store.session() as s:
        return s.scalar(select(SettingRow.value).where(SettingRow.key == key))


def set_setting(store: Store, key: str, value: str) -> None:
    """Store a setting (replacing an earlier value)."""
    with store.session() as s:
        row = s.get(SettingRow, key)
        if row is None:
            s.add(SettingRow(key=key, value=value))
        else:
            row.value = value


def session_secret(store: Store) -> str:
    """The secret that signs session cookies: generated once, then kept in the database."""
    found = get_setting(store, SESSION_SECRET_KEY)
    if found:
        return found
    try:
        with store.session() as s:
            s.add(SettingRow(key=SESSION_SECRET_KEY, value=secrets.token_urlsafe(48)))
    except IntegrityError:
        pass  # another process stored one first: use that
    found = get_setting(store, SESSION_SECRET_KEY)
    assert found
    return found


# --- scope -------------------------------------------------------------------------------------


def report_scope(s: Session, account: Account) -> ColumnElement[bool]:
    """A condition on ``ReportRow`` selecting the reports the account may see."""
    if account.role == "admin":
        return true()
    if account.role == "reviewer" and account.region_id is not None:
        regions = region_subtree(s, account.region_id)
        return ReportRow.unit_id.in_(select(Unit.id).where(Unit.region_id.in_(regions)))
    if account.role == "filer" and account.unit_id is not None:
        return ReportRow.unit_id == account.unit_id
    return false()


def can_see_report(store: Store, account: Account, report_id: int) -> bool:
    """Whether the report exists and lies in the account's scope."""
    with store.session() as s:
        return s.scalar(select(ReportRow.id).where(ReportRow.id == report_id, report_scope(s, account))) is not None


def visible_report_ids(store: Store, account: Account, report_ids: Sequence[int]) -> set[int]:
    """Those of the reports that lie in the account's scope."""
    with store.session() as s:
        return set(s.scalars(select(ReportRow.id).where(ReportRow.id.in_(list(report_ids)), report_scope(s, account))))


def visible_regions(s: Session, account: Account) -> set[int] | None:
    """Region ids the account may browse (None: all)."""
    if account.role == "admin":
        return None
    if account.role == "reviewer" and account.region_id is not None:
        return region_subtree(s, account.region_id)
    if account.role == "filer" and account.unit_id is not None:
        region = s.scalar(select(Unit.region_id).where(Unit.id == account.unit_id))
        return {region} if region is not None else set()
    return set()


def can_see_unit(store: Store, account: Account, unit_id: int) -> bool:
    """Whether a unit lies in the account's scope."""
    with store.session() as s:
        if s.get(Unit, unit_id) is None:
            return False
        if account.role == "admin":
            return True
        if account.role == "filer":
            return account.unit_id == unit_id
        region = s.scalar(select(Unit.region_id).where(Unit.id == unit_id))
        return region is not None and account.region_id is not None and region in region_subtree(s, account.region_id)
