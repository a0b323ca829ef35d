"""Google Calendar v3 events, as the service behaves (not only as the reference describes).

State: calendars by id ("primary" is the user's), each holding events by id. A deleted event
stays as a tombstone with `status: "cancelled"`: incremental sync reports it, and its id stays
taken (inserting it again answers 409). Each change bumps the calendar's change counter; a sync
token remembers the counter value it was issued at.
"""

from __future__ import annotations

import base64
import copy
import html
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .errors import ApiError, bad_request, not_found
from .times import (
    instance_suffix,
    is_all_day,
    moment,
    occurrences,
    rfc3339,
    shifted,
    validate_recurrence,
    zone,
)

ID_ALPHABET = "0123456789abcdefghijklmnopqrstuv"  # base32hex, lower case
_ID = re.compile(r"^[a-v0-9]{5,1024}$")
MAX_PAGE = 2500
DEFAULT_PAGE = 250
MAX_OVERRIDES = 5
# How far an open-ended recurring series is expanded when a listing has no timeMax.
EXPANSION_HORIZON = timedelta(days=366)

# Query parameters that cannot go with syncToken (events.list reference, "syncToken").
_NOT_WITH_SYNC = (
    "iCalUID",
    "orderBy",
    "privateExtendedProperty",
    "q",
    "sharedExtendedProperty",
    "timeMin",
    "timeMax",
    "updatedMin",
)

# What a guest may change on their copy of an invitation; everything else is the organizer's.
_GUEST_FIELDS = {"reminders", "colorId", "transparency", "extendedProperties", "attendees"}
_GUEST_ATTENDEE_FIELDS = {"responseStatus", "comment", "additionalGuests"}
# Fields the server owns; a client sending them is ignored, not obeyed.
_SERVER_FIELDS = (
    "kind",
    "etag",
    "id",
    "htmlLink",
    "created",
    "updated",
    "creator",
    "organizer",
    "iCalUID",
    "recurringEventId",
    "originalStartTime",
)


@dataclass
class Stored:
    resource: dict[str, Any]
    changed: int


@dataclass
class CalendarData:
    id: str
    owner: str
    time_zone: str
    summary: str
    access_role: str = "owner"
    events: dict[str, Stored] = field(default_factory=dict)
    seq: int = 0
    generation: int = 0


@dataclass
class _SyncToken:
    calendar_id: str
    seq: int
    generation: int


@dataclass
class _Page:
    items: list[dict[str, Any]]
    offset: int
    size: int
    envelope: dict[str, Any]
    next_sync_token: str | None


def new_event_id() -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(26))


def web_ui_html(text: str) -> str:
    """Plain text as Google Calendar's web editor stores it: entities, <br>, mailto/URL links."""
    out = []
    for line in text.split("\n"):
        escaped = html.escape(line, quote=False)
        escaped = re.sub(
            r"(?<![\w.@/])([\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
            r'<a href="mailto:\1">\1</a>',
            escaped,
        )
        escaped = re.sub(r"(https?://[^\s<]+)", r'<a href="\1">\1</a>', escaped)
        out.append(escaped)
    return "<br>".join(out)


