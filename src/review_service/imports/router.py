"""HTTP edge of imports (API.md "Wave 2" Importing): multipart uploads in, the report out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile

from review_service.dependencies import NowDep, SessionDep, WritePrincipal
from review_service.imports import service
from review_service.imports.file_errors import ImportFileError
from review_service.imports.schemas import ImportReport
from review_service.limits import LocalAuthorityCode
from review_service.problems import ProblemError, problem_responses
from review_service.request_guard import max_body_bytes
from review_service.settings import Settings

router = APIRouter(prefix="/v1/imports", tags=["imports"])

AuthorityField = Annotated[
    LocalAuthorityCode | None,
    Form(description="The authority to import into; required for a token bound to none."),
]
DryRunField = Annotated[bool, Form(description="Report what the import would do; write nothing.")]


class ImportFileRefused(ProblemError):
    """A file refused whole: 422 naming the file and its columns, 413 over the size limit."""

    slug, title = "import-file-refused", "An import file is refused"

    def __init__(self, error: ImportFileError) -> None:
        super().__init__(str(error))
        self.status = error.status


def _import_body_limit(settings: Settings) -> int:
    # Each file is bounded by the file layer (413 naming it); the body carries up to three
    # files plus multipart framing, so the edge lets that much through and no more.
    return 3 * settings.import_max_file_bytes + 64 * 1024


def _example(fields: dict[str, str]) -> dict[str, object]:
    content = {"multipart/form-data": {"example": {**fields, "local_authority": "E09000001"}}}
    return {"requestBody": {"content": content}}


@router.post(
    "/ssda903",
    response_model=ImportReport,
    responses=problem_responses(400, 401, 403, 413, 422),
    openapi_extra=_example(
        {"header": "(header.csv)", "episodes": "(episodes.csv)", "reviews": "(reviews.csv)"}
    ),
)
@max_body_bytes(_import_body_limit)
def import_ssda903(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    header: Annotated[UploadFile, File(description="The SSDA903 HEADER table (CSV).")],
    episodes: Annotated[UploadFile, File(description="The SSDA903 EPISODES table (CSV).")],
    reviews: Annotated[UploadFile, File(description="The SSDA903 REVIEWS table (CSV).")],
    request: Request,
    local_authority: AuthorityField = None,
    dry_run: DryRunField = False,
) -> ImportReport:
    """Import looked-after children, their periods of care and held reviews. A child with any
    rejected row is rejected whole; the same files twice change nothing."""
    authority = service.target_authority(principal, local_authority)
    try:
        return service.import_ssda903(
            session,
            authority,
            (header.file, episodes.file, reviews.file),
            dry_run=dry_run,
            now=now,
            max_bytes=request.app.state.settings.import_max_file_bytes,
        )
    except ImportFileError as error:
        raise ImportFileRefused(error) from None


@router.post(
    "/cin-census",
    response_model=ImportReport,
    responses=problem_responses(400, 401, 403, 413, 422),
    openapi_extra=_example({"file": "(census.xml)"}),
)
@max_body_bytes(_import_body_limit)
def import_cin_census(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    file: Annotated[UploadFile, File(description="The DfE CIN census XML.")],
    request: Request,
    local_authority: AuthorityField = None,
    dry_run: DryRunField = False,
) -> ImportReport:
    """Import child protection plans with their reviews, and child in need plans."""
    authority = service.target_authority(principal, local_authority)
    try:
        return service.import_cin_census(
            session,
            authority,
            file.file,
            dry_run=dry_run,
            now=now,
            max_bytes=request.app.state.settings.import_max_file_bytes,
        )
    except ImportFileError as error:
        raise ImportFileRefused(error) from None
