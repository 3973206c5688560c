"""The ``qualkit`` command: the library's functions, for the shell.

::

    qualkit code data/afstemming --codebook codebooks/leiderschap.yaml \\
        --participants data/afstemming/participants.csv --out out/coded.csv

Each subcommand is a pair of functions, ``add_<name>(subparsers)`` that
declares its arguments and ``run_<name>(args) -> int`` that does the work,
listed in :data:`COMMANDS`. Any :class:`~qualkit.errors.QualkitError` ends the
command with exit status 2 and a clear message on stderr, never a traceback;
warnings are printed as ``qualkit: warning: ...``.

Examples
--------
>>> main(["--version"])  # doctest: +ELLIPSIS
qualkit ...
0
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import QualkitError

if TYPE_CHECKING:  # pandas is imported by the subcommands that need it, not at start-up
    import pandas as pd

#: exit status of a command that failed on bad input
EXIT_INPUT = 2


# -- qualkit code ------------------------------------------------------------------


def add_code(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "code",
        help="apply codebooks to transcripts and write the codings as CSV",
        description="Load a folder or file, code its segments with the rules of one or more "
        "codebooks, and write one row per coding to a CSV file.",
    )
    p.add_argument("path", nargs="+", help="a folder, a file, or several")
    p.add_argument("--codebook", action="append", required=True, metavar="FILE",
                   help="a codebook (.yaml or .qdc); repeat for several")
    p.add_argument("--participants", metavar="FILE", help="participants file (CSV/XLSX with a speaker column)")
    p.add_argument("--documents", metavar="FILE", help="documents file (CSV/XLSX with a document column)")
    p.add_argument("--unit", default="turn", help="the unit to code (default: turn)")
    p.add_argument("--out", required=True, metavar="FILE", help="the CSV file to write")
    p.add_argument("--excel", action="store_true", help="write CSV for Dutch Excel (';' and decimal comma)")
    p.add_argument("--overwrite", action="store_true", help="replace --out if it exists")


def run_code(args: argparse.Namespace) -> int:
    from .coding import code
    from .codebook import read_codebook
    from .load import load_corpus

    t0 = time.perf_counter()
    out = Path(args.out)
    if out.exists() and not args.overwrite:  # fail before the slow part
        from .errors import OutputExistsError

        raise OutputExistsError(f"{out}: the file exists already; pass --overwrite to replace it, or choose another name")
    books = [read_codebook(f) for f in args.codebook]
    paths = args.path[0] if len(args.path) == 1 else args.path
    corpus = load_corpus(paths, participants=args.participants, documents=args.documents)
    segments = corpus.segments(args.unit)
    progress = any(Path(p).is_dir() for p in args.path) and sys.stderr.isatty()
    coded = code(segments, books, progress=progress)
    _write_coded(coded, out, args)
    seconds = time.perf_counter() - t0
    print(
        f"{len(corpus)} documents, {len(segments)} segments ({args.unit}), {len(coded)} codings, "
        f"{coded['code'].nunique()} codes used, {seconds:.1f} s -> {out}"
    )
    return 0


def _write_coded(coded: pd.DataFrame, out: Path, args: argparse.Namespace) -> None:
    from .export import export_excerpts

    export_excerpts(coded, out, excel=args.excel, overwrite=args.overwrite)


# -- qualkit demo ------------------------------------------------------------------


def add_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="code the bundled sample data and print a frequency view",
        description="Load the bundled focus groups and observations of the alignment meetings "
        "(data/afstemming), code them with the assemblage and leadership codebooks, write "
        "out/excerpts.csv and print how often each code occurs per role.",
    )
    p.add_argument("--data", default="data/afstemming", metavar="FOLDER", help="the folder to load")
    p.add_argument("--codebooks", default="codebooks", metavar="FOLDER", help="the shipped codebooks")
    p.add_argument("--out", default="out/excerpts.csv", metavar="FILE", help="the CSV to write (replaced)")


def run_demo(args: argparse.Namespace) -> int:
    import pandas as pd

    from .analyse import matrix
    from .codebook import read_codebook
    from .coding import code
    from .load import load_corpus

    t0 = time.perf_counter()
    data = Path(args.data)
    corpus = load_corpus(data, participants=data / "participants.csv", documents=data / "documents.csv")
    print(f"Loaded {len(corpus)} documents from {data}:")
    turns = corpus.segments("turn")
    notes = corpus.segments("entry")
    for doc in corpus:
        units = {u: len(doc.units(u)) for u in ("turn", "entry", "note") if doc.units(u)}
        plural = {"turn": "turns", "entry": "entries", "note": "notes"}
        layout = ", ".join(f"{n} {plural[u]}" for u, n in units.items()) or "no segments"
        print(f"  {doc.id:<26} {doc.kind:<12} {doc.encoding or '-':<10} {len(doc.text.split()):>6} words  {layout}")
    books = [read_codebook(Path(args.codebooks) / name) for name in ("assemblage.yaml", "leiderschap.yaml")]
    segments = pd.concat([turns, notes], ignore_index=True)
    coded = code(segments, books)
    out = Path(args.out)
    # the demo's own output: replacing it on every run is what the user asked for
    _write_coded(coded, out, argparse.Namespace(excel=False, overwrite=True))
    print(f"\n{len(coded)} codings of {coded['code'].nunique()} codes in {len(segments)} turns and entries "
          f"-> {out} ({time.perf_counter() - t0:.1f} s)")
    # a field-note entry without an actor tag has no role; say so instead of printing NaN
    coded["role"] = coded["role"].fillna("(geen rol)")
    view = matrix(coded, rows="code", cols="role", codebooks=books, label="name")
    with pd.option_context("display.max_rows", 100, "display.width", 200, "display.max_columns", 12):
        print("\nCoded turns per code (rows) and role (columns):")
        print(view.to_string())
    return 0


# -- the command table ---------------------------------------------------------------

#: subcommand name -> (declare its arguments, run it). A new subcommand (e.g.
#: ``demo``) is one more entry here and its two functions above.
COMMANDS: dict[str, tuple[Callable[[argparse._SubParsersAction], None], Callable[[argparse.Namespace], int]]] = {
    "code": (add_code, run_code),
    "demo": (add_demo, run_demo),
}


def parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``qualkit`` command."""
    p = argparse.ArgumentParser(prog="qualkit", description="Qualitative analysis of Dutch texts: load, code, export.")
    p.add_argument("--version", action="version", version=f"qualkit {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for add, _ in COMMANDS.values():
        add(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``qualkit`` command; return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).
    """
    p = parser()
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors: argparse has printed them
        return int(exc.code or 0)
    if args.command is None:
        p.print_help(sys.stderr)
        return EXIT_INPUT
    _, run = COMMANDS[args.command]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            status = run(args)
        except (QualkitError, OSError) as exc:
            _print_warnings(caught)
            print(f"qualkit: error: {exc}", file=sys.stderr)
            return EXIT_INPUT
    _print_warnings(caught)
    return status


def _print_warnings(caught: list[warnings.WarningMessage]) -> None:
    seen: set[str] = set()
    for w in caught:
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning)):
            continue
        text = str(w.message)
        if text not in seen:
            seen.add(text)
            print(f"qualkit: warning: {text}", file=sys.stderr)
