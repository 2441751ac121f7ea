"""Sign-in on the web: the session cookie, CSRF tokens and what a view asks of them.

- The session cookie (``SESSION_COOKIE``) holds the session's random token: HttpOnly,
  SameSite=Lax, Path=/, as long-lived as the session, and Secure when the page was served over
  TLS: ``request.url.scheme == "https"`` (uvicorn sets it from ``X-Forwarded-Proto`` when the
  proxy's address is in ``FORWARDED_ALLOW_IPS``, 127.0.0.1 by default) or when the
  ``[web] secure_cookies`` setting says so.
- Every form carries a CSRF token (field ``csrf``, or the ``X-CSRF-Token`` header), checked on
  every POST: a missing or wrong one is a 403. A signed-in browser's token is its session's
  (``app.auth.session_csrf``). Before sign-in there is no session, so the sign-in form uses a
  signed double-submit token: a random nonce and its HMAC under a key made when the app starts,
  sent both in a SameSite=Strict cookie (``SIGNIN_COOKIE``) and in the form; the two must match
  and the signature must hold (a server restart makes an open sign-in form stale: reload it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from marketdesk.app import auth, urls
from marketdesk.app.desk import Desk
from marketdesk.errors import ForbiddenError, InputError, SignInError
from marketdesk.model import WebSession
from marketdesk.web.routing import wants_json

__all__ = [
    "CSRF_FIELD",
    "SESSION_COOKIE",
    "SIGNIN_COOKIE",
    "check_csrf",
    "clear_session_cookie",
    "csrf_token",
    "current_session",
    "form_fields",
    "is_secure",
    "require_session",
    "safe_next",
    "set_session_cookie",
    "signin_token",
]

SESSION_COOKIE = "marketdesk_session"
SIGNIN_COOKIE = "marketdesk_signin"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
MAX_BODY = 64 * 1024  # a form of the desk is a few fields; more is refused unread
_NO_SESSION = object()


def desk(request: Request) -> Desk:
    # Read here, not through views/state.py: views import this module, not the other way.
    found: Desk = request.app.state.desk
    return found


def is_secure(request: Request) -> bool:
    return request.url.scheme == "https" or desk(request).settings.secure_cookies


def current_session(request: Request) -> WebSession | None:
    """The request's live session, looked up once a request."""
    found = getattr(request.state, "web_session", _NO_SESSION)
    if found is _NO_SESSION:
        found = auth.session_for(desk(request), request.cookies.get(SESSION_COOKIE))
        request.state.web_session = found
    return found  # type: ignore[return-value]


def _set_cookie(
    response: Response,
    request: Request,
    name: str,
    token: str,
    samesite: Literal["lax", "strict"],
) -> None:
    """A sign-in cookie: scripts never read it, sent over TLS only where served over it, for
    as long as a session lives."""
    response.set_cookie(
        name,
        token,
        max_age=int(auth.SESSION_TTL.total_seconds()),
        path="/",
        secure=is_secure(request),
        httponly=True,
        samesite=samesite,
    )


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    _set_cookie(response, request, SESSION_COOKIE, token, "lax")


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=is_secure(request), httponly=True, samesite="lax"
    )


# -- CSRF -----------------------------------------------------------------------------------


def _key(request: Request) -> bytes:
    key: bytes = request.app.state.csrf_key
    return key


def _signed(request: Request, nonce: str) -> str:
    mac = hmac.new(_key(request), nonce.encode("ascii"), hashlib.sha256).hexdigest()
    return f"{nonce}.{mac}"


def _valid_signin_token(request: Request, token: str | None) -> bool:
    if not token or len(token) > 200 or token.count(".") != 1:
        return False
    nonce = token.split(".", 1)[0]
    if not nonce.isascii():
        return False
    return hmac.compare_digest(_signed(request, nonce), token)


def signin_token(request: Request) -> tuple[str, bool]:
    """The sign-in form's token: the browser's cookie when it holds a valid one, else a new one
    (True: the answer must set it as the cookie)."""
    held = request.cookies.get(SIGNIN_COOKIE)
    if _valid_signin_token(request, held):
        assert held is not None
        return held, False
    return _signed(request, secrets.token_urlsafe(16)), True


def set_signin_cookie(response: Response, request: Request, token: str) -> None:
    _set_cookie(response, request, SIGNIN_COOKIE, token, "strict")


def csrf_token(request: Request) -> str | None:
    """The token this browser's forms carry while signed in; None when it is not."""
    token = request.cookies.get(SESSION_COOKIE)
    if current_session(request) is None or token is None:
        return None
    return auth.session_csrf(token)


def check_csrf(request: Request, fields: Mapping[str, str], *, signin: bool = False) -> None:
    """ForbiddenError unless the POST carries this browser's token: its session's, or the
    double-submit token of its sign-in cookie where that is enough (the sign-in form, and any
    form of a browser that is not signed in)."""
    sent = fields.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not sent:
        raise ForbiddenError("the form has no CSRF token; reload the page and try again")
    given = sent.encode("utf-8")
    expected = csrf_token(request)
    if expected is not None and hmac.compare_digest(given, expected.encode("utf-8")):
        return
    if signin or expected is None:
        held = request.cookies.get(SIGNIN_COOKIE)
        if (
            held is not None
            and _valid_signin_token(request, held)
            and hmac.compare_digest(given, held.encode("utf-8"))
        ):
            return
    raise ForbiddenError("the form's CSRF token is wrong or stale; reload the page and try again")


# -- what a view asks -------------------------------------------------------------------------


def require_session(request: Request) -> WebSession | Response:
    """The session, or what to answer instead: HTML goes to the sign-in page (and back after
    it), JSON gets a 401."""
    session = current_session(request)
    if session is not None:
        return session
    if wants_json(request.scope["path"], request.path_params.get("fmt")):
        raise SignInError("sign in first: POST /signin.json (GET it for its csrf token)")
    back = urls.sources() if request.method != "GET" else request.url.path
    return RedirectResponse(urls.signin(next_path=back), status_code=303)


def safe_next(target: str | None, default: str) -> str:
    """Where to go after sign-in: a path of this desk only, never another site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(c in target for c in "\r\n\t") or len(target) > 2000:
        return default
    return target


async def form_fields(request: Request) -> dict[str, str]:
    """A POST's fields, from a urlencoded form (what an HTML form sends) or, for API clients, a
    JSON object; at most ``MAX_BODY`` bytes are read."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise InputError(f"the form is too large (at most {MAX_BODY // 1024} KiB)")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            data: Any = json.loads(bytes(body) or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise InputError("the body is not JSON") from None
        if not isinstance(data, dict):
            raise InputError("the body must be a JSON object")
        return {str(k): _field(v) for k, v in data.items()}
    if kind not in ("", "application/x-www-form-urlencoded"):
        raise InputError("send the form as application/x-www-form-urlencoded or application/json")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=50)
    except (UnicodeDecodeError, ValueError):
        raise InputError("the form cannot be read (not UTF-8, or too many fields)") from None
    return dict(pairs)


def _field(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return "" if value is None else str(value)
