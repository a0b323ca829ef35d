"""The bundled discovery documents as the stand-in's rule book.

Every request is matched to a discovery method by HTTP verb and path template, and its query
parameters and JSON body are checked against that method's declaration and the document's
schemas. The documents are the ones googleapiclient ships (`static_discovery=True`), so the
stand-in and the client always agree on what exists.

What the documents do not say, and Google still enforces, is hard-coded here and nowhere else:
body fields a method requires (`REQUIRED_BODY_FIELDS`), and value lists that Calendar only writes
into descriptions ("Possible values are: ...") instead of an `enum`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from .errors import ApiError, bad_request

# Body fields Google requires beyond what the documents annotate (`annotations.required` marks
# events.insert's start/end and drafts.send's id): a draft cannot be created or updated without a
# message.
REQUIRED_BODY_FIELDS: dict[str, tuple[str, ...]] = {
    "gmail.users.drafts.create": ("message",),
    "gmail.users.drafts.update": ("message",),
}
_REQUIRED_MESSAGES = {"start": "Missing start time.", "end": "Missing end time."}

# A value list in a description: lines like `- "confirmed" - The event is confirmed.`
_POSSIBLE_VALUES = re.compile(r'^- "([^"]+)"', re.MULTILINE)


@dataclass(frozen=True)
class Method:
    """One discovery method, with the regular expression of its full request path."""

    id: str
    api: str
    http_method: str
    path: str
    pattern: re.Pattern[str]
    parameters: Mapping[str, Mapping[str, Any]]
    request_ref: str | None
    request_parameter_name: str
    scopes: frozenset[str]
    literal_length: int


@dataclass(frozen=True)
class Api:
    name: str
    version: str
    prefix: str
    document: Mapping[str, Any]
    methods: tuple[Method, ...]
    schemas: Mapping[str, Mapping[str, Any]] = field(repr=False)


def _document(name: str) -> dict[str, Any]:
    package = resources.files("googleapiclient") / "discovery_cache" / "documents"
    loaded: dict[str, Any] = json.loads((package / name).read_text(encoding="utf-8"))
    return loaded


def _pattern(prefix: str, template: str) -> tuple[re.Pattern[str], int]:
    out = []
    literal = 0
    for piece in re.split(r"(\{\+?[A-Za-z0-9_]+\})", prefix + template):
        if piece.startswith("{+"):
            out.append(f"(?P<{piece[2:-1]}>.+)")
        elif piece.startswith("{"):
            out.append(f"(?P<{piece[1:-1]}>[^/]+)")
        else:
            out.append(re.escape(piece))
            literal += len(piece)
    return re.compile("^" + "".join(out) + "$"), literal


def _methods(api: str, prefix: str, node: Mapping[str, Any]) -> list[Method]:
    found: list[Method] = []
    for method in node.get("methods", {}).values():
        pattern, literal = _pattern(prefix, method["path"])
        request = method.get("request") or {}
        found.append(
            Method(
                id=method["id"],
                api=api,
                http_method=method["httpMethod"],
                path=method["path"],
                pattern=pattern,
                parameters=method.get("parameters", {}),
                request_ref=request.get("$ref"),
                request_parameter_name=request.get("parameterName", "body"),
                scopes=frozenset(method.get("scopes", ())),
                literal_length=literal,
            )
        )
    for child in node.get("resources", {}).values():
        found.extend(_methods(api, prefix, child))
    return found


@cache
def load(name: str, version: str) -> Api:
    document = _document(f"{name}.{version}.json")
    prefix = "/" + document.get("servicePath", "")
    methods = _methods(name, prefix, document)
    # Literal paths ("drafts/send") win over templates that would also match them.
    methods.sort(key=lambda m: -m.literal_length)
    return Api(name, version, prefix, document, tuple(methods), document["schemas"])


def apis() -> tuple[Api, ...]:
    return (load("calendar", "v3"), load("gmail", "v1"))


def route(http_method: str, path: str) -> tuple[Method, dict[str, str]] | None:
    """The method a request is for, and its decoded path parameters."""
    from urllib.parse import unquote

    for api in apis():
        if not path.startswith(api.prefix):
            continue
        for method in api.methods:
            if method.http_method != http_method:
                continue
            match = method.pattern.match(path)
            if match:
                return method, {k: unquote(v) for k, v in match.groupdict().items()}
    return None


# ---- query parameters -------------------------------------------------------------------------


def _global_parameters(api_name: str) -> Mapping[str, Mapping[str, Any]]:
    params: Mapping[str, Mapping[str, Any]] = load(
        *(("calendar", "v3") if api_name == "calendar" else ("gmail", "v1"))
    ).document.get("parameters", {})
    return params


def parse_rfc3339(value: str, what: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or "T" not in value.upper():
        raise bad_request(
            f"Invalid value for {what}: {value!r} is not an RFC 3339 timestamp with an offset.",
            location=what,
        )
    return parsed


def _convert(name: str, spec: Mapping[str, Any], raw: str) -> Any:
    kind = spec.get("type", "string")
    if kind == "integer":
        try:
            value: Any = int(raw)
        except ValueError:
            raise bad_request(
                f"Invalid value '{raw}' for parameter {name}.", location=name
            ) from None
        if "minimum" in spec and value < int(spec["minimum"]):
            raise bad_request(
                f"Invalid value '{raw}'. Values must be >= {spec['minimum']}", location=name
            )
        if "maximum" in spec and value > int(spec["maximum"]):
            raise bad_request(
                f"Invalid value '{raw}'. Values must be <= {spec['maximum']}", location=name
            )
        return value
    if kind == "boolean":
        if raw not in ("true", "false"):
            raise bad_request(f"Invalid boolean value '{raw}' for parameter {name}.", location=name)
        return raw == "true"
    if "enum" in spec and raw not in spec["enum"]:
        raise bad_request(
            f"Invalid value '{raw}' for parameter {name}: one of {', '.join(spec['enum'])}.",
            location=name,
        )
    if spec.get("format") == "date-time":
        return parse_rfc3339(raw, name)
    if "pattern" in spec and not re.fullmatch(spec["pattern"], raw):
        raise bad_request(f"Invalid value '{raw}' for parameter {name}.", location=name)
    return raw


def check_query(method: Method, query: Mapping[str, list[str]]) -> dict[str, Any]:
    """Typed query parameters; unknown, mistyped, repeated or missing ones answer 400."""
    known = {**_global_parameters(method.api), **method.parameters}
    values: dict[str, Any] = {}
    for name, raws in query.items():
        spec = known.get(name)
        if spec is None or spec.get("location") == "path":
            raise bad_request(
                "Invalid JSON payload received. "
                f'Unknown name "{name}": Cannot bind query parameter.',
                location=name,
            )
        if len(raws) > 1 and not spec.get("repeated"):
            raise bad_request(f"Parameter {name} must not be repeated.", location=name)
        converted = [_convert(name, spec, raw) for raw in raws]
        values[name] = converted if spec.get("repeated") else converted[0]
    for name, spec in method.parameters.items():
        if spec.get("required") and spec.get("location") == "query" and name not in values:
            raise bad_request(f"Required parameter: {name}", reason="required", location=name)
    return values


# ---- request bodies ---------------------------------------------------------------------------


def _documented_values(spec: Mapping[str, Any]) -> list[str] | None:
    if "enum" in spec:
        return list(spec["enum"])
    description = spec.get("description", "")
    if "Possible values are:" not in description:
        return None
    tail = description.split("Possible values are:", 1)[1]
    return _POSSIBLE_VALUES.findall(tail) or None


def _check_format(spec: Mapping[str, Any], value: str, where: str) -> None:
    fmt = spec.get("format")
    try:
        if fmt in ("date-time", "google-datetime"):
            # In bodies an offset may be left out when a timeZone field says where (EventDateTime).
            if "T" not in value.upper():
                raise ValueError(value)
            datetime.fromisoformat(value)
        elif fmt == "date":
            date.fromisoformat(value)
        elif fmt in ("int64", "uint64"):
            int(value)
        elif fmt == "byte":
            padded = value + "=" * (-len(value) % 4)
            base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (ValueError, binascii.Error):
        raise bad_request(
            f"Invalid value at '{where}' ({fmt}), \"{value}\"", location=where
        ) from None


def check_value(api: Api, spec: Mapping[str, Any], value: Any, where: str) -> None:
    if value is None:
        return  # null clears a field; legal anywhere in a body
    if "$ref" in spec:
        check_value(api, api.schemas[spec["$ref"]], value, where)
        return
    kind = spec.get("type")
    if kind == "any" or (kind is None and "properties" not in spec):
        return
    if kind == "object" or "properties" in spec:
        if not isinstance(value, dict):
            raise bad_request(f"Invalid value at '{where}': expected an object.", location=where)
        properties: Mapping[str, Any] = spec.get("properties", {})
        extra = spec.get("additionalProperties")
        for key, item in value.items():
            if key in properties:
                check_value(api, properties[key], item, f"{where}.{key}")
            elif extra is not None:
                check_value(api, extra, item, f"{where}.{key}")
            else:
                raise bad_request(
                    f"Invalid JSON payload received. Unknown name \"{key}\" at '{where}': "
                    "Cannot find field.",
                    location=f"{where}.{key}",
                )
        return
    if kind == "array":
        if not isinstance(value, list):
            raise bad_request(f"Invalid value at '{where}': expected a list.", location=where)
        for index, item in enumerate(value):
            check_value(api, spec.get("items", {}), item, f"{where}[{index}]")
        return
    if kind == "boolean":
        if not isinstance(value, bool):
            raise bad_request(f"Invalid value at '{where}' (TYPE_BOOL), {value!r}", location=where)
        return
    if kind == "integer":
        # Proto JSON accepts integers as numbers or as decimal strings.
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise bad_request(f"Invalid value at '{where}' (TYPE_INT32), {value!r}", location=where)
        try:
            int(value)
        except ValueError:
            raise bad_request(
                f"Invalid value at '{where}' (TYPE_INT32), {value!r}", location=where
            ) from None
        return
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad_request(
                f"Invalid value at '{where}' (TYPE_DOUBLE), {value!r}", location=where
            )
        return
    if kind == "string":
        if not isinstance(value, str):
            raise bad_request(
                f"Invalid value at '{where}' (TYPE_STRING), {value!r}", location=where
            )
        allowed = _documented_values(spec)
        if allowed is not None and value not in allowed:
            raise bad_request(
                f"Invalid value at '{where}': \"{value}\" is not one of {', '.join(allowed)}.",
                location=where,
            )
        _check_format(spec, value, where)
        return


def _required(api: Api, method: Method) -> list[str]:
    assert method.request_ref is not None
    properties = api.schemas[method.request_ref].get("properties", {})
    marked = [
        key
        for key, spec in properties.items()
        if method.id in spec.get("annotations", {}).get("required", ())
    ]
    return marked + [key for key in REQUIRED_BODY_FIELDS.get(method.id, ()) if key not in marked]


def check_body(method: Method, body: Any) -> None:
    """A request body against the method's schema; 400 in Google's format when it is wrong."""
    if method.request_ref is None:
        return
    api = load(*(("calendar", "v3") if method.api == "calendar" else ("gmail", "v1")))
    if body is None:
        body = {}
    where = "resource" if method.api == "calendar" else method.request_parameter_name
    check_value(api, {"$ref": method.request_ref}, body, where)
    for key in _required(api, method):
        if body.get(key) is None:
            message = _REQUIRED_MESSAGES.get(key, f"Missing required field: {key}")
            raise ApiError(400, message, "required", location=key, location_type="body")
