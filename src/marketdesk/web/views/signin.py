"""``/signin`` (the form, and ``POST`` to sign in) and ``POST /signout``, with JSON twins.

``GET /signin.json`` tells whether the browser is signed in and gives the CSRF token its next
POST needs (and sets the sign-in cookie that token is checked against). A failed sign-in is
answered after a fixed delay (``app.auth.FAILED_SIGNIN_DELAY``, on top of argon2's own cost)
with "wrong username or password", whichever part was wrong: 401, or 429 with Retry-After once
the attempt limits are reached. A good one sets the session cookie and goes to ``next`` (a path
of this desk) or the sources page; a session the browser held before is signed out, so a
session id is never carried across a sign-in.
"""

from __future__ import annotations

import asyncio

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from marketdesk.app import auth, urls
from marketdesk.errors import SignInError, TooManyAttemptsError
from marketdesk.web.auth import (
    SESSION_COOKIE,
    check_csrf,
    clear_session_cookie,
    csrf_token,
    current_session,
    form_fields,
    safe_next,
    set_session_cookie,
    set_signin_cookie,
    signin_token,
)
from marketdesk.web.render import JSONResponse
from marketdesk.web.routing import wants_json
from marketdesk.web.views.state import desk, renderer

__all__ = ["signin_form", "signin_post", "signout_post"]


def _json(request: Request) -> bool:
    return wants_json(request.scope["path"], request.path_params.get("fmt"))


def _form(
    request: Request,
    *,
    status: int = 200,
    error: str | None = None,
    username: str = "",
    next_path: str | None = None,
) -> Response:
    session = current_session(request)
    token, fresh = signin_token(request)
    target = safe_next(next_path or request.query_params.get("next"), urls.sources())
    response: Response
    if _json(request):
        response = JSONResponse(
            {
                "signed_in": session is not None,
                "user": session.user.username if session else None,
                "expires": session.expires_at.isoformat() if session else None,
                # what the next POST carries: the session's token, or the sign-in form's
                "csrf": csrf_token(request) or token,
                **({"error": error} if error else {}),
            },
            status_code=status,
        )
    else:
        response = renderer(request).page(
            "signin.html",
            status=status,
            json_url=urls.signin(json=True),
            user=session.user.username if session else None,
            session_csrf=csrf_token(request),
            csrf=token,
            error=error,
            username=username,
            next_path=target,
        )
    if fresh:
        set_signin_cookie(response, request, token)
    return response


def signin_form(request: Request) -> Response:
    return _form(request)


async def signin_post(request: Request) -> Response:
    fields = await form_fields(request)
    check_csrf(request, fields, signin=True)
    d = desk(request)
    username = fields.get("username", "")[:200]
    address = request.client.host if request.client else None
    next_path = fields.get("next")
    try:
        signed = await run_in_threadpool(
            auth.sign_in,
            d,
            request.app.state.throttle,
            username,
            fields.get("password", ""),
            address,
        )
    except SignInError as exc:
        # The same delay for every failure, refused attempts included: guessing stays slow.
        await asyncio.sleep(request.app.state.signin_delay)
        limited = isinstance(exc, TooManyAttemptsError)
        message = str(exc)
        response = await run_in_threadpool(
            lambda: _form(
                request,
                status=429 if limited else 401,
                error=message,
                username=username,
                next_path=next_path,
            )
        )
        if isinstance(exc, TooManyAttemptsError):
            response.headers["retry-after"] = str(exc.retry_after)
        return response
    held = request.cookies.get(SESSION_COOKIE)
    if held:
        await run_in_threadpool(auth.sign_out, d, held)
    if _json(request):
        response = JSONResponse(
            {
                "signed_in": True,
                "user": signed.session.user.username,
                "expires": signed.session.expires_at.isoformat(),
                "csrf": signed.csrf,
            }
        )
    else:
        response = RedirectResponse(safe_next(next_path, urls.sources()), status_code=303)
    set_session_cookie(response, request, signed.token)
    return response


async def signout_post(request: Request) -> Response:
    fields = await form_fields(request)
    check_csrf(request, fields)
    await run_in_threadpool(auth.sign_out, desk(request), request.cookies.get(SESSION_COOKIE))
    response: Response
    if _json(request):
        response = JSONResponse({"signed_in": False})
    else:
        response = RedirectResponse(urls.signin(), status_code=303)
    clear_session_cookie(response, request)
    return response
