"""The one table `make bench` ends with: each benchmark adds its headline figures, __main__ prints them.

Figures are only ever what the run measured; a goal that was not met says so.
"""

Row = tuple[str, str, str, str]  # case, measured, goal, verdict
ROWS: list[Row] = []


def add(case: str, measured: str, goal: str = "", met: bool | None = None) -> None:
    verdict = "" if met is None else ("met" if met else "NOT met")
    ROWS.append((case, measured, goal, verdict))


def table() -> str:
    header: Row = ("case", "measured", "goal", "")
    widths = [max(len(row[column]) for row in [header, *ROWS]) for column in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *ROWS]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
