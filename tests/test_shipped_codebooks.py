"""The codebooks shipped in ``codebooks/``: they load cleanly, their namespaces
are distinct, the reference framework has its 50 building blocks, and for a
handful of codes per codebook a realistic Dutch sentence is coded while a
near miss is not.

The sentences are written for these tests (not taken from the sample data),
so they check that the rules generalise beyond the data they were tuned on.
Each test builds a one-turn corpus from ``qualkit.model`` objects, so it does
not depend on the loaders.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import qualkit as qk
from qualkit.model import Corpus, Document, Segment

CODEBOOKS = Path(__file__).resolve().parents[1] / "codebooks"
SHIPPED = {
    "assemblage.yaml": "assemblage",
    "leiderschap.yaml": "leiderschap",
    "netwerkthemas.yaml": "netwerk",
    "zorgbeleid.yaml": "zorg",
    "referentiekader_onw.yaml": "ref",
    "ovsg.yaml": "ovsg",
}
#: (theme id, name, number of building blocks) in the order of the inspectorate's report
THEMES = [
    ("t1", "Organisatie", 9),
    ("t2", "Visie en strategisch beleid", 8),
    ("t3", "Vormgeving van de ondersteuning", 12),
    ("t4", "Samenwerking", 7),
    ("t5", "Personeelsbeleid en professionalisering", 7),
    ("t6", "Kwaliteitsontwikkeling", 4),
    ("t7", "Middelenbeleid", 3),
]


def _read(name: str) -> qk.Codebook:
    """Read a shipped codebook, turning every warning into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return qk.read_codebook(CODEBOOKS / name)


@pytest.fixture(scope="module")
def books() -> dict[str, qk.Codebook]:
    return {ns: _read(name) for name, ns in SHIPPED.items()}


def _codes_of(sentence: str, book: qk.Codebook) -> set[str]:
    """Code one turn "X: <sentence>" and return the code ids that fired."""
    text = f"X: {sentence}"
    seg = Segment("d", 3, len(text), "turn", sentence, speaker="X", label_start=0)
    corpus = Corpus([Document.from_text("d", text, kind="transcript", segments=(seg,))])
    coded = qk.code(corpus, book, unit="turn")
    return {c.split(":", 1)[1] for c in coded["code"]}


# --------------------------------------------------------------------- loading


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_codebook_reads_without_errors_or_warnings(name: str) -> None:
    book = _read(name)
    assert book.namespace == SHIPPED[name]
    codable = [c for c in book if c.codable]
    assert codable, name
    # every codable code carries a definition and at least one rule, so it is usable automatically
    assert [c.id for c in codable if not c.description.strip()] == []
    assert [c.id for c in codable if c.rules.is_empty()] == []
    # ids are stable snake_case
    assert [c.id for c in book if not re.fullmatch(r"[a-z][a-z0-9_]*", c.id)] == []


def test_every_top_level_group_has_a_colour(books: dict[str, qk.Codebook]) -> None:
    missing = [c.qualified for b in books.values() for c in b.children(None) if not c.colour]
    assert missing == []


def test_namespaces_of_all_codebooks_in_the_folder_are_distinct() -> None:
    # every YAML in the folder, also those of other studies, must keep its own namespace
    namespaces = [qk.read_codebook(p).namespace for p in sorted(CODEBOOKS.glob("*.yaml"))]
    assert len(namespaces) >= len(SHIPPED)
    assert len(set(namespaces)) == len(namespaces), namespaces


def test_shipped_codebooks_can_be_applied_together(books: dict[str, qk.Codebook]) -> None:
    sentence = "Dat hangt af van de persoon, maar onze zorgvisie helpt."
    text = f"X: {sentence}"
    seg = Segment("d", 3, len(text), "turn", sentence, speaker="X", label_start=0)
    corpus = Corpus([Document.from_text("d", text, kind="transcript", segments=(seg,))])
    coded = qk.code(corpus, list(books.values()), unit="turn")
    assert {"assemblage:personificatie", "leiderschap:visie"} <= set(coded["code"])


# ------------------------------------------------------- referentiekader (ref)


def test_ref_has_seven_themes_with_fifty_numbered_blocks(books: dict[str, qk.Codebook]) -> None:
    ref = books["ref"]
    themes = ref.children(None)
    assert [(t.id, t.codable) for t in themes] == [(tid, False) for tid, _, _ in THEMES]
    for theme, (tid, name, n_blocks) in zip(themes, THEMES):
        assert theme.name == f"{tid[1]} {name}"
        blocks = ref.children(tid)
        assert len(blocks) == n_blocks, tid
        assert all(b.codable for b in blocks)
        # the name starts with the report's own number: theme.position
        assert [b.name.split(" ", 1)[0] for b in blocks] == [f"{tid[1]}.{i}" for i in range(1, n_blocks + 1)]
    codable = [c.id for c in ref if c.codable]
    assert codable == [f"b{i:02d}" for i in range(1, 51)]


