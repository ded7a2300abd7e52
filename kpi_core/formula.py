"""Calculated KPIs: the ``formula`` column of the KPI dictionary, parsed and
evaluated safely (issue 14).

A formula is an expression over other KPI ids, numbers, ``+ - * /`` and
parentheses, e.g. ``GP / REV * 100``. It is read by a small tokenizer and a
recursive-descent parser (never ``eval``), into a tree of tuples:

* ``("num", 100.0)``, ``("id", "GP")``, ``("neg", node)``,
* ``("+", left, right)``, ``("-", ...)``, ``("*", ...)``, ``("/", ...)``.

Evaluation is vectorised over numpy arrays: a missing component gives NaN,
and so does a division by zero (the engine shows that period as
``no_data``); nothing raises.

A leaf module: it imports nothing of the product but numpy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

import numpy as np

Node = tuple

#: The longest formula accepted (characters) and the deepest nesting.
MAX_LENGTH = 500
MAX_DEPTH = 50

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<id>[^\W\d][\w.]*)"
    r"|(?P<op>[-+*/()]))"
)


class FormulaError(ValueError):
    """A formula that cannot be read; the message says where and why."""


def tokens(text: str) -> list[tuple[str, str]]:
    """The tokens of ``text`` as (kind, text): ``num``, ``id`` or ``op``.

    >>> tokens("GP / REV * 100")
    [('id', 'GP'), ('op', '/'), ('id', 'REV'), ('op', '*'), ('num', '100')]
    """
    out = []
    at = 0
    text = text.rstrip()
    while at < len(text):
        found = _TOKEN.match(text, at)
        if found is None or found.end() == at:
            bad = text[at:].lstrip()[:1]
            raise FormulaError(f"unexpected character {bad!r}")
        kind = found.lastgroup or ""
        out.append((kind, found.group(kind)))
        at = found.end()
    return out


def parse(text: str) -> Node:
    """The tree of a formula; :class:`FormulaError` when it cannot be read.

    >>> parse("GP / REV * 100")
    ('*', ('/', ('id', 'GP'), ('id', 'REV')), ('num', 100.0))
    >>> parse("-(A + 2)")
    ('neg', ('+', ('id', 'A'), ('num', 2.0)))
    """
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("the formula is empty")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters")
    reader = _Parser(tokens(text))
    node = reader.expression(0)
    if reader.pos < len(reader.items):
        raise FormulaError(f"unexpected {reader.items[reader.pos][1]!r}")
    return node


class _Parser:
    """Recursive descent: expression = term (+|- term)*; term = factor (*|/
    factor)*; factor = number | id | -factor | +factor | ( expression )."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = items
        self.pos = 0

    def _next_op(self, ops: str) -> str | None:
        if self.pos < len(self.items) and self.items[self.pos][0] == "op" and self.items[self.pos][1] in ops:
            self.pos += 1
            return self.items[self.pos - 1][1]
        return None

    def expression(self, depth: int) -> Node:
        node = self.term(depth)
        while (op := self._next_op("+-")) is not None:
            node = (op, node, self.term(depth))
        return node

    def term(self, depth: int) -> Node:
        node = self.factor(depth)
        while (op := self._next_op("*/")) is not None:
            node = (op, node, self.factor(depth))
        return node

    def factor(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise FormulaError(f"the formula nests more than {MAX_DEPTH} levels")
        if self.pos >= len(self.items):
            raise FormulaError("the formula ends too early")
        kind, value = self.items[self.pos]
        self.pos += 1
        if kind == "num":
            number = float(value)
            if not np.isfinite(number):
                raise FormulaError(f"{value} is not a finite number")
            return ("num", number)
        if kind == "id":
            return ("id", value)
        if value in "-+":
            inner = self.factor(depth + 1)
            return ("neg", inner) if value == "-" else inner
        if value == "(":
            node = self.expression(depth + 1)
            if self._next_op(")") is None:
                raise FormulaError("a parenthesis is not closed")
            return node
        raise FormulaError(f"unexpected {value!r}")


def ids(node: Node) -> list[str]:
    """The KPI ids a formula reads, in order of first appearance.

    >>> ids(parse("(GP - COST) / GP"))
    ['GP', 'COST']
    """
    out: list[str] = []

    def walk(n: Node) -> None:
        if n[0] == "id":
            if n[1] not in out:
                out.append(n[1])
        elif n[0] == "neg":
            walk(n[1])
        elif n[0] != "num":
            walk(n[1])
            walk(n[2])

    walk(node)
    return out


def evaluate(node: Node, value: Callable[[str], np.ndarray]) -> np.ndarray:
    """The formula over arrays: ``value(kpi_id)`` gives each component's
    array (NaN: none). A division by zero, and any result that is not a finite
    number, give NaN; nothing raises.

    >>> evaluate(parse("GP / REV * 100"), {"GP": np.array([30.0, 5.0]), "REV": np.array([100.0, 0.0])}.get).tolist()
    [30.0, nan]
    """

    def ev(n: Node) -> np.ndarray:
        op = n[0]
        if op == "num":
            return np.asarray(n[1], dtype="float64")
        if op == "id":
            return np.asarray(value(n[1]), dtype="float64")
        if op == "neg":
            return -ev(n[1])
        left, right = ev(n[1]), ev(n[2])
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if op == "+":
                return left + right
            if op == "-":
                return left - right
            if op == "*":
                return left * right
            zero = right == 0
            return np.where(zero, np.nan, left / np.where(zero, 1.0, right))

    out = np.asarray(ev(node), dtype="float64")
    return np.where(np.isfinite(out), out, np.nan)


def parse_all(formulas: Mapping[str, object]) -> dict[str, Node]:
    """The trees of every readable formula of ``{kpi_id: text}`` (empty
    cells and unreadable formulas are left out)."""
    out = {}
    for kpi_id, text in formulas.items():
        if isinstance(text, str) and text.strip():
            try:
                out[kpi_id] = parse(text)
            except FormulaError:
                continue
    return out


def cycles(depends: Mapping[str, Iterable[str]]) -> set[str]:
    """The KPIs whose formula reads itself, directly or through other
    calculated KPIs (``depends``: kpi_id -> the ids its formula reads).

    >>> sorted(cycles({"A": ["B"], "B": ["A"], "C": ["A"], "D": ["E"]}))
    ['A', 'B']
    """
    graph = {k: [d for d in v if d in depends] for k, v in depends.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: set[str] = set()
    counter = 0
    for root in graph:
        if root in index:
            continue
        # iterative Tarjan: a long chain of formulas cannot overflow the stack
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(graph[child])))
                    break
                if child in on:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1 or node in graph[node]:
                        found.update(component)
    return found


def order(depends: Mapping[str, Iterable[str]]) -> list[str]:
    """The calculated KPIs in an order where each comes after the calculated
    KPIs it reads (KPIs on a cycle are left out).

    >>> order({"C": ["B", "X"], "B": ["A"], "A": ["X"]})
    ['A', 'B', 'C']
    """
    looped = cycles(depends)
    done: list[str] = []
    seen: set[str] = set()
    for root in sorted(depends):
        if root in looped or root in seen:
            continue
        work = [(root, iter(sorted(depends[root])))]
        seen.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child in depends and child not in seen and child not in looped:
                    seen.add(child)
                    work.append((child, iter(sorted(depends[child]))))
                    break
            else:
                work.pop()
                done.append(node)
    return done
