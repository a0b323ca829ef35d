"""Domain objects to and from JSON for the state store, derived from the dataclasses.

What is stored is read off the dataclasses themselves (``dataclasses.fields``
and ``typing.get_type_hints``), so a new field is stored the day it is added
instead of being dropped by a hand-kept list (as ``Decision.note`` once was,
which made an interview noted ``Decided: offer accepted`` differ from its
stored copy and be re-recorded on every poll).

The rules:

- ``to_data(obj)`` gives plain JSON values; ``from_data(cls, data)`` reads
  them back into an object equal to the original. ``to_json``/``from_json``
  add compact JSON text with sorted keys (sets sorted too): equal objects
  give equal text, so the store can tell a changed row from an unchanged one
  by its text. (Equal times in different zones are the exception: their text
  names their zones, see below; such an event is rewritten once when its zone
  changes, which is also when it looks different to the user.)
- Stored data is read leniently across versions: fields it does not know are
  ignored (written by a newer schema), fields it lacks take the dataclass
  default (written by an older one). A missing field without a default, or a
  value of the wrong kind, is a :class:`CodecError` (a ``ValueError``) naming
  the class and the field.
- Writing is strict: a value that would not read back equal (a naive
  datetime, a list where a tuple is declared, a datetime where a date is) is
  refused when written, not discovered when read.
- Supported types: dataclasses (nested, also recursive), ``str``, ``int``,
  ``bool``, ``float`` (finite), enums, ``datetime`` (aware only), ``date``,
  ``time``, ``timedelta`` (whole microseconds), ``tuple[X, ...]`` and fixed
  tuples, ``list[X]``, ``frozenset[X]`` (stored sorted), ``X | None``,
  ``Literal[...]``, and mappings with ``str`` (or string-enum) keys.

Aware datetimes: a time in a named IANA zone (a ``ZoneInfo`` with a key, which
is what the calendar readers hand out) is stored as RFC 9557 text, its local
time and offset followed by the zone: ``2026-10-25T02:30:00+02:00[Europe/Berlin]``;
it reads back as the very same value in the same zone. Any other aware time
(``UTC``, a fixed offset, a ``dateutil`` zone from a custom VTIMEZONE) is
stored as UTC ISO text, ``2026-10-25T00:30:00+00:00``. Why keep the zone at
all, when aware datetimes compare equal across zones? Because they do not
always: by PEP 495 a time in a repeated or skipped hour (02:30 on the night
clocks go back or forward) never equals its UTC copy, so an interview at such
a time would differ from its stored copy on every poll. Kept in its zone it
compares wall clock to wall clock and is equal, so the planner's
``record.interview != interview`` holds only for a real change. (The core
reads these times only through ``astimezone(profile zone)``; the zone kept
changes no result, only equality and the ``.ics`` writer's choice of TZID.)
The limit: a time in a zone
that has no IANA key (the ``dateutil`` zones icalendar builds from a custom
VTIMEZONE) still reads back in UTC and so, in those few hours only, differs
from a freshly read copy. Unknown zone keys (a tz database that lost one)
read back at the stored offset; nothing is lost.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import threading
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from daemon.domain.model import (
    CalendarEvent,
    EventId,
    Interview,
    OwnKind,
    Person,
)

T = TypeVar("T")

__all__ = [
    "CodecError",
    "event_from_json",
    "event_id_from_text",
    "event_to_json",
    "from_data",
    "from_json",
    "from_row",
    "from_utc_text",
    "interview_from_json",
    "interview_to_json",
    "person_from_row",
    "person_row",
    "to_data",
    "to_json",
    "to_row",
    "to_utc_text",
]


class CodecError(ValueError):
    """A value that cannot be stored, or stored data that cannot be read.

    The message names where: ``Interview.decided.note: expected text, got int``.
    """

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        #: Where, innermost first: ".note", ".decided", "[2]" (built as the error rises).
        self.steps: list[str] = []
        self.root = ""

    def __str__(self) -> str:
        where = self.root + "".join(reversed(self.steps))
        return f"{where}: {self.problem}" if where else self.problem


Encode = Callable[[Any], Any]
Decode = Callable[[Any], Any]


# -- public API ---------------------------------------------------------------------------


def to_data(obj: object, hint: Any = None) -> Any:
    """``obj`` as plain JSON values; ``hint`` is its type when ``type(obj)`` does not say it
    (``tuple[Person, ...]``)."""
    hint = type(obj) if hint is None else hint
    try:
        return _codec(hint).encode(obj)
    except CodecError as error:
        error.root = error.root or _name(hint)
        raise


def from_data(cls: type[T], data: object) -> T:
    """The object of type ``cls`` (any supported type) that ``data`` describes."""
    try:
        return typing.cast(T, _codec(cls).decode(data))
    except CodecError as error:
        error.root = error.root or _name(cls)
        raise


def to_json(obj: object, hint: Any = None) -> str:
    """Compact, key-sorted JSON: equal objects give equal text."""
    return _dump(to_data(obj, hint))


def from_json(cls: type[T], text: str | bytes) -> T:
    return from_data(cls, _load(text, cls))


def to_row(obj: object) -> dict[str, Any]:
    """A dataclass as the columns of one table row: one column per field, named after it.

    Columns hold text, numbers or NULL: booleans become 0/1, and tuples,
    mappings and nested dataclasses their JSON text.
    """
    data = to_data(obj)
    return {
        name: (
            _dump(value)
            if isinstance(value, list | dict)
            else int(value)
            if isinstance(value, bool)
            else value
        )
        for name, value in data.items()
    }


def from_row(cls: type[T], row: Any) -> T:
    """The inverse of :func:`to_row`; ``row`` is a mapping or an ``sqlite3.Row``.

    Columns the class has no field for are ignored, fields without a column
    take their default, as for stored JSON.
    """
    plan = _dataclass_codec(cls)
    columns = set(row.keys())
    data: dict[str, Any] = {}
    for name, kind in plan.row_kinds.items():
        if name not in columns:
            continue
        value = row[name]
        if kind == "json" and isinstance(value, str | bytes):
            try:
                value = json.loads(value)
            except ValueError as error:
                raise CodecError(f"{_name(cls)}.{name}: stored text is not JSON: {error}") from None
        elif kind == "bool" and type(value) is int:
            value = bool(value)
        data[name] = value
    return from_data(cls, data)


# -- the state store's forms ----------------------------------------------------------------


def to_utc_text(moment: datetime) -> str:
    """A time as UTC ISO text: what the state store's time columns hold and sort by."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CodecError(f"naive datetime cannot be stored: {moment.isoformat()}")
    try:
        return moment.astimezone(UTC).isoformat()
    except OverflowError:
        raise CodecError(f"{moment.isoformat()} is out of range in UTC") from None


