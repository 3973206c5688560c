"""The exceptions and warnings qualkit raises.

Every error is a :class:`QualkitError` and also the built-in exception it
resembles, so ``except ValueError`` or ``except FileNotFoundError`` in a
researcher's notebook keeps working::

    Exception
    └── QualkitError
        ├── InputError (ValueError)            bad input data in general
        │   ├── LoadError                      a source file cannot be read
        │   │   ├── UnsupportedFormatError     an extension qualkit does not read
        │   │   ├── EncodingError              bytes in no supported encoding
        │   │   ├── EmptySourceError           a file with no text
        │   │   ├── NoSpeakersError            turns asked for, no speaker labels
        │   │   └── ParticipantsError          a participants file that is unusable
        │   ├── DuplicateDocumentError         two documents with one id
        │   ├── CodebookError                  every problem of a codebook at once
        │   ├── ProjectFileError               a REFI-QDA file that is invalid or hostile
        │   └── SheetError                     a review sheet or CSV export that is unusable
        ├── SourceNotFoundError (FileNotFoundError)
        ├── OutputExistsError (FileExistsError) writing over a file without overwrite=True
        └── StoreError (RuntimeError)          the project database refuses a write
            └── DocumentChangedError           a document's text changed under its codings

    UserWarning
    └── QualkitWarning
        ├── CodebookWarning                    e.g. a codable code with no rule
        └── UnknownSpeakerWarning              speakers missing from the participants file

A message says where (file, line, code), what was expected, what was found,
and how to fix it. Build the "where" part with :func:`where` so every message
looks the same.

Examples
--------
>>> from qualkit.errors import LoadError, where
>>> str(LoadError(f"{where('fg_03.txt', 41)}: no speaker label in '(lacht)'"))
"fg_03.txt, line 41: no speaker label in '(lacht)'"
"""

from __future__ import annotations

import os
from collections.abc import Sequence


def where(path: str | os.PathLike[str] | None, line: int | None = None, code: str | None = None) -> str:
    """Return the location prefix of an error message: ``file, line N, code X``.

    Only the parts that are known are included; with nothing known the result is
    ``"<input>"``.

    Examples
    --------
    >>> where("codebooks/x.yaml", 12, "netwerk:leren")
    'codebooks/x.yaml, line 12, code netwerk:leren'
    >>> where("a.csv")
    'a.csv'
    """
    parts: list[str] = []
    if path is not None:
        parts.append(os.fspath(path))
    if line is not None:
        parts.append(f"line {line}")
    if code is not None:
        parts.append(f"code {code}")
    return ", ".join(parts) if parts else "<input>"


class QualkitError(Exception):
    """Root of every error qualkit raises."""


class InputError(QualkitError, ValueError):
    """Input data that qualkit cannot use as it is."""


class LoadError(InputError):
    """A source file that cannot be read into documents."""


class UnsupportedFormatError(LoadError):
    """A file whose extension qualkit does not read."""


class EncodingError(LoadError):
    """Bytes that decode in none of the supported encodings."""


class EmptySourceError(LoadError):
    """A source file that holds no text."""


class NoSpeakersError(LoadError):
    """Turns were asked for but the file has no speaker labels."""


class ParticipantsError(LoadError):
    """A participants file that cannot be used (e.g. no ``speaker`` column)."""


class DuplicateDocumentError(InputError):
    """Two documents that would get the same id."""


class CodebookError(InputError):
    """A codebook with one or more problems; ``problems`` lists them all.

    Parameters
    ----------
    problems : sequence of str
        Each problem as a full sentence that starts with its location.
    """

    def __init__(self, problems: Sequence[str] | str) -> None:
        if isinstance(problems, str):
            problems = [problems]
        self.problems: list[str] = list(problems)
        n = len(self.problems)
        head = "1 problem in codebook" if n == 1 else f"{n} problems in codebook"
        super().__init__(head + ":\n" + "\n".join(f"- {p}" for p in self.problems))


class ProjectFileError(InputError):
    """A REFI-QDA project or codebook file that is invalid or unsafe to open."""


class SheetError(InputError):
    """A review sheet or exported table that cannot be read back."""


class SourceNotFoundError(QualkitError, FileNotFoundError):
    """A path that does not exist."""


class OutputExistsError(QualkitError, FileExistsError):
    """An output file exists already and ``overwrite=True`` was not given."""


class StoreError(QualkitError, RuntimeError):
    """The project store refuses a write."""


class DocumentChangedError(StoreError):
    """A document's text changed while codings depend on its offsets."""


class QualkitWarning(UserWarning):
    """Root of qualkit's warnings."""


class CodebookWarning(QualkitWarning):
    """A codebook that works but is probably not what its author meant."""


class UnknownSpeakerWarning(QualkitWarning):
    """Speaker labels that the participants file does not list."""
