"""Merging a duplicate person into the record that survives, and undoing it.

Only the foundation's administrators merge (`can_merge_persons`). A merge, in one
transaction:
- moves to the survivor every row that points at the duplicate, found generically from
  the foreign keys to Person (`person_relations`), so a model added later is moved too
  (cases, consents, referrals, identifiers, safety flags, relationships in both
  directions, records merged earlier into the duplicate, …);
- drops a relationship that would become a relationship to oneself or repeat one the
  survivor already has, keeping a copy of it so that undoing restores it;
- leaves on the duplicate an open safety flag of a kind the survivor already carries
  (the survivor is flagged either way: safety first);
- refuses two different Qatar ID numbers (one per person, for life), and a Qatar ID that
  would contradict the survivor's date of birth; nothing is changed then;
- fills the survivor's empty fields (Arabic or Latin name, date of birth, sex, unknown
  nationality, languages, phone, area, address) from the duplicate, keeping the values
  they had;
- marks the duplicate `merged_into` the survivor and rebuilds the blocking keys;
- records all of it in a `PersonMerge` and in the audit trail (field names only).

`person_unmerge` puts back exactly what the merge moved, filled or dropped; rows added to
the survivor after the merge stay with it, and so does a filled field changed since.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.access import fetch_or_deny, require
from tawasul.common.errors import DomainError
from tawasul.common.text import clean_text
from tawasul.people import duplicates, matching_reasons, selectors, validators
from tawasul.people.matching import records as engine
from tawasul.people.models import (
    IdentifierType,
    Person,
    PersonMatchKey,
    PersonMerge,
    Relationship,
    SafetyFlag,
)

REASON_MAX_LENGTH = 1000
UNKNOWN_NATIONALITY = "ZZ"

# Relations to Person that a merge leaves where they are: the blocking keys are derived
# from the record and rebuilt for both; the merge history names both records on purpose.
NOT_MOVED: frozenset[str] = frozenset({
    "people.personmatchkey.person",
    "people.personmerge.survivor",
    "people.personmerge.duplicate",
})

# A person holds one of these for life: two different values mean two people, or a typo
# that someone must correct before the records are merged.
ONE_PER_PERSON_IDENTIFIERS: frozenset[str] = frozenset({IdentifierType.QID})

# Filled from the duplicate only when the survivor has no name at all in that script, so
# that a name is never assembled from the parts of two spellings.
NAME_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("name_ar", ("given_name_ar", "father_name_ar", "grandfather_name_ar",
                 "family_name_ar", "full_name_ar")),
    ("name_latin", ("given_name_latin", "father_name_latin", "grandfather_name_latin",
                    "family_name_latin", "full_name_latin")),
)
SIMPLE_FILLED_FIELDS: tuple[str, ...] = ("sex", "languages", "phone", "area", "address")


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds; a restored row must be exact."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.date | dt.time):
            return o.isoformat()
        return super().default(o)


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=_ExactEncoder))


# --- Who merges, and which merges they see --------------------------------------------


def can_merge_persons(user: object) -> bool:
    """The foundation's administrators: they see every record, active or not, and answer
    for the registry as a whole."""
    member = selectors.registry_member(user)
    return member is not None and member.role == Role.ADMIN


def merges_visible_to(viewer: object) -> QuerySet[PersonMerge]:
    qs = PersonMerge.objects.select_related("survivor", "duplicate", "actor", "unmerged_by")
    return qs if can_merge_persons(viewer) else qs.none()


def access_merge(user: object, merge_id: object) -> PersonMerge:
    return fetch_or_deny(user, merges_visible_to(user), merge_id)


# --- The relations a merge moves -------------------------------------------------------


def person_relations() -> list[models.ForeignObject[Any, Any]]:
    """Every foreign key to Person from any installed model, hidden ones included
    (Relationship.to_person, Consent.granted_by_person, many-to-many tables)."""
    return [
        rel.field
        for rel in Person._meta.get_fields(include_hidden=True)
        if isinstance(rel, models.ForeignObjectRel)
        and not isinstance(rel, models.ManyToManyRel)
    ]


def relation_label(field: models.Field[Any, Any]) -> str:
    return f"{field.model._meta.label_lower}.{field.name}"


def _relation(label: str) -> models.ForeignObject[Any, Any]:
    for field in person_relations():
        if relation_label(field) == label:
            return field
    raise DomainError(
        "merge_relation_gone",
        _("This merge moved records of a kind that no longer exists; it cannot be undone."),
    )


def _conflict(model: type[models.Model]) -> DomainError:
    return DomainError(
        "merge_conflict",
        _("Both records have %(records)s that one person cannot hold twice (for example "
          "an open referral to the same center). Resolve that first; nothing was changed.")
        % {"records": model._meta.verbose_name_plural},
    )


def _repoint(field: models.ForeignObject[Any, Any], ids: list[Any], source: Person,
             target: Person) -> None:
    try:
        with transaction.atomic():
            field.model._base_manager.filter(pk__in=ids, **{field.name: source}).update(
                **{field.name: target}
            )
    except IntegrityError as error:
        raise _conflict(field.model) from error


# --- Merging ---------------------------------------------------------------------------


def _clean_reason(reason: str, *, required: bool) -> str:
    text = clean_text(reason or "", multiline=True)
    if required and not text:
        raise DomainError("reason_required", _("Give a reason."), field="reason")
    if len(text) > REASON_MAX_LENGTH:
        raise DomainError(
            "reason_too_long", _("At most %(max)s characters.") % {"max": REASON_MAX_LENGTH},
            field="reason",
        )
    return text


def _locked(*persons: Person) -> dict[Any, Person]:
    """The persons re-read under a row lock, in a fixed order (no deadlock between two
    merges of the same pair)."""
    pks = sorted(str(p.pk) for p in persons)
    # Only the persons' rows: PostgreSQL locks no outer-joined (nullable) side.
    locked = (Person.objects.select_for_update(of=("self",)).select_related("merged_into")
              .in_bulk(pks))
    return {str(pk): person for pk, person in locked.items()}


def _plain(person: Person, name: str) -> Any:
    """A field's value as it is stored in `PersonMerge.moved` (JSON)."""
    value = getattr(person, name)
    if name == "nationality":
        value = str(value or "")
    return _json(value)


