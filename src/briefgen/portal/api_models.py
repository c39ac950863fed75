"""The JSON API's shapes: what ``/api/...`` answers, and what the OpenAPI description at
``/openapi.json`` says it answers."""

from __future__ import annotations

from pydantic import BaseModel


class FileModel(BaseModel):
    format: str
    bytes: int
    sha256: str
    pages: int | None
    built: str | None
    url: str


class BriefModel(BaseModel):
    id: str
    title: str
    audience: str
    marking: str
    date: str
    reference: str
    edition: str
    spec: str
    state: str
    building: str | None  # the id of the job building it, if any
    draft: bool  # built as a draft (DRAFT on every page)
    stale_because: list[str]  # when stale: which input changed, or which option differed
    problems: list[str]
    files: list[FileModel]
    preview_url: str | None


class JobModel(BaseModel):
    id: str
    state: str
    specs: list[str]
    done: int
    total: int
    current: str
    problems: list[str]
    requested_by: str | None  # the account that asked for it
    url: str


class StateChange(BaseModel):
    queued: int  # specs queued by this request
    job: JobModel | None
