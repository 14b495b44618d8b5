"""Server-rendered pages: sign-in, case list, case page, editor, import, history, audit."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from thyref.domain import Case
from thyref.domain.messages import Lang, colon, error_text, problem_text, whole
from thyref.domain.scans import uptake_by_lesion
from thyref.fhir.exporter import case_to_bundle
from thyref.fhir.importer import FhirImportError, ImportResult
from thyref.fhir.unused import unmapped_text
from thyref.storage import CaseExists, CaseNotFound, Forbidden, StaleVersion
from thyref.storage import repository as repo
from thyref.web import cases as case_ops
from thyref.web import plots
from thyref.web.assessing import (
    CaseFormatError,
    CaseValidationError,
    assess_one,
    engine_version,
    load_case,
    parse_case,
    plot_rules,
)
from thyref.web.context import (
    ForbiddenAction,
    NotFound,
    Page,
    WebError,
    admin_page,
    clinician_page,
    page,
)
from thyref.web.fhir_input import read_fhir
from thyref.web.forms import (
    NOTE_FIELD,
    SECTIONS,
    EditorState,
    beyond_editor,
    case_path_label,
    case_path_vocabulary,
    error_anchor,
    field_id,
    field_label,
    problems_by_field,
    read_hidden_json,
)
from thyref.web.glance import key_figures
from thyref.web.i18n import Translator
from thyref.web.security import (
    PASSWORD_MAX,
    SESSION_COOKIE,
    hash_password,
    needs_rehash,
    request_address,
    request_device,
    request_source,
    session_cookie_attributes,
    set_device_cookie,
    verify_password,
)
from thyref.web.uptake_view import definitions_view, missing_actions, scan_table, timeline

router = APIRouter(include_in_schema=False)
CASE_ID = r"^[A-Za-z0-9._-]{1,64}$"
STATUSES = ("refractory", "not_refractory", "indeterminate")
CATEGORIES = ("differentiated", "anaplastic", "medullary")
# Version numbers are stored as 32-bit integers: larger ones cannot exist (404, not 500).
MAX_VERSION = repo.MAX_VERSION
PRIORITY_ORDER = {"urgent": 0, "high": 1, "routine": 2}
# Editor anchors for the missing-data calls to action.
MISSING_ANCHORS = {
    "lesions.rai_uptake": "lesions",
    "imaging_after_rai": "imaging",
    "rai": "rai",
    "clinical.standard_treatment_possible": "clinical",
}


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(target: str) -> str:
    """Only same-site paths (no scheme, no //host) are followed after sign-in."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/cases"


# ---------------------------------------------------------------- public


@router.get("/")
def home(p: Page = Depends(page)) -> HTMLResponse:
    return p.render("home.html")


@router.get("/favicon.ico")
def favicon() -> RedirectResponse:
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/login")
def login_form(p: Page = Depends(page), next: str = "/cases") -> Response:
    if p.auth is not None:
        return _redirect(_safe_next(next))
    return p.render("login.html", next=_safe_next(next))


@router.post("/login")
def login(p: Page = Depends(page)) -> Response:
    # Never cut: a username over 64 characters (no account has one) or a password over
    # 1,024 (as the API's limit) is a failed sign-in, counted, with one dummy verification;
    # it was cut, and a prefix could sign in as the account with that shorter name.
    username = p.field("username").strip()
    password = p.field("password")
    fits = len(username) <= repo.USERNAME_MAX and len(password) <= PASSWORD_MAX
    target = _safe_next(p.field("next") or "/cases")
    settings = p.state.settings
    # counted before the password is checked (atomically, see LoginLimiter)
    attempt = p.state.limiter.begin(
        username,
        request_address(p.request, settings.trusted_proxies),
        request_device(p.request, settings.secret_key, username),
    )
    if attempt.wait:
        return p.render(
            "login.html",
            status=429,
            headers={"Retry-After": str(attempt.wait)},
            next=target,
            username=username,
            error=p.t("login.limited", seconds=attempt.wait),
        )
    with p.state.db.session() as db:
        found = repo.find_user(db, username) if username and fits else None
    checked = password if fits else ""
    if not verify_password(found[1] if found else None, checked) or found is None:
        source = request_source(p.request, settings.trusted_proxies)
        with p.state.db.session() as db:
            repo.audit_failed_login(db, username, detail=f"web {source}")
        return p.render(
            "login.html",
            status=401,
            next=target,
            username=username,
            error=p.t("login.failed"),
        )
    actor, password_hash = found
    p.state.limiter.succeeded(attempt)
    with p.state.db.session() as db:
        if needs_rehash(password_hash):
            repo.set_password_hash(db, actor.user_id, hash_password(password))
        token, _ = repo.create_session(
            db, actor.user_id, "web", timedelta(hours=settings.session_hours)
        )
        repo.audit(db, actor, "login")
    response = _redirect(target)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.session_hours * 3600),
        **session_cookie_attributes(settings),
    )
    set_device_cookie(response, settings, actor.username)
    p.finish(response)
    return response