def _fill_plan(survivor: Person, duplicate: Person) -> dict[str, Any]:
    """name → the duplicate's value, for the survivor's fields that are empty."""
    plan: dict[str, Any] = {}
    for shown, names in NAME_GROUPS:
        if not getattr(survivor, shown) and getattr(duplicate, shown):
            plan.update({n: getattr(duplicate, n) for n in names
                         if getattr(survivor, n) != getattr(duplicate, n)})
    if survivor.date_of_birth is None and duplicate.date_of_birth is not None:
        plan["date_of_birth"] = duplicate.date_of_birth
        if survivor.dob_is_estimated != duplicate.dob_is_estimated:
            plan["dob_is_estimated"] = duplicate.dob_is_estimated
    nationality = str(duplicate.nationality or "")
    if str(survivor.nationality or "") in ("", UNKNOWN_NATIONALITY) and nationality not in (
        "", UNKNOWN_NATIONALITY
    ):
        plan["nationality"] = nationality
    for name in SIMPLE_FILLED_FIELDS:
        if not getattr(survivor, name) and getattr(duplicate, name):
            plan[name] = getattr(duplicate, name)
    return plan


def _check_identifiers(survivor: Person, duplicate: Person) -> None:
    """Refuse before anything moves: two different one-per-person identifiers, or a Qatar
    ID that does not fit the date of birth the survivor will have."""
    held = {i.type: i for i in survivor.identifiers.filter(type__in=ONE_PER_PERSON_IDENTIFIERS)}
    incoming = list(duplicate.identifiers.filter(type__in=ONE_PER_PERSON_IDENTIFIERS))
    for identifier in incoming:
        mine = held.get(identifier.type)
        # The same value cannot be on both: identifiers are unique across the registry.
        if mine is not None and mine.value != identifier.value:
            raise DomainError(
                "identifier_conflict",
                _("The two records have different %(type)s numbers: they may be two "
                  "different people. Correct the wrong number first; nothing was changed.")
                % {"type": IdentifierType(identifier.type).label},
                field="duplicate",
            )
    for identifier in [*held.values(), *incoming]:
        if identifier.type != IdentifierType.QID:
            continue
        try:
            validators.validate_qid(identifier.value, date_of_birth=survivor.date_of_birth,
                                    dob_is_estimated=survivor.dob_is_estimated)
        except ValidationError as error:
            raise DomainError(
                "identifier_conflict",
                _("A Qatar ID of these records does not match the date of birth the merged "
                  "record would have: %(problem)s Correct it first; nothing was changed.")
                % {"problem": error.messages[0]},
                field="duplicate",
            ) from error


