"""Accounts and sign-in for the web desk: argon2id password hashes, sessions, attempt limits.

Accounts are local and made from the command line (``marketdesk admin create NAME``); the web
desk only signs them in. The rules:

- A username is 1 to 64 letters, digits or ``. _ - @``, kept in lower case (``Admin`` and
  ``admin`` are one account). A password is 8 to 1024 characters.
- Passwords are hashed with argon2id (argon2-cffi's ``PasswordHasher`` and its RFC 9106
  defaults); a stored hash made with older parameters is rehashed at the next good sign-in.
- A sign-in that fails says "wrong username or password", never which: an unknown username is
  checked against a stand-in hash, so it costs the same time as a wrong password. The web adds
  a fixed delay (``FAILED_SIGNIN_DELAY``) to every failure.
- ``Throttle`` counts failures per username and per client address over a window; past the
  limit an attempt is refused before its password is looked at (``TooManyAttemptsError``). The
  counts live in the serving process (``marketdesk serve`` is one process).
- A session is a random token (``secrets.token_urlsafe``) that the browser keeps in a cookie;
  the store keeps only its SHA-256, with an expiry (``SESSION_TTL``). The session's CSRF token
  is derived from its token, so it needs no storage and changes with every sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
import unicodedata
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from marketdesk.app.desk import Desk
from marketdesk.errors import InputError, NotFoundError, SignInError, TooManyAttemptsError
from marketdesk.model import User, WebSession

__all__ = [
    "FAILED_SIGNIN_DELAY",
    "SESSION_TTL",
    "WRONG_CREDENTIALS",
    "SignedIn",
    "Throttle",
    "change_password",
    "check_password",
    "create_user",
    "existing_user",
    "fold_username",
    "free_username",
    "remove_user",
    "session_csrf",
    "session_for",
    "sign_in",
    "sign_out",
    "token_hash",
]

SESSION_TTL = timedelta(hours=12)  # a working day, then sign in again
FAILED_SIGNIN_DELAY = 1.0  # seconds added to every failed sign-in, on top of argon2's own cost
WRONG_CREDENTIALS = "wrong username or password"
MIN_PASSWORD, MAX_PASSWORD = 8, 1024
MAX_TOKEN = 128  # a cookie longer than any token we hand out is no token of ours
_USERNAME = re.compile(r"[a-z0-9._@-]{1,64}\Z")
_HASHER = PasswordHasher()
# argon2 takes 64 MiB a verification: a burst of sign-ins waits here rather than taking memory.
_VERIFYING = threading.BoundedSemaphore(4)


def fold_username(username: str) -> str:
    """The form a username is stored and looked up by; InputError for one that cannot be."""
    name = unicodedata.normalize("NFKC", username).strip().lower()
    if not name:
        raise InputError("the username is empty")
    if not _USERNAME.match(name):
        raise InputError(
            f"{username[:70]!r} is not a username: use 1 to 64 letters, digits, '.', '_', '-' "
            "or '@'"
        )
    return name


def check_password(password: str) -> str:
    """The password if it may be set; InputError saying what is wrong with it."""
    if not password:
        raise InputError("the password is empty; nothing changed")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password is too short: at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"the password is too long: at most {MAX_PASSWORD} characters")
    return password


# -- accounts (the command line) ----------------------------------------------------------------


def _taken(name: str) -> InputError:
    return InputError(f"user {name} exists; `marketdesk admin passwd {name}` changes its password")


def free_username(desk: Desk, username: str) -> str:
    """The folded username if no account has it; InputError otherwise."""
    name = fold_username(username)
    if desk.storage.get_user(name) is not None:
        raise _taken(name)
    return name


def create_user(desk: Desk, username: str, password: str) -> User:
    name = fold_username(username)
    digest = _HASHER.hash(check_password(password))
    user = desk.storage.add_user(name, digest, desk.clock())
    if user is None:
        raise _taken(name)
    return user


def existing_user(desk: Desk, username: str) -> User:
    """The account named ``username``; NotFoundError that says how to make one."""
    name = fold_username(username)
    user = desk.storage.get_user(name)
    if user is None:
        raise NotFoundError(f"no user {name}; `marketdesk admin create {name}` makes one")
    return user


def change_password(desk: Desk, username: str, password: str) -> User:
    """Set a new password; every browser signed in as that user is signed out."""
    user = existing_user(desk, username)
    digest = _HASHER.hash(check_password(password))
    if not desk.storage.set_password(user.username, digest, desk.clock()):
        raise NotFoundError(f"no user {user.username} (removed meanwhile)")
    return user


def remove_user(desk: Desk, username: str) -> User:
    user = existing_user(desk, username)
    desk.storage.remove_user(user.username)
    return user


# -- sign-in (the web desk) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: ``token`` goes into the cookie and nowhere else."""

    token: str
    session: WebSession

    @property
    def csrf(self) -> str:
        return session_csrf(self.token)


