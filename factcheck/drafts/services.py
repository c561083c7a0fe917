"""Writes for drafts: loading a draft (text, file or link) into a revision and its units."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from factcheck import events
from factcheck.analysis.loaders import (
    Loaded,
    LoadError,
    check_size,
    decode_text,
    load_content,
    load_file,
)
from factcheck.analysis.normalise import normalise_text, title_from_text
from factcheck.analysis.segment import Unit, segment
from factcheck.drafts.models import Draft, ReaderSettings, Revision, Sentence
from factcheck.errors import FactcheckError
from factcheck.fetch import FetchError, Limits, allow_networks, display_link, fetch
from factcheck.history.services import (
    audit_record,
    changed_fields,
    lock_for_change,
    save_with_history,
)
from factcheck.newsrooms.access import Capability, may, require
from factcheck.newsrooms.models import Newsroom
from factcheck.outcome import Done

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TITLE_MAX = 300


class DraftInputError(FactcheckError):
    """Input we refuse; ``str(exc)`` is a message fit to show the user."""


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@dataclass(frozen=True)
class DraftText:
    """A draft's input read, normalised and segmented: what a revision is made of."""

    text: str  # normalised (analysis.normalise): the revision's text
    units: list[Unit]
    title_hint: str  # a title the file itself gives (HTML <title>, a .docx's title), if any
    filename: str
    byline: str = ""  # the author the source names, if any
    source_url: str = ""  # the link the text was fetched from, if any


def draft_text_read(
    *,
    text: str | bytes | None = None,
    upload: Upload | None = None,
    url: str | None = None,
) -> DraftText:
    """Read pasted ``text``, an ``upload`` or the page at ``url`` (fetched by
    :func:`factcheck.fetch.fetch`, in this request; then through the loaders' safety checks),
    normalise and segment it, writing nothing: a new draft (:func:`draft_import`) and a new
    revision of one (``claims.revisions.revision_load``) both start here, so a refused input
    (DraftInputError) is refused before any row is written."""
    if sum(given is not None for given in (text, upload, url)) != 1:
        raise DraftInputError(
            "Paste the draft's text, upload a file or give a link (one of the three)."
        )
    if url is not None:
        loaded, source_url = _read_link(url)
        return _draft_text(loaded, "", source_url)
    loaded, filename = _read_input(text=text, upload=upload)
    return _draft_text(loaded, filename)


def _draft_text(loaded: Loaded, filename: str, source_url: str = "") -> DraftText:
    normalised = normalise_text(loaded.text)
    if not normalised.strip():
        raise DraftInputError("The draft is empty: there is no text to check.")
    regions = loaded.regions
    if regions and normalised != loaded.text:
        # A loader that marks regions promises normalised text; offsets into anything else
        # would point at the wrong words, so the structure is dropped rather than misplaced.
        regions = ()
    units = segment(normalised, regions)
    return DraftText(
        normalised, units, loaded.title_hint, filename, loaded.byline[:300], source_url
    )


def draft_import(
    *,
    newsroom: Newsroom,
    by: User | None,
    text: str | bytes | None = None,
    upload: Upload | None = None,
    url: str | None = None,
    title: str = "",
    source: str = Revision.Source.PASTE,
    deadline: datetime | None = None,
) -> Draft:
    """Create a draft and its first revision from pasted ``text``, an ``upload`` or the page at
    ``url`` (then ``source`` is ``Revision.Source.URL``, and the revision keeps the link).

    Everything is checked and segmented before anything is written, and the writes happen in
    one transaction: a refused input leaves nothing behind. ``by=None`` is the command line
    acting without a user; otherwise ``by`` must be allowed to load drafts in ``newsroom``
    (checked before the link is fetched).
    """
    if by is not None and not may(by, newsroom.pk, Capability.LOAD_DRAFT):
        raise PermissionDenied(f"You cannot load drafts in {newsroom}.")
    read = draft_text_read(text=text, upload=upload, url=url)
    normalised, units = read.text, read.units
    chosen_title = " ".join(title.split()) or read.title_hint.strip() or title_from_text(normalised)
    with transaction.atomic():
        draft = Draft.objects.create(
            newsroom=newsroom,
            title=_clip(chosen_title or "Untitled draft"),
            created_by=by,
            deadline=deadline,
        )
        revision = Revision.objects.create(
            draft=draft,
            number=1,
            text=normalised,
            source=source,
            filename=read.filename,
            source_url=read.source_url,
            byline=read.byline,
            created_by=by,
        )
        sentences_store(revision=revision, units=units)
        audit_record(
            obj=draft,
            action="created",
            actor=by,
            summary=f"Loaded “{draft.title}” ({len(units)} units, {Revision.Source(source).label})",
            newsroom_id=newsroom.pk,
            draft_id=draft.pk,
        )
        # The analysis (insights) builds on drafts: it reacts inside this transaction, so a
        # small draft is analysed before the import returns, a large one queued on commit.
        events.emit(events.RevisionImported(revision=revision, units=len(units)))
    return draft