def from_utc_text(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CodecError(f"not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise CodecError(f"stored time without zone: {text!r}")
    return moment


def interview_to_json(interview: Interview) -> str:
    """The interview without its people: the state store keeps those in their own table
    (one row each, see :func:`person_row`). ``to_json(interview)`` is the whole object."""
    data = to_data(interview)
    del data["people"]
    return _dump(data)


def interview_from_json(
    *,
    uid: str,
    application: str,
    start: str,
    end: str,
    data_text: str,
    people: tuple[Person, ...],
) -> Interview:
    """The interview from its row: the JSON of :func:`interview_to_json` plus its people.

    The JSON holds the id, times and application itself (times in their own
    zone, which the UTC columns lose); the columns passed here only stand in
    for rows written before it did.
    """
    data = _load(data_text, Interview)
    if not isinstance(data, dict):
        raise CodecError(f"Interview: expected a JSON object, got {_kind(data)}")
    data.setdefault("id", to_data(event_id_from_text(uid)))
    data.setdefault("application", application)
    data.setdefault("start", start)
    data.setdefault("end", end)
    try:
        return typing.cast(
            Interview, _dataclass_codec(Interview).decode_with(data, {"people": people})
        )
    except CodecError as error:
        error.root = error.root or "Interview"
        raise


def person_row(person: Person) -> dict[str, Any]:
    """A person as the columns of the ``people`` table (one per field)."""
    return to_row(person)


def person_from_row(row: Any) -> Person:
    return from_row(Person, row)


def event_to_json(event: CalendarEvent) -> str:
    """A calendar event as it was listed, for the state store's event cache."""
    return to_json(event)


def event_from_json(text: str | bytes) -> CalendarEvent:
    """An event from the event cache, also as written before ids and own tags were structured
    (``uid`` text and ``own_key``; every event the service wrote then was a call)."""
    data = _load(text, CalendarEvent)
    if isinstance(data, dict) and "id" not in data and isinstance(data.get("uid"), str):
        data["id"] = to_data(event_id_from_text(data["uid"]))
        own_key = data.get("own_key")
        if isinstance(own_key, str) and "own" not in data:
            data["own"] = {"kind": OwnKind.CALL.value, "key": own_key}
    return from_data(CalendarEvent, data)


_OCCURRENCE = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}Z)?")