@router.post("/logout")
def logout(p: Page = Depends(page)) -> Response:
    if p.auth is not None:
        with p.state.db.session() as db:
            repo.end_session(db, p.auth.token)
            repo.audit(db, p.auth.actor, "logout")
    response = _redirect("/")
    response.delete_cookie(SESSION_COOKIE, **session_cookie_attributes(p.state.settings))
    return response


# ---------------------------------------------------------------- case list


@router.get("/cases")
def case_list(
    p: Page = Depends(clinician_page),
    q: str = Query("", max_length=100),
    status: str = Query("", max_length=32),
    category: str = Query("", max_length=32),
    differ: str = Query("", max_length=8),
    deleted: str = Query("", max_length=200),
) -> HTMLResponse:
    status = status if status in STATUSES else ""
    category = category if category in CATEGORIES else ""
    only_differ = differ == "1"
    with p.state.db.session() as db:
        summaries = case_ops.search(
            db, p.actor, q, status=status, category=category, differ=only_differ
        )
    return p.render(
        "cases.html",
        cases=summaries,
        q=q,
        status_filter=status,
        category=category,
        differ=only_differ,
        statuses=STATUSES,
        categories=CATEGORIES,
        deleted=deleted,
    )


# ---------------------------------------------------------------- case page


def _assessment_view(
    assessment: dict[str, Any], t: Translator, case: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the templates need beyond the raw assessment: options grouped by priority,
    what to complete for each missing item, in the page's language (the lesions of an
    unknown uptake named from ``case``, the case assessed)."""
    recs = sorted(
        assessment.get("recommendations") or [],
        key=lambda r: (PRIORITY_ORDER.get(str(r.get("priority")), 9), str(r.get("id"))),
    )
    return {
        "options": recs,
        "missing_anchors": MISSING_ANCHORS,
        "missing": missing_actions(assessment, t, case),
    }


def _case_page(
    p: Page, stored: repo.StoredCase, version: repo.StoredVersion, *, current: bool
) -> HTMLResponse:
    assessment = version.assessment_in(p.lang)
    rules = plot_rules()
    engine_now, rules_now = engine_version()
    case_url = f"/cases/{quote(stored.summary.ref)}"  # "id~centre" for another centre's case
    plot_list = [
        {
            "name": name,
            "title": p.t(f"case.plot_{name}"),
            "url": f"{case_url}/v{version.version}/{name}.svg?lang={p.lang}",
            "alt": plots.alt_text(name, version.case, assessment, p.t, rules.threshold_gbq),
            "size": plots.size_px(name, version.case, assessment, p.t),
        }
        for name in plots.plots_for(assessment)
    ]
    return p.render(
        "case.html",
        summary=stored.summary,
        version=version,
        case=version.case,
        a=assessment,
        view=_assessment_view(assessment, p.t, version.case),
        figures=key_figures(version.case, assessment, p.t),
        definitions=definitions_view(assessment, version.case, p.t),
        differ=repo.definitions_differ(assessment),
        scans=scan_table(version.case, p.t),
        uptake=uptake_by_lesion(version.case),
        timeline=timeline(version.case),
        plots=plot_list,
        is_current=current,
        engine_changed=(version.engine_version, version.rules_version) != (engine_now, rules_now),
        engine_now=engine_now,
        saved=p.request.query_params.get("saved"),
        unchanged=bool(p.request.query_params.get("unchanged")),
    )


@router.get("/cases/new")
def new_case(p: Page = Depends(clinician_page)) -> HTMLResponse:
    state = EditorState()
    return _render_editor(p, state, None, 0, show_errors=False)  # nothing typed yet


@router.get("/cases/import")
def import_form(p: Page = Depends(clinician_page)) -> HTMLResponse:
    return p.render("import.html", text="")


@router.get("/cases/{case_id}")
def case_page(case_id: str, p: Page = Depends(clinician_page)) -> HTMLResponse:
    with p.state.db.session() as db:
        stored = _or_404(lambda: case_ops.view(db, p.actor, case_id))
    return _case_page(p, stored, stored.current, current=True)


@router.get("/cases/{case_id}/versions/{version}")
def version_page(
    case_id: str,
    version: int = Path(ge=1, le=MAX_VERSION),
    p: Page = Depends(clinician_page),
) -> HTMLResponse:
    with p.state.db.session() as db:
        stored = _or_404(lambda: repo.get_case(db, p.actor, case_id))
        old = _or_404(lambda: repo.get_version(db, p.actor, case_id, version))
        repo.audit(db, p.actor, "view", case_id, f"version {version}")
    return _case_page(p, stored, old, current=old.version == stored.summary.version)


def _or_404(fetch: Any) -> Any:
    try:
        return fetch()
    except CaseNotFound as exc:
        raise NotFound() from exc


class PlotFailed(WebError):
    """The stored data cannot be drawn (the page still has the numbers in tables)."""

    status = 422
    key = "plot_failed"


@router.get("/cases/{case_id}/v{version}/{name}.svg")
def plot(
    case_id: str,
    name: str,
    version: int = Path(ge=1, le=MAX_VERSION),
    p: Page = Depends(clinician_page),
) -> Response:
    """A plot of one stored version, cached by its content (never by the reusable case id).

    Sent ``private, no-cache`` with an ETag: the browser asks again each time (the access
    check runs) and gets 304 when nothing changed.
    """
    if name not in plots.PLOTS:
        raise NotFound()
    with p.state.db.session() as db:
        stored = _or_404(lambda: repo.get_version(db, p.actor, case_id, version))
        repo.audit(db, p.actor, "view", case_id, f"plot {name} version {version}")
    rules = plot_rules()
    assessment = stored.assessment_in(p.lang)
    key = plots.content_key(name, p.lang, stored.case, assessment, rules)
    etag = f'"{key[:40]}"'
    headers = {"Cache-Control": "private, no-cache", "ETag": etag}
    if etag in p.request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)

    def draw() -> bytes:
        return plots.render(
            name,
            stored.case,
            assessment,
            p.lang,
            threshold_gbq=rules.threshold_gbq,
            pr_factor=rules.pr_factor,
            pd_factor=rules.pd_factor,
        )

    try:
        svg = p.state.plots.get(key, draw)
    except (ValueError, OverflowError, ArithmeticError, TypeError, KeyError) as exc:
        raise PlotFailed() from exc  # odd stored data (e.g. a date in year 1): a page, not 500
    return Response(svg, media_type="image/svg+xml", headers=headers)


def _download(obj: object, filename: str) -> Response:
    body = json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
    return Response(
        body.encode(),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _audited_version(
    p: Page, case_id: str, version: int | None, action: str, what: str
) -> repo.StoredVersion:
    """Version ``version`` of the case (its current one when None), its reading audited as
    ``action`` ("<what> version N")."""
    stored: repo.StoredVersion
    with p.state.db.session() as db:
        if version is None:
            stored = _or_404(lambda: repo.get_case(db, p.actor, case_id)).current
        else:
            stored = _or_404(lambda: repo.get_version(db, p.actor, case_id, version))
        repo.audit(db, p.actor, action, case_id, f"{what} version {stored.version}")
    return stored


@router.get("/cases/{case_id}/case.json")
def download_case(
    case_id: str,
    p: Page = Depends(clinician_page),
    version: int | None = Query(None, ge=1, le=MAX_VERSION),
) -> Response:
    stored = _audited_version(p, case_id, version, "download", "case")
    return _download(stored.case, f"{case_id}.json")


@router.get("/cases/{case_id}/assessment.json")
def download_assessment(
    case_id: str,
    p: Page = Depends(clinician_page),
    version: int | None = Query(None, ge=1, le=MAX_VERSION),
) -> Response:
    stored = _audited_version(p, case_id, version, "download", "assessment")
    return _download(stored.assessment_in(p.lang), f"{case_id}.assessment.{p.lang}.json")


@router.get("/cases/{case_id}/fhir.json")
def download_fhir(
    case_id: str,
    p: Page = Depends(clinician_page),
    version: int | None = Query(None, ge=1, le=MAX_VERSION),
) -> Response:
    """The case and its assessment as a FHIR R4 collection Bundle (docs/fhir-mapping.md)."""
    stored = _audited_version(p, case_id, version, "fhir_export", "fhir")
    bundle = case_to_bundle(stored.case, stored.assessment_in(p.lang))
    response = _download(bundle, f"{case_id}.fhir.json")
    response.media_type = "application/fhir+json"
    response.headers["content-type"] = "application/fhir+json"
    return response


@router.post("/cases/{case_id}/reassess")
def reassess(case_id: str, p: Page = Depends(clinician_page)) -> Response:
    with p.state.db.session() as db:
        stored = _or_404(lambda: repo.get_case(db, p.actor, case_id))
        # A concurrent save already carries the current engine: nothing to redo then.
        with contextlib.suppress(StaleVersion):
            case_ops.update(
                db,
                p.actor,
                case_id,
                stored.summary.version,
                stored.current.case,
                note="reassessed",
                action="update",
            )
    return _redirect(f"/cases/{quote(case_id)}")


@router.post("/cases/{case_id}/delete")
def delete(case_id: str, p: Page = Depends(clinician_page)) -> Response:
    with p.state.db.session() as db:
        repo.audit(db, p.actor, "delete", case_id)  # first: it keeps the internal key
        try:
            repo.delete_case(db, p.actor, case_id)
        except CaseNotFound as exc:
            raise NotFound() from exc
        except Forbidden as exc:
            raise ForbiddenAction() from exc
    p.state.plots.clear()  # nothing drawn from a deleted case stays in memory
    return _redirect(f"/cases?deleted={quote(case_id, safe='')}")  # said on the list


# ---------------------------------------------------------------- history


@router.get("/cases/{case_id}/history")
def history(case_id: str, p: Page = Depends(clinician_page)) -> HTMLResponse:
    with p.state.db.session() as db:
        stored = _or_404(lambda: repo.get_case(db, p.actor, case_id))
        versions = repo.list_versions(db, p.actor, case_id)
        repo.audit(db, p.actor, "view", case_id, "history")
    return p.render("history.html", summary=stored.summary, versions=versions)


def _flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for key, value in obj.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out or {prefix: {}}
    if isinstance(obj, list):
        out = {}
        for index, value in enumerate(obj):
            out.update(_flatten(value, f"{prefix}[{index}]"))
        return out or {prefix: []}
    return {prefix: obj}


def case_diff(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(path, value in a, value in b) for every leaf that differs; None = absent."""
    flat_a, flat_b = _flatten(a), _flatten(b)
    paths = sorted(set(flat_a) | set(flat_b))
    return [
        (path, flat_a.get(path), flat_b.get(path))
        for path in paths
        if flat_a.get(path) != flat_b.get(path)
    ]