def _open_flag_kinds(person: Person) -> set[str]:
    return set(SafetyFlag.objects.filter(person=person, cleared_at__isnull=True)
               .values_list("kind", flat=True))


def _move_relationships(survivor: Person, duplicate: Person,
                        rows: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Moves the duplicate's relationships, both directions; returns the dropped ones."""
    involved = list(
        Relationship.objects.filter(Q(from_person=duplicate) | Q(to_person=duplicate))
        .order_by("created_at", "pk")
    )
    existing = set(
        Relationship.objects.filter(Q(from_person=survivor) | Q(to_person=survivor))
        .exclude(pk__in=[r.pk for r in involved])
        .values_list("from_person_id", "to_person_id", "kind")
    )

    def moved(pk: Any) -> Any:
        return survivor.pk if pk == duplicate.pk else pk

    by_field: dict[str, list[Any]] = {"from_person": [], "to_person": []}
    dropped: list[Relationship] = []
    for relationship in involved:
        key = (moved(relationship.from_person_id), moved(relationship.to_person_id),
               relationship.kind)
        if key[0] == key[1] or key in existing:
            dropped.append(relationship)
            continue
        existing.add(key)
        side = "from_person" if relationship.from_person_id == duplicate.pk else "to_person"
        by_field[side].append(relationship.pk)
    kept = _json(serializers.serialize("python", dropped)) if dropped else []
    Relationship.objects.filter(pk__in=[r.pk for r in dropped]).delete()
    for name, ids in by_field.items():
        if ids:
            _repoint(Relationship._meta.get_field(name),  # type: ignore[arg-type]
                     ids, duplicate, survivor)
            rows[f"people.relationship.{name}"] = [str(pk) for pk in ids]
    return kept


def _move_rows(survivor: Person, duplicate: Person) -> tuple[dict[str, list[str]],
                                                              list[dict[str, Any]]]:
    rows: dict[str, list[str]] = {}
    dropped = _move_relationships(survivor, duplicate, rows)
    survivor_flags = _open_flag_kinds(survivor)
    for field in person_relations():
        label = relation_label(field)
        if label in NOT_MOVED or field.model is Relationship:
            continue
        qs = field.model._base_manager.filter(**{field.name: duplicate})
        if field.model is SafetyFlag:
            # The survivor already carries an open flag of this kind: the duplicate's
            # stays on the duplicate's record (one open flag per kind).
            qs = qs.exclude(cleared_at__isnull=True, kind__in=survivor_flags)
        ids = list(qs.order_by("pk").values_list("pk", flat=True))
        if ids:
            _repoint(field, ids, duplicate, survivor)
            rows[label] = [str(pk) for pk in ids]
    return rows, dropped


def person_merge(*, actor: User, survivor: Person, duplicate: Person,
                 reason: str) -> PersonMerge:
    """Merge `duplicate` into `survivor`; see the module's description."""
    require(can_merge_persons(actor), actor, duplicate, "merge persons")
    reason = _clean_reason(reason, required=True)
    if survivor.pk == duplicate.pk:
        raise DomainError("merge_into_itself", _("A record cannot be merged into itself."),
                          field="duplicate")
    with transaction.atomic():
        locked = _locked(survivor, duplicate)
        survivor, duplicate = locked[str(survivor.pk)], locked[str(duplicate.pk)]
        if survivor.merged_into is not None:
            raise DomainError(
                "survivor_merged",
                _("%(reference)s has itself been merged into %(other)s: merge into that "
                  "record instead.")
                % {"reference": survivor.reference, "other": survivor.merged_into.reference},
            )
        if duplicate.merged_into is not None:
            raise DomainError(
                "duplicate_merged",
                _("%(reference)s has already been merged into %(other)s.")
                % {"reference": duplicate.reference, "other": duplicate.merged_into.reference},
                field="duplicate",
            )
        plan = _fill_plan(survivor, duplicate)
        filled = {name: {"old": _plain(survivor, name)} for name in plan}
        for name, value in plan.items():
            setattr(survivor, name, value)
        for name in plan:
            filled[name]["new"] = _plain(survivor, name)
        _check_identifiers(survivor, duplicate)
        rows, dropped = _move_rows(survivor, duplicate)
        if plan:
            survivor.save(update_fields=[*plan, "updated_at"])
        duplicate.merged_into = survivor
        duplicate.save(update_fields=["merged_into", "updated_at"])
        PersonMatchKey.objects.filter(person=duplicate).delete()
        duplicates.refresh_match_keys(survivor)
        merge = PersonMerge.objects.create(
            survivor=survivor, duplicate=duplicate, actor=actor, reason=reason,
            moved={"rows": rows, "dropped": dropped, "filled": filled},
        )
        note = f"merge {merge.pk}"
        audit_record(action=AuditAction.CREATE, actor=actor, obj=merge,
                     fields=["survivor", "duplicate", "reason", "moved"], reason=reason)
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=duplicate,
                     fields=["merged_into", *rows],
                     reason=f"{note}: merged into {survivor.pk}")
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=survivor,
                     fields=[*plan, *rows],
                     reason=f"{note}: {duplicate.pk} merged into it")
        if survivor.has_no_contact_flag:
            # Either record's flag now covers both records' requests: none may stay open
            # with the home country's embassy (an undo does not reopen them).
            from tawasul.coordination.services import no_contact_flag_set

            no_contact_flag_set(actor=actor, person=survivor)
    return merge


