"""Build the sample data of notebook 03 in data/zorgbeleid/ (study 002: care policy of a primary school).

Everything is synthetic and written for qualkit; only the published figures of
the practice-based master research on care policy (seed 002) are reproduced:

* ``vragenlijst_zorg_op_school.csv``: the questionnaire "zorg op school",
  23 respondents (8 kleuterleerkrachten, 15 leerkrachten lager onderwijs, as
  in the report: 23 of 29 teachers answered), 18 six-point items (1 =
  helemaal niet van toepassing ... 6 = helemaal van toepassing). Ten items
  carry the report's Tabel 2 (five strengths, five obstacles) in our own
  wording; the answer counts per item are chosen by hand so that the item
  means round to the published means. Three published means (4,95; 2,14;
  2,41) are impossible for 23 whole answers; they are possible for 22, so
  those items carry one "n.v.t." each (as does the item of the report's
  Figuur 12, whose text also mentions one n.v.t. and whose 77 % positive
  only fits 22 answers). Exported "for Excel (NL)": ``;``, UTF-8 with BOM, CRLF.
* ``vragenlijst_items.csv``: a short label per item (the Tabel 2 label where
  there is one), for tables and figures.
* ``tabel2_gepubliceerd.csv``: the published Tabel 2 (label, mean, figure)
  with the export column it belongs to.
* ``swot_gesprekken.csv``: the SWOT conversations with 29 teachers, one row
  per statement (nr, leerkracht, functie, kwadrant, uitspraak, categorie);
  ``categorie`` is the researcher's own (deductive) category, and its counts
  per quadrant are the published Tabel 3.
* ``tabel3_gepubliceerd.csv``: Tabel 3 as published (kwadrant, categorie, aantal).
* ``casussen_hgw.csv`` and ``casussen_zorgcontinuum.csv``: four case
  discussions scored against the seven HGW principles and the phases of the
  zorgcontinuüm: the published Tabellen 5 and 4 as case x category matrices.

Run from the repo root: ``.venv/bin/python data/scripts/make_zorgbeleid.py``.
The interview transcript ``interview_zorgteam.txt`` and its participants file
are edited by hand (no generator).
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "zorgbeleid"
SEED = 2002
NVT = "n.v.t."

# ---------------------------------------------------------------------------- questionnaire
#: (short label as in Tabel 2, item wording (ours), strength/obstacle, rank, published mean, figure,
#:  counts of the answers 1..6, number of "n.v.t.")
TABEL2 = [
    ("Bij wie je terecht kan voor zorg",
     "Ik weet tot wie ik me moet richten als ik een zorgvraag heb.",
     "sterkte", 1, 5.17, 10, [0, 1, 2, 1, 7, 12], 0),
    ("De directie stimuleert om te professionaliseren op vlak van zorg",
     "Onze directeur moedigt ons aan om nascholing over leerlingenbegeleiding te volgen.",
     "sterkte", 2, 5.13, 11, [1, 0, 3, 0, 6, 13], 0),
    ("Aanspreekpunt voor ouders = zoco",
     "Ouders met vragen over zorg kunnen in de eerste plaats bij de zorgcoördinator terecht.",
     "sterkte", 3, 5.09, 12, [0, 1, 4, 0, 4, 13], 1),
    ("Gesprekken met ouders",
     "Wanneer er een individueel zorgplan komt, bespreekt de zorgcoördinator dat met de ouders.",
     "sterkte", 4, 4.95, 13, [0, 1, 6, 0, 1, 14], 1),
    ("Leraren worden bevraagd over hun zorgleerlingen",
     "Wie een zorgleerling in de klas heeft, wordt om zijn of haar inschatting gevraagd.",
     "sterkte", 5, 4.83, 14, [1, 2, 3, 1, 3, 13], 0),
    ("Samenwerking met CLB",
     "De samenwerking met het CLB rond leerlingen met zorgnoden verloopt naar mijn tevredenheid.",
     "belemmering", 1, 2.14, 15, [6, 9, 5, 2, 0, 0], 1),
    ("Leerling wordt betrokken bij zorg",
     "Een leerling mag zelf meedenken over de afspraken in zijn of haar zorgplan.",
     "belemmering", 2, 2.26, 16, [8, 6, 5, 3, 1, 0], 0),
    ("Stappenplan voor zorg",
     "Welke stappen we zetten bij een zorgvraag, staat op school op papier.",
     "belemmering", 3, 2.41, 17, [6, 6, 6, 3, 1, 0], 1),
    ("Leraren betrekken bij zorgvisie",
     "Het team krijgt inspraak in hoe de zorgvisie van de school eruitziet.",
     "belemmering", 4, 2.61, 18, [5, 6, 7, 3, 2, 0], 0),
    ("Ondersteuning door zoco",
     "Ik voel me in mijn klaswerk gesteund door de zorgcoördinatoren.",
     "belemmering", 5, 2.78, 19, [4, 5, 7, 6, 1, 0], 0),
]
#: further items (ours, not in Tabel 2): short label, wording, tendency, n.v.t. answers, blank answers
EXTRA = [
    ("Differentiëren in de klas lukt", "Ik kan in mijn klas differentiëren voor leerlingen die meer of minder nodig hebben.", 4.3, 0, 0),
    ("Zorgoverleg levert bruikbare afspraken op", "Het zorgoverleg levert afspraken op waarmee ik in de klas verder kan.", 3.8, 0, 0),
    ("Genoeg tijd om zorgleerlingen op te volgen", "Ik krijg genoeg tijd om zorgleerlingen op te volgen.", 3.1, 0, 0),
    ("REDICODI overal op dezelfde manier", "REDICODI-maatregelen worden in alle klassen op dezelfde manier toegepast.", 3.3, 0, 0),
    ("Zorgleerkracht werkt mee in de klas", "De zorgleerkracht werkt ook in mijn klas mee.", 3.6, 2, 0),
    ("LVS geeft snel de nodige informatie", "In het leerlingvolgsysteem vind ik snel wat ik over een leerling moet weten.", 3.8, 0, 1),
    ("Terugkoppeling na een leerlingbespreking", "Na een leerlingbespreking krijg ik terugkoppeling over wat er beslist is.", 3.4, 0, 0),
    ("Bekwaam in gesprekken met ouders", "Ik voel me bekwaam om met ouders over zorgen rond hun kind te praten.", 4.5, 1, 0),
]
FUNCTIES = ["kleuterleerkracht"] * 8 + ["leerkracht lager onderwijs"] * 15
#: the item the report says kleuterleerkrachten score lowest on (Figuur 18)
KLEUTERS_LOW = "Leraren betrekken bij zorgvisie"


def _column(counts: list[int], nvt: int, rng: random.Random, low_first: list[int] | None = None) -> list[str]:
    values = [str(v) for v, k in zip(range(1, 7), counts) for _ in range(k)] + [NVT] * nvt
    assert len(values) == len(FUNCTIES), (counts, nvt)
    if low_first is None:
        rng.shuffle(values)
        return values
    # the lowest answers go to the given respondents first (kleuterleerkrachten), the rest at random
    answers = sorted(v for v in values if v != NVT)
    out: list[str | None] = [None] * len(values)
    for i in low_first:
        out[i] = answers.pop(0) if rng.random() < 0.85 else answers.pop(len(answers) // 2)
    rest = answers + [NVT] * nvt
    rng.shuffle(rest)
    for i, v in enumerate(out):
        if v is None:
            out[i] = rest.pop()
    return [str(v) for v in out]


def _extra_column(tendency: float, nvt: int, blank: int, rng: random.Random) -> list[str]:
    n = len(FUNCTIES) - nvt - blank
    while True:
        vals = [min(6, max(1, round(rng.gauss(tendency, 1.15)))) for _ in range(n)]
        if abs(sum(vals) / n - tendency) < 0.12:
            break
    out = [str(v) for v in vals] + [NVT] * nvt + [""] * blank
    rng.shuffle(out)
    return out


def questionnaire() -> tuple[list[str], list[list[str]]]:
    rng = random.Random(SEED)
    kleuters = [i for i, f in enumerate(FUNCTIES) if f == "kleuterleerkracht"]
    columns: list[tuple[str, list[str]]] = []
    for short, wording, _kind, _rank, mean, _fig, counts, nvt in TABEL2:
        col = _column(counts, nvt, rng, kleuters if short == KLEUTERS_LOW else None)
        n = sum(counts)
        assert round(sum(v * k for v, k in zip(range(1, 7), counts)) / n + 1e-9, 2) == mean, short
        columns.append((wording, col))
    for _short, wording, tendency, nvt, blank in EXTRA:
        columns.append((wording, _extra_column(tendency, nvt, blank, rng)))
    # items in questionnaire order: interleave so Tabel 2 items are not all first
    order = [0, 10, 5, 1, 11, 6, 12, 2, 13, 7, 3, 14, 8, 15, 4, 16, 9, 17]
    columns = [columns[i] for i in order]
    header = ["respondent", "ingediend_op", "functie"] + [w for w, _ in columns]
    start = datetime(2022, 10, 3, 15, 40)
    rows = []
    for r, functie in enumerate(FUNCTIES):
        stamp = start + timedelta(days=rng.randint(0, 27), minutes=rng.randint(0, 300))
        rows.append([f"R{r + 1:02d}", stamp.strftime("%d/%m/%Y %H:%M"), functie] + [c[r] for _, c in columns])
    return header, rows


# ---------------------------------------------------------------------------- SWOT
#: quadrant -> [(published category, count, statements in teacher language (ours))]
SWOT: dict[str, list[tuple[str, int, list[str]]]] = {
    "Sterktes": [
        ("Hulp op de klasvloer door de zorgleerkracht", 11, [
            "De zorgjuf komt twee keer per week in mijn klas meedraaien tijdens het rekenen.",
            "Dat de zorgleerkracht op de klasvloer meehelpt, daar heb ik echt iets aan.",
            "Extra handen in de klas tijdens de leesgroepjes, dat werkt.",
            "Als de zorgleerkracht erbij is, kan ik de zwakke lezers apart nemen.",
            "De hulp in de klas van onze zorgleerkracht, vooral bij instructie in kleine groep.",
            "Ze komt niet alleen kinderen weghalen, ze staat mee voor de groep en dat is goud waard.",
            "Co-teaching met de zorgleerkracht in het eerste leerjaar loopt goed.",
            "Ik krijg ondersteuning in mijn klas bij kinderen die extra instructie nodig hebben.",
            "De zorgleerkracht neemt een groepje aan de instructietafel terwijl ik de rest begeleid.",
            "Bij de kleuters speelt de zorgjuf mee in de hoeken met de kinderen die het moeilijk hebben.",
            "Dat er iemand bijspringt op de klasvloer als het druk is.",
        ]),
        ("Hulp van de zoco bij oudergesprekken", 9, [
            "De zoco zit mee aan tafel bij moeilijke oudergesprekken.",
            "Ik sta er niet alleen voor als ik ouders slecht nieuws moet brengen, de zorgcoördinator is erbij.",
            "Hulp bij gesprekken met ouders, dat vind ik een sterkte.",
            "Onze zoco bereidt de oudercontacten mee voor.",
            "De zorgcoördinator neemt het woord als een gesprek met ouders stroef loopt.",
            "Steun van de zoco bij ouders die het niet eens zijn met de aanpak.",
            "De zoco belt zelf naar de ouders als er iets is, dat neemt veel van mij over.",
            "Bij een gesprek over een verwijzing naar het CLB is de zoco er altijd bij.",
            "Als ik ouders moet spreken, kan ik altijd rekenen op de zoco.",
        ]),
        ("Organiseren van activiteiten in de klas", 6, [
            "Er worden in de klas leuke activiteiten georganiseerd rond sociale vaardigheden.",
            "De zorgleerkracht organiseert taalspelletjes in de kleuterklas.",
            "De weerbaarheidstraining die in elke klas gegeven wordt.",
            "Workshops in de klas, bijvoorbeeld rond faalangst.",
            "Ze zet activiteiten op rond leesbevordering met het hele leerjaar.",
            "De kringgesprekken over gevoelens die de zorgjuf bij ons leidt.",
        ]),
        ("Overlegmomenten", 3, [
            "De overlegmomenten met de zoco zijn goed georganiseerd.",
            "Er is regelmatig een zorgoverleg waar je je bezorgdheden kwijt kan.",
            "De leerlingbesprekingen op vaste momenten in het jaar.",
        ]),
    ],
    "Zwaktes": [
        ("Te weinig ondersteuning op de klasvloer", 12, [
            "Te weinig hulp in de klas, zeker in de drukke klassen.",
            "De zorgleerkracht komt maar één uur per week, dat is veel te weinig.",
            "Ik sta er vaak alleen voor met vijf zorgleerlingen.",
            "Er is niet genoeg ondersteuning op de klasvloer.",
            "Bij de kleuters komt er bijna nooit iemand helpen.",
            "De uren van de zorgleerkracht gaan vooral naar het lager, wij krijgen te weinig.",
            "Te weinig ondersteuning tijdens de lessen zelf.",
            "Kinderen worden uit de klas gehaald, maar in de klas zelf krijg ik geen hulp.",
            "Er is te weinig tijd van de zorgjuf voor mijn klas.",
            "Ik zou meer handen in de klas willen, nu lukt differentiëren niet.",
            "De ondersteuning in de klas valt vaak weg als er iemand ziek is.",
            "Te weinig begeleiding op de klasvloer voor de kinderen met leerproblemen.",
        ]),
        ("Onduidelijkheid job inhoud zoco", 8, [
            "Het is mij niet duidelijk wat de zoco nu precies doet.",
            "Onduidelijk takenpakket van de zorgcoördinator.",
            "Ik weet niet goed met welke vragen ik bij de zoco terechtkan.",
            "Wat de taak van de zoco is en wat van de zorgleerkracht, dat loopt door elkaar.",
            "De zoco doet van alles, maar niemand weet wat er precies bij haar job hoort.",
            "Het is niet duidelijk wie wat doet in het zorgteam.",
            "De rol van de zorgcoördinator is vaag.",
            "Onze twee zoco's werken elk op hun eigen manier, dat is verwarrend.",
        ]),
        ("Noden van leerlingen in kaart brengen en opvolgen", 5, [
            "De noden van de leerlingen worden niet goed in kaart gebracht.",
            "Afspraken uit het zorgoverleg worden niet opgevolgd.",
            "We volgen de zorgleerlingen niet systematisch op.",
            "Wat een kind nodig heeft, staat nergens duidelijk beschreven.",
            "Na een leerlingbespreking hoor je er vaak niets meer van.",
        ]),
        ("Inspraak rond professionalisering op school", 2, [
            "We hebben weinig inspraak in welke nascholingen we volgen.",
            "Over de professionalisering rond zorg wordt beslist zonder ons te bevragen.",
        ]),
        ("", 2, [  # two teachers named no weakness: no category, so Tabel 3 sums to 27 here
            "Daar zou ik zo direct niets op weten te zeggen.",
            "Niets dat ik meteen kan noemen.",
        ]),
    ],
    "Bedreigingen": [
        ("Administratie: SOS-fiche, meldingsfiche, LVS, …", 20, [
            "Al die administratie: de SOS-fiche, de meldingsfiche, het LVS.",
            "De planlast, alles moet op papier.",
            "Te veel papierwerk voor elke zorgleerling.",
            "Het invullen van fiches neemt de tijd weg die ik voor de kinderen zou willen gebruiken.",
            "Het leerlingvolgsysteem bijhouden kost avonden werk.",
            "Elke stap moet geregistreerd worden, anders telt het niet.",
            "Voor een aanmelding bij het CLB moet je eerst drie formulieren invullen.",
            "De administratie rond zorg groeit ieder jaar.",
            "De meldingsfiches zijn lang en dubbel met wat al in het LVS staat.",
            "Alles moet genoteerd worden, ook wat je al mondeling besprak.",
            "Planlast, zeker bij de handelingsplannen.",
            "Het verslagwerk na elk overleg.",
            "Ik verlies veel tijd met het aanvullen van het digitale dossier.",
            "Het zorgdossier van elke leerling up-to-date houden is zwaar.",
            "SOS-fiches invullen voor kleine dingen.",
            "De administratieve last neemt toe, ook voor de kleuterjuffen.",
            "Je moet alles drie keer op een andere plaats noteren.",
            "Papieren die niemand leest, maar die wel moeten.",
            "Het bijhouden van observaties in het LVS.",
            "Alle documenten voor het ondersteuningsnetwerk invullen.",
        ]),
        ("Ondersteuningsnetwerk", 4, [
            "Het ondersteuningsnetwerk verandert voortdurend van werking.",
            "Ondersteuners van het netwerk die elk jaar wisselen.",
            "Het is onduidelijk hoe het nieuwe ondersteuningsmodel gaat lopen.",
            "Lange wachttijden voor hulp van buitenaf.",
        ]),
        ("CLB", 3, [
            "Het CLB is moeilijk bereikbaar.",
            "De herstructurering bij het CLB, we weten niet meer wie onze contactpersoon is.",
            "Het CLB komt pas als het al te laat is.",
        ]),
        ("Taak van de zorgleerkracht", 2, [
            "De zorgleerkracht wordt te vaak ingezet om afwezige collega's te vervangen.",
            "Als er geen vervanger is, verdwijnen de zorguren.",
        ]),
    ],
    "Kansen": [
        ("Observatie van leerlingen door zoco", 10, [
            "De zoco zou eens in mijn klas kunnen komen observeren.",
            "Observatie van een leerling door de zoco voor we beslissen.",
            "Dat de zorgcoördinator komt kijken hoe een kind in de klas functioneert.",
            "Een observatie in de klas zou mij helpen om een leerling beter te begrijpen.",
            "Meekijken in de klas door de zoco, met een frisse blik.",
            "De zoco kan kinderen observeren tijdens het spelen.",
            "Een tweede paar ogen in de klas, iemand die observeert.",
            "De zorgcoördinator die observaties doet bij de instapklassers.",
            "Observeren van de kinderen voor het zorgoverleg.",
            "Kijken hoe een leerling het doet in de groep voor we een aanpak kiezen.",
        ]),
        ("Meer zorg op de klasvloer", 9, [
            "Meer zorg in de klas in plaats van erbuiten.",
            "De zorgleerkracht meer inzetten in de klas.",
            "Meer ondersteuning tijdens de lessen.",
            "Zorg naar de klasvloer brengen.",
            "Meer hulp bij differentiëren in de klas.",
            "Twee leerkrachten in de klas tijdens de instructie.",
            "Meer handen op de klasvloer in de kleuterklassen.",
            "Meer uren van de zorgleerkracht in de klas.",
            "Ook hulp voor de kinderen die snel klaar zijn.",
        ]),
        ("Zorgleerkrachten betrekken in het zorgoverleg", 5, [
            "De zorgleerkracht mee aan tafel bij het zorgoverleg.",
            "De zorgjuf uitnodigen op de leerlingbespreking, zij kent de kinderen ook.",
            "Zorgleerkrachten betrekken bij het overleg.",
            "Ook de zorgleerkracht laten meepraten over de aanpak.",
            "Het zorgoverleg met z'n drieën doen: klasleerkracht, zoco en zorgleerkracht.",
        ]),
        ("Hulp bij het ontwikkelen van materialen", 3, [
            "Samen materialen maken voor de kinderen die meer uitdaging nodig hebben.",
            "Hulp bij het ontwikkelen van oefenbundels op maat.",
            "Een kast met hulpmiddelen die we samen aanvullen.",
        ]),
        ("Taakomschrijving van de zoco", 2, [
            "Een duidelijke taakomschrijving voor de zoco.",
            "Op papier zetten wat de zorgcoördinator doet en wat niet.",
        ]),
    ],
}
N_TEACHERS = 29
SWOT_FUNCTIES = ["kleuterleerkracht"] * 10 + ["leerkracht lager onderwijs"] * 19


def swot() -> tuple[list[str], list[list[str]], list[list[str]]]:
    rng = random.Random(SEED + 1)
    teachers = [f"L{i:02d}" for i in range(1, N_TEACHERS + 1)]
    functie = dict(zip(teachers, SWOT_FUNCTIES))
    rows, published = [], []
    for quadrant, categories in SWOT.items():
        statements = []
        for category, count, texts in categories:
            assert len(texts) == count, (quadrant, category)
            statements += [(category, t) for t in texts]
            if category:
                published.append([quadrant, category, str(count)])
        assert len(statements) == N_TEACHERS, quadrant
        rng.shuffle(statements)
        for teacher, (category, text) in zip(teachers, statements):
            rows.append([teacher, functie[teacher], quadrant, text, category])
    rows.sort(key=lambda r: (r[0], list(SWOT).index(r[2])))
    numbered = [[f"U{i:03d}", *r] for i, r in enumerate(rows, start=1)]
    return ["nr", "leerkracht", "functie", "kwadrant", "uitspraak", "categorie"], numbered, published


# ---------------------------------------------------------------------------- cases
HGW = [  # (principle, casus 1..4) as in Tabel 5
    ("1 Doelgericht", "Neen", "Neen", "Neen", "Neen"),
    ("2 Wisselwerking en afstemming", "Ja", "Ja", "Ja", "Ja"),
    ("3 Onderwijsbehoeften centraal", "Ja", "Neen", "Ja", "Neen"),
    ("4 Leerkracht maakt het verschil", "Ja", "Ja", "Ja", "Ja"),
    ("5 Positieve aspecten benadrukt", "Ja", "Soms", "Ja", "Soms"),
    ("6a Samenwerken met ouders", "Ja", "Ja", "Ja", "Ja"),
    ("6b Samenwerken met leerlingen", "Neen", "Neen", "Neen", "Neen"),
    ("7a Systematisch: leerlingvolgsysteem", "Ja", "Ja", "Ja", "Ja"),
    ("7b Transparant: helder geformuleerd", "Neen", "Neen", "Neen", "Neen"),
]
CONTINUUM = [  # (phase, question, casus 1..4) as in Tabel 4
    ("Fase 0 Brede basiszorg", "door de klasleerkracht", "Ja", "Ja", "Ja", "Ja"),
    ("Fase 0 Brede basiszorg", "na zorgoverleg", "Ja", "Ja", "Ja", "Ja"),
    ("Fase 1 Verhoogde zorg", "REDICODI-maatregelen", "Ja", "Neen", "Ja", "Neen"),
    ("Fase 1 Verhoogde zorg", "na zorgoverleg", "Ja", "Neen", "Ja", "Neen"),
    ("Fase 2 Uitbreiding van zorg", "opgestart", "Ja", "Neen", "Ja", "Neen"),
    ("Fase 3 IAC", "opgestart", NVT, NVT, NVT, NVT),
]
CASES = ["casus 1", "casus 2", "casus 3", "casus 4"]


def cases() -> tuple[list[list[str]], list[list[str]]]:
    hgw = [["casus", *[p for p, *_ in HGW]]]
    for i, case in enumerate(CASES):
        hgw.append([case, *[row[1 + i] for row in HGW]])
    cont = [["fase", "vraag", *CASES]] + [list(row) for row in CONTINUUM]
    return hgw, cont


# ---------------------------------------------------------------------------- write
def _write(name: str, rows: list[list[str]], excel: bool = False) -> None:
    path = TARGET / name
    enc, delim, end = ("utf-8-sig", ";", "\r\n") if excel else ("utf-8", ",", "\n")
    with path.open("w", encoding=enc, newline="") as fh:
        csv.writer(fh, delimiter=delim, lineterminator=end).writerows(rows)
    print(f"wrote {path.relative_to(TARGET.parent.parent)}")


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    header, rows = questionnaire()
    _write("vragenlijst_zorg_op_school.csv", [header, *rows], excel=True)
    _write("tabel2_gepubliceerd.csv", [["soort", "rang", "label", "gemiddelde", "figuur", "item"]] + [
        [kind, str(rank), short, f"{mean:.2f}", str(fig), wording]
        for short, wording, kind, rank, mean, fig, _c, _n in TABEL2
    ])
    _write("vragenlijst_items.csv", [["item", "kort", "in_tabel2"]]
           + [[w, short, "ja"] for short, w, *_ in TABEL2] + [[w, short, "nee"] for short, w, *_ in EXTRA])
    sheader, srows, published = swot()
    _write("swot_gesprekken.csv", [sheader, *srows], excel=True)
    _write("tabel3_gepubliceerd.csv", [["kwadrant", "categorie", "aantal"], *published])
    hgw, cont = cases()
    _write("casussen_hgw.csv", hgw)
    _write("casussen_zorgcontinuum.csv", cont)


if __name__ == "__main__":
    main()