class CalendarService:
    def __init__(self, clock: Callable[[], datetime], user_email: str, time_zone: str) -> None:
        self._clock = clock
        self.user_email = user_email
        self.time_zone = time_zone
        self.calendars: dict[str, CalendarData] = {}
        self._sync_tokens: dict[str, _SyncToken] = {}
        self._pages: dict[str, _Page] = {}
        self.page_cap: int | None = None
        self._etag = 3_181_161_784_712_000
        self.add_calendar(user_email, owner=user_email, time_zone=time_zone, summary=user_email)

    # ---- calendars ----------------------------------------------------------------------

    def add_calendar(
        self,
        calendar_id: str,
        *,
        owner: str | None = None,
        time_zone: str | None = None,
        summary: str | None = None,
        access_role: str = "owner",
    ) -> CalendarData:
        data = CalendarData(
            calendar_id,
            owner or self.user_email,
            time_zone or self.time_zone,
            summary or calendar_id,
            access_role,
        )
        self.calendars[calendar_id] = data
        return data

    def calendar(self, calendar_id: str) -> CalendarData:
        key = self.user_email if calendar_id == "primary" else calendar_id
        found = self.calendars.get(key)
        if found is None:
            raise not_found()
        return found

    # ---- dispatch -----------------------------------------------------------------------

    def handle(
        self,
        method_id: str,
        path: Mapping[str, str],
        query: Mapping[str, Any],
        body: Any,
        scopes: frozenset[str],
    ) -> tuple[int, Any]:
        cal = self.calendar(path["calendarId"])
        write = method_id.rsplit(".", 1)[1] in {"insert", "patch", "update", "delete", "import"}
        self._check_access(cal, scopes, write)
        if method_id == "calendar.events.list":
            return 200, self.list_events(cal, query)
        if method_id == "calendar.events.get":
            return 200, self._get(cal, path["eventId"])
        if method_id == "calendar.events.insert":
            return 200, self.insert(cal, body)
        if method_id == "calendar.events.patch":
            return 200, self.modify(cal, path["eventId"], body, replace=False)
        if method_id == "calendar.events.update":
            return 200, self.modify(cal, path["eventId"], body, replace=True)
        if method_id == "calendar.events.delete":
            self.delete(cal, path["eventId"])
            return 204, None
        if method_id == "calendar.events.instances":
            return 200, self.instances(cal, path["eventId"], query)
        raise ApiError(501, f"The stand-in does not implement {method_id}.", "notImplemented")

    def _check_access(self, cal: CalendarData, scopes: frozenset[str], write: bool) -> None:
        if write and cal.access_role not in ("owner", "writer"):
            raise ApiError(
                403,
                "You need to have writer access to this calendar.",
                "requiredAccessLevel",
                domain="calendar",
            )
        owned_only = {
            "https://www.googleapis.com/auth/calendar.events.owned",
            "https://www.googleapis.com/auth/calendar.events.owned.readonly",
        }
        broad = scopes - owned_only
        calendar_scopes = {
            s for s in broad if s.startswith("https://www.googleapis.com/auth/calendar")
        }
        if not calendar_scopes and cal.owner != self.user_email:
            raise ApiError(
                403, "Request had insufficient authentication scopes.", "insufficientPermissions"
            )

    # ---- bookkeeping --------------------------------------------------------------------

    def _now(self) -> datetime:
        return self._clock()

    def _touch(self, cal: CalendarData, resource: dict[str, Any]) -> int:
        cal.seq += 1
        self._etag += 1000
        resource["etag"] = f'"{self._etag}"'
        resource["updated"] = rfc3339(self._now())
        return cal.seq

    def _store(self, cal: CalendarData, resource: dict[str, Any]) -> Stored:
        changed = self._touch(cal, resource)
        stored = cal.events.get(resource["id"])
        if stored is None:
            stored = Stored(resource, changed)
            cal.events[resource["id"]] = stored
        else:
            stored.resource, stored.changed = resource, changed
        return stored

    def _sync_token(self, cal: CalendarData) -> str:
        token = "CP" + base64.urlsafe_b64encode(secrets.token_bytes(18)).decode().rstrip("=") + "="
        self._sync_tokens[token] = _SyncToken(cal.id, cal.seq, cal.generation)
        return token

    def expire_sync_tokens(self, calendar_id: str | None = None) -> None:
        for cal in self.calendars.values():
            if calendar_id is None or cal is self.calendar(calendar_id):
                cal.generation += 1

    # ---- validation ---------------------------------------------------------------------

    def _check_event(self, cal: CalendarData, event: Mapping[str, Any]) -> None:
        start, end = event.get("start"), event.get("end")
        if start is None:
            raise ApiError(400, "Missing start time.", "required")
        if end is None:
            raise ApiError(400, "Missing end time.", "required")
        begins = moment(start, cal.time_zone, "start")
        ends = moment(end, cal.time_zone, "end")
        if is_all_day(start) != is_all_day(end):
            raise bad_request("Start and end times must either both be date or both be dateTime.")
        if ends < begins or (is_all_day(start) and ends == begins):
            raise ApiError(
                400, "The specified time range is empty.", "timeRangeEmpty", domain="calendar"
            )
        reminders = event.get("reminders") or {}
        overrides = reminders.get("overrides") or []
        if reminders.get("useDefault") and overrides:
            raise bad_request(
                "Cannot specify both default reminders and overrides at the same time.",
                reason="cannotUseDefaultRemindersAndSpecifyOverride",
            )
        if len(overrides) > MAX_OVERRIDES:
            raise bad_request(
                "The maximum number of override reminders is 5.", reason="tooManyReminders"
            )
        for override in overrides:
            if override.get("method") is None:
                raise bad_request("Missing reminder method.", reason="required")
            minutes = override.get("minutes")
            if minutes is None:
                raise bad_request("Missing reminder minutes.", reason="required")
            if not 0 <= int(minutes) <= 40320:
                raise bad_request("Invalid reminder minutes: must be between 0 and 40320.")
        for attendee in event.get("attendees") or []:
            if not attendee.get("email"):
                raise bad_request("Missing attendee email.", reason="required")
        if event.get("recurrence"):
            if event.get("recurringEventId"):
                raise bad_request("An instance of a recurring event cannot recur.")
            validate_recurrence(event["recurrence"], start, cal.time_zone)

    def _mark_self(self, cal: CalendarData, event: dict[str, Any]) -> None:
        for attendee in event.get("attendees") or []:
            if attendee.get("email", "").lower() == cal.owner.lower():
                attendee["self"] = True
            else:
                attendee.pop("self", None)
            attendee.setdefault("responseStatus", "needsAction")
        organizer = event.get("organizer") or {}
        if organizer.get("email", "").lower() == cal.owner.lower():
            organizer["self"] = True

    # ---- insert / modify / delete -------------------------------------------------------

    def insert(
        self, cal: CalendarData, body: Mapping[str, Any], organizer: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        event_id = body.get("id")
        if event_id is not None:
            if not _ID.match(event_id):
                raise bad_request("Invalid resource id value.", reason="invalid")
            if event_id in cal.events:
                raise ApiError(409, "The requested identifier already exists.", "duplicate")
        else:
            event_id = new_event_id()
        resource = {
            k: copy.deepcopy(v)
            for k, v in body.items()
            if v is not None and k not in _SERVER_FIELDS
        }
        person = dict(organizer) if organizer else {"email": cal.owner}
        now = rfc3339(self._now())
        resource = {
            "kind": "calendar#event",
            "id": event_id,
            "status": "confirmed",
            "htmlLink": "https://www.google.com/calendar/event?eid="
            + base64.urlsafe_b64encode(f"{event_id} {cal.id}".encode()).decode().rstrip("="),
            "created": now,
            "creator": dict(person),
            "organizer": dict(person),
            "iCalUID": body.get("iCalUID") or f"{event_id}@google.com",
            "sequence": 0,
            "reminders": {"useDefault": True},
            "eventType": "default",
            **resource,
        }
        self._check_event(cal, resource)
        self._mark_self(cal, resource)
        for person_field in ("creator", "organizer"):
            if resource[person_field].get("email", "").lower() == cal.owner.lower():
                resource[person_field]["self"] = True
        return copy.deepcopy(self._store(cal, resource).resource)

    def _existing(self, cal: CalendarData, event_id: str, *, materialize: bool) -> Stored:
        stored = cal.events.get(event_id)
        if stored is not None:
            return stored
        instance = self._synthesized_instance(cal, event_id)
        if instance is None:
            raise not_found()
        if not materialize:
            return Stored(instance, cal.events[instance["recurringEventId"]].changed)
        # Changing one instance turns it into an exception of the series, stored on its own.
        stored = Stored(instance, 0)
        cal.events[event_id] = stored
        return stored

    def modify(
        self,
        cal: CalendarData,
        event_id: str,
        body: Mapping[str, Any],
        *,
        replace: bool,
        as_world: bool = False,
    ) -> dict[str, Any]:
        stored = self._existing(cal, event_id, materialize=False)
        current = stored.resource
        if replace:
            updated = {
                k: copy.deepcopy(v)
                for k, v in body.items()
                if v is not None and k not in _SERVER_FIELDS
            }
            updated.setdefault("reminders", {"useDefault": True})
        else:
            updated = merge_patch(
                current, {k: v for k, v in body.items() if k not in _SERVER_FIELDS}
            )
        for key in _SERVER_FIELDS:
            if key in current:
                updated[key] = copy.deepcopy(current[key])
            else:
                updated.pop(key, None)
        updated.setdefault("status", "confirmed")
        updated.setdefault("kind", "calendar#event")
        if not as_world:
            self._check_guest(cal, current, updated)
        self._check_event(cal, updated)
        if current.get("recurringEventId") and updated.get("recurrence"):
            raise bad_request("An instance of a recurring event cannot recur.")
        self._mark_self(cal, updated)
        if any(
            updated.get(k) != current.get(k) for k in ("start", "end", "recurrence", "location")
        ):
            updated["sequence"] = int(current.get("sequence", 0)) + 1
        if event_id not in cal.events:
            self._existing(cal, event_id, materialize=True)
        return copy.deepcopy(self._store(cal, updated).resource)

    def _check_guest(
        self, cal: CalendarData, current: Mapping[str, Any], updated: Mapping[str, Any]
    ) -> None:
        organizer = current.get("organizer") or {}
        if organizer.get("email", "").lower() == cal.owner.lower() or current.get(
            "guestsCanModify"
        ):
            return
        ignored = set(_SERVER_FIELDS) | {"sequence", "status"}
        for key in set(current) | set(updated):
            if key in ignored or current.get(key) == updated.get(key):
                continue
            if key not in _GUEST_FIELDS:
                raise _forbidden_for_guest()
            before, after = current.get(key) or {}, updated.get(key) or {}
            if key == "extendedProperties" and before.get("shared") != after.get("shared"):
                raise _forbidden_for_guest()
            if key == "attendees" and not _only_own_response(
                cal.owner, current.get(key), updated.get(key)
            ):
                raise _forbidden_for_guest()
        if current.get("status") != updated.get("status") and updated.get("status") != "cancelled":
            raise _forbidden_for_guest()

    def delete(self, cal: CalendarData, event_id: str) -> None:
        stored = self._existing(cal, event_id, materialize=True)
        if stored.resource.get("status") == "cancelled" and stored.changed:
            raise ApiError(410, "Resource has been deleted", "deleted")
        resource = copy.deepcopy(stored.resource)
        resource["status"] = "cancelled"
        self._store(cal, resource)

    # ---- reading ------------------------------------------------------------------------

    def _get(self, cal: CalendarData, event_id: str) -> dict[str, Any]:
        return copy.deepcopy(self._existing(cal, event_id, materialize=False).resource)

    def _series_instances(
        self,
        cal: CalendarData,
        series: Stored,
        window: tuple[datetime | None, datetime | None],
    ) -> list[Stored]:
        """The instances of a series overlapping the window: synthesized ones and exceptions."""
        resource = series.resource
        low, high = window
        until = (
            high
            or max(self._now(), moment(resource["start"], cal.time_zone, "start"))
            + EXPANSION_HORIZON
        )
        all_day = is_all_day(resource["start"])
        if all_day:
            until = until.astimezone(zone(None, cal.time_zone))
        duration = moment(resource["end"], cal.time_zone, "end") - moment(
            resource["start"], cal.time_zone, "start"
        )
        found: list[Stored] = []
        earliest = low - duration if low else None
        for original in occurrences(
            resource.get("recurrence", []), resource["start"], cal.time_zone, until
        ):
            instance_id = f"{resource['id']}_{instance_suffix(_aware(original, cal), all_day)}"
            if instance_id in cal.events:
                continue  # an exception: added below with its own times
            if earliest is not None and _aware(original, cal) < earliest:
                continue
            found.append(
                Stored(self._instance(resource, original, duration, all_day), series.changed)
            )
        prefix = resource["id"] + "_"
        for event_id, stored in cal.events.items():
            if (
                event_id.startswith(prefix)
                and stored.resource.get("recurringEventId") == resource["id"]
            ):
                exception = stored
                if resource.get("status") == "cancelled":
                    exception = Stored({**stored.resource, "status": "cancelled"}, stored.changed)
                found.append(Stored(exception.resource, max(series.changed, stored.changed)))
        return [s for s in found if _overlaps(s.resource, cal, window)]

    def _instance(
        self, series: Mapping[str, Any], original: datetime, duration: timedelta, all_day: bool
    ) -> dict[str, Any]:
        instance = copy.deepcopy(dict(series))
        instance.pop("recurrence", None)
        instance["id"] = f"{series['id']}_{instance_suffix(original, all_day)}"
        instance["recurringEventId"] = series["id"]
        instance["originalStartTime"] = shifted(series["start"], original, all_day)
        instance["start"] = shifted(series["start"], original, all_day)
        instance["end"] = shifted(series["end"], original + duration, all_day)
        return instance

    def _synthesized_instance(self, cal: CalendarData, instance_id: str) -> dict[str, Any] | None:
        series_id, _, suffix = instance_id.rpartition("_")
        series = cal.events.get(series_id)
        if not series_id or series is None or not series.resource.get("recurrence"):
            return None
        resource = series.resource
        all_day = is_all_day(resource["start"])
        duration = moment(resource["end"], cal.time_zone, "end") - moment(
            resource["start"], cal.time_zone, "start"
        )
        try:
            if all_day:
                target = datetime.strptime(suffix, "%Y%m%d")
            else:
                target = datetime.strptime(suffix, "%Y%m%dT%H%M%SZ").replace(
                    tzinfo=zone("UTC", "UTC")
                )
        except ValueError:
            return None
        for original in occurrences(
            resource["recurrence"], resource["start"], cal.time_zone, _aware(target, cal)
        ):
            if instance_suffix(_aware(original, cal), all_day) == suffix:
                return self._instance(resource, original, duration, all_day)
        return None

    def list_events(self, cal: CalendarData, query: Mapping[str, Any]) -> dict[str, Any]:
        token = query.get("pageToken")
        if token is not None:
            return self._next_page(token)
        sync = query.get("syncToken")
        since: int | None = None
        if sync is not None:
            for name in _NOT_WITH_SYNC:
                if name in query:
                    raise bad_request(
                        f"The {name} parameter cannot be used together with syncToken.",
                        location=name,
                    )
            if query.get("showDeleted") is False:
                raise bad_request(
                    "showDeleted cannot be false together with syncToken.", location="showDeleted"
                )
            known = self._sync_tokens.get(sync)
            if known is None or known.calendar_id != cal.id or known.generation != cal.generation:
                raise ApiError(
                    410,
                    "Sync token is no longer valid, a full sync is required.",
                    "fullSyncRequired",
                )
            since = known.seq
        single = bool(query.get("singleEvents"))
        order = query.get("orderBy")
        if order == "startTime" and not single:
            raise bad_request(
                "The requested ordering is not available for the particular query.",
                location="orderBy",
            )
        low, high = query.get("timeMin"), query.get("timeMax")
        if low is not None and high is not None and high <= low:
            raise ApiError(
                400,
                "The specified time range is empty.",
                "timeRangeEmpty",
                domain="calendar",
                location="timeMax",
            )
        updated_min = query.get("updatedMin")
        show_deleted = (
            bool(query.get("showDeleted")) or since is not None or updated_min is not None
        )
        rows = self._rows(cal, single, (low, high))
        items: list[Stored] = []
        for stored in rows:
            resource = stored.resource
            if since is not None and stored.changed <= since:
                continue
            if (
                updated_min is not None
                and datetime.fromisoformat(resource["updated"]) < updated_min
            ):
                continue
            cancelled = resource.get("status") == "cancelled"
            cancelled_exception = cancelled and not single and resource.get("recurringEventId")
            if cancelled and not show_deleted and not cancelled_exception:
                continue
            if not _matches(resource, query):
                continue
            items.append(stored)
        if order == "startTime":
            items.sort(key=lambda s: moment(s.resource["start"], cal.time_zone, "start"))
        elif order == "updated":
            items.sort(key=lambda s: s.resource.get("updated", ""))
        rendered = [_render(s.resource) for s in items]
        size = min(query.get("maxResults", DEFAULT_PAGE), MAX_PAGE)
        envelope = {
            "kind": "calendar#events",
            "etag": f'"{self._etag}"',
            "summary": cal.summary,
            "description": "",
            "updated": rfc3339(self._now()),
            "timeZone": cal.time_zone,
            "accessRole": cal.access_role,
            "defaultReminders": [{"method": "popup", "minutes": 10}],
        }
        return self._serve(_Page(rendered, 0, size, envelope, self._sync_token(cal)))

    def _rows(
        self, cal: CalendarData, single: bool, window: tuple[datetime | None, datetime | None]
    ) -> list[Stored]:
        rows: list[Stored] = []
        for stored in list(cal.events.values()):
            resource = stored.resource
            if resource.get("recurringEventId"):
                series = cal.events.get(resource["recurringEventId"])
                if single and series is not None:
                    continue  # served through its series' expansion
                if _overlaps(resource, cal, window):
                    rows.append(stored)
                continue
            if resource.get("recurrence"):
                instances = self._series_instances(cal, stored, window)
                if single:
                    rows.extend(instances)
                elif instances or resource.get("status") == "cancelled":
                    rows.append(stored)
                continue
            if _overlaps(resource, cal, window):
                rows.append(stored)
        return rows

    def _serve(self, page: _Page) -> dict[str, Any]:
        size = page.size if self.page_cap is None else min(page.size, self.page_cap)
        chunk = page.items[page.offset : page.offset + size]
        answer = {**page.envelope, "items": copy.deepcopy(chunk)}
        rest = page.offset + size
        if rest < len(page.items):
            token = secrets.token_urlsafe(16)
            self._pages[token] = _Page(
                page.items, rest, page.size, page.envelope, page.next_sync_token
            )
            answer["nextPageToken"] = token
        elif page.next_sync_token is not None:
            answer["nextSyncToken"] = page.next_sync_token
        return answer

    def _next_page(self, token: str) -> dict[str, Any]:
        page = self._pages.get(token)
        if page is None:
            raise bad_request("Invalid page token value.", location="pageToken")
        return self._serve(page)

    def instances(
        self, cal: CalendarData, event_id: str, query: Mapping[str, Any]
    ) -> dict[str, Any]:
        if query.get("pageToken") is not None:
            return self._next_page(query["pageToken"])
        series = cal.events.get(event_id)
        if series is None:
            raise not_found()
        window = (query.get("timeMin"), query.get("timeMax"))
        if series.resource.get("recurrence"):
            found = self._series_instances(cal, series, window)
        else:
            found = [series] if _overlaps(series.resource, cal, window) else []
        if not query.get("showDeleted"):
            found = [s for s in found if s.resource.get("status") != "cancelled"]
        found.sort(key=lambda s: moment(s.resource["start"], cal.time_zone, "start"))
        envelope = {
            "kind": "calendar#events",
            "etag": f'"{self._etag}"',
            "summary": cal.summary,
            "updated": rfc3339(self._now()),
            "timeZone": cal.time_zone,
            "accessRole": cal.access_role,
            "defaultReminders": [{"method": "popup", "minutes": 10}],
        }
        size = min(query.get("maxResults", DEFAULT_PAGE), MAX_PAGE)
        return self._serve(_Page([_render(s.resource) for s in found], 0, size, envelope, None))


def _aware(value: datetime, cal: CalendarData) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=zone(None, cal.time_zone))


