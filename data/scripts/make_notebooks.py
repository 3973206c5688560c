"""Build the first three notebooks from the cell texts below.

Run from the repo root with the project venv:

    .venv/bin/python data/scripts/make_notebooks.py

The .ipynb files are written without outputs and without execution counts
(tests/test_notebooks.py checks that), with fixed cell ids, so a rebuild gives
identical files. Edit the texts here, never the .ipynb files by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def md(text: str) -> tuple[str, str]:
    return ("md", text.strip("\n"))


def py(text: str) -> tuple[str, str]:
    return ("py", text.strip("\n"))


# ---------------------------------------------------------------------------
# 00 - the five-line workflow

SNEL = [
    md("""
# Snel aan de slag met qualkit

Dit notitieboek loopt in vijf stappen door de hele werkwijze:

1. een map met transcripties **inlezen**,
2. een **codeboek** lezen,
3. de fragmenten **coderen** met de regels van dat codeboek,
4. **bekijken** hoe vaak elke code voorkomt, per rol,
5. de gecodeerde fragmenten **bewaren** als CSV-bestand dat Excel opent.

We gebruiken de voorbeelddata van de studie naar afstemmingsgesprekken tussen
basisscholen, het CLB en de pedagogische begeleiding (`data/afstemming`).
Alle teksten zijn fictief en geanonimiseerd; ze lijken op echte focusgroepen,
maar niemand heeft ze echt gezegd.

**Vooraf, over wat de automatische codering is.** qualkit zoekt per spreekbeurt
naar de trefwoorden en regels die bij een code horen (met vervoegingen,
meervouden en samenstellingen). Dat is een eerste schifting en een manier om
snel terug te vinden wat over een thema gezegd is. Het is geen analyse: of een
fragment echt over *visie* of over *leiderschap* gaat, beslist de onderzoeker
na het lezen.
"""),
    md("""
## 1. De data inlezen

`load_corpus` leest alle bestanden van een map, in welk formaat ook (hier .txt,
.docx, een Teams-transcript .vtt, veldnotities en een observatieformulier).
Het deelnemersbestand zegt wie achter een sprekerslabel als `CLB 2` of `Zoco 1`
zit en welke **rol** die persoon heeft; het documentenbestand geeft elk document
kenmerken zoals de groep en de datum.
"""),
    py("""
import pandas as pd
import qualkit as qk

corpus = qk.load_corpus(
    "../data/afstemming",
    participants="../data/afstemming/participants.csv",
    documents="../data/afstemming/documents.csv",
)
corpus
"""),
    md("""
Hoeveel spreekbeurten telt elke focusgroep, en van welke rol? Zo zie je meteen
of het deelnemersbestand elke spreker een rol gaf (een lege rol zou hier als
aparte kolom verschijnen).
"""),
    py("""
beurten = corpus.segments("turn")
pd.crosstab(beurten["doc_id"], beurten["role"])
"""),
    md("""
## 2. Een codeboek lezen

Een codeboek is een YAML-bestand: codes met een definitie, wanneer je ze wel en
niet gebruikt, een voorbeeld en de trefwoorden. Hier het codeboek
*Leiderschap en eigen-leiderschap*. `read_codebook` controleert het bestand en
meldt elke fout met het regelnummer.
"""),
    py("""
codeboek = qk.read_codebook("../codebooks/leiderschap.yaml")
pd.DataFrame(
    {"code": c.id, "naam": c.name, "onder": c.parent or ""} for c in codeboek
).head(8)
"""),
    md("""
## 3. Coderen

`code` legt de regels van het codeboek op elke spreekbeurt en geeft één rij per
(spreekbeurt, code). De kolommen `rule` en `matched` zeggen **waarom** een
fragment de code kreeg: welk soort regel en welke woorden. Zo kan je elke
codering nakijken. We laten de beurten van de moderator weg: haar vragen
noemen de thema's, maar het gaat om wat de deelnemers zeggen.
"""),
    py("""
gecodeerd = qk.code(corpus, codeboek, unit="turn")
gecodeerd = gecodeerd[gecodeerd["role"] != "moderator"]
gecodeerd[["doc_id", "speaker", "role", "code_name", "matched"]].head(8)
"""),
    md("""
## 4. Hoe vaak komt elke code voor, per rol?

`frequencies` telt per code de gecodeerde spreekbeurten, hier per rol. De
figuur maakt in één oogopslag zichtbaar welke thema's bij welke rol vaker
terugkomen.

