"""Read, validate and write codebooks (YAML; REFI-QDA ``.qdc`` through :mod:`qualkit.refi`).

The YAML format and the meaning of every rule are documented in
``codebooks/README.md``. Reading checks the whole file and reports *every*
problem at once in one :class:`~qualkit.errors.CodebookError`, each problem
starting with the file, the line and the code it concerns::

    codebooks/x.yaml, line 14, code leiderschap:visie: regex '(op lange' is not a valid
    regular expression: missing ), unterminated subpattern at position 0

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "mini.yaml"
>>> _ = p.write_text('''
... namespace: mini
... name: Mini
... codes:
...   - id: visie
...     name: Visie
...     rules: {keywords: [visie], compounds: true}
... ''', encoding="utf-8")
>>> book = read_codebook(p)
>>> book.get("visie").qualified, book.get("visie").rules.keywords
('mini:visie', ('visie',))
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from ._io import atomic_output
from .errors import CodebookError, CodebookWarning, SourceNotFoundError, where
from .model import UNITS, Code, Codebook, Rules
from .nlp import term_words

#: the keys of a codebook file, of a code and of a code's rules, in writing order
TOP_KEYS = ("namespace", "name", "version", "description", "codes")
CODE_KEYS = ("id", "name", "parent", "codable", "description", "include", "exclude", "example", "colour", "rules", "children")
RULE_KEYS = ("keywords", "compounds", "regex", "near", "exclude", "roles", "units")
_TEXT_KEYS = ("description", "include", "exclude", "example")
_TERM_LISTS = ("keywords", "exclude")
_WORD_LISTS = ("roles", "units")

NAMESPACE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


# -- YAML with line numbers ----------------------------------------------------


class _Map(dict):
    """A YAML mapping that remembers its line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class _Seq(list):
    """A YAML sequence that remembers its line and the line of each item."""

    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings and sequences know their 1-based lines."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[int, Any]] = []


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> Iterable[_Map]:
    data = _Map()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=False)
        line = key_node.start_mark.line + 1
        try:
            if key in data:  # PyYAML would silently keep the last value
                loader.duplicate_keys.append((line, key))
        except TypeError:  # an unhashable key such as a list
            loader.duplicate_keys.append((line, key))
            continue
        data[key] = loader.construct_object(value_node, deep=False)
        data.key_lines[key] = line


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> Iterable[_Seq]:
    data = _Seq()
    data.line = node.start_mark.line + 1
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield data
    data.extend(loader.construct_object(child, deep=False) for child in node.value)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def _load_yaml(text: str, path: str) -> tuple[Any, list[tuple[int, Any]]]:
    loader = _LineLoader(text)
    try:
        return loader.get_single_data(), loader.duplicate_keys
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc)
        column = f", column {mark.column + 1}" if mark is not None else ""
        raise CodebookError(
            f"{where(path, line)}{column}: not valid YAML ({what}); check the indentation and quoting there "
            "(a text that contains ': ', starts with a quote or holds a comma inside [...] needs quotes around all of it)"
        ) from None
    finally:
        loader.dispose()


# -- reading -----------------------------------------------------------------


def read_codebook(path: str | os.PathLike[str]) -> Codebook:
    """Read and validate one codebook file (``.yaml``/``.yml``, or REFI-QDA ``.qdc``).

    Parameters
    ----------
    path : path-like
        The codebook file.

    Returns
    -------
    Codebook
        Codes in file order, parents before their children.

    Raises
    ------
    SourceNotFoundError
        The file does not exist.
    CodebookError
        Every problem found, at once (``error.problems`` lists them in line
        order; a problem without a line, such as an empty file, comes last).

    Warns
    -----
    CodebookWarning
        Codable codes without any rule (they can only be coded by hand), in one
        warning that names them all.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "fout.yaml"
    >>> _ = p.write_text("namespace: x\\ncodes:\\n  - id: a\\n", encoding="utf-8")
    >>> try:
    ...     read_codebook(p)
    ... except CodebookError as e:
    ...     print(e.problems[0].split(": ", 1)[1])
    the code has no 'name'; add name: <display name>
    """
    p = Path(path)
    if not p.is_file():
        raise SourceNotFoundError(f"{p}: no such codebook file; check the path")
    if p.suffix.lower() == ".qdc":
        return _read_qdc(p)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodebookError(f"{where(p)}: not UTF-8 text (byte {exc.start}); save the codebook as UTF-8") from None
    return parse_codebook(text, str(p))


