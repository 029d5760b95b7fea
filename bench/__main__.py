"""`make bench`: run every benchmark module under bench/ and print its figures."""

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    names = sys.argv[1:] or sorted(
        info.name for info in pkgutil.iter_modules([str(Path(__file__).parent)]) if not info.name.startswith("_")
    )
    if not names:
        print("no benchmarks found under bench/")
        return 1
    from bench import _report

    for name in names:
        print(f"== bench/{name}.py")
        importlib.import_module(f"bench.{name}").main()
    if _report.ROWS:
        print(f"== summary ({', '.join(names)})")
        print(_report.table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
