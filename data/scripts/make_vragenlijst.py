"""Write data/vragenlijst/vragenlijst_leerkrachten.csv, a teacher questionnaire on care policy.

Imitates a survey-tool export saved "for Excel (NL)": ";" delimiter, UTF-8 with
BOM, CRLF row ends, the full question text as column header, one row per
respondent. The Likert answers (6-point: 1 = helemaal niet akkoord ... 6 =
helemaal akkoord) are drawn with a fixed seed around a per-item tendency; a few
cells are left empty (skipped) or "n.v.t.". The two open answers are written by
hand below (an empty string = the respondent left the question open); one
answer contains a line break inside the quoted field, as respondents type it.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "vragenlijst" / "vragenlijst_leerkrachten.csv"
SEED = 2024
START = ["respondent", "ingediend_op", "school", "functie", "anciënniteit"]
OPEN = ["Wat loopt goed in het zorgbeleid?", "Wat kan beter?"]

#: (question, mean tendency on 1..6, may be "n.v.t." for kleuteronderwijzers)
LIKERT = [
    ("Ik weet bij wie ik terechtkan met een zorgvraag over een leerling.", 5.3, False),
    ("De leerlingbesprekingen helpen mij om mijn aanpak in de klas bij te sturen.", 4.4, False),
    ("De afspraken over het zorgcontinuüm (fase 0 tot 3) zijn mij duidelijk.", 3.9, False),
    ("De zorgcoördinator ondersteunt mij ook op de klasvloer.", 3.4, False),
    ("Ik krijg voldoende tijd om met collega's over zorgleerlingen te overleggen.", 2.4, False),
    ("Het CLB is voor mij vlot bereikbaar.", 3.1, False),
    ("Handelingsplannen worden samen met mij opgesteld.", 4.1, True),
    ("Ik voel mij bekwaam om te differentiëren in mijn klas.", 4.3, False),
    ("Het zorgbeleid wordt regelmatig met het hele team geëvalueerd.", 2.9, False),
    ("Ouders worden voldoende betrokken bij de zorg voor hun kind.", 4.0, True),
]

#: (school, functie, anciënniteit, "wat loopt goed", "wat kan beter")
RESPONDENTS = [
    ("vestiging A", "onderwijzer lager", "11-20 jaar",
     "De leerlingbesprekingen zijn goed georganiseerd, ik weet altijd wanneer ze zijn.",
     "Meer tijd om met de zorgjuf samen te zitten. Nu is het altijd tussen de soep en de patatten."),
    ("vestiging A", "kleuteronderwijzer", "> 20 jaar",
     "De zorgcoördinator is heel bereikbaar, ge kunt altijd binnenspringen.",
     "Voor de kleuters is het zorgcontinuüm niet altijd duidelijk. Wanneer is iets fase 1?"),
    ("vestiging B", "zorgleerkracht", "6-10 jaar",
     "We werken als zorgteam goed samen en de lijnen zijn kort.",
     "Ik sta te veel buiten de klas met kleine groepjes; ik zou meer co-teaching willen doen in de klas zelf."),
    ("vestiging A", "onderwijzer lager", "0-5 jaar",
     "Als starter voelde ik mij goed opgevangen door mijn mentor en de zoco.",
     "Ik weet nog altijd niet goed hoe ik een handelingsplan moet schrijven. Een voorbeeld zou helpen."),
    ("vestiging B", "onderwijzer lager", "11-20 jaar",
     "",
     "Het CLB is moeilijk te bereiken. Ge belt, ge laat een bericht achter en dan hoort ge een week niks."),
    ("vestiging A", "LO-leerkracht", "6-10 jaar",
     "Ik word tegenwoordig ook uitgenodigd op de klassenraad, dat vind ik positief.",
     "Informatie over leerlingen met een verslag komt niet altijd tot bij de vakleerkrachten."),
    ("vestiging B", "kleuteronderwijzer", "0-5 jaar",
     "De observaties in de kleuterklas worden ernstig genomen.",
     "n.v.t."),
    ("vestiging A", "onderwijzer lager", "> 20 jaar",
     "Vroeger deed iedereen zijn eigen ding, nu is er tenminste een structuur.",
     "Minder papier! Alles moet ingevuld worden in het leerlingendossier en ik weet niet of iemand het leest."),
    ("vestiging A", "onderwijzer lager", "6-10 jaar",
     "De leerlingbespreking met de zorgcoördinator en het CLB, drie keer per jaar.",
     "We evalueren ons zorgbeleid bijna nooit samen. Het wordt beslist en dan horen we het op de personeelsvergadering."),
    ("vestiging B", "zorgleerkracht", "11-20 jaar",
     "Er is een duidelijke visie op brede basiszorg; de directie staat erachter.",
     "Meer uren zorg. Met twaalf uur voor de hele lagere school kunt ge niet alles doen wat ge wilt."),
    ("vestiging B", "onderwijzer lager", "0-5 jaar",
     "Goede opvang van nieuwe collega's.",
     ""),
    ("vestiging A", "kleuteronderwijzer", "11-20 jaar",
     "De samenwerking met de logopedisten die op school komen.",
     "De overgang van de derde kleuterklas naar het eerste leerjaar kan beter opgevolgd worden;\nnu gaat er info verloren."),
    ("vestiging A", "onderwijzer lager", "11-20 jaar",
     "Ik heb het gevoel dat ik er niet alleen voor sta.",
     "Soms zou ik willen dat de zorgjuf eens in mijn klas komt kijken in plaats van kinderen uit de klas te halen."),
    ("vestiging B", "onderwijzer lager", "> 20 jaar",
     "Het MDO is goed voorbereid en er komen concrete afspraken uit.",
     "Die afspraken worden niet altijd opgevolgd. Na zes weken weet niemand nog wat er beslist is."),
    ("vestiging B", "kinderverzorger", "6-10 jaar",
     "De kleuterjuffen betrekken mij bij wat er met de kinderen gebeurt.",
     "Ik word niet uitgenodigd op de besprekingen, terwijl ik de kinderen de hele dag zie."),
    ("vestiging A", "onderwijzer lager", "0-5 jaar",
     "",
     ""),
    ("vestiging A", "zorgleerkracht", "> 20 jaar",
     "We hebben een goed leerlingvolgsysteem en we gebruiken de resultaten ook echt.",
     "Differentiatie in de klas blijft moeilijk voor veel collega's. Daar zou een nascholing voor het hele team rond moeten komen."),
    ("vestiging B", "onderwijzer lager", "6-10 jaar",
     "De directeur luistert als je met een zorg naar haar toe stapt.",
     "Een duidelijk overzicht van wie wat doet: zoco, zorgjuf, CLB, ondersteuner. Ik haal ze soms door elkaar."),
    ("vestiging A", "onderwijzer lager", "11-20 jaar",
     "Het zorgcontinuüm hangt uit in de leraarskamer, dat helpt.",
     "Maar hangen is nog niet gebruiken. (lacht) We zouden er meer mee moeten doen in de leerlingbespreking."),
    ("vestiging B", "kleuteronderwijzer", "6-10 jaar",
     "Het kindvolgsysteem in de kleuterschool is verbeterd.",
     "Meer aandacht voor kinderen die thuis geen Nederlands spreken, vanaf de instapklas."),
    ("vestiging A", "LO-leerkracht", "> 20 jaar",
     "n.v.t.",
     "Als vakleerkracht hoor ik vaak pas achteraf dat een kind een probleem heeft."),
    ("vestiging B", "onderwijzer lager", "0-5 jaar",
     "Er wordt snel gehandeld als er iets is met een kind.",
     "Soms té snel, zonder eerst te kijken wat er in de klas al geprobeerd is."),
    ("vestiging A", "onderwijzer lager", "6-10 jaar",
     "De collega's helpen elkaar, ook informeel, op de speelplaats of 's middags.",
     "Dat informele is fijn maar het zou ook structureel moeten: een vast overlegmoment per graad."),
    ("vestiging B", "zorgleerkracht", "0-5 jaar",
     "Ik krijg veel vertrouwen van de zorgcoördinator.",
     "Een duidelijker taakomschrijving voor mij als zorgleerkracht; nu doe ik een beetje van alles."),
    ("vestiging A", "kleuteronderwijzer", "0-5 jaar",
     "Open sfeer, je mag fouten maken.",
     "Meer vorming rond gedragsproblemen bij kleuters, want daar sta ik echt mee te worstelen."),
    ("vestiging B", "onderwijzer lager", "11-20 jaar",
     "\"Zorg is van iedereen\" wordt hier echt geleefd.",
     "De ouders worden soms te laat betrokken. Het eerste gesprek zou vroeger moeten."),
    ("vestiging A", "onderwijzer lager", "> 20 jaar",
     "Goed contact met de ondersteuner van het netwerk.",
     "Het ondersteuningsnetwerk werkt traag. Een aanvraag duurt weken, het kind wacht."),
    ("vestiging B", "kleuteronderwijzer", "> 20 jaar",
     "",
     "Geen idee eigenlijk, ik ben pas terug van een lange afwezigheid."),
    ("vestiging A", "onderwijzer lager", "0-5 jaar",
     "De zoco neemt het voortouw, daardoor loopt het.",
     "Als de zoco ziek is, valt alles stil. Er zou iemand anders ook moeten weten hoe het zit."),
    ("vestiging B", "onderwijzer lager", "6-10 jaar",
     "De handelingsplannen zijn concreter dan vroeger; de doelen zijn beter haalbaar.",
     "Meer tijd om die doelen ook echt te evalueren met de ouders en het kind."),
]


def likert(rng: random.Random, mean: float) -> str:
    value = round(rng.gauss(mean, 1.0))
    return str(min(6, max(1, value)))


def rows() -> list[list[str]]:
    rng = random.Random(SEED)
    out = []
    for i, (school, functie, anc, good, better) in enumerate(RESPONDENTS, start=1):
        day = 6 + i // 6
        stamp = f"{day:02d}/05/2019 {8 + i % 9:02d}:{(i * 7) % 60:02d}"
        answers = []
        for _question, mean, nvt_possible in LIKERT:
            draw = rng.random()
            if nvt_possible and functie in ("kleuteronderwijzer", "kinderverzorger") and draw < 0.5:
                answers.append("n.v.t.")
            elif draw > 0.975:
                answers.append("")  # skipped
            else:
                answers.append(likert(rng, mean))
        out.append([f"R{i:03d}", stamp, school, functie, anc, *answers, good, better])
    return out


def main() -> None:
    header = START + [q for q, _, _ in LIKERT] + OPEN
    with TARGET.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows())
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