def _read_qdc(p: Path) -> Codebook:
    try:
        from .qdpx import read_qdc  # type: ignore[attr-defined]
    except ImportError:
        from .refi import read_qdc
    return read_qdc(p)


def read_codebooks(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Codebook]:
    """Read several codebooks: a folder (its ``*.yaml``, ``*.yml`` and ``*.qdc``, by name) or a list of files.

    Every file is read and all problems of all files are reported together;
    two codebooks with one namespace are a problem too.

    Parameters
    ----------
    paths : path-like or iterable of path-like
        A folder, or the codebook files (``.yaml``/``.yml``/``.qdc``).

    Returns
    -------
    list of Codebook
        One per file, in file-name order for a folder, else in the order given.

    Raises
    ------
    CodebookError
        Every problem of every file, at once.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for ns in ("b", "a"):
    ...     _ = (d / f"{ns}.yaml").write_text(f"namespace: {ns}\\nname: {ns}\\ncodes: []\\n", encoding="utf-8")
    >>> [b.namespace for b in read_codebooks(d)]
    ['a', 'b']
    """
    if isinstance(paths, (str, os.PathLike)):
        folder = Path(paths)
        if folder.is_dir():
            files = sorted(f for f in folder.iterdir() if f.suffix.lower() in (".yaml", ".yml", ".qdc"))
        else:
            files = [folder]
    else:
        files = [Path(f) for f in paths]
    books: list[Codebook] = []
    problems: list[str] = []
    for f in files:
        try:
            books.append(read_codebook(f))
        except CodebookError as exc:
            problems.extend(exc.problems)
    problems.extend(namespace_clashes(books))
    if problems:
        raise CodebookError(problems)
    return books


def namespace_clashes(books: Sequence[Codebook]) -> list[str]:
    """Return a problem for every namespace used by more than one codebook."""
    seen: dict[str, Codebook] = {}
    problems = []
    for b in books:
        if b.namespace in seen:
            problems.append(
                f"{where(b.source)}: namespace {b.namespace!r} is also used by {where(seen[b.namespace].source)}; "
                "give each codebook its own namespace"
            )
        else:
            seen[b.namespace] = b
    return problems


def parse_codebook(text: str, source: str | None = None) -> Codebook:
    """Parse and validate the YAML text of a codebook (see :func:`read_codebook`).

    Examples
    --------
    >>> parse_codebook("namespace: n\\nname: N\\ncodes: [{id: a, name: A, codable: false}]").path("a")
    'A'
    """
    path = source or "<codebook>"
    data, duplicates = _load_yaml(text, path)
    v = _Validator(path)
    for line, key in duplicates:
        v.problem(line, None, f"the key {key!r} appears twice in one mapping; keep one")
    book = v.book(data)
    if v.problems:
        raise CodebookError(v.problems)
    assert book is not None
    if v.warnings:
        _warn_rule_less(path, v.warnings)
    return book


def _warn_rule_less(path: str, codes: list[tuple[int | None, str]]) -> None:
    listed = ", ".join(f"{c} (line {line})" for line, c in codes)
    n = len(codes)
    what = "1 codable code has" if n == 1 else f"{n} codable codes have"
    warnings.warn(
        f"{where(path)}: {what} no rule, so only manual coding can assign them: {listed}; "
        "add rules (keywords, regex or near) to code them automatically",
        CodebookWarning,
        stacklevel=4,
    )