def event_id_from_text(text: str) -> EventId:
    """The id whose text form (``str(EventId)``) is ``text``.

    Only for rows written before ids were stored structured: the occurrence
    part is read only when it has the form the readers write (``#`` and a UTC
    time or a date), so a ``#`` inside a series UID stays part of it.
    """
    series, hash_sign, occurrence = text.rpartition("#")
    if hash_sign and series and _OCCURRENCE.fullmatch(occurrence):
        return EventId(series, occurrence)
    return EventId(text)


# -- JSON text --------------------------------------------------------------------------

_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)
_ASCII_ENCODER = json.JSONEncoder(
    ensure_ascii=True, sort_keys=True, separators=(",", ":"), allow_nan=False
)


def _dump(data: Any) -> str:
    text = _ENCODER.encode(data)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate (from a file decoded with surrogateescape, say)
            # cannot be written as UTF-8; escaped, it still reads back as itself.
            return _ASCII_ENCODER.encode(data)
    return text


def _load(text: str | bytes, cls: Any) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise CodecError(f"{_name(cls)}: stored text is not JSON: {error}") from None


# -- codecs per type ----------------------------------------------------------------------


class _Codec:
    __slots__ = ("decode", "encode")

    def __init__(self, encode: Encode, decode: Decode) -> None:
        self.encode = encode
        self.decode = decode


class _DataclassCodec(_Codec):
    """A dataclass's plan: for each field its name, its codecs and whether it has a default."""

    __slots__ = ("cls", "fields", "row_kinds")

    def __init__(self, cls: type) -> None:
        super().__init__(self._encode, self._decode)
        self.cls = cls
        self.fields: tuple[tuple[str, Encode, Decode, bool], ...] = ()
        self.row_kinds: dict[str, str] = {}

    def plan(self) -> None:
        cls = self.cls
        try:
            hints = typing.get_type_hints(cls)
        except (NameError, TypeError) as error:
            raise TypeError(f"{cls.__name__}: cannot resolve its type hints: {error}") from None
        plan = []
        for field in dataclasses.fields(cls):
            if not field.init:
                continue  # set by the class itself, not through __init__
            hint = hints[field.name]
            try:
                codec = _codec(hint)
            except TypeError as error:
                raise TypeError(f"{cls.__name__}.{field.name}: {error}") from None
            has_default = (
                field.default is not dataclasses.MISSING
                or field.default_factory is not dataclasses.MISSING
            )
            plan.append((field.name, codec.encode, codec.decode, has_default))
            self.row_kinds[field.name] = _row_kind(hint)
        self.fields = tuple(plan)
        self.encode, self.decode = _compiled(self)

    def _encode(self, obj: Any) -> dict[str, Any]:
        if not isinstance(obj, self.cls):
            raise CodecError(f"expected {self.cls.__name__}, got {_kind(obj)}")
        out = {}
        name = ""
        try:
            for name, encode, _, _ in self.fields:
                out[name] = encode(getattr(obj, name))
        except CodecError as error:
            error.steps.append("." + name)
            raise
        return out

    def _decode(self, data: Any) -> Any:
        if type(data) is not dict:
            raise self._not_an_object(data)
        kwargs = {}
        name = ""
        try:
            for name, _, decode, has_default in self.fields:
                if name in data:
                    kwargs[name] = decode(data[name])
                elif not has_default:
                    raise self._missing(name)
                # else an older schema: the dataclass fills in its default
        except CodecError as error:
            error.steps.append("." + name)
            raise
        return self.cls(**kwargs)

    def decode_with(self, data: Any, given: Mapping[str, Any]) -> Any:
        """Decode ``data``, taking the fields in ``given`` as they are (already objects)."""
        if type(data) is not dict:
            raise self._not_an_object(data)
        kwargs = {}
        name = ""
        try:
            for name, _, decode, has_default in self.fields:
                if name in given:
                    kwargs[name] = given[name]
                elif name in data:
                    kwargs[name] = decode(data[name])
                elif not has_default:
                    raise self._missing(name)
        except CodecError as error:
            error.steps.append("." + name)
            raise
        return self.cls(**kwargs)

    def _not_an_object(self, data: Any) -> CodecError:
        return CodecError(f"expected a JSON object for {self.cls.__name__}, got {_kind(data)}")

    def _missing(self, name: str) -> CodecError:
        return CodecError(
            f"missing from the stored data, and {self.cls.__name__}.{name} has no default"
        )


