"""Spotify's ``fields=`` filter (GET /playlists/{id} and /playlists/{id}/items).

The syntax, as Spotify documents it: a comma-separated list of field names; ``a.b`` reaches
into a non-repeating object, ``a(b,c)`` into each element of a repeating one (or into an
object, which Spotify also accepts), and ``!name`` excludes a field::

    fields=description,uri
    fields=items(added_at,added_by.id)
    fields=items.items(item(name,href,album(!name,href)))

A level that names fields keeps only those (minus its exclusions); a level with only
exclusions keeps everything else. Lists are filtered element by element.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from spotify_emulator.responses import ApiError

_NAME = re.compile(r"[A-Za-z0-9_]+")


@dataclass
class Selection:
    """One level of a filter: the fields kept (each with what to keep inside) and excluded."""

    keep: dict[str, Selection | None] = field(default_factory=dict)
    drop: set[str] = field(default_factory=set)

    def add(self, name: str, inner: Selection | None) -> None:
        if name not in self.keep:
            self.keep[name] = inner
        elif self.keep[name] is not None:
            if inner is None:
                self.keep[name] = None  # the whole field wins over a part of it
            else:
                self.keep[name].merge(inner)

    def merge(self, other: Selection) -> None:
        for name, inner in other.keep.items():
            self.add(name, inner)
        self.drop |= other.drop

    def apply(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.apply(v) for v in value]
        if not isinstance(value, dict):
            return value
        if self.keep:
            names = [k for k in value if k in self.keep and k not in self.drop]
        else:
            names = [k for k in value if k not in self.drop]
        out = {}
        for name in names:
            inner = self.keep.get(name)
            out[name] = inner.apply(value[name]) if inner is not None else value[name]
        return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self) -> ApiError:
        return ApiError(400, f"Invalid fields: {self.text[:100]}")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def name(self) -> str:
        m = _NAME.match(self.text, self.pos)
        if not m:
            raise self.fail()
        self.pos = m.end()
        return m.group()

    def selection(self, closing: str) -> Selection:
        sel = Selection()
        while True:
            self.entry(sel)
            char = self.peek()
            if char == ",":
                self.pos += 1
                continue
            if char == closing:
                return sel
            raise self.fail()

    def entry(self, sel: Selection) -> None:
        """``!name`` | ``name`` | ``name.entry`` | ``name(selection)``."""
        if self.peek() == "!":
            self.pos += 1
            sel.drop.add(self.name())
            return
        name = self.name()
        if self.peek() == ".":
            self.pos += 1
            inner = Selection()
            self.entry(inner)
            sel.add(name, inner)
        elif self.peek() == "(":
            self.pos += 1
            inner = self.selection(")")
            self.pos += 1
            sel.add(name, inner)
        else:
            sel.add(name, None)


def parse_fields(text: str) -> Selection:
    """A parsed filter; 400 "Invalid fields" for anything that is not the syntax above."""
    parser = _Parser(text.replace(" ", ""))
    if not parser.text:
        raise parser.fail()
    sel = parser.selection("")
    if parser.pos != len(parser.text):
        raise parser.fail()
    return sel


def filter_fields(data: Any, text: str | None) -> Any:
    """``data`` reduced to ``fields=text`` (unchanged when there is no or an empty filter)."""
    if not text:
        return data
    return parse_fields(text).apply(data)
