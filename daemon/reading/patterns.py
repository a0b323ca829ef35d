"""Title patterns (``[interviews] patterns``) as the regexes they stand for.

A pattern matches at the start of a word, in any case, and may carry a plural
or verb ending (s, es, ed, ing) but nothing more: "Interviews" and
"interviewing" match "interview", "Panels" matches "panel", "panelling" and
"expanel" do not. Between the words of a pattern any spaces or hyphens, or
none, may stand: "phone screen" matches "Phone-Screen", "on-site" matches
"onsite" and "on site".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence


def matching_pattern(title: str, patterns: Sequence[str]) -> str | None:
    """The first configured pattern found in ``title``, or None."""
    for pattern, regex in _compiled(tuple(patterns)):
        if regex.search(title):
            return pattern
    return None


def pattern_regex(pattern: str) -> re.Pattern[str] | None:
    """The regex a configured pattern stands for; None for a blank pattern (it would match all)."""
    words = [re.escape(word) for word in re.split(r"[\s\-]+", pattern) if word]
    if not words:
        return None
    body = r"[\s\-]*".join(words)
    return re.compile(rf"(?<!\w){body}(?:s|es|ed|ing)?(?!\w)", re.IGNORECASE)


def without_patterns(text: str, patterns: Sequence[str]) -> str:
    """``text`` with every pattern cut out, spaces collapsed."""
    for _pattern, regex in _compiled(tuple(patterns)):
        text = regex.sub(" ", text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    # Settings are frozen, so the same tuple comes back every cycle.
    compiled = ((pattern, pattern_regex(pattern)) for pattern in patterns)
    return tuple((pattern, regex) for pattern, regex in compiled if regex is not None)
