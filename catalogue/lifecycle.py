"""The lifecycle of offerings, their revisions and their photos: one transition table.

Every storage method that changes a status asks :func:`step` first, inside its transaction
and before it writes anything; an action the table does not list raises
:class:`TransitionError` and the transaction changes nothing.

Offerings (``products.status``, :class:`~catalogue.taxonomy.Status`)::

    (none) ── submit (partner) / import ──▶ pending | published | draft
    pending ── approve ──▶ published        pending ── reject ──▶ rejected
    published ── approve / reject (an edit or new photos) ──▶ published
    rejected | draft | archived ── submit_edit (partner) ──▶ pending
    any but archived ── archive (staff) / withdraw (partner) ──▶ archived

Archiving withdraws the offering's pending revisions, so nothing queued before can publish
it again; approving or rejecting a revision of an archived offering is refused. A partner
may send an archived offering again (``submit_edit``): it becomes ``pending`` and goes
through moderation like a new one.

Revisions (``revisions.state``) and photos (``photos.review``) start ``pending`` and are
decided once: ``approve`` → approved, ``reject`` → rejected; a revision is also
``withdrawn`` when a newer one replaces it, the partner withdraws or staff archive.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from catalogue.taxonomy import Status


class RevisionState(StrEnum):
    """State of one revision (a partner's submission or edit) in the moderation queue."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class PhotoReview(StrEnum):
    """Whether staff have seen a photo: only ``approved`` photos are public."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Subject(StrEnum):
    """What a transition changes."""

    OFFERING = "offering"
    REVISION = "revision"
    PHOTO = "photo"


class Action(StrEnum):
    """Everything that changes an offering, a revision or a photo."""

    SUBMIT = "submit"  # a partner's new offering (the form)
    IMPORT_PUBLISHED = "import_published"  # a staff file import, published at once
    IMPORT_PENDING = "import_pending"  # a file import sent to moderation
    IMPORT_DRAFT = "import_draft"
    IMPORT_ARCHIVED = "import_archived"
    SUBMIT_EDIT = "submit_edit"  # a partner's edit through the private link
    ADD_PHOTOS = "add_photos"
    REMOVE_PHOTO = "remove_photo"
    APPROVE = "approve"
    REJECT = "reject"
    ARCHIVE = "archive"  # staff: closed for good
    WITHDRAW = "withdraw"  # the partner withdraws the offering
    CONFIRM_CURRENT = "confirm_current"  # staff checked a published entry is still right


class Role(StrEnum):
    """Who acts."""

    PARTNER = "partner"  # the edit-link holder or the public form
    STAFF = "staff"  # a logged-in moderator or admin
    IMPORT = "import"  # a file import by staff (command line, sample, staff page)


@dataclass(frozen=True)
class Transition:
    """One row of the table: ``subject`` in state ``source`` may take ``action`` by ``who``."""

    subject: Subject
    source: str | None  # None: the offering does not exist yet
    action: Action
    target: str
    who: frozenset[Role]


class TransitionError(LookupError):
    """An action the lifecycle table does not allow from the current state."""

    def __init__(
        self, subject: Subject, source: str | None, action: Action, role: Role, object_id: str = ""
    ) -> None:
        self.subject, self.source, self.action, self.role = subject, source, action, role
        allowed = sorted(
            str(t.source) for t in TRANSITIONS if (t.subject, t.action) == (subject, action)
        )
        what = f"{subject.value} {object_id}".strip()
        state = "does not exist" if source is None else f"is {source}"
        super().__init__(
            f"cannot {action.value} as {role.value}: the {what} {state}; "
            f"{action.value} is allowed from: {', '.join(allowed) or 'nowhere'}"
        )

    def __str__(self) -> str:  # LookupError subclasses KeyError-style quoting otherwise
        return self.args[0]


class UnknownOffering(TransitionError, KeyError):
    """The action needs an offering that does not exist."""


_PARTNER = frozenset({Role.PARTNER})
_STAFF = frozenset({Role.STAFF})
_IMPORT = frozenset({Role.IMPORT})
_EDITORS = frozenset({Role.PARTNER, Role.STAFF})

D, P, L, R, A = (Status.DRAFT, Status.PENDING, Status.PUBLISHED, Status.REJECTED, Status.ARCHIVED)
_ALL = (D, P, L, R, A)


def _offering(sources, action: Action, target, who) -> list[Transition]:
    """Rows for ``sources``; ``target`` None keeps each source's own status."""
    return [
        Transition(
            Subject.OFFERING,
            None if s is None else s.value,
            action,
            (target or s).value,
            who,
        )
        for s in sources
    ]


TRANSITIONS: tuple[Transition, ...] = (
    *_offering([None], Action.SUBMIT, P, _PARTNER),
    *_offering([None, *_ALL], Action.IMPORT_PUBLISHED, L, _IMPORT),
    # Pending import: a published offering stays live while its edit waits.
    *_offering([None, D, P, R, A], Action.IMPORT_PENDING, P, _IMPORT),
    *_offering([L], Action.IMPORT_PENDING, L, _IMPORT),
    *_offering([None, D], Action.IMPORT_DRAFT, D, _IMPORT),
    *_offering([None, *_ALL], Action.IMPORT_ARCHIVED, A, _IMPORT),
    *_offering([D, P, R, A], Action.SUBMIT_EDIT, P, _PARTNER),
    *_offering([L], Action.SUBMIT_EDIT, L, _PARTNER),
    *_offering(_ALL, Action.ADD_PHOTOS, None, _EDITORS),
    *_offering(_ALL, Action.REMOVE_PHOTO, None, _EDITORS),
    *_offering([P], Action.APPROVE, L, _STAFF),
    *_offering([L], Action.APPROVE, L, _STAFF),
    *_offering([P], Action.REJECT, R, _STAFF),
    *_offering([L], Action.REJECT, L, _STAFF),
    *_offering([D, P, L, R], Action.ARCHIVE, A, _STAFF),
    *_offering([D, P, L, R], Action.WITHDRAW, A, _PARTNER),
    *_offering([L], Action.CONFIRM_CURRENT, L, _STAFF),
    # Revisions: decided once; withdrawn when replaced, withdrawn or archived.
    Transition(Subject.REVISION, "pending", Action.APPROVE, "approved", _STAFF),
    Transition(Subject.REVISION, "pending", Action.REJECT, "rejected", _STAFF),
    Transition(Subject.REVISION, "pending", Action.SUBMIT_EDIT, "withdrawn", _PARTNER),
    Transition(Subject.REVISION, "pending", Action.IMPORT_PENDING, "withdrawn", _IMPORT),
    Transition(Subject.REVISION, "pending", Action.WITHDRAW, "withdrawn", _PARTNER),
    Transition(Subject.REVISION, "pending", Action.ARCHIVE, "withdrawn", _STAFF),
    Transition(Subject.REVISION, "pending", Action.IMPORT_ARCHIVED, "withdrawn", _IMPORT),
    # Photos: public only once staff approved the revision they came with.
    Transition(Subject.PHOTO, "pending", Action.APPROVE, "approved", _STAFF),
    Transition(Subject.PHOTO, "pending", Action.REJECT, "rejected", _STAFF),
)

_INDEX: dict[tuple[Subject, str | None, Action], Transition] = {
    (t.subject, t.source, t.action): t for t in TRANSITIONS
}
assert len(_INDEX) == len(TRANSITIONS), "two rows for one (subject, state, action)"

STATES: dict[Subject, tuple[str, ...]] = {
    Subject.OFFERING: tuple(s.value for s in Status),
    Subject.REVISION: tuple(s.value for s in RevisionState),
    Subject.PHOTO: tuple(s.value for s in PhotoReview),
}


def transition(subject: Subject, source: str | None, action: Action) -> Transition | None:
    """The table's row for ``subject`` in state ``source`` taking ``action``, or None."""
    return _INDEX.get((Subject(subject), source, Action(action)))


def step(
    subject: Subject, source: str | None, action: Action, role: Role, object_id: str = ""
) -> str:
    """The state ``action`` by ``role`` leads to from ``source``; raises if not allowed.

    :class:`UnknownOffering` (also a ``KeyError``) when the offering does not exist and the
    action needs one; :class:`TransitionError` for any other pair the table does not list.
    """
    row = transition(subject, source, action)
    if row is None or Role(role) not in row.who:
        error = UnknownOffering if source is None and subject == Subject.OFFERING else None
        raise (error or TransitionError)(
            Subject(subject), source, Action(action), Role(role), object_id
        )
    return row.target


IMPORT_ACTIONS: dict[str, Action] = {
    Status.PUBLISHED.value: Action.IMPORT_PUBLISHED,
    Status.PENDING.value: Action.IMPORT_PENDING,
    Status.DRAFT.value: Action.IMPORT_DRAFT,
    Status.ARCHIVED.value: Action.IMPORT_ARCHIVED,
}


def import_action(status: str) -> Action:
    """The import action that stores an offering with ``status``; ``ValueError`` if none."""
    try:
        return IMPORT_ACTIONS[Status(status).value]
    except (KeyError, ValueError):
        raise ValueError(
            f"an import cannot store an offering as {status!r}; "
            f"expected one of {', '.join(IMPORT_ACTIONS)}"
        ) from None
