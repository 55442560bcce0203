"""Bounds on a question bank before it is built into Python objects.

A bank comes from whoever may import (an admin in chat, an operator's file), and parsers
can be made to do far more work than the text's length suggests: a 500-byte YAML file of
nested aliases ("billion laughs") expands to millions of nodes, and deeply nested JSON
exhausts the recursion limit. So the text is first read as a stream of tokens (YAML events,
JSON tokens), which costs time and memory proportional to its length only, and refused with
a :class:`BankRefused` when it is too large, too deep, has too many nodes or uses YAML
aliases. Only then is it built. The whole parse runs in a worker thread under a time bound
(:func:`bounded`), so a slow bank never holds up the event loop and the other groups.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import TypeVar

import yaml

T = TypeVar("T")

MAX_BYTES = 1_000_000
"""A bank of a few thousand questions is well under 1 MB of UTF-8; more is not a bank."""
MAX_NODES = 50_000
"""Values (mappings, lists, scalars, keys) in a bank: ~10 per question, so ~5,000 questions
per import; bounds the objects built from one file."""
MAX_DEPTH = 20
"""Nesting depth: a bank is a list of mappings of lists (depth 3-4); 20 leaves room for a
wrapping mapping and stays far below Python's recursion limit."""
PARSE_SECONDS = 20.0
"""Longest a parse may take; a bank within the limits above parses in well under a second."""

YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when installed (the same results, several times faster)."""
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[{]|[\]}]|[^\s,:\[\]{}"]+')
"""A JSON string (closed or not), an opening or closing bracket, or a bare literal."""


class BankRefused(Exception):
    """The bank was not read at all; ``key`` names the translated message (``import.*``)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def check_size(text: str) -> None:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise BankRefused("import.too_big", size=size, max=MAX_BYTES)


def check_cells(cells: int) -> None:
    """CSV: every cell is one value of the bank."""
    _count(cells, 2)


def _count(nodes: int, depth: int) -> None:
    if nodes > MAX_NODES:
        raise BankRefused("import.too_many_nodes", max=MAX_NODES)
    if depth > MAX_DEPTH:
        raise BankRefused("import.too_deep", max=MAX_DEPTH)


def check_yaml(text: str) -> None:
    """Walk the YAML events (no node is built): refuse aliases, too many nodes, too deep.

    Malformed YAML is left to the parser proper, which reports the line."""
    nodes = depth = 0
    try:
        for event in yaml.parse(text, Loader=YAML_LOADER):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else 0
                raise BankRefused("import.yaml_alias", line=line)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(event, yaml.NodeEvent):
                nodes += 1
            _count(nodes, depth)
    except yaml.YAMLError:
        return


def check_json(text: str) -> None:
    """Scan the JSON tokens (nothing is decoded): refuse too many nodes or too deep."""
    nodes = depth = 0
    for match in _JSON_TOKEN.finditer(text):
        first = match.group()[0]
        if first in "]}":
            depth -= 1
            continue
        nodes += 1
        if first in "[{":
            depth += 1
        _count(nodes, depth)


async def bounded(parse: Callable[[], T]) -> T:
    """Run ``parse`` in a worker thread, at most :data:`PARSE_SECONDS`; a slower one raises
    :class:`BankRefused` (the thread finishes on its own, bounded by the limits above)."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(parse), PARSE_SECONDS)
    except TimeoutError:
        raise BankRefused("import.timeout", seconds=int(PARSE_SECONDS)) from None