class _Validator:
    """Turns the loaded YAML into a Codebook while collecting every problem."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.located: list[tuple[int | None, str]] = []
        self.warnings: list[tuple[int | None, str]] = []
        self.namespace = "?"

    @property
    def problems(self) -> list[str]:
        """The problems in line order, those without a line last (a researcher fixes the file top down).

        The sort is stable: problems on one line keep the order they were found in.
        """
        ordered = sorted(self.located, key=lambda p: (p[0] is None, p[0] or 0))
        return [message for _, message in ordered]

    def problem(self, line: int | None, code: str | None, message: str) -> None:
        qualified = None if code is None else f"{self.namespace}:{code}"
        self.located.append((line, f"{where(self.path, line, qualified)}: {message}"))

    # the top level
    def book(self, data: Any) -> Codebook | None:
        if not isinstance(data, _Map):  # the loader makes every mapping a _Map
            found = "an empty file" if data is None else f"a {_type_name(data)}"
            self.problem(None, None, f"a codebook must be a mapping with namespace, name and codes; found {found}")
            return None
        line = data.line
        self.unknown_keys(data, TOP_KEYS, None, "the codebook")
        ns = data.get("namespace")
        if ns is None:
            self.problem(line, None, "the codebook has no 'namespace'; add namespace: <short name>, e.g. namespace: leiderschap")
            ns = "?"
        elif not isinstance(ns, str) or not NAMESPACE_RE.match(ns):
            self.problem(
                data.key_lines["namespace"], None,
                f"namespace must start with a letter and hold only letters, digits, _ and -; got {ns!r}",
            )
            ns = str(ns)
        self.namespace = ns
        name = self.text(data, "name", None) or ns
        version = self.text(data, "version", None)
        description = self.text(data, "description", None)
        codes_data = data.get("codes")
        if "codes" not in data:
            self.problem(line, None, "the codebook has no 'codes'; add codes: followed by a list of codes")
            codes_data = []
        elif codes_data is None:
            codes_data = []
        drafts: list[dict[str, Any]] = []
        self.codes(codes_data, None, drafts, data.key_lines.get("codes", line))
        codes = self.checked_tree(drafts)
        return Codebook(ns, name, tuple(codes), description, version, source=self.path)

    def unknown_keys(self, data: _Map, allowed: Sequence[str], code: str | None, what: str) -> None:
        for key in data:
            if key not in allowed:
                hint = " (write colour, British spelling)" if key == "color" else ""
                self.problem(
                    data.key_lines.get(key, data.line), code,
                    f"unknown key {key!r} in {what}{hint}; allowed keys are {', '.join(allowed)}",
                )

    def text(self, data: _Map, key: str, code: str | None) -> str:
        """Return a text field ('' when absent); numbers are taken as their text."""
        value = data.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(data.key_lines.get(key, data.line), code, f"{key} must be text; got {_found(value)}")
            return ""
        return str(value)

    # the codes
    def codes(self, items: Any, parent: str | None, drafts: list[dict[str, Any]], line: int) -> None:
        if not isinstance(items, list):
            where_code = parent
            self.problem(line, where_code, f"codes and children must be a list of codes (lines starting with '- id:'); got {_found(items)}")
            return
        lines = getattr(items, "item_lines", [line] * len(items))
        for item, item_line in zip(items, lines):
            self.code(item, parent, drafts, item_line)

    def code(self, data: Any, parent: str | None, drafts: list[dict[str, Any]], line: int) -> None:
        if not isinstance(data, _Map):  # the loader makes every mapping a _Map
            self.problem(line, parent, f"a code must be a mapping with at least id and name; got {_found(data)}")
            return
        line = data.line
        raw_id = data.get("id")
        cid: str | None = None
        if raw_id is None:
            self.problem(line, None, "the code has no 'id'; add id: <short unique id>")
        elif isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)) or ":" in str(raw_id) or not str(raw_id).strip():
            self.problem(line, None, f"id must be a non-empty text without ':'; got {_found(raw_id)}")
        else:
            cid = str(raw_id)
        self.unknown_keys(data, CODE_KEYS, cid, "a code")
        name = self.text(data, "name", cid)
        if "name" not in data or data.get("name") is None:
            self.problem(line, cid, "the code has no 'name'; add name: <display name>")
        explicit_parent = data.get("parent")
        if explicit_parent is not None:
            explicit_parent = str(explicit_parent)
            if parent is not None and explicit_parent != parent:
                self.problem(
                    data.key_lines["parent"], cid,
                    f"parent is {explicit_parent!r} but the code is nested under {parent!r}; remove one of the two",
                )
        codable = data.get("codable", True)
        if not isinstance(codable, bool):
            self.problem(data.key_lines.get("codable", line), cid, f"codable must be true or false; got {_found(codable)}")
            codable = True
        colour = self.colour(data, cid)
        rules = self.rules(data.get("rules"), cid, data.key_lines.get("rules", line)) if "rules" in data else Rules()
        texts = {k: self.text(data, k, cid) for k in _TEXT_KEYS}
        if cid is not None:
            drafts.append(dict(
                id=cid, name=name, parent=explicit_parent or parent, codable=codable, colour=colour,
                rules=rules, line=line, **texts,
            ))
            if codable and rules.is_empty():
                self.warnings.append((line, f"{self.namespace}:{cid}"))
        if "children" in data and data["children"] is not None:
            self.codes(data["children"], cid if cid is not None else parent, drafts, data.key_lines["children"])

    def colour(self, data: _Map, cid: str | None) -> str | None:
        if "colour" not in data:
            return None
        value = data["colour"]
        line = data.key_lines["colour"]
        if value is None:
            self.problem(line, cid, "colour is empty; quote it, e.g. colour: \"#4C72B0\" (an unquoted # starts a YAML comment)")
            return None
        if not isinstance(value, str) or not COLOUR_RE.match(value):
            self.problem(line, cid, f"colour must be \"#RRGGBB\" (e.g. \"#4C72B0\"); got {value!r}")
            return None
        return value.upper()

    # the rules of one code
    def rules(self, data: Any, cid: str | None, line: int) -> Rules:
        if data is None:
            return Rules()
        if not isinstance(data, _Map):  # the loader makes every mapping a _Map
            self.problem(line, cid, f"rules must be a mapping (keywords:, regex:, near: ...); got {_found(data)}")
            return Rules()
        self.unknown_keys(data, RULE_KEYS, cid, "rules")
        out: dict[str, Any] = {}
        for key in (*_TERM_LISTS, *_WORD_LISTS, "regex"):
            if key in data:
                out[key] = self.string_list(data, key, cid)
        for i, term in enumerate(out.get("keywords", ()) + out.get("exclude", ())):
            self.check_term(term, cid, data)
        for j, pattern in enumerate(out.get("regex", ())):
            try:
                re.compile(pattern, re.IGNORECASE)
            except re.error as exc:
                lines = getattr(data["regex"], "item_lines", None)
                self.problem(
                    lines[j] if lines else data.key_lines["regex"], cid,
                    f"regex {pattern!r} is not a valid regular expression: {exc}",
                )
        for unit in out.get("units", ()):
            if unit not in UNITS:
                self.problem(data.key_lines["units"], cid, f"unit {unit!r} is unknown; units are {', '.join(UNITS)}")
        compounds = data.get("compounds", False)
        if not isinstance(compounds, bool):
            self.problem(data.key_lines["compounds"], cid, f"compounds must be true or false; got {_found(compounds)}")
            compounds = False
        near = self.near(data, cid) if "near" in data else ()
        return Rules(
            keywords=tuple(out.get("keywords", ())), compounds=compounds, regex=tuple(out.get("regex", ())),
            near=near, exclude=tuple(out.get("exclude", ())), roles=tuple(out.get("roles", ())),
            units=tuple(out.get("units", ())),
        )

    def string_list(self, data: _Map, key: str, cid: str | None) -> tuple[str, ...]:
        value = data[key]
        line = data.key_lines[key]
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(line, cid, f"rules.{key} must be a list, e.g. {key}: [{_example(key)}]; got {_found(value)}")
            return ()
        out = []
        lines = getattr(value, "item_lines", [line] * len(value))
        for item, item_line in zip(value, lines):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item).strip():
                self.problem(item_line, cid, f"rules.{key} must hold non-empty texts; got {_found(item)}")
            else:
                out.append(str(item))
        return tuple(out)

    def check_term(self, term: str, cid: str | None, data: _Map) -> None:
        line = _item_line(data, term)
        if not term_words(term):
            self.problem(line, cid, f"term {term!r} has no word in it; write letters or digits")
        elif re.search(r"\*\w", term) or re.match(r"\s*\*", term):
            self.problem(line, cid, f"term {term!r} has '*' before a letter; '*' is only allowed at the end of a word (samenwerk*)")

    def near(self, data: _Map, cid: str | None) -> tuple[tuple[str, str, int], ...]:
        value = data["near"]
        line = data.key_lines["near"]
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(line, cid, f"rules.near must be a list of [A, B, N] triples, e.g. near: [[werken, samen, 4]]; got {_found(value)}")
            return ()
        out = []
        lines = getattr(value, "item_lines", [line] * len(value))
        for item, item_line in zip(value, lines):
            ok = (
                isinstance(item, list) and len(item) == 3
                and all(isinstance(t, str) and term_words(t) for t in item[:2])
                and isinstance(item[2], int) and not isinstance(item[2], bool) and item[2] >= 0
            )
            if not ok:
                self.problem(
                    item_line, cid,
                    f"each near item must be [A, B, N] with two terms and a whole number N >= 0 "
                    f"(e.g. [werken, samen, 4]); got {_found(item)}",
                )
                continue
            out.append((str(item[0]), str(item[1]), int(item[2])))
        return tuple(out)

    # the tree: duplicates, unknown parents, cycles, parents first
    def checked_tree(self, drafts: list[dict[str, Any]]) -> list[Code]:
        first: dict[str, dict[str, Any]] = {}
        unique: list[dict[str, Any]] = []
        for d in drafts:
            if d["id"] in first:
                self.problem(
                    d["line"], d["id"],
                    f"duplicate id {d['id']!r}, first defined on line {first[d['id']]['line']}; ids must be unique within a codebook",
                )
            else:
                first[d["id"]] = d
                unique.append(d)
        for d in unique:
            if d["parent"] is not None and d["parent"] not in first:
                self.problem(d["line"], d["id"], f"unknown parent {d['parent']!r}; no code has that id")
                d["parent"] = None
        for d in unique:
            cycle = _cycle(d, first)
            if cycle and cycle[0] == d["id"] and d["id"] == min(cycle):  # report each cycle once
                self.problem(d["line"], d["id"], f"the parents form a cycle: {' -> '.join(cycle + [cycle[0]])}; a code cannot descend from itself")
        if self.located:
            return []
        codes = [
            Code(
                id=d["id"], name=d["name"], namespace=self.namespace, parent=d["parent"], description=d["description"],
                include=d["include"], exclude=d["exclude"], example=d["example"], colour=d["colour"],
                codable=d["codable"], rules=d["rules"], line=d["line"],
            )
            for d in unique
        ]
        return _parents_first(codes)


def _cycle(d: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> list[str]:
    """Return the cycle that starts at ``d`` (ids in parent order), or []."""
    chain = [d["id"]]
    parent = d["parent"]
    while parent is not None:
        if parent == d["id"]:
            return chain
        if parent in chain or parent not in by_id:
            return []
        chain.append(parent)
        parent = by_id[parent]["parent"]
    return []


def _parents_first(codes: list[Code]) -> list[Code]:
    """Return the codes depth-first from the roots, siblings in file order (a child may be written before its parent)."""
    children: dict[str | None, list[Code]] = {}
    for c in codes:
        children.setdefault(c.parent, []).append(c)
    ordered: list[Code] = []

    def visit(parent: str | None) -> None:
        for c in children.get(parent, []):
            ordered.append(c)
            visit(c.id)

    visit(None)
    return ordered


def _item_line(data: _Map, term: str) -> int:
    for key in _TERM_LISTS:
        value = data.get(key)
        if isinstance(value, list) and term in [str(v) for v in value]:
            lines = getattr(value, "item_lines", None)
            return lines[[str(v) for v in value].index(term)] if lines else data.key_lines[key]
    return data.line


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def _found(value: Any) -> str:
    if value is None:
        return "nothing"
    return f"a {_type_name(value)} {value!r}" if not isinstance(value, (dict, list)) else f"a {_type_name(value)} {_plain(value)!r}"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _example(key: str) -> str:
    return {"keywords": "visie, schoolvisie", "exclude": "televisie", "regex": "'\\bop lange termijn\\b'",
            "roles": "directie", "units": "turn"}.get(key, "...")


# -- writing -----------------------------------------------------------------


def codebook_data(book: Codebook) -> dict[str, Any]:
    """Return the codebook as the plain data of its YAML file (codes nested as children).

    Examples
    --------
    >>> from qualkit.model import Code
    >>> codebook_data(Codebook("n", "N", (Code("a", "A", "n", codable=False), Code("b", "B", "n", parent="a"))))
    {'namespace': 'n', 'name': 'N', 'codes': [{'id': 'a', 'name': 'A', 'codable': False, 'children': [{'id': 'b', 'name': 'B'}]}]}
    """
    out: dict[str, Any] = {"namespace": book.namespace, "name": book.name}
    if book.version:
        out["version"] = book.version
    if book.description:
        out["description"] = book.description
    by_parent: dict[str | None, list[Code]] = {}
    for c in book.codes:
        by_parent.setdefault(c.parent, []).append(c)

    def nested(parent: str | None) -> list[dict[str, Any]]:
        return [_code_data(c, nested(c.id)) for c in by_parent.get(parent, [])]

    out["codes"] = nested(None)
    return out


def _code_data(c: Code, children: list[dict[str, Any]]) -> dict[str, Any]:
    d: dict[str, Any] = {"id": c.id, "name": c.name}
    if not c.codable:
        d["codable"] = False
    for key in _TEXT_KEYS:
        if getattr(c, key):
            d[key] = getattr(c, key)
    if c.colour:
        d["colour"] = c.colour
    rules = _rules_data(c.rules)
    if rules:
        d["rules"] = rules
    if children:
        d["children"] = children
    return d


def _rules_data(r: Rules) -> dict[str, Any]:
    d: dict[str, Any] = {}
    for key in RULE_KEYS:
        value = getattr(r, key)
        if key == "compounds":
            if value:
                d[key] = True
        elif key == "near":
            if value:
                d[key] = [[a, b, n] for a, b, n in value]
        elif value:
            d[key] = list(value)
    return d


class _Dumper(yaml.SafeDumper):
    """Writes texts with line-break characters YAML would normalise (NEL, LS, PS, CR) double-quoted."""


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = '"' if any(ch in text for ch in "\x85\u2028\u2029\r") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)


def write_codebook(book: Codebook, path: str | os.PathLike[str], overwrite: bool = False) -> Path:
    """Write a codebook as YAML that :func:`read_codebook` reads back equal.

    Parameters
    ----------
    book : Codebook
        The codebook to write.
    path : path-like
        The ``.yaml`` file to write (``.qdc``: use :func:`qualkit.refi.write_qdc`).
    overwrite : bool
        Replace an existing file; otherwise an existing file raises
        :class:`~qualkit.errors.OutputExistsError`.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from qualkit.model import Code, Rules
    >>> book = Codebook("n", "N", (Code("a", "Ä", "n", rules=Rules(keywords=("visie",))),))
    >>> p = write_codebook(book, pathlib.Path(tempfile.mkdtemp()) / "n.yaml")
    >>> read_codebook(p) == book
    True
    """
    target = Path(path)
    text = yaml.dump(codebook_data(book), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)
    with atomic_output(target, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return target
