"""The standard `fields` parameter: a partial response, as Google trims it.

Syntax (Google's "Performance tips" page): comma-separated names, `a/b` for a nested field,
`a(b,c)` for several fields of each item of `a`. A client asking for fields it then does not
read, or reading fields it did not ask for, fails here as it would against Google.
"""

from __future__ import annotations

from typing import Any

from .errors import bad_request

Tree = dict[str, "Tree"]


def parse(selector: str) -> Tree:
    tree, rest = _list(selector.replace(" ", ""), 0)
    if rest != len(selector.replace(" ", "")):
        raise bad_request(f"Invalid field selection {selector}", location="fields")
    return tree


def _list(text: str, at: int) -> tuple[Tree, int]:
    tree: Tree = {}
    while at < len(text) and text[at] != ")":
        at = _path(text, at, tree)
        if at < len(text) and text[at] == ",":
            at += 1
    return tree, at


def _path(text: str, at: int, into: Tree) -> int:
    start = at
    while at < len(text) and text[at] not in ",()/":
        at += 1
    name = text[start:at]
    if not name:
        raise bad_request(f"Invalid field selection {text}", location="fields")
    node = into.setdefault(name, {})
    if at < len(text) and text[at] == "/":
        return _path(text, at + 1, node)
    if at < len(text) and text[at] == "(":
        inner, at = _list(text, at + 1)
        if at >= len(text) or text[at] != ")":
            raise bad_request(f"Invalid field selection {text}", location="fields")
        node.update(inner)
        return at + 1
    return at


def apply(value: Any, tree: Tree) -> Any:
    if not tree or "*" in tree:
        return value
    if isinstance(value, list):
        return [apply(item, tree) for item in value]
    if isinstance(value, dict):
        return {key: apply(value[key], sub) for key, sub in tree.items() if key in value}
    return value
