"""qualkit: qualitative research analysis in Python, Dutch-aware and explainable.

The pipeline is load -> segment -> code -> analyse -> export::

    import qualkit as qk
    corpus = qk.load_corpus("data/focusgroepen", participants="data/focusgroepen/deelnemers.csv")
    book = qk.read_codebook("codebooks/netwerkthemas.yaml")
    coded = qk.code(corpus, book, unit="turn")
    qk.frequencies(coded, by="role")
    qk.export_excerpts(coded, "out/excerpts.csv")

Names are imported on first use (PEP 562), so ``import qualkit`` stays fast and
the command line does not pay for matplotlib or scikit-learn it does not use.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

__version__ = "0.1.0"

# public name -> the module that defines it. One line per name; keep it sorted.
_API: dict[str, str] = {
    "Code": "qualkit.model",
    "Codebook": "qualkit.model",
    "CodedDocument": "qualkit.show",
    "Corpus": "qualkit.model",
    "Document": "qualkit.model",
    "Excerpts": "qualkit.analyse",
    "LikertSummary": "qualkit.analyse",
    "Participant": "qualkit.model",
    "Project": "qualkit.store",
    "RatingsSummary": "qualkit.analyse",
    "Rules": "qualkit.model",
    "Segment": "qualkit.model",
    "Suggester": "qualkit.suggest",
    "add_coding": "qualkit.coding",
    "agreement": "qualkit.agreement",
    "check_mean": "qualkit.analyse",
    "check_means": "qualkit.analyse",
    "check_tally": "qualkit.analyse",
    "code": "qualkit.coding",
    "code_colours": "qualkit.analyse",
    "codings_from_table": "qualkit.coding",
    "cooccurrence": "qualkit.analyse",
    "disagreements": "qualkit.agreement",
    "evaluate": "qualkit.agreement",
    "excerpts": "qualkit.analyse",
    "export_excerpts": "qualkit.export",
    "export_html": "qualkit.export",
    "export_matrix": "qualkit.export",
    "export_xlsx": "qualkit.export",
    "frequencies": "qualkit.analyse",
    "kwic": "qualkit.analyse",
    "likert": "qualkit.analyse",
    "load_corpus": "qualkit.load",
    "matrix": "qualkit.analyse",
    "network": "qualkit.analyse",
    "parse_transcript": "qualkit.load",
    "participation": "qualkit.analyse",
    "plot_frequencies": "qualkit.plot",
    "plot_likert": "qualkit.plot",
    "plot_matrix": "qualkit.plot",
    "plot_network": "qualkit.plot",
    "plot_ratings": "qualkit.plot",
    "plot_timeline": "qualkit.plot",
    "ratings": "qualkit.analyse",
    "read_codebook": "qualkit.codebook",
    "read_codebooks": "qualkit.codebook",
    "read_document_attributes": "qualkit.load",
    "read_excerpts": "qualkit.export",
    "read_participants": "qualkit.load",
    "read_qdc": "qualkit.qdpx",
    "read_qdpx": "qualkit.qdpx",
    "read_review": "qualkit.review",
    "review_sheet": "qualkit.review",
    "roll_up": "qualkit.analyse",
    "show": "qualkit.show",
    "tally": "qualkit.analyse",
    "timeline": "qualkit.analyse",
    "write_codebook": "qualkit.codebook",
    "write_qdc": "qualkit.qdpx",
    "write_qdpx": "qualkit.qdpx",
}

__all__ = sorted([*_API, "__version__"])


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'qualkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return __all__


class _Package(types.ModuleType):
    """The qualkit package, whose public names win over submodules of the same name.

    Importing a submodule binds it as a package attribute, so any import of
    ``qualkit.show`` or ``qualkit.agreement`` (also ``from .show import ...``
    inside qualkit) would turn ``qk.show`` and ``qk.agreement`` into modules.
    The submodule stays reachable in ``sys.modules`` and through ``from ... import``.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and name in _API and value.__name__ == f"{__name__}.{name}":
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