**Lezen met voorzichtigheid.** Een hoger aantal betekent *vaker benoemd in de
woorden van het codeboek*, niet *belangrijker*. De rollen zijn niet even sterk
vertegenwoordigd (er zijn twee iCLB-groepen en één groep directies), en in een
interpretatieve studie is één treffend citaat soms meer waard dan tien korte
vermeldingen. De tabel wijst je naar de fragmenten; de betekenis haal je uit
het lezen ervan.
"""),
    py("""
per_rol = qk.frequencies(gecodeerd, by="role", codebooks=codeboek)
per_rol.pivot(index="code_name", columns="role", values="count").fillna(0).astype(int)
"""),
    py("""
qk.plot_frequencies(per_rol, stacked=True, title="Leiderschapscodes per rol (aantal spreekbeurten)")
"""),
    md("""
Wat zegt de directie zelf over visie? `excerpts` geeft de fragmenten zoals een
scriptie ze citeert: “...” (rol). Lange beurten worden ingekort rond de woorden
die de code deden vuren.
"""),
    py("""
qk.excerpts(gecodeerd, code="leiderschap:visie", where={"role": "directie"}, max_chars=220)
"""),
    md("""
## 5. De fragmenten bewaren

`export_excerpts` schrijft alle coderingen naar een CSV-bestand, met de tekst,
de spreker, de rol, de code en de regel die vuurde. Met `excel=True` opent
Nederlandstalige Excel het meteen goed (puntkomma's, UTF-8). qualkit overschrijft
nooit stilzwijgend een bestaand bestand; `overwrite=True` staat het hier toe,
zodat je dit notitieboek opnieuw kan uitvoeren.
"""),
    py("""
pad = qk.export_excerpts(gecodeerd, "../out/snel_aan_de_slag/fragmenten_leiderschap.csv",
                         excel=True, overwrite=True)
pad
"""),
    md("""
## Verder

- `01_afstemmingsgesprekken.ipynb`: dezelfde data door de drie lenzen van de
  studie (assemblage, leiderschap, eigen-leiderschap), met matrices, citaten,
  observatie-items en deelname.
- `02_collectief_leren.ipynb`: focusgroepen van scholen over samenwerking met
  externe partners, met het vijfvragenkader en het partnernetwerk.
"""),
]


# ---------------------------------------------------------------------------
# 01 - alignment meetings through assemblage and (self-)leadership

AFSTEMMING = [
    md("""
# Afstemmingsgesprekken: school, CLB en pedagogische begeleiding

Elk jaar zitten een basisschool, het CLB en de pedagogische begeleiding samen
voor een afstemmingsgesprek. Deze (fictieve) data volgen het opzet van een
masterproef daarover: **observaties** van zulke gesprekken (een
observatieformulier en veldnotities) en **focusgroepen** met elk van de
partners (twee iCLB-groepen, de pedagogische begeleiding, zorgcoördinatoren en
directies).

De studie werkt interpretatief: ze *denkt met theorie* en leest de data door
drie begrippen, **assemblage**, **leiderschap** en **eigen-leiderschap**.
Resultaten zijn geen tellingen, maar een verhaal per begrip met goed gekozen
citaten van verschillende rollen. qualkit kan dat verhaal niet schrijven. Wat
het wel kan:

- alles terugvinden wat bij een begrip hoort, met de rol van de spreker;
- tonen *waar* je moet lezen (welk gesprek, welke rol, welk element);
- de gestructureerde observatie-items overzichtelijk naast elkaar zetten;
- laten zien wie in een gesprek het woord voert.

Elke tabel hieronder is dus een wegwijzer naar fragmenten, geen bevinding.
"""),
    md("""
## Data en codeboeken

We lezen de hele map in en coderen de spreekbeurten van de focusgroepen met
beide codeboeken tegelijk. De codes blijven gescheiden door hun naamruimte
(`assemblage:...`, `leiderschap:...`). De vragen van de moderator laten we
weg. De eerste codering duurt enkele seconden: qualkit laadt dan de
Nederlandse woordenlijsten voor vervoegingen en meervouden.
"""),
    py("""
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import PercentFormatter
import qualkit as qk

pd.set_option("display.max_colwidth", 90)

corpus = qk.load_corpus(
    "../data/afstemming",
    participants="../data/afstemming/participants.csv",
    documents="../data/afstemming/documents.csv",
)
codeboeken = qk.read_codebooks(["../codebooks/assemblage.yaml", "../codebooks/leiderschap.yaml"])

gecodeerd = qk.code(corpus, codeboeken, unit="turn")
gecodeerd = gecodeerd[gecodeerd["role"] != "moderator"]
print(len(gecodeerd), "coderingen in", gecodeerd["doc_id"].nunique(), "focusgroepen")
"""),
    md("""
## 1. Welke elementen zijn aanwezig in elk geobserveerd gesprek?

Een assemblage is het geheel van mensen, rollen, documenten, ruimte en schermen
dat samen een gesprek maakt; elk gesprek is een nieuwe samenstelling. De
observaties leggen die elementen vast: de opmerkingen bij het
observatieformulier (één document per sessie, `overleg_01` tot `overleg_04`) en
de veldnotities van `overleg_03`. We coderen die notities met het
assemblage-codeboek en zetten de elementen per sessie naast elkaar.

**Zo lees je de figuur.** Een cel telt in hoeveel notities van die sessie het
element beschreven wordt. Een lege cel betekent *niet genoteerd*, niet *niet
aanwezig*: `overleg_03` heeft ook uitgebreide veldnotities en valt daardoor
rijker uit. Vergelijk sessies dus op het *soort* elementen, niet op aantallen.
"""),
    py("""
notities = pd.concat([corpus.segments("note"), corpus.segments("entry")], ignore_index=True)
notities = notities[notities["soort"] == "observatie"]
observatie_codes = qk.code(notities, codeboeken[0])

elementen = qk.matrix(observatie_codes, rows="code", cols="sessie", label="name", codebooks=codeboeken[0])
qk.plot_matrix(elementen, title="Elementen van de assemblage per geobserveerd gesprek (aantal notities)")
"""),
    md("""
Wat staat er precies in de notities over ruimte en schermen in `overleg_03`?
Een klik verder dan de telling: de fragmenten zelf.
"""),
    py("""
qk.excerpts(observatie_codes, code=["assemblage:ruimte_positionering", "assemblage:google_docs"],
            where={"sessie": "overleg_03"}, style="plain", max_chars=200)
"""),
    md("""
## 2. Code x rol: wie spreekt over welk aspect?

De matrix zet de begrippen (rijen) tegen de rollen (kolommen). We rollen de codes
op tot het bovenste niveau van de codeboeken (`level=1`), zodat de tabel op een
scherm past; met `level=2` krijg je de indicatoren. Een cel telt de
**spreekbeurten** van die rol waarin minstens één code van dat thema voorkomt.

**Zo lees je het.** Kijk eerst naar de patronen (welke rol spreekt over
documenten, wie over doorlichting) en duik dan in een cel met
`qk.excerpts(..., where={"role": ...})`. De groepen zijn niet even groot (twee
iCLB-groepen, één van elke andere soort), dus vergelijk binnen een kolom eerder
dan tussen kolommen.
"""),
    py("""
code_rol = qk.matrix(gecodeerd, rows="code", cols="role", level=1, codebooks=codeboeken, label="name")
qk.plot_matrix(code_rol, title="Codes x rol (aantal spreekbeurten, focusgroepen)")
"""),
    py("""
# de cel 'Druk van doorlichting en inspectie' x directie
qk.excerpts(gecodeerd, code="assemblage:doorlichting_druk", where={"role": "directie"}, max_chars=220)
"""),
    md("""
## 3. Citaten per begrip

In de resultaten van de studie staat per begrip een verhaal met citaten van
verschillende rollen, zoals “...” (directie). `excerpts` maakt die citaten
klaar. Hieronder twee indicatoren die tegenover elkaar staan in de lens
eigen-leiderschap: het gesprek **in eigen handen nemen** tegenover het gesprek
**ondergaan als formaliteit**. `by="role"` groepeert per rol.

De onderzoeker kiest zelf welke citaten het begrip het best dragen, en leest
ze in hun context: een regel vuurt ook bij een ironische of ontkennende
uitspraak.
"""),
    py("""
qk.excerpts(gecodeerd, code="leiderschap:gesprek_in_handen", by="role", max_chars=240)
"""),
    py("""
qk.excerpts(gecodeerd, code="leiderschap:gesprek_ondergaan", by="role", max_chars=240)
"""),
    md("""
## 4. Twee groepen van dezelfde soort vergelijken: de twee iCLB-groepen

De studie vergelijkt groepen van hetzelfde type. `focusgroep_iclb_1` werd ter
plaatse opgenomen en uitgetypt, `focusgroep_iclb_2` liep online via Teams.
De eerste telt veel meer spreekbeurten, dus vergelijken we **aandelen**: welk
deel van de spreekbeurten van de deelnemers valt onder elk aspect
(`share=True`, met alle spreekbeurten zonder moderator als noemer).

**Zo lees je het.** Een verschil is een vraag, geen antwoord. Een hoger aandeel
kan komen doordat de groep er meer over sprak, maar ook door de vorm: in een
Teams-transcript worden de opeenvolgende stukjes van één spreker samengevoegd
tot één lange beurt, en een lange beurt vangt makkelijker een trefwoord.
"""),
    py("""
iclb = gecodeerd[gecodeerd["groep"] == "iCLB"]
beurten = corpus.segments("turn")
deelnemers = beurten[(beurten["groep"] == "iCLB") & (beurten["role"] != "moderator")]

vergelijking = qk.frequencies(iclb, by="doc_id", share=True, units=deelnemers, level=2, codebooks=codeboeken)
tabel = vergelijking.pivot(index="code_name", columns="doc_id", values="share").fillna(0)
tabel = tabel[tabel.max(axis=1) >= 0.05].sort_values("focusgroep_iclb_1", ascending=False)
(100 * tabel).round(0).astype(int).rename(columns=lambda c: c + " (%)")
"""),
    py("""
getoond = vergelijking[vergelijking["code_name"].isin(tabel.index)]
getoond = getoond.set_index("code_name").loc[tabel.index].reset_index()   # dezelfde volgorde als de tabel
qk.plot_frequencies(getoond, value="share", xlabel="Aandeel van de spreekbeurten van de deelnemers",
                    title="Twee iCLB-focusgroepen (aspecten in minstens 5% van de beurten)")
"""),
    md("""
## 5. De gestructureerde observatie-items per sessie

Het observatieformulier heeft ja/nee-items per rubriek (voorbereidingsdocumenten,
handelingsgericht werken, kwaliteit van gesprekken), plus een paar open items
zoals *Wie vat samen?* en *Welke fase van het zorgcontinuüm wordt besproken?*.
qualkit bewaart de antwoorden als tabel in `corpus.tables`. Een overzicht per
sessie toont wat in elk gesprek wel en niet gebeurde; `tally` telt per item
hoe vaak elk antwoord voorkwam.

Met vier sessies zijn dit beschrijvingen, geen percentages om te
veralgemenen. De opmerkingen van de observator (kolom `opmerking`) zeggen vaak
meer dan het vinkje.
"""),
    py("""
formulier = corpus.tables["observatieformulier"]
formulier.pivot(index="item", columns="sessie", values="antwoord").fillna("(leeg)")
"""),
    py("""
antwoorden = qk.tally(formulier, column="antwoord", by="item")
antwoorden[antwoorden["item"].isin(["Doelen zijn SMARTI geformuleerd", "Wie vat samen?",
                                    "Iedereen komt aan het woord"])]
"""),
    py("""
janee = formulier[formulier["antwoord"].isin(["Ja", "Nee"])]
telling = pd.crosstab(janee["item"], janee["antwoord"]).sort_values("Ja")
ax = telling.plot.barh(stacked=True, color={"Ja": "#55A868", "Nee": "#C44E52"}, figsize=(8, 5))
ax.set_xlabel("Aantal sessies (van 4)")
ax.set_ylabel("")
ax.set_title("Observatie-items: ja of nee per sessie")
ax.legend(title="", loc="upper left", bbox_to_anchor=(1.01, 1));
"""),
    md("""
## 6. Eén gesprek gecodeerd lezen

Tabellen knippen fragmenten los. Om een code te begrijpen moet je ook de
omgeving lezen: wat ging eraan vooraf, wie reageerde? `show` toont een heel
document met de gecodeerde beurten in de kleur van hun code; wie met de muis
over een gekleurd stuk gaat, ziet welke codes het draagt. Hier de kortste
focusgroep, de tweede iCLB-groep.
"""),
    py("""
qk.show(corpus, gecodeerd, "focusgroep_iclb_2", codebooks=codeboeken)
"""),
    md("""
## 7. Deelname: wie voert het woord?

Wie veel spreekt, kleurt een focusgroep, en in de observaties is *iedereen komt
aan het woord* een item op zich. `participation` telt per spreker de beurten en
de woorden. We laten de moderator weg en rekenen het aandeel van elke
deelnemer uit in de woorden van de deelnemers samen.

**Zo lees je het.** Een groot woordaandeel is niet vanzelf dominantie: het kan
ook een deelnemer zijn die een lang voorbeeld vertelt. Kijk of één spreker in
een groep ver boven de anderen uitsteekt, en lees dan zijn of haar beurten.
In `focusgroep_zoco_1` valt spreker `Y` op door een bijna-stilte. `Y` is een
deelnemer die de transcribent niet kon thuisbrengen: sprak die persoon echt zo
weinig, of zijn beurten aan anderen toegeschreven? Dat ga je na in de opname.

`exclude_roles=("moderator",)` laat de moderator buiten de aandelen: zijn rijen
blijven staan, maar zonder aandeel, en de aandelen van de deelnemers tellen op
tot 100 %.
"""),
    py("""
deelname = qk.participation(corpus, exclude_roles=("moderator",))
deelname = deelname[(deelname["role"] != "moderator") & deelname["doc_id"].str.startswith("focusgroep")]
deelname[["doc_id", "speaker", "role", "turns", "words", "word_share"]].round(2).head(10)
"""),
    py("""
fig, ax = plt.subplots(figsize=(8.5, 3.5), layout="constrained")
ax.scatter(deelname["word_share"], deelname["doc_id"], s=90, alpha=0.6)
ax.axvline(0.25, color="grey", linestyle="--", linewidth=1)  # vier deelnemers die evenveel spreken
per_groep = deelname.groupby("doc_id")["word_share"]
for rij in deelname.loc[list(per_groep.idxmax()) + list(per_groep.idxmin())].itertuples():
    ax.annotate(rij.speaker, (rij.word_share, rij.doc_id), xytext=(0, 7), textcoords="offset points",
                ha="center", fontsize=8)
ax.set_xlim(0, deelname["word_share"].max() + 0.05)
ax.margins(y=0.15)
ax.xaxis.set_major_formatter(PercentFormatter(1, decimals=0))
ax.set_xlabel("Aandeel in de woorden van de deelnemers (stippellijn: gelijke verdeling over vier)")
ax.set_title("Deelname per focusgroep: één punt per deelnemer, de grootste en de kleinste bij naam");
"""),
    md("""
## 8. Een term in zijn context (KWIC)

Soms wil je niet een code, maar gewoon elk voorkomen van een woord zien, met
een paar woorden ervoor en erna: *keyword in context*. `kwic` zoekt zoals de
codering zoekt (meervoud en vervoeging inbegrepen) en geeft de rol van de
spreker. Hier *doorlichting*, in focusgroepen én observaties.
"""),
    py("""
qk.kwic(corpus, "doorlichting", window=7)[["doc_id", "role", "left", "match", "right"]]
"""),
    py("""
qk.kwic(corpus, "Google Doc", window=6)[["doc_id", "role", "left", "match", "right"]].head(8)
"""),
    md("""
## Wat de onderzoeker zelf nog moet doen

- **Interpreteren.** Of een fragment over *deterritorialisering* gaat, of enkel
  een trefwoord bevat, beslist de lezer. Lees de citaten in hun context
  (`show`) en pas de codering aan waar nodig.
- **Missers zoeken.** Regels vinden alleen wat in hun woorden gezegd wordt.
  Een code die nul keer vuurt, kan toch aanwezig zijn in andere woorden; een
  beschrijving als *elk gesprek is anders* herken je vaak pas bij het lezen.
- **Vergelijken met voorzichtigheid.** Groepen verschillen in grootte, vorm
  (ter plaatse of online) en moderator.
- **Het verhaal schrijven.** De studie rapporteert per begrip, met citaten van
  verschillende rollen, zonder frequentietabellen. De tabellen hier helpen om
  die citaten te vinden en niets over het hoofd te zien.
"""),
]


# ---------------------------------------------------------------------------
# 02 - collective learning with external partners

COLLECTIEF = [
    md("""
# Collectief leren via samenwerking met externe professionals

Scholen werken samen met heel wat partners buiten de school: het CLB, de
pedagogische begeleiding, bedrijven voor stages, een hogeschool, de
jeugdhulp... Leren ze daar als team iets van? In deze (fictieve) data voert
elke school een focusgroep aan de hand van **gesprekskaarten**
(Betekenisonderhandeling, Actoreninventarisatie, Beweegredenen, ...) en tekent
ze haar **netwerkkaart** met partners.

Het onderzoek waarop dit model steunt, beschrijft elke school met vijf vragen:

| vraag | waarover |
|---|---|
| **Conceptualisering** (wat?) | wat samenwerken en collectief leren betekenen |
| **Actoreninventarisatie** (wie?) | welke partners, hoe dichtbij, welke rol |
| **Beweegredenen** (waarom?) | waarom de school samenwerkt |
| **Randvoorwaarden** (hoe?) | tijd, ruimte, middelen, leercultuur |
| **Waardecreatie** (waartoe?) | wat het oplevert, voor wie |

Dit notitieboek toont hoe qualkit die vijf vragen per school ondersteunt, het
partnernetwerk tekent en een vergelijking over scholen heen maakt. De
antwoorden op de vragen blijven het werk van de onderzoeker.
"""),
    md("""
## Data inlezen en coderen

De map bevat drie focusgroepen in drie formaten (tekst, een Zoom-transcript,
een export van een transcriptiedienst) en `partners.csv`, de netwerkkaarten
overgetikt: één rij per partner die een school noemde. Dat laatste is geen
transcript maar een tabel; qualkit bewaart het in `corpus.tables["partners"]`
(`kinds=` maakt die keuze expliciet).

We coderen met het codeboek *Netwerkthema's* en laten de beurten van de
moderator weg: zij leest de kaarten voor, waardoor elke kaartnaam anders als
code zou meetellen.
"""),
    py("""
import pandas as pd
import qualkit as qk

pd.set_option("display.max_colwidth", 90)

corpus = qk.load_corpus(
    "../data/collectief_leren",
    participants="../data/collectief_leren/participants.csv",
    documents="../data/collectief_leren/documents.csv",
    kinds={"partners.csv": "table"},
)
codeboek = qk.read_codebook("../codebooks/netwerkthemas.yaml")

gecodeerd = qk.code(corpus, codeboek, unit="turn")
gecodeerd = gecodeerd[gecodeerd["role"] != "moderator"]
beurten = corpus.segments("turn")
deelnemers = beurten[beurten["role"] != "moderator"]
pd.crosstab(deelnemers["school"], deelnemers["role"])
"""),
    md("""
## 1. Het vijfvragenkader per school

Het codeboek volgt de gesprekskaarten; het vijfvragenkader is een tweede
indeling. De koppeling hieronder is **een keuze** die de onderzoeker maakt en
kan bijsturen: zo kan je *Afhankelijkheden* ook onder *hoe?* plaatsen.
Subcodes nemen de vraag van hun bovenliggende code over.

**Zo lees je de figuur.** Elke cel telt de spreekbeurten van de deelnemers die
een school aan die vraag wijdde (volgens de regels van het codeboek). Het is
een kaart van waar je in elk transcript moet lezen om een vraag te
beantwoorden, geen maat voor hoe goed een school het doet. De scholen
verschillen in gesprekslengte (School B sprak online en korter).
"""),
    py("""
vijf_vragen = {
    "betekenisonderhandeling": "1 Conceptualisering (wat?)",
    "soort_samenwerkingsverband": "1 Conceptualisering (wat?)",
    "metafoor": "1 Conceptualisering (wat?)",
    "actoreninventarisatie": "2 Actoreninventarisatie (wie?)",
    "afhankelijkheden": "2 Actoreninventarisatie (wie?)",
    "partnerdomeinen": "2 Actoreninventarisatie (wie?)",
    "beweegredenen": "3 Beweegredenen (waarom?)",
    "instroomopties": "3 Beweegredenen (waarom?)",
    "doelgerichtheid": "3 Beweegredenen (waarom?)",
    "organisatorische_condities": "4 Randvoorwaarden (hoe?)",
    "leercultuur": "4 Randvoorwaarden (hoe?)",
    "in_ontwikkeling": "4 Randvoorwaarden (hoe?)",
    "leren": "5 Waardecreatie (waartoe?)",
    "leeruitkomsten": "5 Waardecreatie (waartoe?)",
    "win_win": "5 Waardecreatie (waartoe?)",
}


def vraag_van(code_id):
    # de eigen vraag van de code, anders die van de dichtste bovenliggende code
    for c in [codeboek.get(code_id), *reversed(codeboek.ancestors(code_id))]:
        if c.id in vijf_vragen:
            return vijf_vragen[c.id]
    return None


gecodeerd["vraag"] = gecodeerd["code"].map(vraag_van)
pd.Series({c.name: vraag_van(c.id) for c in codeboek if c.codable}).value_counts().sort_index()
"""),
    py("""
kader = qk.matrix(gecodeerd, rows="vraag", cols="school")
qk.plot_matrix(kader, title="Vijfvragenkader: spreekbeurten per vraag en school")
"""),
    md("""
Voor de beschrijving van één school en één vraag lees je de fragmenten zelf,
bijvoorbeeld *Randvoorwaarden (hoe?)* bij School B:
"""),
    py("""
qk.excerpts(gecodeerd, where={"school": "School B", "vraag": "4 Randvoorwaarden (hoe?)"}, max_chars=200)
"""),
    md("""
## 2. Het partnernetwerk per school

De netwerkkaarten zijn overgetikt in `partners.csv`: per school en partner het
**domein** (professionalisering van het team, pedagogisch-didactisch aanbod,
zorg voor leerlingen, werk en stage buiten de school, beleid, onderzoek,
intern), de **actorcluster** (kern-, context-, verankerings- of
omkaderingsactor), of de partner **prioritair** is en of hij **dichtbij of
veraf** staat. `bron` zegt of de partner in het gesprek genoemd werd of enkel
op de getekende kaart staat. Partners zijn types (*CLB*, *Stagebedrijven*),
geen namen: zo kan je ook zien welke soort partner meerdere scholen delen.
"""),
    py("""
partners = corpus.tables["partners"]
partners.head(6)
"""),
    md("""
`network(..., kind="actors")` maakt van die tabel een netwerk: een vierkant per
school, een bol per partner, een lijn voor elke keer dat een school een partner
noemt. `colour_by="domein"` kleurt de partners naar domein; een grotere bol wordt
door meer scholen genoemd, en `weight="prioritair"` tekent een dikke lijn naar
een partner die de school prioritair noemt.

**Zo lees je het.** Partners in het midden delen de scholen (CLB,
ondersteuningsnetwerk, ondersteuners, scholengemeenschap); aan de rand hangen
de partners die eigen zijn aan één school. Zorg voor leerlingen (groen) is bij
elke school het grootste domein. Alleen School C heeft een eigen groep partners
voor werk en stage; School B heeft er geen. Wat een verbinding voor de school
betekent, staat niet in de figuur maar in het gesprek.
"""),
    py("""
netwerk = qk.network(partners, kind="actors", case="school", partner="partner", partner_attributes=("domein",))

domeinkleuren = {
    "professionalisering van het team": "#4C72B0",
    "pedagogisch-didactisch aanbod": "#DD8452",
    "zorg voor leerlingen": "#55A868",
    "werk en stage buiten de school": "#C44E52",
    "beleid": "#8172B3",
    "onderzoek": "#DA8BC3",
    "intern": "#8C8C8C",
}
qk.plot_network(netwerk, title="Partners van drie scholen, gekleurd naar domein",
                colour_by="domein", colours=domeinkleuren, weight="prioritair")
"""),
    md("""
Per school: hoeveel partners, hoeveel daarvan prioritair en dichtbij, en welke
clusters.
"""),
    py("""
samenvatting = partners.groupby("school").agg(
    partners=("partner", "nunique"),
    prioritair=("prioritair", lambda s: (s == "ja").sum()),
    dichtbij=("afstand", lambda s: (s == "dichtbij").sum()),
)
samenvatting.join(pd.crosstab(partners["school"], partners["cluster"]))
"""),
    md("""
## 3. Beweegredenen over scholen heen: "in X van N scholen"

Een vergelijking over scholen heen telt niet hoe vaak iets gezegd werd, maar in
**hoeveel scholen** het voorkomt. `frequencies(..., count="documents")` doet
dat (één focusgroep per school). We beperken ons tot de spreekbeurten die de
regels als beweegreden herkennen en kijken welke domeinen daarin genoemd
worden.

**Een gepubliceerd cijfer ter vergelijking.** In het onderzoeksrapport waarop
dit model gebaseerd is (SONO, elf scholen), kwam *professionalisering* als
beweegreden voor in **10 van de 11 scholen**. Dat cijfer komt uit dat rapport,
niet uit onze data. In onze drie fictieve scholen zie je hieronder of
professionalisering in de beweegredenen opduikt; drie scholen zijn te weinig
om het rapport te bevestigen of tegen te spreken.
"""),
    py("""
motiefcodes = [c.qualified for c in codeboek
               if c.id == "beweegredenen" or "beweegredenen" in [a.id for a in codeboek.ancestors(c.id)]]
motiefbeurten = gecodeerd.loc[gecodeerd["code"].isin(motiefcodes), "segment_id"]
in_motieven = gecodeerd[gecodeerd["segment_id"].isin(motiefbeurten)]

scholen = deelnemers["school"].nunique()
over_scholen = qk.frequencies(in_motieven, count="documents")
over_scholen["in X van N scholen"] = over_scholen["count"].astype(str) + f" van {scholen}"
over_scholen = over_scholen.rename(columns={"code_name": "thema in de beweegredenen"})
over_scholen.sort_values("count", ascending=False, kind="stable")[["thema in de beweegredenen", "in X van N scholen"]].head(10)
"""),
    md("""
Welke fragmenten liggen achter *professionalisering als beweegreden*? Controleer
ze: de regel vuurt op het woord, ook als de spreker het over iets anders heeft
(zoals een opsomming van partners).
"""),
    py("""
qk.excerpts(in_motieven, code="netwerk:dom_professionalisering", by="school", max_chars=220)
"""),
    md("""
## 4. Domeindekking per school

Welke domeinen dekt het netwerk van elke school? Twee bronnen na elkaar:
de netwerkkaart (aantal partners per domein) en het gesprek (spreekbeurten die
over dat domein gaan, volgens de codes *Partnerdomeinen*).

**Zo lees je het.** Waar beide donker zijn, is het domein sterk aanwezig. Een
domein met partners op de kaart maar zonder gesprek (of omgekeerd) is een
vraag voor de onderzoeker: een vergeten partner, of een domein waar wel over
gepraat wordt maar waarvoor de school geen partner heeft? Lege cellen op de
kaart tonen de *afwezigheden* in het netwerk.
"""),
    py("""
op_kaart = pd.crosstab(partners["domein"], partners["school"]).reindex(list(domeinkleuren), fill_value=0)
qk.plot_matrix(op_kaart, title="Netwerkkaart: aantal partners per domein")
"""),
    py("""
domeincodes = [c.qualified for c in codeboek.children("partnerdomeinen")]
in_gesprek = qk.matrix(gecodeerd[gecodeerd["code"].isin(domeincodes)], rows="code", cols="school",
                       codebooks=codeboek, label="name")
qk.plot_matrix(in_gesprek, title="Gesprek: spreekbeurten per domein", cmap="Greens")
"""),
    md("""
## 5. De metafoor van elke school

Elke focusgroep sloot af met een beeld voor het netwerk van de school. Het
codeboek heeft daar een code voor. Wat vinden de regels?
"""),
    py("""
qk.excerpts(gecodeerd, code="netwerk:metafoor", by="school")
"""),
    md("""
Vergelijk dat met wat je leest. Wie de slotvraag in de drie transcripten
naleest, vindt een spinnenweb (School A), een kring in de kleuterklas (School B)
en een werf (School C). Zodra je die woorden kent, vind je ze met `kwic` terug.
Staat een van die beelden hierboven niet, dan heeft de codering het gemist;
staat er een andere beurt, dan is het een valse treffer. Een beeld is precies
het soort uitspraak dat geen vaste trefwoorden heeft.
"""),
    py("""
pd.concat([qk.kwic(corpus, woord, window=6) for woord in ["spinnenweb", "kring", "werf"]], ignore_index=True)[
    ["doc_id", "role", "left", "match", "right"]
]
"""),
    md("""
## Wat de onderzoeker zelf nog moet doen

- De koppeling van codes aan het vijfvragenkader nakijken en verantwoorden.
- Per school en per vraag de fragmenten lezen en de beschrijving schrijven;
  de telling zegt waar je moet lezen, niet wat er staat.
- De netwerkkaarten aanvullen met wat in het gesprek opduikt (en omgekeerd),
  en afwezigheden benoemen.
- Een vergelijking over scholen heen ("in X van N scholen") pas maken nadat de
  coderingen per school gecontroleerd zijn: één valse treffer verandert hier
  een hele school.
"""),
]


def build(cells: list[tuple[str, str]], stem: str) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for i, (kind, text) in enumerate(cells):
        cell = new_markdown_cell(text) if kind == "md" else new_code_cell(text)
        cell["id"] = f"{stem[:2]}-{i:02d}"
        nb.cells.append(cell)
    return nb


def main() -> int:
    NOTEBOOKS.mkdir(exist_ok=True)
    for stem, cells in [
        ("00_snel_aan_de_slag", SNEL),
        ("01_afstemmingsgesprekken", AFSTEMMING),
        ("02_collectief_leren", COLLECTIEF),
    ]:
        nb = build(cells, stem)
        nbformat.validate(nb)
        path = NOTEBOOKS / f"{stem}.ipynb"
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        print(path.relative_to(NOTEBOOKS.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