# --- Undoing ---------------------------------------------------------------------------


def _restore_fields(survivor: Person, filled: dict[str, dict[str, Any]]) -> list[str]:
    """Puts back the survivor's fields that still hold what the merge filled in."""
    restored = []
    for name, values in filled.items():
        if _plain(survivor, name) != values.get("new"):
            continue  # changed since the merge: the later correction stands
        field = Person._meta.get_field(name)
        assert isinstance(field, models.Field)
        setattr(survivor, name, field.to_python(values.get("old")))
        restored.append(name)
    return restored


def person_unmerge(*, actor: User, merge: PersonMerge, reason: str = "") -> PersonMerge:
    """Undo `merge`: what it moved goes back to the duplicate, what it dropped comes back,
    the fields it filled are emptied again, and the duplicate is a live record again."""
    require(can_merge_persons(actor), actor, merge, "undo merges")
    reason = _clean_reason(reason, required=False)
    with transaction.atomic():
        current = PersonMerge.objects.select_for_update(of=("self",)).get(pk=merge.pk)
        if current.unmerged_at is not None:
            raise DomainError("merge_undone", _("This merge has already been undone."))
        locked = _locked(current.survivor, current.duplicate)
        survivor = locked[str(current.survivor_id)]
        duplicate = locked[str(current.duplicate_id)]
        if survivor.merged_into is not None:
            raise DomainError(
                "survivor_merged_since",
                _("%(reference)s has since been merged into %(other)s: undo that merge "
                  "first.")
                % {"reference": survivor.reference, "other": survivor.merged_into.reference},
            )
        moved: dict[str, Any] = current.moved or {}
        rows: dict[str, list[str]] = moved.get("rows", {})
        for label, ids in rows.items():
            _repoint(_relation(label), ids, survivor, duplicate)
        for restored_row in serializers.deserialize("python", moved.get("dropped", [])):
            try:
                with transaction.atomic():
                    restored_row.save()
            except IntegrityError as error:
                raise _conflict(type(restored_row.object)) from error
        restored = _restore_fields(survivor, moved.get("filled", {}))
        if restored:
            survivor.save(update_fields=[*restored, "updated_at"])
        duplicate.merged_into = None
        duplicate.save(update_fields=["merged_into", "updated_at"])
        duplicates.refresh_match_keys(survivor)
        duplicates.refresh_match_keys(duplicate)
        current.unmerged_at = timezone.now()
        current.unmerged_by = actor
        current.unmerge_reason = reason
        current.save(update_fields=["unmerged_at", "unmerged_by", "unmerge_reason",
                                    "updated_at"])
        note = f"merge {current.pk} undone"
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=current,
                     fields=["unmerged_at", "unmerged_by",
                             *(["unmerge_reason"] if reason else [])],
                     reason=reason)
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=duplicate,
                     fields=["merged_into", *rows], reason=note)
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=survivor,
                     fields=[*restored, *rows], reason=note)
    return current