@dataclass(frozen=True)
class DiffRow:
    """One changed field of the comparison page: its path, the path in words (the editor's
    words, '' when there are none), what names its row (a date, a lesion id), and each
    version's value as (words, code beside them or '') or None when absent."""

    path: str
    words: str
    row: str
    old: tuple[str, str] | None
    new: tuple[str, str] | None


_ROW_PATH = re.compile(r"^([a-z_]+)\[([0-9]+)\]")


def _row_key(path: str, a: dict[str, Any], b: dict[str, Any]) -> str:
    """What names the row of ``path`` in each version: a lesion's id, another row's date;
    both, with an arrow, when the row's changed."""
    match = _ROW_PATH.match(path)
    if match is None:
        return ""
    section, row = match.group(1), int(match.group(2))
    key = "id" if section == "lesions" else "date"
    said: list[str] = []
    for case in (a, b):
        items = case.get(section)
        item = items[row] if isinstance(items, list) and row < len(items) else None
        value = item.get(key) if isinstance(item, dict) else None
        if isinstance(value, str) and value and value not in said:
            said.append(value)
    return " → ".join(said)


def _said_value(value: Any, vocabulary: str | None, t: Translator) -> tuple[str, str] | None:
    """A value of the case in words, its code beside them when they differ."""
    if value is None:
        return None
    if isinstance(value, bool):
        return (t("editor.yes") if value else t("editor.no"), "")
    if vocabulary and isinstance(value, str):
        word = t.label(vocabulary, value)
        return (word, value if word != value else "")
    if isinstance(value, (dict, list)):
        return (json.dumps(value, ensure_ascii=False), "")
    return (str(value), "")


