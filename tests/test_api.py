from __future__ import annotations

import subprocess
import sys

import qualkit as qk


def test_every_public_name_resolves():
    missing = []
    for name in qk.__all__:
        try:
            getattr(qk, name)
        except (AttributeError, ImportError) as exc:
            missing.append(f"{name}: {exc}")
    assert not missing


def test_all_is_sorted_and_unique():
    assert qk.__all__ == sorted(set(qk.__all__))


def test_unknown_name_raises_attribute_error():
    try:
        qk.does_not_exist  # noqa: B018
    except AttributeError as exc:
        assert "does_not_exist" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_import_is_light():
    # `import qualkit` must not pull in matplotlib, sklearn or spaCy: the CLI and notebooks
    # only pay for what they use.
    code = "import sys, qualkit; print(sorted(m for m in ('matplotlib', 'sklearn', 'spacy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_functions_win_over_submodules_of_the_same_name():
    # qualkit.show and qualkit.agreement are modules and public functions; importing the
    # module (as evaluate and CodedDocument do) must not turn qk.show into the module.
    import importlib

    qk.evaluate  # noqa: B018 - imports qualkit.agreement
    qk.CodedDocument  # noqa: B018 - imports qualkit.show
    importlib.import_module("qualkit.show")
    importlib.import_module("qualkit.agreement")
    assert (qk.show.__module__, qk.show.__name__) == ("qualkit.show", "show")
    assert (qk.agreement.__module__, qk.agreement.__name__) == ("qualkit.agreement", "agreement")
    from qualkit.show import CodedDocument

    assert CodedDocument is qk.CodedDocument


def test_public_functions_win_in_a_fresh_interpreter():
    code = (
        "import qualkit as qk, qualkit.show, qualkit.agreement; "
        "from qualkit import show; print(qk.show is show, callable(qk.agreement), type(qk.show).__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True", "function"]