# The columns a unit gives each row; every other column of Sentence takes its model default.
_UNIT_COLUMNS = ("index", "start", "end", "kind", "block")


def sentences_store(*, revision: Revision, units: Sequence[Unit]) -> None:
    """Write ``units`` as the revision's Sentence rows, as ``bulk_create`` would (the other
    columns take their model defaults), with one statement whatever the draft's length.

    ``bulk_create`` builds a model instance and prepares eleven values for every unit, in
    batches of 90 rows on SQLite: most of a second of CPU for a 10,000-unit draft. Here only the
    unit's own five values are per row: on PostgreSQL one ``INSERT … SELECT`` from five arrays
    (``unnest``), which the server expands itself; elsewhere one prepared ``INSERT`` that
    ``executemany`` runs for each unit (SQLite does that in C).
    """
    if not units:
        return
    fields = [f for f in Sentence._meta.concrete_fields if not f.primary_key]
    per_row = [f for f in fields if f.name in _UNIT_COLUMNS]
    fixed = [f for f in fields if f.name not in _UNIT_COLUMNS]
    fixed_values = [
        revision.pk if f.name == "revision" else f.get_db_prep_save(f.get_default(), connection)
        for f in fixed
    ]
    quote = connection.ops.quote_name
    table = quote(Sentence._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fixed + per_row)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"CAST(%s AS {f.db_type(connection)}[])" for f in per_row)
            constants = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in fixed)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {constants}, u.* "  # noqa: S608
                f"FROM unnest({arrays}) AS u",
                [*fixed_values, *([getattr(u, f.name) for u in units] for f in per_row)],
            )
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                [[*fixed_values, *(getattr(u, f.name) for f in per_row)] for u in units],
            )


def draft_update(
    *,
    draft: Draft,
    by: User | None,
    expected_version: int | None,
    title: str,
    deadline: datetime | None,
) -> Draft:
    """Change a draft's title and deadline; a stale ``expected_version`` is a ConflictError."""
    title = " ".join(title.split())
    if not title:
        raise DraftInputError("A draft needs a title.")
    with transaction.atomic():
        current = _locked(draft, expected_version)
        _require(by, current, Capability.EDIT_DRAFT)
        values = {"title": _clip(title), "deadline": deadline}
        changes = changed_fields(current, values)
        if not changes:
            return current
        return _save(current, by, values, changes, "edited", "Edited the draft")


def draft_archive(*, draft: Draft, by: User | None) -> Draft:
    """Archive instead of delete: the draft and all its work stay, and it can be restored."""
    return _set_archived(draft, by, archived=True)


def draft_restore(*, draft: Draft, by: User | None) -> Draft:
    return _set_archived(draft, by, archived=False)


def _set_archived(draft: Draft, by: User | None, *, archived: bool) -> Draft:
    with transaction.atomic():
        current = _locked(draft, None)
        _require(by, current, Capability.EDIT_DRAFT)
        if (current.archived_at is not None) == archived:
            return current
        value = timezone.now() if archived else None
        action = "archived" if archived else "restored"
        changes = {"archived_at": (current.archived_at, value)}
        return _save(current, by, {"archived_at": value}, changes, action, action.capitalize())