def test_ref_block_descriptions_give_the_running_number(books: dict[str, qk.Codebook]) -> None:
    ref = books["ref"]
    for i in range(1, 51):
        assert ref.get(f"b{i:02d}").description.startswith(f"Bouwsteen {i}."), i


# --------------------------------------------- hand-written sentences per code

CASES = [
    # (namespace, code, a sentence that must be coded, a near miss that must not)
    ("assemblage", "personificatie",
     "Eerlijk gezegd hangt dat echt af van de persoon die het CLB stuurt.",
     "Of we die vorming volgen, hangt af van het budget dat we krijgen."),
    ("assemblage", "ruimte_positionering",
     "Iedereen zit rond de tafel, maar ze kijken allemaal naar het scherm.",
     "We hebben daar dit jaar geen ruimte voor in de planning."),
    ("assemblage", "document_keurslijf",
     "Da's altijd hetzelfde lijstje, we vullen de vakjes in en dan is het klaar.",
     "In het kader van het nieuwe decreet geven we wiskunde als apart vak."),
    ("assemblage", "continuiteit_wissels",
     "Elk jaar een andere CLB-medewerker, dan moet je alles opnieuw uitleggen.",
     "Het was een wisselend gesprek, soms goed en soms wat minder."),
    ("assemblage", "rel_pbsog_iclb",
     "De PBSOG en het iCLB werken eigenlijk nog te veel naast elkaar.",
     "De directeur en de zorgcoördinator zaten naast elkaar aan tafel."),
    ("assemblage", "jargon",
     "Die begeleider sprak in zo'n onderwijstaaltje, vol afkortingen.",
     "We hebben een nieuw taalbeleid voor de anderstalige kleuters."),
    ("leiderschap", "gesprek_in_handen",
     "We moeten dat gesprek zelf in handen nemen in plaats van te wachten op de begeleider.",
     "De begeleider gaf het verslag achteraf aan de directeur."),
    ("leiderschap", "gesprek_ondergaan",
     "Eerlijk? Dat afstemmingsgesprek is voor ons een formaliteit.",
     "Het gesprek verliep vrij formeel, maar we hadden wel concrete afspraken."),
    ("leiderschap", "leiderschap",
     "Onze nieuwe directeur heeft een heel andere leiderschapsstijl dan haar voorganger.",
     "De pedagogisch begeleider kwam gisteren nog langs voor het leesproject."),
    ("leiderschap", "visie",
     "Onze zorgvisie hangt in de leraarskamer, maar niemand kent ze echt.",
     "Op intervisie bespraken we een moeilijke klas."),
    ("leiderschap", "ad_hoc_beleid",
     "Eigenlijk zijn we het hele jaar brandjes aan het blussen.",
     "Vorige winter was er een brand in de turnzaal."),
    ("leiderschap", "zelfeffectiviteit",
     "Vroeger durfde ik dat niet, nu zeg ik gewoon wat wij nodig hebben.",
     "Dat kunnen we opnemen in het verslag van de volgende vergadering."),
    ("netwerk", "kernactoren",
     "Het CLB is echt onze vaste partner, die zit bij elk overleg.",
     "Het CLB komt alleen voor de medische onderzoeken in het eerste leerjaar."),
    ("netwerk", "motief_groei",
     "We doen mee omdat we als team willen blijven bijleren.",
     "Het groeipakket van de ouders werd later uitbetaald."),
    ("netwerk", "vorm_ad_hoc",
     "Met de jeugdhulp werken we eerder ad hoc, als er een crisis is.",
     "Dat is nu eenmaal zo bij ons op school."),
    ("netwerk", "middelen",
     "Zonder subsidie van de provincie konden we die vervangingen niet betalen.",
     "Ik heb dat met de directeur geregeld voor hij naar het middelbaar ging."),
    ("netwerk", "zoekfase",
     "We zijn nog aan het aftasten wat die hogeschool ons kan bieden.",
     "Ik zoek nog een lokaal voor de logopediste."),
    ("netwerk", "dom_professionalisering",
     "De begeleidingsdienst gaf een nascholing over feedback voor het hele team.",
     "De beeldvorming van die leerling was nog onvolledig."),
    ("zorg", "fase1_verhoogde_zorg",
     "Na het zorgoverleg kreeg hij verhoogde zorg met extra tijd bij toetsen.",
     "In fase 1 van het netwerk zochten we vooral nieuwe partners."),
    ("zorg", "compenseren",
     "Hij mag zijn laptop met voorleessoftware gebruiken bij de toetsen.",
     "De begeleider typte alles op haar laptop tijdens het gesprek."),
    ("zorg", "kans",
     "Een kans is dat de zorgcoördinator meer in de klassen komt observeren.",
     "Dat kan volgende week, als de juf terug is."),
    ("zorg", "hgw_onderwijsbehoeften",
     "De vraag is niet wat er scheelt, maar wat deze leerling nodig heeft.",
     "De leerling heeft een nieuwe boekentas nodig."),
    ("zorg", "bedreiging",
     "Al die SOS-fiches en meldingen, de planlast wordt gewoon te groot.",
     "De juf legde de fietsroute naar het zwembad uit."),
    ("ref", "b23",
     "In het gemotiveerd verslag van het CLB staat al wat er geprobeerd is.",
     "Het verslag van de vergadering komt morgen in jullie mailbox."),
    ("ref", "b20",
     "Er is een wachtlijst, het duurt soms zes weken voor er een ondersteuner komt.",
     "Op lange termijn willen we meer scholen bereiken."),
    ("ref", "b39",
     "De competentiebegeleider gaat mee op het eerste schoolbezoek van een nieuwe collega.",
     "De begeleider van de werkgroep lezen ging met pensioen."),
    ("ref", "b50",
     "Voor type 7 wordt eerst een deel van de middelen apart gehouden.",
     "Hij is een heel ander type leerling dan zijn broer."),
    ("ref", "b48",
     "We houden de coördinatie klein zodat zoveel mogelijk middelen naar de scholen gaan.",
     "Volgend jaar gaat hij naar het middelbaar in de stad."),
    ("ovsg", "bi4",
     "Voor het nieuwe traject vertrekken we van een praktijkgids van Leerpunt.",
     "Het leerpakket voor wiskunde kwam pas in november aan."),
    ("ovsg", "operationele_doelstelling",
     "Voor BAO BI 3.2 bereikten we 64 van de 80 beoogde scholen.",
     "In hoofdstuk 3.2 staat een overzicht van de uitgaven."),
    ("ovsg", "cijfers",
     "In het basisonderwijs bereikten we 87 % van het streefcijfer.",
     "Het bereik van de gsm in de kelder is slecht."),
    ("ovsg", "kt1",
     "Na de nascholing rond leesstrategieën gebruik ik die elke week in mijn klas.",
     "De beeldvorming rond die leerling was nog niet volledig."),
]