def _compiled(plan: _DataclassCodec) -> tuple[Encode, Decode]:
    """An encoder and a decoder for one dataclass, written out field by field.

    The way ``dataclasses`` writes ``__init__``: a loop over the plan costs
    about as much again as the work itself, and the event cache runs this for
    every event. Only the common case is compiled: an object or a complete
    stored record of the right types. Anything else (a missing field, a wrong
    value) falls back to the plan's loop, which fills in defaults and names
    the field in its error, so both always agree.
    """
    names: dict[str, Any] = {
        "cls": plan.cls,
        "slow_encode": plan._encode,
        "slow_decode": plan._decode,
        "CodecError": CodecError,
    }
    encoded, decoded = [], []
    for index, (name, encode, decode, _) in enumerate(plan.fields):
        names[f"e{index}"], names[f"d{index}"] = encode, decode
        encoded.append(f"{name!r}: {_inline(encode, f'e{index}', f'obj.{name}')}")
        decoded.append(f"{name}={_inline(decode, f'd{index}', f'data[{name!r}]')}")
    source = f"""
def encode(obj):
    if type(obj) is cls:
        try:
            return {{{", ".join(encoded)}}}
        except CodecError:
            pass
    return slow_encode(obj)

def decode(data):
    if type(data) is dict:
        try:
            return cls({", ".join(decoded)})
        except (KeyError, CodecError):
            pass
    return slow_decode(data)
"""
    exec(compile(source, f"<codec of {plan.cls.__name__}>", "exec"), names)  # noqa: S102 - built from field names only
    return names["encode"], names["decode"]


def _inline(function: Callable[[Any], Any], call: str, value: str) -> str:
    template = _INLINE.get(function)
    return (
        f"{call}({value})" if template is None else f"({template.format(value=value, call=call)})"
    )


def _dataclass_codec(cls: type) -> _DataclassCodec:
    plan = _codec(cls)
    if not isinstance(plan, _DataclassCodec):
        raise TypeError(f"{_name(cls)} is not a dataclass")
    return plan


#: Complete codecs by type hint; read without a lock.
_CODECS: dict[Any, _Codec] = {}
#: Codecs the planning under way has built, published together when it is done, so
#: no other thread meets a dataclass whose fields are still being planned.
_STAGED: dict[Any, _Codec] = {}
_PLANNING = threading.RLock()


def _codec(hint: Any) -> _Codec:
    try:
        return _CODECS[hint]
    except KeyError:
        pass
    except TypeError:  # an unhashable hint: built each time
        return _build(hint)
    with _PLANNING:
        found = _CODECS.get(hint) or _STAGED.get(hint)
        if found is not None:
            return found
        outermost = not _STAGED
        try:
            codec = _stage(hint)
        except BaseException:
            if outermost:
                _STAGED.clear()
            raise
        if outermost:
            _CODECS.update(_STAGED)
            _STAGED.clear()
        return codec


def _stage(hint: Any) -> _Codec:
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        plan = _DataclassCodec(hint)
        # Staged before its fields are planned, so a recursive dataclass finds itself.
        _STAGED[hint] = plan
        plan.plan()
        return plan
    codec = _build(hint)
    _STAGED[hint] = codec
    return codec