def diff_rows(a: dict[str, Any], b: dict[str, Any], t: Translator) -> list[DiffRow]:
    """``case_diff`` in words: each path as the editor names its field, values in words."""
    rows = []
    for path, old, new in case_diff(a, b):
        vocabulary = case_path_vocabulary(path)
        rows.append(
            DiffRow(
                path=path,
                words=case_path_label(path, t.lang),
                row=_row_key(path, a, b),
                old=_said_value(old, vocabulary, t),
                new=_said_value(new, vocabulary, t),
            )
        )
    return rows


@router.get("/cases/{case_id}/compare")
def compare(
    case_id: str,
    p: Page = Depends(clinician_page),
    a: int = Query(1, ge=1, le=MAX_VERSION),
    b: int = Query(1, ge=1, le=MAX_VERSION),
) -> HTMLResponse:
    with p.state.db.session() as db:
        stored = _or_404(lambda: repo.get_case(db, p.actor, case_id))
        va = _or_404(lambda: repo.get_version(db, p.actor, case_id, a))
        vb = _or_404(lambda: repo.get_version(db, p.actor, case_id, b))
        repo.audit(db, p.actor, "view", case_id, f"compare {a} {b}")
    ra = va.assessment_in(p.lang)
    rb = vb.assessment_in(p.lang)
    opts_a = {r["id"]: r for r in ra.get("recommendations") or []}
    opts_b = {r["id"]: r for r in rb.get("recommendations") or []}
    return p.render(
        "compare.html",
        summary=stored.summary,
        va=va,
        vb=vb,
        ra=ra,
        rb=rb,
        diff=diff_rows(va.case, vb.case, p.t),
        added=[opts_b[k] for k in opts_b if k not in opts_a],
        removed=[opts_a[k] for k in opts_a if k not in opts_b],
    )