@pytest.mark.parametrize(("ns", "code_id", "hit", "miss"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_code_fires_on_sentence_and_not_on_near_miss(
    books: dict[str, qk.Codebook], ns: str, code_id: str, hit: str, miss: str
) -> None:
    book = books[ns]
    assert code_id in book
    assert code_id in _codes_of(hit, book), f"{ns}:{code_id} should fire on {hit!r}"
    assert code_id not in _codes_of(miss, book), f"{ns}:{code_id} should not fire on {miss!r}"


def test_self_leadership_is_not_coded_as_leadership(books: dict[str, qk.Codebook]) -> None:
    codes = _codes_of("Het gaat over eigen-leiderschap: jezelf durven sturen.", books["leiderschap"])
    assert "eigen_leiderschap" in codes
    assert "leiderschap" not in codes


def test_zorg_phase_codes_do_not_fire_on_other_schemes_phases(books: dict[str, qk.Codebook]) -> None:
    # "Fase 1/2/3" also names network-card phases and PDCA steps: only care talk is a zorg phase
    for sentence in ["In fase 2 van het gesprek kwam de kaart Beweegredenen.", "Fase 3 van de PDCA is check."]:
        assert not {"fase1_verhoogde_zorg", "fase2_uitbreiding_zorg", "fase3_iac"} & _codes_of(sentence, books["zorg"])
    assert "fase2_uitbreiding_zorg" in _codes_of("Die leerling zit nu in fase 2, het CLB is ingeschakeld.", books["zorg"])


def test_netwerk_phases_are_categories_not_codes(books: dict[str, qk.Codebook]) -> None:
    book = books["netwerk"]
    phases = book.children(None)[:3]
    assert [(p.id, p.codable) for p in phases] == [("fase1", False), ("fase2", False), ("fase3", False)]
    cards = [c.id for p in phases for c in book.children(p.id)]
    assert cards == [
        "betekenisonderhandeling", "actoreninventarisatie",
        "beweegredenen", "instroomopties", "doelgerichtheid", "soort_samenwerkingsverband", "afhankelijkheden",
        "organisatorische_condities", "leren", "win_win", "in_ontwikkeling",
    ]


def test_empty_turn_gets_no_code(books: dict[str, qk.Codebook]) -> None:
    for book in books.values():
        assert _codes_of("", book) == set()