def _build(hint: Any) -> _Codec:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        return _codec(args[0])
    if isinstance(hint, typing.NewType):
        return _codec(hint.__supertype__)
    if hint is type(None) or hint is None:
        return _Codec(_none, _none)
    if origin is typing.Union or origin is types.UnionType:
        return _union(hint, args)
    if origin is typing.Literal:
        return _literal(args)
    if origin is tuple:
        return _tuple(args)
    if origin in (list, frozenset, set):
        (item,) = args
        return _collection(origin, _codec(item))
    if origin in (dict, Mapping):
        return _mapping(args)
    if isinstance(hint, type):
        if issubclass(hint, enum.Enum):
            return _enum(hint)
        simple = _SIMPLE.get(hint)
        if simple is not None:
            return simple
        if hint in (tuple, list, frozenset, set, dict):
            raise TypeError(f"give the item type of {hint.__name__} (e.g. {hint.__name__}[str])")
    raise TypeError(f"cannot store values of type {_name(hint)}")


def _row_kind(hint: Any) -> str:
    """How a field sits in a table row: as JSON text, as 0/1, or as is."""
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and len(args) == 1:
        hint = args[0]
    if hint is bool:
        return "bool"
    origin = typing.get_origin(hint)
    if origin in (tuple, list, frozenset, set, dict, Mapping) or dataclasses.is_dataclass(hint):
        return "json"
    return "plain"


# -- simple values ------------------------------------------------------------------------


def _none(value: Any) -> None:
    if value is not None:
        raise CodecError(f"expected null, got {_kind(value)}")


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise CodecError(f"expected text, got {_kind(value)}")


def _bool(value: Any) -> bool:
    if value is True or value is False:
        return bool(value)
    raise CodecError(f"expected a boolean, got {_kind(value)}")


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise CodecError(f"expected an integer, got {_kind(value)}")