# --- What the merge page shows ---------------------------------------------------------


@dataclass(frozen=True)
class ComparisonReason:
    code: str
    message: str
    supports: bool  # evidence for the two being one person, or against it


@dataclass(frozen=True)
class Comparison:
    score: float
    reasons: tuple[ComparisonReason, ...]


def compare_persons(survivor: Person, duplicate: Person) -> Comparison:
    """The engine's verdict on two records, with every reason, for and against."""
    result = engine.compare(duplicates.person_record(duplicate),
                            duplicates.person_record(survivor))
    return Comparison(
        score=result.score,
        reasons=tuple(
            ComparisonReason(r.code, matching_reasons.reason_message(r.code, r.params),
                             r.weight >= 0)
            for r in result.reasons
        ),
    )


def _draft_of(person: Person) -> dict[str, Any]:
    """The person as the intake form would have typed them, for suggest_duplicates."""
    names = [n for _shown, group in NAME_GROUPS for n in group]
    draft: dict[str, Any] = {name: getattr(person, name) for name in names}
    draft.update(
        date_of_birth=person.date_of_birth, dob_is_estimated=person.dob_is_estimated,
        sex=person.sex, nationality=str(person.nationality or ""), phone=person.phone,
        identifiers=[{"type": i.type, "value": i.value,
                      "issuing_country": str(i.issuing_country or "")}
                     for i in person.identifiers.all()],
    )
    return draft


def merge_candidates(*, user: object, person: Person,
                     limit: int = 10) -> list[duplicates.Suggestion]:
    """The engine's suggestions of records that may be `person` again (merged records and
    the person itself left out), best first."""
    found = duplicates.suggest_duplicates(user=user, draft=_draft_of(person), limit=limit + 1)
    return [s for s in found if s.person.pk != person.pk][:limit]


def moved_counts(merge: PersonMerge) -> list[tuple[str, int]]:
    """(name of the kind of record, how many), for the history page."""
    counts: dict[str, int] = {}
    for label, ids in (merge.moved or {}).get("rows", {}).items():
        name = _verbose_plural(label)
        counts[name] = counts.get(name, 0) + len(ids)
    return sorted(counts.items())


def pending_counts(duplicate: Person) -> list[tuple[str, int]]:
    """What a merge of `duplicate` would move, counted by kind of record (no content)."""
    counts: dict[str, int] = {}
    for field in person_relations():
        label = relation_label(field)
        if label in NOT_MOVED:
            continue
        n = field.model._base_manager.filter(**{field.name: duplicate}).count()
        if n:
            name = _verbose_plural(label)
            counts[name] = counts.get(name, 0) + n
    return sorted(counts.items())


def _verbose_plural(label: str) -> str:
    app_model = label.rsplit(".", 1)[0]
    try:
        from django.apps import apps

        return str(apps.get_model(app_model)._meta.verbose_name_plural)
    except LookupError:
        return app_model
