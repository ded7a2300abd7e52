"""The organisation tree: parents, children, paths and subtrees. Pure."""

from __future__ import annotations

from dataclasses import dataclass

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

    def kind(self, unit_id: str) -> str:
        return str(self.units.at[unit_id, "kind"])

    def parent(self, unit_id: str) -> str | None:
        parent = self.units.at[unit_id, "parent_id"]
        return parent if isinstance(parent, str) and parent else None

    def children(self, unit_id: str) -> list[str]:
        return list(self.units.index[self.units["parent_id"] == unit_id])

    def path(self, unit_id: str) -> list[str]:
        """Ids from the company down to ``unit_id`` (the breadcrumb)."""
        out = [unit_id]
        while (parent := self.parent(out[-1])) is not None and parent not in out:
            out.append(parent)
        return out[::-1]

    def subtree(self, unit_id: str) -> list[str]:
        """``unit_id`` and every unit below it, parents before children."""
        by_parent = self.units.groupby("parent_id")["unit_id"].apply(list).to_dict()
        out, todo = [], [unit_id]
        while todo:
            node = todo.pop(0)
            out.append(node)
            todo.extend(by_parent.get(node, []))
        return out