def _locked(draft: Draft, expected_version: int | None) -> Draft:
    return lock_for_change(
        Draft.objects.all(),
        draft.pk,
        expected_version=expected_version,
        now=lambda d: f"titled “{d.title}”",
    )


def _require(by: User | None, draft: Draft, capability: Capability) -> None:
    message = f"Your role in {draft.newsroom} does not allow this."
    require(by=by, newsroom_id=draft.newsroom_id, capability=capability, message=message)


def _save(
    draft: Draft,
    by: User | None,
    values: Mapping[str, Any],
    changes: Mapping[str, tuple[Any, Any]],
    action: str,
    summary: str,
) -> Draft:
    return save_with_history(
        draft,
        by=by,
        values=values,
        changes=changes,
        action=action,
        summary=f"Draft “{draft.title}”: {summary}",
        newsroom_id=draft.newsroom_id,
        draft_id=draft.pk,
    )


def _read_input(*, text: str | bytes | None, upload: Upload | None) -> tuple[Loaded, str]:
    """Return (what was read, file name), or raise DraftInputError."""
    limit = settings.DRAFT_MAX_BYTES
    try:
        if upload is not None:
            return load_file(upload.name, upload.data, max_bytes=limit), upload.name[:255]
        assert text is not None
        data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
        check_size(None, len(data), max_bytes=limit)
        # Bytes (standard input) may be in a legacy encoding; text from a form is Unicode.
        decoded = decode_text(data, detect=isinstance(text, bytes))
        return Loaded(text=decoded, title_hint="", kind="txt"), ""
    except LoadError as exc:
        raise DraftInputError(str(exc)) from exc


def _read_link(url: str) -> tuple[Loaded, str]:
    """Fetch the page at ``url`` and read it by the type its server gave: (what was read, the
    link it came from after redirects), or DraftInputError."""
    try:
        fetched = fetch(url, fetch_limits())
        loaded = load_content(
            display_link(fetched.url),
            fetched.data,
            media_type=fetched.media_type,
            charset=fetched.charset,
            name=fetched.name,
            max_bytes=settings.DRAFT_MAX_BYTES,
        )
    except (FetchError, LoadError) as exc:
        raise DraftInputError(str(exc)) from exc
    return loaded, fetched.url


def fetch_limits() -> Limits:
    """The limits of a fetch, from the settings (a bad allow list fails loudly)."""
    try:
        allow = allow_networks(settings.DRAFT_FETCH_ALLOW_ADDRESSES)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DRAFT_FETCH_ALLOW_ADDRESSES: {exc}") from None
    return Limits(
        max_bytes=settings.DRAFT_MAX_BYTES,
        connect_seconds=float(settings.DRAFT_FETCH_CONNECT_SECONDS),
        total_seconds=float(settings.DRAFT_FETCH_TIMEOUT_SECONDS),
        user_agent=settings.DRAFT_FETCH_USER_AGENT,
        allow=allow,
    )


def upload_check_size(name: str, size: int) -> None:
    """Refuse an upload over the limit before it is read into memory."""
    try:
        check_size(name, size, max_bytes=settings.DRAFT_MAX_BYTES)
    except LoadError as exc:
        raise DraftInputError(str(exc)) from exc


def _clip(title: str) -> str:
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1].rstrip() + "…"


def reader_highlights_save(*, user: User, kinds: Iterable[str]) -> Done[ReaderSettings]:
    """Keep which part types ``user`` wants highlighted on the draft page (unknown ones are
    ignored). A choice already kept writes nothing. Not in any newsroom's history: it is the
    reader's own, and shows no one else anything."""
    wanted = " ".join(kind for kind in ReaderSettings.KINDS if kind in set(kinds))
    with transaction.atomic():
        settings_, created = ReaderSettings.objects.select_for_update().get_or_create(
            user=user, defaults={"highlights": wanted}
        )
        if created or settings_.highlights == wanted:
            return Done(settings_, created)
        settings_.highlights = wanted
        settings_.save(update_fields=["highlights"])
    return Done(settings_, True)
