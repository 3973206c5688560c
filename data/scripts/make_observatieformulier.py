"""Write data/afstemming/observaties/observatieformulier.csv as Dutch Excel saves it.

One row per (sessie, item) for the four observed meetings overleg_01..overleg_04;
";" as delimiter, UTF-8 with BOM, CRLF line ends, fields quoted only when needed
(a note containing ";" or a quote). All answers and notes are written by hand below.
"""

from __future__ import annotations

import csv
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "afstemming" / "observaties" / "observatieformulier.csv"
COLUMNS = ["sessie", "datum", "school", "rubriek", "item", "antwoord", "opmerking"]

VB = "Voorbereidingsdocumenten"
HGW = "Handelingsgericht werken"
MOT = "Kwaliteit van gesprekken - Motivatie"
COM = "Kwaliteit van gesprekken - Communicatie"
SAM = "Kwaliteit van gesprekken - Samenwerking"

ITEMS = [
    (VB, "Alle vragen uit de voorbereiding worden overlopen"),
    (VB, "Er wordt gevraagd op welke analyse-instrumenten de noden steunen"),
    (VB, "Het document van vorig jaar wordt erbij genomen"),
    (HGW, "Welke fase van het zorgcontinuüm wordt besproken?"),
    (HGW, "Doelen van vorig jaar worden geëvalueerd"),
    (HGW, "Doelen zijn SMARTI geformuleerd"),
    (HGW, "Positieve aspecten en stimulerende factoren komen aan bod"),
    (MOT, "Het gesprek verloopt vooral taakgericht"),
    (MOT, "Er is ruimte voor procesgerichte momenten (verhalen, humor)"),
    (COM, "Iedereen komt aan het woord"),
    (COM, "Wie vat samen?"),
    (COM, "Jargon wordt uitgelegd"),
    (SAM, "Partners staan open voor elkaars ideeën"),
    (SAM, "Er worden duidelijke afspraken gemaakt (wie, wat, wanneer)"),
]

SESSIONS = {
    "overleg_01": ("2017-01-24", "[naam school 1]", [
        ("Ja", ""),
        ("Nee", "De school noemt de toetsresultaten, maar niemand vraagt door."),
        ("Nee", ""),
        ("fase 0", "Vooral over differentiatie in de klas; fase 1 komt kort aan bod."),
        ("Nee", "\"Daar zijn we nog mee bezig\" (directeur)."),
        ("Nee", ""),
        ("Ja", "Begeleider vraagt expliciet wat goed loopt."),
        ("Ja", ""),
        ("Nee", ""),
        ("Nee", "CLB-medewerker spreekt pas na 40 minuten; zorgcoördinator zwijgt grotendeels."),
        ("pedagogisch begeleider", ""),
        ("Nee", "Termen als 'onderwijsbehoeften' en 'SMARTI' worden niet toegelicht."),
        ("Ja", ""),
        ("Nee", ""),
    ]),
    "overleg_02": ("2017-02-02", "[naam school 2]", [
        ("Nee", "Google Doc grotendeels leeg; wordt tijdens het gesprek ingevuld."),
        ("Ja", ""),
        ("Ja", ""),
        ("fase 1", ""),
        ("Ja", "Zorgcoördinator heeft zelf een tabel met de doelen van vorig jaar bij."),
        ("Ja", "Eén doel met termijn en meetpunt; het tweede doel blijft vaag."),
        ("Ja", ""),
        ("Ja", ""),
        ("Ja", "Start met een verhaal over de schooluitstap; luchtige sfeer."),
        ("Ja", ""),
        ("zorgcoördinator", "Vat twee keer samen; \"zodat we allemaal hetzelfde meenemen\"."),
        ("Ja", ""),
        ("Ja", ""),
        ("Ja", "Afspraken staan met naam en datum in het document."),
    ]),
    "overleg_03": ("2017-02-09", "[naam school 3]", [
        ("Ja", "Begeleider leest elke vraag voor; iedereen kijkt naar het scherm."),
        ("Nee", ""),
        ("Ja", "Na twee minuten zoeken teruggevonden in een andere map."),
        ("fase 1", "Ook fase 2 kort (overgang naar het secundair)."),
        ("Nee", "Genoteerd als 'loopt nog'; geen evaluatie."),
        ("Nee", "Geen termijn; niet meetbaar."),
        ("nvt", ""),
        ("Ja", ""),
        ("Ja", "Zijsprongen worden vriendelijk afgerond door de begeleider."),
        ("Nee", "Zorgleerkracht zegt enkel: \"Ik sluit mij daarbij aan.\""),
        ("directie", "Pas op het einde (11:04)."),
        ("Nee", ""),
        ("Ja", "CLB-medewerker pikt het punt van de zoco meteen op; afspraak per mail."),
        ("Nee", "Alleen voor het eerste doel is er een datum."),
    ]),
    "overleg_04": ("2017-02-16", "[naam school 4]", [
        ("Ja", ""),
        ("Ja", "Schoolfoto en resultaten van de doorlichting; doorlichting gepland in mei."),
        ("Nee", ""),
        ("fase 0", ""),
        ("Ja", ""),
        ("Nee", "Doelen zijn geformuleerd 'voor de inspectie'; zeer algemeen."),
        ("Nee", ""),
        ("Ja", "Zeer taakgericht; bewijsstukken worden overlopen."),
        ("Nee", ""),
        ("Ja", ""),
        ("", "Niemand vat samen; het gesprek eindigt abrupt (volgende afspraak directeur)."),
        ("Ja", "CLB-medewerker vraagt: \"Wat bedoelt ge met 'brede basiszorg'; in de klas of in het zorgteam?\""),
        ("Nee", "Begeleider en CLB-medewerker spreken elkaar tegen over fase 0 vs fase 1."),
        ("Ja", ""),
    ]),
}


def rows() -> list[list[str]]:
    out = []
    for sessie, (datum, school, answers) in SESSIONS.items():
        assert len(answers) == len(ITEMS), sessie
        for (rubriek, item), (antwoord, opmerking) in zip(ITEMS, answers):
            out.append([sessie, datum, school, rubriek, item, antwoord, opmerking])
    return out


def main() -> None:
    with TARGET.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(COLUMNS)
        writer.writerows(rows())
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
