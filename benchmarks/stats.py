"""Figures: a measured quantity over several runs, with its median, spread and target."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any, Literal

Comparison = Literal["at_most", "at_least"]


def percentile(values: list[float], fraction: float) -> float:
    """Return the value at `fraction` (0 to 1) of the sorted values, interpolated linearly."""
    if not values:
        raise ValueError("percentile of no values: measure at least one run")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@dataclass(slots=True)
class Target:
    """The bound that a figure's median (or, with `every_run`, each run's value) must respect."""

    limit: float
    comparison: Comparison = "at_most"
    every_run: bool = False
    """Judge the worst run instead of the median, for bounds such as "no frame over 100 ms"."""

    def met(self, value: float) -> bool:
        return value <= self.limit if self.comparison == "at_most" else value >= self.limit

    def describe(self, unit: str) -> str:
        sign = "≤" if self.comparison == "at_most" else "≥"
        return f"{sign} {format_value(self.limit, unit)}"


@dataclass(slots=True)
class Figure:
    """One reported number: its values per run, unit, target and how it was measured."""

    key: str
    label: str
    unit: str
    values: list[float]
    target: Target | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        if self.target.every_run:
            worst = self.high if self.target.comparison == "at_most" else self.low
            return self.target.met(worst)
        return self.target.met(self.median)

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "unit": self.unit,
            "runs": len(self.values),
            "values": [round(value, 6) for value in self.values],
            "median": round(self.median, 6),
            "min": round(self.low, 6),
            "max": round(self.high, 6),
            "p5": round(percentile(self.values, 0.05), 6),
            "p95": round(percentile(self.values, 0.95), 6),
            "target": None if self.target is None else {
                "limit": self.target.limit, "comparison": self.target.comparison,
                "every_run": self.target.every_run,
            },
            "met": self.met,
            "note": self.note,
            **({"extra": self.extra} if self.extra else {}),
        }


def format_value(value: float, unit: str) -> str:
    """Return a value with its unit, rounded for reading."""
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "ratio":
        return f"{value:.2f}×"
    if unit in ("messages/s", "MB/s"):
        return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"
    return f"{value:g} {unit}"


def ratio_values(numerators: list[float], denominators: list[float]) -> list[float]:
    """Return per-run ratios of two side-by-side series of equal length."""
    if len(numerators) != len(denominators):
        raise ValueError(f"ratio of {len(numerators)} runs to {len(denominators)} runs: the series must pair up")
    return [top / bottom for top, bottom in zip(numerators, denominators, strict=True)]
