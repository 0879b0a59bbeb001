"""HTTP edge of the IRO unit board: a login that takes an API token once, the board, a
logout. HTML for people; not part of the API's OpenAPI description."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from review_service.auth import Scope
from review_service.board import sessions
from review_service.board.chart import HEIGHT, WIDTH, bars, gridlines
from review_service.board.view import Filters, board_view
from review_service.clock import london_today
from review_service.dependencies import NowDep, SessionDep
from review_service.domain.calendar_items import LONDON
from review_service.domain.plan_types import PlanType
from review_service.limits import PersonId
from review_service.models import ApiToken
from review_service.problems import Unauthenticated
from review_service.tokens.service import authenticate

router = APIRouter(prefix="/board", include_in_schema=False)
_STATIC = Path(__file__).with_name("static")
_templates = Environment(
    loader=PackageLoader("review_service.board"), autoescape=select_autoescape(default=True)
)
_templates.filters["london"] = lambda instant: instant.astimezone(LONDON).strftime(
    "%a %-d %b %H:%M"
)
_SECURITY_HEADERS = {
    # Every asset is the service's own: nothing else may load, frame or be posted to.
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def _secret(request: Request) -> str:
    secret: str = request.app.state.board_secret
    return secret


def _page(name: str, status: int = 200, **context: object) -> HTMLResponse:
    html = _templates.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers=_SECURITY_HEADERS)


def _set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="strict",
        path="/",
        max_age=int(sessions.SESSION_LIFETIME.total_seconds()),
    )


@router.get("/static/board.css")
def stylesheet() -> FileResponse:
    """The board's stylesheet (served here: the board loads nothing from elsewhere)."""
    return FileResponse(_STATIC / "board.css", media_type="text/css")


def _login_page(request: Request, error: str | None = None, status: int = 200) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    token = sessions.form_token(_secret(request), "login", nonce)
    response = _page("login.html", status, form_token=token, error=error)
    _set_cookie(request, response, sessions.LOGIN_COOKIE, nonce)
    return response


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    """The sign-in page: no token needed to see it."""
    return _login_page(request)


@router.post("/login", response_model=None)
def login(
    request: Request,
    session: SessionDep,
    now: NowDep,
    token: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Check the token once and start a session that refers to it (never holds it)."""
    nonce = request.cookies.get(sessions.LOGIN_COOKIE)
    if not sessions.form_token_ok(_secret(request), "login", nonce, csrf_token):
        return _login_page(request, "The form had expired. Enter the token again.", 400)
    try:
        principal = authenticate(session, token.strip(), now)
    except Unauthenticated:
        return _login_page(request, "Enter a valid API token that has not been revoked.", 401)
    if not principal.has(Scope.READ):
        return _login_page(request, "This token cannot read reviews: it needs the read scope.", 403)
    token_id = session.query(ApiToken.id).filter(ApiToken.name == principal.token_name).scalar()
    response = RedirectResponse("/board", status_code=303, headers=_SECURITY_HEADERS)
    _set_cookie(
        request,
        response,
        sessions.SESSION_COOKIE,
        sessions.session_value(_secret(request), token_id, now),
    )
    response.delete_cookie(sessions.LOGIN_COOKIE, path="/")
    return response


@router.post("/logout", response_model=None)
def logout(request: Request, csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    """End the session (the form token proves the request came from the board's own page)."""
    value = request.cookies.get(sessions.SESSION_COOKIE)
    if not sessions.form_token_ok(_secret(request), "logout", value, csrf_token):
        return _page("login.html", 400, form_token="", error="The sign-out form had expired.")
    response = RedirectResponse("/board/login", status_code=303, headers=_SECURITY_HEADERS)
    response.delete_cookie(sessions.SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get("", response_model=None)
def board(
    request: Request,
    session: SessionDep,
    now: NowDep,
    chair: Annotated[PersonId | None, Query()] = None,
    plan_type: Annotated[str | None, Query(max_length=30)] = None,
) -> Response:
    """The board of the session's authority, filtered by chair and plan type."""
    value = request.cookies.get(sessions.SESSION_COOKIE)
    principal = sessions.session_principal(session, _secret(request), value, now)
    if principal is None or value is None:
        return RedirectResponse("/board/login", status_code=303, headers=_SECURITY_HEADERS)
    types = {t.value: t for t in PlanType}
    filters = Filters(chair_id=chair or None, plan_type=types.get(plan_type or ""))
    view = board_view(session, principal, filters, london_today(now), now)
    return _page(
        "board.html",
        board=view,
        filters=filters,
        filtered=filters != Filters(),
        plan_types=list(types),
        authority=principal.local_authority,
        who=principal.token_name,
        logout_token=sessions.form_token(_secret(request), "logout", value),
        bars=bars(view.months),
        gridlines=gridlines(),
        chart_width=WIDTH,
        chart_height=HEIGHT,
    )