# ---------------------------------------------------------------- editor


@dataclass(frozen=True)
class FhirLeft:
    """What a FHIR import did not take into the case (``unmapped``) and its notes on what
    it took under an assumption, each as (path, said in the page's language). Shown after
    the import, and on the editor when the case opens there (an id already taken, an
    invalid case), where the form carries them (``fhir_left``) from one post to the next."""

    unmapped: tuple[tuple[str, str], ...] = ()
    notes: tuple[tuple[str, str], ...] = ()

    FIELD: ClassVar[str] = "fhir_left"

    @classmethod
    def of(cls, result: ImportResult, lang: Lang) -> FhirLeft:
        return cls(
            unmapped=tuple((u.path, unmapped_text(u, lang)) for u in result.unmapped),
            notes=tuple((u.path, unmapped_text(u, lang)) for u in result.notes),
        )

    @classmethod
    def from_form(cls, raw: str) -> FhirLeft | None:
        """The lists the editor form carried; None when there are none (or not readable)."""
        data = read_hidden_json(raw)
        if not isinstance(data, dict):
            return None

        def pairs(items: Any) -> tuple[tuple[str, str], ...]:
            if not isinstance(items, list):
                return ()
            return tuple(
                (item[0], item[1])
                for item in items
                if isinstance(item, list)
                and len(item) == 2
                and all(isinstance(x, str) for x in item)
            )

        left = cls(pairs(data.get("unmapped")), pairs(data.get("notes")))
        return left or None

    def __bool__(self) -> bool:  # nothing left and no note: nothing to show
        return bool(self.unmapped or self.notes)

    def to_json(self) -> str:
        return json.dumps(
            {"unmapped": [list(x) for x in self.unmapped], "notes": [list(x) for x in self.notes]},
            ensure_ascii=False,
        )


def _preview(state: EditorState, lang: str) -> dict[str, Any]:
    """Validate and assess the editor's content: the assessment or the problems."""
    obj, index_maps = state.to_case()
    try:
        case = parse_case(obj)
    except CaseValidationError as exc:
        errors = problems_by_field(exc.problems, state, index_maps, lang)
        return {"assessment": None, "errors": errors, "count": len(exc.problems)}
    except CaseFormatError as exc:
        errors = {"": [error_text(exc, Translator(lang).lang)]}
        return {"assessment": None, "errors": errors, "count": 1}
    assessment = assess_one(case, lang)
    figures = key_figures(obj, assessment, Translator(lang))
    return {
        "assessment": assessment,
        "errors": {},
        "count": 0,
        "figures": figures,
        "case": obj,
    }


def _form_action(case_id: str | None) -> str:
    """Where the editor form posts (its add and remove buttons too): not the page's own
    address, which is ``/cases/import`` when an import opens the editor."""
    return "/cases/new" if not case_id else f"/cases/{quote(case_id, safe='')}/edit"