class Throttle:
    """Failed sign-ins per username and per client address over the last ``window_s`` seconds.

    Thread-safe; at most ``max_keys`` names and addresses are remembered (the oldest dropped
    first), so a flood of made-up names cannot grow it without bound.
    """

    def __init__(
        self,
        *,
        per_user: int = 5,
        per_address: int = 20,
        window_s: float = 15 * 60,
        max_keys: int = 10_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_user, self.per_address, self.window_s = per_user, per_address, window_s
        self.max_keys = max_keys
        self._now = monotonic
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def check(self, username: str, address: str | None) -> None:
        """TooManyAttemptsError when either limit is reached; otherwise nothing."""
        with self._lock:
            now = self._now()
            waits = [
                self._wait(key, limit, now)
                for key, limit in self._keys(username, address)
                if limit > 0
            ]
        wait = max(waits, default=0.0)
        if wait > 0:
            minutes = max(1, round(wait / 60))
            raise TooManyAttemptsError(
                f"too many failed sign-ins; try again in {minutes} minute{'s' * (minutes != 1)}",
                retry_after=int(wait) + 1,
            )

    def failed(self, username: str, address: str | None) -> None:
        with self._lock:
            now = self._now()
            for key, _ in self._keys(username, address):
                times = self._failures.pop(key, None) or deque()
                times.append(now)
                self._failures[key] = times  # to the end: the most recently failed
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, username: str) -> None:
        """A good password forgives that username's failures (not its address's)."""
        with self._lock:
            self._failures.pop(f"user:{username}", None)

    def _keys(self, username: str, address: str | None) -> list[tuple[str, int]]:
        keys = [(f"user:{username}", self.per_user)]
        if address:
            keys.append((f"addr:{address}", self.per_address))
        return keys

    def _wait(self, key: str, limit: int, now: float) -> float:
        times = self._failures.get(key)
        if not times:
            return 0.0
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if len(times) < limit:
            return 0.0
        return times[-limit] + self.window_s - now  # until the oldest counted one drops out


@lru_cache(maxsize=1)
def _stand_in_hash() -> str:
    """What an unknown username's password is checked against: the same cost as a real one."""
    return _HASHER.hash(secrets.token_urlsafe(16))


def _verify(digest: str, password: str) -> bool:
    with _VERIFYING:
        try:
            return _HASHER.verify(digest, password)
        except (VerificationError, InvalidHashError):
            return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def session_csrf(token: str) -> str:
    """The CSRF token of the session whose cookie is ``token``: only its holder can know it."""
    return hmac.new(token.encode("utf-8"), b"marketdesk csrf", hashlib.sha256).hexdigest()


def sign_in(
    desk: Desk, throttle: Throttle, username: str, password: str, address: str | None
) -> SignedIn:
    """A new session for the right username and password; SignInError (the same words for
    every wrong part) or TooManyAttemptsError otherwise."""
    try:
        name = fold_username(username)
    except InputError:
        name = username.strip().lower()[:64]  # cannot exist; still counted and slowed
    throttle.check(name, address)
    user = desk.storage.get_user(name) if _USERNAME.match(name) else None
    fits = 0 < len(password) <= MAX_PASSWORD
    # Hashed either way: an unknown user takes as long as a wrong password.
    good = _verify(user.password_hash if user else _stand_in_hash(), password if fits else "")
    if user is None or not good or not fits:
        throttle.failed(name, address)
        raise SignInError(WRONG_CREDENTIALS)
    throttle.succeeded(name)
    now = desk.clock()
    if _HASHER.check_needs_rehash(user.password_hash):
        # Newer parameters than the stored hash's: rehashed now, while the password is known.
        desk.storage.set_password(name, _HASHER.hash(password), now, end_sessions=False)
    desk.storage.purge_web_sessions(now)
    token = secrets.token_urlsafe(32)
    expires = now + SESSION_TTL
    if not desk.storage.add_web_session(token_hash(token), user.id, now, expires):
        raise SignInError(WRONG_CREDENTIALS)  # the account was removed a moment ago
    return SignedIn(token, WebSession(token_hash(token), user, now, expires))


def session_for(desk: Desk, token: str | None) -> WebSession | None:
    """The live session a cookie's token stands for, or None (none, expired, signed out)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    return desk.storage.get_web_session(token_hash(token), desk.clock())


def sign_out(desk: Desk, token: str | None) -> bool:
    if not token or len(token) > MAX_TOKEN:
        return False
    return desk.storage.remove_web_session(token_hash(token))