def _float_out(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value != value or value in (float("inf"), float("-inf")):
            raise CodecError(f"{value} cannot be stored: JSON holds finite numbers only")
        return float(value)
    raise CodecError(f"expected a number, got {_kind(value)}")


def _float_in(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise CodecError(f"expected a number, got {_kind(value)}")


def _datetime_out(value: Any) -> str:
    if not isinstance(value, datetime):
        raise CodecError(f"expected a datetime, got {_kind(value)}")
    zone = value.tzinfo
    if zone is None or value.utcoffset() is None:
        raise CodecError(f"naive datetime cannot be stored (it has no time zone): {value}")
    if type(zone) is ZoneInfo and zone.key:
        return f"{value.isoformat()}[{zone.key}]"
    return to_utc_text(value)


def _datetime_in(value: Any) -> datetime:
    if type(value) is not str:
        raise CodecError(f"expected a time as text, got {_kind(value)}")
    key = ""
    text = value
    if value.endswith("]"):
        text, _, key = value[:-1].partition("[")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CodecError(f"not an ISO 8601 time: {value!r}") from None
    if moment.tzinfo is None:
        raise CodecError(f"stored time without zone: {value!r}")
    if not key:
        return moment
    zone = _zone(key)
    if zone is None:
        return moment  # the tz database lost the zone: the instant, at its stored offset
    offset = moment.utcoffset()
    local = moment.replace(tzinfo=zone)
    if local.utcoffset() == offset:
        return local
    other = local.replace(fold=1)
    if other.utcoffset() == offset:
        return other  # the second 02:30 of the night the clocks go back
    try:
        return moment.astimezone(zone)  # the zone's rules changed since: same instant
    except OverflowError:
        return moment


def _zone(key: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(key)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return None


def _date_out(value: Any) -> str:
    if type(value) is not date:  # a datetime is a date too, but would not read back as one
        raise CodecError(f"expected a date, got {_kind(value)}")
    return value.isoformat()


def _date_in(value: Any) -> date:
    if type(value) is not str:
        raise CodecError(f"expected a date as text, got {_kind(value)}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CodecError(f"not an ISO 8601 date: {value!r}") from None


def _time_out(value: Any) -> str:
    if not isinstance(value, time):
        raise CodecError(f"expected a time of day, got {_kind(value)}")
    if value.tzinfo is not None and value.utcoffset() is None:
        raise CodecError(f"a time of day in {value.tzinfo} has no fixed offset to store")
    return value.isoformat()


def _time_in(value: Any) -> time:
    if type(value) is not str:
        raise CodecError(f"expected a time of day as text, got {_kind(value)}")
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise CodecError(f"not an ISO 8601 time of day: {value!r}") from None


def _timedelta_out(value: Any) -> int:
    if not isinstance(value, timedelta):
        raise CodecError(f"expected a timedelta, got {_kind(value)}")
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def _timedelta_in(value: Any) -> timedelta:
    if type(value) is not int:
        raise CodecError(f"expected a duration in microseconds, got {_kind(value)}")
    try:
        return timedelta(microseconds=value)
    except OverflowError:
        raise CodecError(f"{value} microseconds is out of range") from None


_SIMPLE: dict[type, _Codec] = {
    str: _Codec(_str, _str),
    bool: _Codec(_bool, _bool),
    int: _Codec(_int, _int),
    float: _Codec(_float_out, _float_in),
    datetime: _Codec(_datetime_out, _datetime_in),
    date: _Codec(_date_out, _date_in),
    time: _Codec(_time_out, _time_in),
    timedelta: _Codec(_timedelta_out, _timedelta_in),
}


#: Checks written out in the compiled codecs instead of a call, for the commonest fields.
_INLINE: dict[Callable[[Any], Any], str] = {
    _str: "v if type(v := {value}) is str else {call}(v)",
    _bool: "v if (v := {value}) is True or v is False else {call}(v)",
    _int: "v if type(v := {value}) is int else {call}(v)",
}


def _enum(cls: type[enum.Enum]) -> _Codec:
    # Keyed by value; a member hashes and compares as its value when it is a
    # str or int enum, so one lookup serves a member and a raw value alike.
    members: dict[Any, enum.Enum] = {member.value: member for member in cls}
    for member in cls:
        if not isinstance(member.value, str | int | float) or isinstance(member.value, bool):
            raise TypeError(f"{cls.__name__}.{member.name}: only text or number values")
    allowed = ", ".join(repr(value) for value in members)

    value_types = {type(value) for value in members}

    def encode(value: Any) -> Any:
        if type(value) is cls:
            return value._value_
        try:
            return members[value]._value_
        except (KeyError, TypeError):
            raise CodecError(f"{value!r} is not a {cls.__name__} ({allowed})") from None

    def decode(value: Any) -> enum.Enum:
        member = members.get(value) if type(value) in value_types else None
        if member is None:
            raise CodecError(f"{value!r} is not a {cls.__name__} ({allowed})")
        return member

    return _Codec(encode, decode)


def _literal(values: tuple[Any, ...]) -> _Codec:
    for value in values:
        if not isinstance(value, str | int | bool | enum.Enum) and value is not None:
            raise TypeError(f"Literal[{value!r}]: only text, numbers, booleans, enums, None")
    allowed = {(type(value), value) for value in values}
    shown = ", ".join(repr(value) for value in values)

    def encode(value: Any) -> Any:
        if (type(value), value) not in allowed:
            raise CodecError(f"{value!r} is none of {shown}")
        return value.value if isinstance(value, enum.Enum) else value

    stored = {
        (type(value.value), value.value)
        if isinstance(value, enum.Enum)
        else (type(value), value): value
        for value in values
    }

    def decode(value: Any) -> Any:
        try:
            return stored[(type(value), value)]
        except (KeyError, TypeError):
            raise CodecError(f"{value!r} is none of {shown}") from None

    return _Codec(encode, decode)


def _union(hint: Any, args: tuple[Any, ...]) -> _Codec:
    options = [arg for arg in args if arg is not type(None)]
    if len(options) == len(args):
        raise TypeError(f"{_name(hint)}: of unions only X | None can be stored")
    if len(options) != 1:
        if all(typing.get_origin(option) is typing.Literal for option in options):
            inner = _literal(tuple(v for option in options for v in typing.get_args(option)))
        else:
            raise TypeError(f"{_name(hint)}: of unions only X | None can be stored")
    else:
        inner = _codec(options[0])
    encode_inner, decode_inner = inner.encode, inner.decode

    def encode(value: Any) -> Any:
        return None if value is None else encode_inner(value)

    def decode(value: Any) -> Any:
        return None if value is None else decode_inner(value)

    return _Codec(encode, decode)


def _tuple(args: tuple[Any, ...]) -> _Codec:
    if len(args) == 2 and args[1] is Ellipsis:
        return _collection(tuple, _codec(args[0]))
    items = tuple(_codec(arg) for arg in args if arg != ())  # tuple[()] is the empty tuple
    size = len(items)

    def encode(value: Any) -> list[Any]:
        if type(value) is not tuple:
            raise CodecError(f"expected a tuple, got {_kind(value)}")
        if len(value) != size:
            raise CodecError(f"expected {size} items, got {len(value)}")
        return _each(value, [codec.encode for codec in items])

    def decode(value: Any) -> tuple[Any, ...]:
        if type(value) is not list:
            raise CodecError(f"expected a JSON array, got {_kind(value)}")
        if len(value) != size:
            raise CodecError(f"expected {size} items, got {len(value)}")
        return tuple(_each(value, [codec.decode for codec in items]))

    return _Codec(encode, decode)


def _each(values: Any, functions: list[Callable[[Any], Any]]) -> list[Any]:
    try:
        return [function(value) for function, value in zip(functions, values, strict=True)]
    except CodecError as error:
        for index, (function, value) in enumerate(zip(functions, values, strict=True)):
            if _fails(function, value):
                error.steps.append(f"[{index}]")
                break
        raise


def _map(function: Callable[[Any], Any], values: Any) -> list[Any]:
    try:
        return [function(value) for value in values]
    except CodecError as error:
        # Found again only now, so the loop above stays a bare comprehension.
        for index, value in enumerate(values):
            if _fails(function, value):
                error.steps.append(f"[{index}]")
                break
        raise


def _fails(function: Callable[[Any], Any], value: Any) -> bool:
    try:
        function(value)
    except CodecError:
        return True
    return False


def _collection(kind: type, item: _Codec) -> _Codec:
    encode_item, decode_item = item.encode, item.decode
    ordered = kind in (tuple, list)

    def encode(value: Any) -> list[Any]:
        if type(value) is not kind:
            raise CodecError(f"expected a {kind.__name__}, got {_kind(value)}")
        if ordered:
            return _map(encode_item, value)
        # A set has no order of its own; sorted, equal sets give equal text.
        return sorted(_map(encode_item, value), key=_sort_key)

    def decode(value: Any) -> Any:
        if type(value) is not list:
            raise CodecError(f"expected a JSON array, got {_kind(value)}")
        out = _map(decode_item, value)
        return out if kind is list else kind(out)

    return _Codec(encode, decode)


def _sort_key(value: Any) -> str:
    return _ENCODER.encode(value)


def _mapping(args: tuple[Any, ...]) -> _Codec:
    if len(args) != 2:
        raise TypeError("give the key and value types of a mapping (e.g. dict[str, int])")
    key_hint, value_hint = args
    if key_hint is str:
        key_codec = _SIMPLE[str]
    elif (
        isinstance(key_hint, type) and issubclass(key_hint, enum.Enum) and issubclass(key_hint, str)
    ):
        key_codec = _enum(key_hint)
    else:
        raise TypeError(f"mapping keys must be text or a string enum, not {_name(key_hint)}")
    encode_key, decode_key = key_codec.encode, key_codec.decode
    value_codec = _codec(value_hint)
    encode_value, decode_value = value_codec.encode, value_codec.decode

    def encode(value: Any) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise CodecError(f"expected a mapping, got {_kind(value)}")
        out = {}
        key = None
        try:
            for key, item in value.items():
                out[encode_key(key)] = encode_value(item)
        except CodecError as error:
            error.steps.append(f"[{key!r}]")
            raise
        return out

    def decode(value: Any) -> dict[Any, Any]:
        if type(value) is not dict:
            raise CodecError(f"expected a JSON object, got {_kind(value)}")
        out = {}
        key = None
        try:
            for key, item in value.items():
                out[decode_key(key)] = decode_value(item)
        except CodecError as error:
            error.steps.append(f"[{key!r}]")
            raise
        return out

    return _Codec(encode, decode)


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _name(hint: Any) -> str:
    return hint.__name__ if isinstance(hint, type) else str(hint).replace("typing.", "")