def _overlaps(
    resource: Mapping[str, Any], cal: CalendarData, window: tuple[datetime | None, datetime | None]
) -> bool:
    """timeMin bounds an event's end (exclusive), timeMax its start (exclusive)."""
    low, high = window
    if low is not None and moment(resource["end"], cal.time_zone, "end") <= low:
        return False
    return not (high is not None and moment(resource["start"], cal.time_zone, "start") >= high)


def _render(resource: Mapping[str, Any]) -> dict[str, Any]:
    """A list item: deleted events carry only what Google guarantees for them."""
    if resource.get("status") == "cancelled":
        keep = ("kind", "etag", "id", "status", "updated", "recurringEventId", "originalStartTime")
        return {k: copy.deepcopy(resource[k]) for k in keep if k in resource}
    return copy.deepcopy(dict(resource))


def _text_of(resource: Mapping[str, Any]) -> str:
    parts = [resource.get(k) or "" for k in ("summary", "description", "location")]
    for attendee in resource.get("attendees") or []:
        parts += [attendee.get("displayName") or "", attendee.get("email") or ""]
    organizer = resource.get("organizer") or {}
    parts += [organizer.get("displayName") or "", organizer.get("email") or ""]
    return "\n".join(parts).lower()


def _matches(resource: Mapping[str, Any], query: Mapping[str, Any]) -> bool:
    properties = resource.get("extendedProperties") or {}
    for name, scope in (
        ("privateExtendedProperty", "private"),
        ("sharedExtendedProperty", "shared"),
    ):
        for constraint in query.get(name, []):
            key, sep, value = constraint.partition("=")
            if not sep:
                raise bad_request(
                    f"Invalid {name} value: {constraint!r} (expected name=value).", location=name
                )
            if (properties.get(scope) or {}).get(key) != value:
                return False
    if "q" in query:
        text = _text_of(resource)
        if not all(term in text for term in query["q"].lower().split()):
            return False
    if "iCalUID" in query and resource.get("iCalUID") != query["iCalUID"]:
        return False
    return not (
        "eventTypes" in query and resource.get("eventType", "default") not in query["eventTypes"]
    )


def merge_patch(current: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """Patch semantics: objects merge, arrays are replaced whole, null deletes."""
    out = copy.deepcopy(dict(current))
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_patch(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _only_own_response(
    owner: str,
    before: Iterable[Mapping[str, Any]] | None,
    after: Iterable[Mapping[str, Any]] | None,
) -> bool:
    def strip(items: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
        out = []
        for item in items or []:
            own = item.get("email", "").lower() == owner.lower()
            out.append(
                {
                    k: v
                    for k, v in item.items()
                    if k != "self" and not (own and k in _GUEST_ATTENDEE_FIELDS)
                }
            )
        return out

    return strip(before) == strip(after)


def _forbidden_for_guest() -> ApiError:
    return ApiError(
        403,
        "Shared properties can only be changed by the organizer of the event.",
        "forbiddenForNonOrganizer",
        domain="calendar",
    )