def _render_editor(
    p: Page,
    state: EditorState,
    case_id: str | None,
    version: int,
    *,
    focus: str = "",
    conflict: StaleVersion | None = None,
    message: str = "",
    show_errors: bool = True,
    field_errors: dict[str, list[str]] | None = None,
    fhir_left: FhirLeft | None = None,
) -> HTMLResponse:
    preview = _preview(state, p.lang)
    errors = preview["errors"] if show_errors else {}
    if field_errors:  # problems the case alone does not show (an id already taken)
        errors = {**field_errors, **errors}
        preview["count"] += sum(len(msgs) for msgs in field_errors.values())
        focus = focus or next(iter(field_errors))
    return p.render(
        "editor.html",
        state=state,
        case_id=case_id,
        version=version,
        note=p.field("note"),  # the version note as typed, through every round trip
        preview=preview,
        errors=errors,
        focus=focus,
        conflict=conflict,
        message=message,
        field_id=field_id,
        error_anchor=error_anchor,
        field_label=lambda name: field_label(name, state, p.lang),
        view=_assessment_view(preview["assessment"] or {}, p.t, preview.get("case")),
        fhir_left=fhir_left if case_id is None else None,
        form_action=_form_action(case_id),
    )


def _editor_post(p: Page, case_id: str | None) -> Response:
    state = EditorState.from_form(p.form.multi_items())
    try:
        version = int(p.field("version") or 0)
    except ValueError:
        version = 0
    if case_id is not None:
        state.values["id"] = repo.split_ref(case_id)[0]  # the URL may name it "id~centre"
    left = FhirLeft.from_form(p.field(FhirLeft.FIELD)) if case_id is None else None
    conflict = _carried_conflict(p, case_id)
    action = p.field("action")
    if action.startswith("add:") and action[4:] in SECTIONS:
        section = action[4:]
        row = state.add_row(section)
        first = {
            "rai": "date",
            "lesions": "id",
            "scans": "date",
            "imaging": "date",
            "labs": "date",
            "molecular": "gene",
        }[section]
        return _render_editor(
            p,
            state,
            case_id,
            version,
            focus=f"{section}[{row}].{first}",
            conflict=conflict,
            show_errors=False,
            fhir_left=left,
        )
    if action.startswith("remove:"):
        section, _, index = action[7:].partition(":")
        focus = ""
        if section in SECTIONS and index.isdigit():
            state.remove_row(section, int(index))
            # the focus stays in the section (the removed button is gone): on the "Remove"
            # of the row now in its place, else of the row before, else on "Add"
            left_rows = state.counts[section]
            focus = (
                f"remove:{section}:{min(int(index), left_rows - 1)}"
                if left_rows
                else f"add:{section}"
            )
        return _render_editor(
            p,
            state,
            case_id,
            version,
            focus=focus,
            conflict=conflict,
            show_errors=False,
            fhir_left=left,
        )
    if action == "lang":  # the header's language switch: the same form, in ``?lang=``
        return _render_editor(
            p, state, case_id, version, conflict=conflict, show_errors=False, fhir_left=left
        )
    obj, _ = state.to_case()
    note = p.field("note")
    if len(note) > repo.NOTE_MAX:  # refused whole, never cut: the typing comes back
        said = p.t("editor.note_long", count=whole(len(note), p.t.lang), max=repo.NOTE_MAX)
        page = _render_editor(
            p, state, case_id, version, field_errors={NOTE_FIELD: [said]}, fhir_left=left
        )
        page.status_code = 422
        return page
    with p.state.db.session() as db:
        if case_id is not None:
            current = _or_404(lambda: repo.get_case(db, p.actor, case_id))
            if _same_json(current.current.case, obj):  # nothing changed: no new version
                return _redirect(f"/cases/{quote(case_id)}?unchanged=1")
        try:
            if case_id is None:
                stored = case_ops.create(db, p.actor, obj, note=note)
            else:
                stored = case_ops.update(db, p.actor, case_id, version, obj, note=note)
        except (CaseValidationError, CaseFormatError):
            db.rollback()
            return _render_editor(p, state, case_id, version, conflict=conflict, fhir_left=left)
        except CaseExists:
            db.rollback()
            return _id_taken(p, state, left)
        except StaleVersion as stale:
            db.rollback()
            # 409 as in the API; the page still shows what was typed, now on the new version
            page = _render_editor(p, state, case_id, stale.current_version, conflict=stale)
            page.status_code = 409
            return page
        except CaseNotFound as exc:
            raise NotFound() from exc
    saved = stored.summary
    return _redirect(f"/cases/{quote(saved.ref)}?saved={saved.version}")


