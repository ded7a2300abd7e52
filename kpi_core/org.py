"""The organisation tree: parents, children, paths and subtrees. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd


@dataclass(frozen=True)
class Org:
    """The unit tree, built once from the ``units`` table."""

    units: pd.DataFrame
    """unit_id, name, name_zh, kind, parent_id, sort_order; indexed by unit_id."""

    @classmethod
    def from_frame(cls, units: pd.DataFrame) -> Org:
        return cls(units.set_index("unit_id", drop=False))

    @property
    def company_id(self) -> str | None:
        ids = self.units.index[self.units["kind"] == "company"]
        return str(ids[0]) if len(ids) else None

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self.units.index

    def row(self, unit_id: str) -> pd.Series:
        return self.units.loc[unit_id]

    def name(self, unit_id: str, lang: str = "en") -> str:
        row = self.units.loc[unit_id]
        if lang == "zh" and isinstance(row["name_zh"], str) and row["name_zh"]:
            return row["name_zh"]
        return str(row["name"])

    def names(self, lang: str = "en") -> pd.Series:
        """Every unit's name in ``lang`` (Chinese falling back to English), by id."""
        zh = self.units["name_zh"]
        if lang == "zh":
            return zh.where(zh.notna() & (zh.astype(str) != ""), self.units["name"]).astype(str)
        return self.units["name"].astype(str)

    def masked(self, label_en: str = "Person {n}", label_zh: str = "人员 {n}") -> Org:
        """The same tree with every person's name replaced by a number (for a
        shared screen): persons are numbered 1, 2, ... in display order, so a
        person keeps their number on every page of the meeting.

        >>> units = pd.DataFrame({"unit_id": ["HQ", "P1", "P2"], "name": ["Acme", "Li Na", "Wu Hao"],
        ...     "name_zh": ["阿克米", "李娜", None], "kind": ["company", "person", "person"],
        ...     "parent_id": [None, "HQ", "HQ"], "sort_order": [1, 2, 3]})
        >>> m = Org.from_frame(units).masked()
        >>> m.name("HQ"), m.name("P1"), m.name("P2", "zh")
        ('Acme', 'Person 1', '人员 2')
        """
        units = self.units.copy()
        persons = units["kind"] == "person"
        numbers = range(1, int(persons.sum()) + 1)
        units.loc[persons, "name"] = [label_en.format(n=n) for n in numbers]
        units.loc[persons, "name_zh"] = [label_zh.format(n=n) for n in numbers]
        return Org(units)

    def kind(self, unit_id: str) -> str:
        return str(self.units.at[unit_id, "kind"])

    def parent(self, unit_id: str) -> str | None:
        parent = self.units.at[unit_id, "parent_id"]
        return parent if isinstance(parent, str) and parent else None

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        """parent -> children in display order, built once: a large organisation
        asks for children and subtrees many times per page."""
        out: dict[str, list[str]] = {}
        for unit, parent in zip(self.units["unit_id"], self.units["parent_id"], strict=True):
            if isinstance(parent, str) and parent:
                out.setdefault(parent, []).append(unit)
        return out

    @cached_property
    def _info(self) -> dict[str, dict[str, object]]:
        columns = ("unit_id", "name", "name_zh", "kind")
        rows = zip(*(self.units[c].astype(object).where(self.units[c].notna(), None) for c in columns), strict=True)
        return {row[0]: dict(zip(columns, row, strict=True)) for row in rows}

    def info(self, unit_ids: list[str]) -> dict[str, list[object]]:
        """``unit_id, name, name_zh, kind`` of ``unit_ids``, as lists in that order."""
        found = [self._info[u] for u in unit_ids]
        return {c: [r[c] for r in found] for c in ("unit_id", "name", "name_zh", "kind")}

    def children(self, unit_id: str) -> list[str]:
        return list(self._children.get(unit_id, []))

    def path(self, unit_id: str) -> list[str]:
        """Ids from the company down to ``unit_id`` (the breadcrumb)."""
        out = [unit_id]
        while (parent := self.parent(out[-1])) is not None and parent not in out:
            out.append(parent)
        return out[::-1]

    def subtree(self, unit_id: str) -> list[str]:
        """``unit_id`` and every unit below it, each parent before its children
        (depth first, in display order)."""
        out, todo = [], [unit_id]
        while todo:
            node = todo.pop()
            out.append(node)
            todo.extend(reversed(self._children.get(node, [])))
        return out