def _carried_conflict(p: Page, case_id: str | None) -> StaleVersion | None:
    """The conflict notice of an editor form that comes back unsaved (the language switch,
    a row added or removed, a refused save): the form carries the version someone else
    saved (``conflict``, written under the notice), and who saved it and when are read
    again from that version. None when there is none, or no such version of the case."""
    raw = p.field("conflict")
    if case_id is None or not (raw.isascii() and raw.isdigit() and len(raw) <= 10):
        return None
    with p.state.db.session() as db:
        try:
            saved = repo.get_version(db, p.actor, case_id, int(raw))
        except CaseNotFound:
            return None
    return StaleVersion(saved.version, saved.author, saved.created_at)


def _id_taken(p: Page, state: EditorState, fhir_left: FhirLeft | None = None) -> HTMLResponse:
    """The editor again, what was typed kept, the identifier marked as taken beside it."""
    return _render_editor(
        p, state, None, 0, field_errors={"id": [p.t("editor.exists")]}, fhir_left=fhir_left
    )


def _same_json(a: object, b: object) -> bool:
    """Equal as JSON, types included (``100`` and ``100.0`` differ, key order does not)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@router.post("/cases/new")
def new_case_post(p: Page = Depends(clinician_page)) -> Response:
    return _editor_post(p, None)


@router.get("/cases/{case_id}/edit")
def edit_case(case_id: str, p: Page = Depends(clinician_page)) -> HTMLResponse:
    with p.state.db.session() as db:
        stored = _or_404(lambda: case_ops.view(db, p.actor, case_id))
    state = EditorState.from_case(stored.current.case)
    return _render_editor(p, state, case_id, stored.summary.version)


@router.post("/cases/{case_id}/edit")
def edit_case_post(case_id: str, p: Page = Depends(clinician_page)) -> Response:
    return _editor_post(p, case_id)


@router.post("/cases/preview")
def preview(p: Page = Depends(clinician_page)) -> HTMLResponse:
    """The live assessment panel (HTMX), with field errors and, if needed, a new grid."""
    state = EditorState.from_form(p.form.multi_items())
    case_id = p.field("case_id") or None
    if case_id:
        state.values["id"] = case_id
    result = _preview(state, p.lang)
    return p.render(
        "_preview.html",
        state=state,
        preview=result,
        errors=result["errors"],
        view=_assessment_view(result["assessment"] or {}, p.t, result.get("case")),
        field_id=field_id,
        error_anchor=error_anchor,
        field_label=lambda name: field_label(name, state, p.lang),
        regrid=p.field("grid_signature") != state.grid_signature(),
        case_id=case_id,
        form_action=_form_action(case_id),
    )


# ---------------------------------------------------------------- import


@router.post("/cases/import")
def import_post(p: Page = Depends(clinician_page)) -> Response:
    upload = p.form.get("file")
    text = p.field("text")
    if p.field("action") == "lang":  # the header's language switch: the page again, in ?lang=
        return p.render("import.html", text=text)
    data: bytes | str = text
    named = ""  # the file uploaded, named in a format error (as the CLI names its file)
    if isinstance(upload, UploadFile) and upload.filename:
        data = upload.file.read(5 * 1024 * 1024 + 1)
        named = upload.filename
    if not data or (isinstance(data, str) and not data.strip()):
        return p.render("import.html", text=text, error=p.t("import.empty"))

    def unreadable(exc: CaseFormatError) -> str:
        said = error_text(exc, p.t.lang)
        return f"{named}{colon(p.t.lang)} {said}" if named else said

    try:
        fhir = read_fhir(data)
    except FhirImportError as exc:
        said = "; ".join(f"{pr.path}: {problem_text(pr, p.t.lang)}" for pr in exc.problems)
        return p.render(
            "import.html", status=422, text=text, error=p.t("import.fhir_error", message=said)
        )
    except CaseFormatError as exc:
        return p.render(
            "import.html",
            status=422,
            text=text,
            error=p.t("import.fhir_error", message=unreadable(exc)),
        )
    if fhir is not None:
        return _import_fhir(p, fhir, text)
    try:
        case = load_case(data)
    except CaseFormatError as exc:
        return p.render(
            "import.html",
            status=422,
            text=text,
            error=p.t("import.format_error", message=unreadable(exc)),
        )
    except CaseValidationError as exc:
        raw = json.loads(data)
        if beyond_editor(raw):
            return _too_long_to_edit(p, exc, text)
        state = EditorState.from_case(raw)
        return _render_editor(p, state, None, 0, message=p.t("import.invalid"))
    stored = _store_import(p, case)
    if isinstance(stored, Response):
        return stored
    return _redirect(f"/cases/{quote(stored.summary.case_id)}?saved=1")


def _too_long_to_edit(p: Page, exc: CaseValidationError, text: str) -> HTMLResponse:
    """An imported case with a list longer than the editor holds: refused on the import
    page, naming the lists (``validate_case`` reports the lists beyond the limits alone),
    not opened in an editor of that many rows (``row_cap``)."""
    said = "; ".join(
        f"{pr.path}{colon(p.t.lang)} {problem_text(pr, p.t.lang)}" for pr in exc.problems
    )
    return p.render(
        "import.html", status=422, text=text, error=p.t("import.format_error", message=said)
    )


def _store_import(
    p: Page, case: Case, fhir_left: FhirLeft | None = None
) -> repo.StoredCase | Response:
    """Store an imported case; an id already taken opens the editor on it instead (with
    what a FHIR import left out)."""
    with p.state.db.session() as db:
        try:
            stored = case_ops.create(db, p.actor, case.to_json(), action="import")
        except CaseExists:
            db.rollback()
            return _id_taken(p, EditorState.from_case(case.to_json()), fhir_left)
    return stored


def _import_fhir(p: Page, fhir: ImportResult, text: str) -> Response:
    """Store the case read from FHIR and show what was not taken into it, and the notes
    on what was (assumptions, preliminary results)."""
    left = FhirLeft.of(fhir, p.t.lang)
    try:
        case = parse_case(fhir.case)
    except (CaseValidationError, CaseFormatError) as exc:
        if isinstance(exc, CaseValidationError) and beyond_editor(fhir.case):
            return _too_long_to_edit(p, exc, text)
        state = EditorState.from_case(fhir.case)
        return _render_editor(p, state, None, 0, message=p.t("import.invalid"), fhir_left=left)
    stored = _store_import(p, case, left)
    if isinstance(stored, Response):
        return stored
    return p.render("import.html", text="", imported=stored.summary, fhir_left=left)


# ---------------------------------------------------------------- audit


@router.get("/admin/audit")
def audit_log(
    p: Page = Depends(admin_page),
    case: str = Query("", max_length=64),
    user: str = Query("", max_length=64),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> HTMLResponse:
    with p.state.db.session() as db:
        entries = repo.list_audit(
            db, case_id=case or None, username=user or None, limit=200, offset=offset
        )
    details = [audit_detail(e.detail or "", p) for e in entries]
    return p.render(
        "audit.html",
        entries=list(zip(entries, details, strict=True)),
        case_filter=case,
        user_filter=user,
        offset=offset,
    )


_AUDIT_DETAILS = (
    (re.compile(r"^version (\d+)$"), "audit.d.version", ("n",)),
    (re.compile(r"^compare (\d+) (\d+)$"), "audit.d.compare", ("a", "b")),
    (re.compile(r"^history$"), "audit.d.history", ()),
    (re.compile(r"^case version (\d+)$"), "audit.d.case_version", ("n",)),
    (re.compile(r"^assessment version (\d+)$"), "audit.d.assessment_version", ("n",)),
    (re.compile(r"^fhir version (\d+)$"), "audit.d.fhir_version", ("n",)),
    (re.compile(r"^plot ([a-z_]+) version (\d+)$"), "audit.d.plot", ("name", "n")),
    (re.compile(r"^meeting (\d+)$"), "audit.d.meeting", ("m",)),
    (re.compile(r"^meeting (\d+) item (\d+)$"), "audit.d.agenda", ("m", "item")),
    (re.compile(r"^meeting (\d+) decision (\d+)$"), "audit.d.decision", ("m", "d")),
    (
        re.compile(r"^meeting (\d+) decision (\d+) amends (\d+)$"),
        "audit.d.decision_amends",
        ("m", "d", "a"),
    ),
    (re.compile(r"^board sheet version (\d+)$"), "audit.d.board_sheet_version", ("n",)),
    (re.compile(r"^board sheet item (\d+)$"), "audit.d.board_sheet_item", ("item",)),
    (re.compile(r"^careplan item (\d+)$"), "audit.d.careplan_item", ("item",)),
    (re.compile(r"^patient letter item (\d+)$"), "audit.d.patient_letter_item", ("item",)),
)


def audit_detail(detail: str, p: Page) -> tuple[str, str]:
    """(words, code): an audit detail said in the page's language, else kept as a code."""
    for pattern, key, names in _AUDIT_DETAILS:
        match = pattern.match(detail)
        if match:
            values = dict(zip(names, match.groups(), strict=True))
            if "name" in values and p.t.has(f"case.plot_{values['name']}"):
                values["name"] = p.t(f"case.plot_{values['name']}")  # the plot's title
            return p.t(key, **values), ""
    return "", detail
