"""Build notebooks/03_zorgbeleid.ipynb, 04_referentiekader.ipynb and 05_jaarverslag.ipynb.

The notebooks are written here as lists of Markdown and code cells, so they are
easy to edit and review as plain Python; the .ipynb files are what is
committed, stored without outputs (tests/test_notebooks.py runs them).

Run from the repo root: ``.venv/bin/python data/scripts/make_notebooks_b.py [03 04 05]``
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip("\n"))


def py(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip("\n"))


# =============================================================================== 03
NB03 = [
    md("""
# 03 · Zorgbeleid: sterktes, belemmeringen, SWOT en casussen

**Vraag.** Welke sterktes en belemmeringen ervaren de leerkrachten in het zorgbeleid van hun
school, en werkt de school bij leerlingbesprekingen volgens de uitgangspunten van
handelingsgericht werken (HGW) binnen het zorgcontinuüm?

**Data.** Synthetische data in `data/zorgbeleid/` die de *gepubliceerde cijfers* nabouwen van een
praktijkgericht onderzoek van een directeur naar het zorgbeleid van haar basisschool
(master Educational Needs; studie 002): de gemiddelden van Tabel 2, de turven van Tabel 3 en de
casusanalyses van Tabel 4 en 5. De antwoorden en uitspraken zelf zijn verzonnen
(zie `data/zorgbeleid/README.md`).

**Wat je hier ziet.**
1. De vragenlijst *zorg op school*: items gerangschikt tot sterktes en belemmeringen.
2. Een controle van de gepubliceerde gemiddelden: welke zijn met 23 respondenten onmogelijk?
3. De SWOT-gesprekken: automatisch gecodeerd, geturfd per kwadrant en naast Tabel 3 gelegd.
4. Vier casussen tegen de zeven HGW-uitgangspunten, en een kort reflectiegesprek.
"""),
    py("""
import pandas as pd
import qualkit as qk

pd.set_option("display.max_colwidth", 90)
DATA = "../data/zorgbeleid/"
"""),
    md("""
## 1. Vragenlijst: wat scoort hoog, wat laag?

23 leerkrachten (8 kleuter, 15 lager) gaven bij 18 stellingen een score van 1 (*helemaal niet van
toepassing*) tot 6 (*helemaal van toepassing*); alleen de uitersten hadden een label. Het bestand is
een export "voor Excel" (`;`, BOM) met de volledige stelling als kolomkop; voor tabellen en figuren
gebruiken we korte labels (`vragenlijst_items.csv`). `qk.likert` berekent per item het aantal geldige
antwoorden (`n`), de `n.v.t.`-antwoorden, het gemiddelde en het aandeel positieve antwoorden (4-6).
"""),
    py("""
bron = qk.load_corpus(DATA + "vragenlijst_zorg_op_school.csv", kinds={"*.csv": "table"})
kort = pd.read_csv(DATA + "vragenlijst_items.csv")            # volledige stelling -> kort label
antwoorden = bron.tables["vragenlijst_zorg_op_school"].rename(columns=dict(zip(kort["item"], kort["kort"])))
items = list(kort["kort"])
tabel2 = pd.read_csv(DATA + "tabel2_gepubliceerd.csv")
gepubliceerd = dict(zip(tabel2["label"], tabel2["gemiddelde"]))

likert = qk.likert(antwoorden, items, scale=(1, 6), top=5,
                   bands={"negatief": (1, 3), "positief": (4, 6)}, reported=gepubliceerd)
antwoorden["functie"].value_counts().to_frame("respondenten")
"""),
    py("""
def overzicht(frame):
    \"\"\"Een leesbare versie van likert.items: korte kolommen, gemiddelde naast het gepubliceerde.\"\"\"
    return pd.DataFrame({
        "item": frame["item"],
        "n": frame["n"],
        "n.v.t.": frame["na"],
        "gemiddelde": frame["mean"].round(2),
        "Tabel 2": frame["item"].map(gepubliceerd),
        "positief": (100 * frame["positief"]).round().astype(int).astype(str) + " %",
    }).reset_index(drop=True)

print("Vijf sterktes (hoogste gemiddelde)")
display(overzicht(likert.top))
print("Vijf belemmeringen (laagste gemiddelde)")
overzicht(likert.bottom)
"""),
    md("""
**Zo lees je dit.** De top-5 en bottom-5 komen overeen met de sterktes en belemmeringen van Tabel 2,
en de gemiddelden ronden af tot de gepubliceerde waarden. Let op de kolom `n`: vier van deze items
hebben maar 22 geldige antwoorden (één leerkracht koos *n.v.t.*). Waarom dat ertoe doet, zie je in
deel 2.

De figuur hieronder toont alle 18 stellingen als *gedeelde staven*: links van de middellijn de
antwoorden 1-3, rechts 4-6, gesorteerd op gemiddelde. Zo zie je meteen of een gemiddelde van 5 komt
van een eensgezind team of van een verdeeld team met veel zessen en een paar drieën.
"""),
    py("""
qk.plot_likert(likert, title="Zorg op school: 23 leerkrachten, 18 stellingen")
"""),
    md("""
**Wat je zelf moet interpreteren.** Een gemiddelde zegt niet *waarom* leerkrachten iets laag scoren.
"Gesprekken met ouders" heeft een hoog gemiddelde maar ook een blok drieën: een verdeeld team. Ook
een verschil tussen kleuter en lager kan een rol spelen: `qk.likert(antwoorden, items, by="functie")`
geeft dezelfde tabel per groep, maar met 8 kleuterleerkrachten is elk antwoord meer dan 10 %.
"""),
    md("""
## 2. Kan dat wel? De gepubliceerde gemiddelden gecontroleerd

Het rapport meldt 23 respondenten. Een gemiddelde van 23 gehele antwoorden is altijd een veelvoud
van 1/23 (de *GRIM*-test). `qk.check_mean` gaat na of een gerapporteerd gemiddelde, afgerond op twee
decimalen, zo'n breuk kan zijn.
"""),
    py("""
met_23 = qk.check_means(tabel2.assign(n=23), mean="gemiddelde", n="n", subject="label")
grim = met_23[met_23["check"] == "grim"][["subject", "reported", "ok", "reason"]]
grim.rename(columns={"subject": "Tabel 2", "reported": "gemiddelde", "ok": "mogelijk", "reason": "waarom niet"})
"""),
    py("""
onmogelijk = grim.loc[~grim["ok"], "subject"]
met_22 = qk.check_means(tabel2[tabel2["label"].isin(onmogelijk)].assign(n=22),
                        mean="gemiddelde", n="n", subject="label")
met_22[met_22["check"] == "grim"][["subject", "reported", "ok"]].rename(
    columns={"subject": "Tabel 2", "reported": "gemiddelde", "ok": "mogelijk met n = 22"})
"""),
    md("""
**Zo lees je dit.** Drie gepubliceerde gemiddelden (4,95; 2,14; 2,41) kunnen niet uit 23 gehele
antwoorden komen, wel uit 22. De meest voor de hand liggende verklaring: bij die stellingen
antwoordde één leerkracht *n.v.t.* en werd het gemiddelde over 22 berekend. Onze synthetische data
volgen die lezing: precies op die items staat één `n.v.t.` (en ook op het item van Figuur 12, omdat
het rapport daar zelf een n.v.t.-antwoord vermeldt). `likert` controleerde bij het inlezen elk
gepubliceerd gemiddelde met de `n` uit de data: geen enkele vlag.
"""),
    py("""
likert.checks.pivot_table(index="check", values="ok", aggfunc=["sum", "count"])
"""),
    md("""
**Wat je zelf moet interpreteren.** De test zegt alleen dat een getal *onmogelijk* is bij de
opgegeven n, niet wat er misliep. Een tikfout, een ander aantal respondenten of een n.v.t. die
stilzwijgend werd weggelaten kunnen allemaal. Vraag het na of vermeld het; verberg het niet.
"""),
    md("""
## 3. SWOT-gesprekken: coderen en turven

In individuele gesprekken noemden 29 leerkrachten per kwadrant (sterktes, zwaktes, bedreigingen,
kansen) wat hen opviel. Elke uitspraak is een rij. De onderzoeker voegde gelijkaardige antwoorden
samen tot categorieën en turfde ze (Tabel 3). Hier laten we het codeboek `codebooks/swot_zorg.yaml`
dat werk voorstellen en vergelijken we met de handmatige categorieën en met het rapport.

Hetzelfde onderwerp kan in meer kwadranten opduiken ("hulp in de klas" is een sterkte, "te weinig
hulp in de klas" een zwakte). Daarom tellen we een code alleen mee als hij hoort bij het kwadrant
waarin de uitspraak gedaan werd.
"""),
    py("""
swot = qk.load_corpus(DATA + "swot_gesprekken.csv", text_columns=["uitspraak"])
uitspraken = swot.tables["swot_gesprekken"]
boek = qk.read_codebook("../codebooks/swot_zorg.yaml")
gecodeerd = qk.code(swot, boek, unit="answer")

# elke codering draagt de kolommen van haar rij mee: nr, kwadrant en de handmatige categorie
gecodeerd["kwadrant van de code"] = gecodeerd["code_path"].str.split(" > ").str[0]
binnen = gecodeerd[gecodeerd["kwadrant van de code"] == gecodeerd["kwadrant"]]
print(f"{len(uitspraken)} uitspraken, {len(gecodeerd)} automatische coderingen, "
      f"waarvan {len(gecodeerd) - len(binnen)} in een ander kwadrant dan de uitspraak (niet geteld)")
"""),
    py("""
automatisch = qk.tally(binnen, column="code_name", by="kwadrant")
handmatig = qk.tally(uitspraken.dropna(subset=["categorie"]), column="categorie", by="kwadrant")
tabel3 = pd.read_csv(DATA + "tabel3_gepubliceerd.csv")

vergelijking = (tabel3
    .merge(handmatig[["kwadrant", "label", "count"]], left_on=["kwadrant", "categorie"],
           right_on=["kwadrant", "label"], how="left").drop(columns="label")
    .rename(columns={"aantal": "Tabel 3", "count": "handmatig"})
    .merge(automatisch[["kwadrant", "label", "count"]], left_on=["kwadrant", "categorie"],
           right_on=["kwadrant", "label"], how="left").drop(columns="label")
    .rename(columns={"count": "automatisch"}))
vergelijking["automatisch"] = vergelijking["automatisch"].fillna(0).astype(int)
vergelijking["verschil"] = vergelijking["automatisch"] - vergelijking["Tabel 3"]
vergelijking
"""),
    md("""
**Zo lees je dit.** De handmatige categorieën in de data geven precies de turven van Tabel 3. De
automatische codering komt dicht in de buurt: ze telt bij zeven categorieën iets minder, bij drie
iets meer en bij zeven precies evenveel (kolom `verschil`). Hieronder dezelfde vergelijking als figuur, en daarna de uitspraken waar mens en
regels het oneens zijn.
"""),
    py("""
lang = vergelijking.melt(id_vars=["kwadrant", "categorie"], value_vars=["Tabel 3", "automatisch"],
                         var_name="bron", value_name="count")
lang["code"] = lang["kwadrant"].str[0] + ": " + lang["categorie"]
lang["code_name"] = lang["code"]
qk.plot_frequencies(lang[["code", "code_name", "bron", "count"]],
                    title="SWOT: gepubliceerde turven en automatische codering")
"""),
    py("""
auto_per_uitspraak = binnen.groupby("nr")["code_name"].agg(lambda s: "; ".join(sorted(set(s))))
naast = uitspraken.set_index("nr")[["kwadrant", "uitspraak", "categorie"]].join(
    auto_per_uitspraak.rename("automatisch"))
naast = naast.fillna({"categorie": "", "automatisch": ""})
anders = naast[naast["categorie"] != naast["automatisch"]]
print(f"{len(naast) - len(anders)} van {len(naast)} uitspraken: automatisch = handmatig")
anders
"""),
    md("""
**Waar het verschilt, en waarom.**
* *Gemist*: uitspraken zonder een van de trefwoorden ("Ik sta er vaak alleen voor" heeft het
  woord *alleen* niet vlak na *er*; "kijken hoe een leerling het doet" zegt nergens *observeren*).
  Trefwoorden vinden woorden, geen bedoelingen.
* *Dubbel*: "Voor een aanmelding bij het CLB moet je drie formulieren invullen" krijgt zowel
  *Administratie* als *CLB*. De onderzoeker koos één categorie; een regel kan niet kiezen.
* De twee leerkrachten die geen zwakte noemden, krijgen terecht geen code.

Wil je de codering verbeteren, voeg dan trefwoorden of `near`-regels toe in het codeboek en draai deze
cellen opnieuw; de kolom `matched` in `gecodeerd` toont welk woord elke code deed vuren.
"""),
    md("""
### Tellen de turven op?

Elke leerkracht gaf per kwadrant één antwoord, dus elk kwadrant zou 29 moeten optellen.
`qk.check_tally` controleert de gepubliceerde turven; `qk.tally(..., total=...)` doet dezelfde
controle op een eigen telling en waarschuwt bij een verschil.
"""),
    py("""
pd.concat([qk.check_tally(groep["aantal"].tolist(), 29, subject=kwadrant)
           for kwadrant, groep in tabel3.groupby("kwadrant", sort=False)], ignore_index=True)[
    ["subject", "ok", "reason"]].rename(columns={"subject": "kwadrant", "ok": "klopt", "reason": "waarom niet"})
"""),
    md("""
Zwaktes telt op tot 27. Dat is geen rekenfout zolang twee leerkrachten geen zwakte noemden, en in
onze data is dat zo. Het rapport zegt het niet: een lezer kan het niet nagaan. Vermeld in je eigen
verslag bij elke turf ook de noemer.

Tot slot Tabel 3 zoals een verslag ze toont, nu uit de automatische codering ("label (11x)"):
"""),
    py("""
pd.DataFrame({kwadrant: pd.Series(automatisch.loc[automatisch["kwadrant"] == kwadrant, "text"].tolist())
              for kwadrant in ["Sterktes", "Zwaktes", "Bedreigingen", "Kansen"]}).fillna("")
"""),
    md("""
## 4. Casussen tegen de uitgangspunten van HGW

Vier leerlingbesprekingen werden nagelezen tegen de zeven uitgangspunten van handelingsgericht
werken (uitgangspunten 6 en 7 in twee delen), met *Ja*, *Soms* of *Neen* (Tabel 5). Een heatmap
toont in één blik welke uitgangspunten in geen enkele casus terugkomen.
"""),
    py("""
hgw = pd.read_csv(DATA + "casussen_hgw.csv", index_col="casus")
score = hgw.replace({"Ja": 2, "Soms": 1, "Neen": 0}).astype(float).T
fig = qk.plot_matrix(score, title="Casussen x uitgangspunten HGW (groen = ja, rood = neen)", cmap="RdYlGn")
for cel in fig.axes[0].texts:                  # schrijf Ja/Soms/Neen in de cellen i.p.v. 2/1/0
    cel.set_text({"2": "Ja", "1": "Soms", "0": "Neen"}.get(cel.get_text(), cel.get_text()))
fig.axes[-1].remove()                          # de kleurenschaal 0-2 zegt hier niets
fig
"""),
    py("""
pd.read_csv(DATA + "casussen_zorgcontinuum.csv")
"""),
    md("""
**Zo lees je dit.** Wisselwerking, de rol van de leerkracht, samenwerken met ouders en het
leerlingvolgsysteem zijn overal aanwezig. Doelgericht werken, de stem van de leerling en helder
geformuleerde afspraken ontbreken in alle vier de casussen. In het zorgcontinuüm valt op dat casus 1
en 3 wel en casus 2 en 4 niet eerst verhoogde zorg kregen.

**Wat je zelf moet interpreteren.** Vier casussen zijn geen steekproef: de matrix toont een patroon om
met het zorgteam te bespreken (member check), geen percentage.

### Het reflectiegesprek, gecodeerd

Een kort gesprek tussen de directeur (X), een pedagogisch begeleider (Y) en een zorgcoördinator (Z),
gecodeerd met het zorgcodeboek: welke fasen en HGW-uitgangspunten komen ter sprake, en bij wie?
"""),
    py("""
gesprek = qk.load_corpus(DATA + "interview_reflectie.txt", participants=DATA + "deelnemers_interview.csv")
zorg = qk.read_codebook("../codebooks/zorgbeleid.yaml")
gesprek_gecodeerd = qk.code(gesprek, zorg)
qk.matrix(gesprek_gecodeerd, rows="code", cols="role", label="name", codebooks=zorg)
"""),
    py("""
qk.excerpts(gesprek_gecodeerd, code=["zorg:hgw_doelgericht", "zorg:fase2_uitbreiding_zorg"], max_chars=220)
"""),
    md("""
**Wat je zelf moet interpreteren.** De codes wijzen aan *waar* een thema ter sprake komt. Of de
begeleider hier een oordeel geeft of een vraag stelt, en wat het team ermee doet, lees je in de
fragmenten zelf.
"""),
]

# =============================================================================== 04
NB04 = [
    md("""
# 04 · Referentiekader ondersteuningsnetwerken: 7 thema's, 50 bouwstenen, 24 netwerken

**Vraag.** In welke mate past de werking van de 24 ondersteuningsnetwerken bij de 50 bouwstenen
van het referentiekader, per thema en per netwerk?

**Data.** `data/referentiekader/beoordelingen.csv`: per netwerk en bouwsteen één oordeel
(*past*, *past deels*, *past niet*, of *knab*: kwam niet aan bod). Welk netwerk welk oordeel krijgt,
is verzonnen; de *aantallen* zijn die van het inspectierapport "Ondersteuningsnetwerken: naar een
referentiekader" (onderwijsinspectie, september 2019): Figuur 14 (856 past, 245 past deels,
71 past niet, 28 knab van 1.200) en Figuur 17 (per thema). Zie `data/referentiekader/README.md`.

**Wat je hier ziet.** Het referentiekader als hiërarchisch codeboek; de oordelen samengevat met
`qk.ratings`; het bewijs dat onze data optellen tot de gepubliceerde totalen; de twee thema's waar
Figuur 17 zelf niet optelt; en de verdeling per netwerk.
"""),
    py("""
import pandas as pd
import qualkit as qk

DATA = "../data/referentiekader/"
boek = qk.read_codebook("../codebooks/referentiekader_onw.yaml")
beoordelingen = pd.read_csv(DATA + "beoordelingen.csv")
beoordelingen.head(3)
"""),
    md("""
## 1. Het referentiekader als codeboek

Het codeboek `referentiekader_onw.yaml` (namespace `ref`) heeft twee niveaus: de thema's `t1`..`t7`
en daaronder de bouwstenen `b01`..`b50`, elk met een definitie in eigen woorden. Zo kan hetzelfde
codeboek zowel de oordelen groeperen als gespreksverslagen coderen.
"""),
    py("""
themas = pd.DataFrame([
    {"thema": t.id, "naam": t.name, "bouwstenen": len(boek.children(t.id)),
     "van - tot": f"{boek.children(t.id)[0].id} - {boek.children(t.id)[-1].id}"}
    for t in boek.children(None)
])
assert themas["bouwstenen"].tolist() == [9, 8, 12, 7, 7, 4, 3] and themas["bouwstenen"].sum() == 50
themas
"""),
    py("""
# komt het thema in de data overeen met de plaats van de bouwsteen in het codeboek?
thema_volgens_codeboek = beoordelingen["bouwsteen"].map(lambda b: boek.ancestors(b)[0].id)
assert (thema_volgens_codeboek == beoordelingen["thema"]).all()
print(f"{len(beoordelingen)} oordelen, {beoordelingen['netwerk'].nunique()} netwerken x "
      f"{beoordelingen['bouwsteen'].nunique()} bouwstenen; elke bouwsteen staat onder het juiste thema")
"""),
    md("""
## 2. Alle oordelen samen, naast Figuur 14

`qk.ratings` telt de oordelen per bouwsteen, per thema (via het codeboek) en in totaal. Het kent twee
soorten ontbrekende waarden: *knab* (de bouwsteen kwam in het gesprek niet aan bod) en *nvt* (niet
van toepassing). Ze tellen mee in `share` (aandeel van alle oordelen) maar niet in `valid_share`
(aandeel van de gegeven oordelen). `ratings` controleert ook of elk netwerk elke bouwsteen kreeg en
of de totalen kloppen met wat je opgeeft.
"""),
    py("""
figuur14 = {"past": 856, "past deels": 245, "past niet": 71, "knab": 28}
oordelen = qk.ratings(beoordelingen, unit="netwerk", code="bouwsteen", value="beoordeling",
                      codebooks=boek, total=1200, reported=figuur14)

totaal = oordelen.overall.assign(**{
    "Figuur 14": oordelen.overall["value"].map(figuur14).fillna(0).astype(int),
    "aandeel": (100 * oordelen.overall["share"]).round(1),
    "aandeel van gegeven oordelen": (100 * oordelen.overall["valid_share"]).round(1),
})[["value", "count", "Figuur 14", "aandeel", "aandeel van gegeven oordelen"]]
assert (totaal["count"] == totaal["Figuur 14"]).all()
totaal.rename(columns={"value": "oordeel", "count": "onze data"})
"""),
    py("""
oordelen.checks[["check", "subject", "reported", "expected", "ok"]]
"""),
    md("""
**Zo lees je dit.** Onze data geven exact de aantallen van Figuur 14, en alle controles zijn `True`:
24 x 50 = 1.200 oordelen, geen ontbrekend paar, en de vier gepubliceerde aantallen. Het verschil
tussen de twee aandelen is klein omdat er maar 28 *knab* zijn: 71 % van alle oordelen is *past*,
73 % van de gegeven oordelen. *nvt* kwam in de beleidsgesprekken niet voor (0).
"""),
    md("""
## 3. Per thema, naast Figuur 17

Per thema horen er 24 x het aantal bouwstenen oordelen te zijn. `qk.check_tally` controleert dat
voor elke rij van de gepubliceerde Figuur 17.
"""),
    py("""
figuur17 = pd.read_csv(DATA + "figuur17_gepubliceerd.csv")
cats = ["past", "past deels", "past niet", "knab"]
controle = pd.concat([
    qk.check_tally(dict(zip(cats, rij[cats])), 24 * rij["bouwstenen"], subject=rij["naam"])
    for _, rij in figuur17.iterrows()
])
controle[["subject", "reported", "expected", "ok", "reason"]].rename(
    columns={"subject": "thema", "reported": "24 x bouwstenen", "expected": "som Figuur 17", "ok": "klopt",
             "reason": "waarom niet"})
"""),
    py("""
# per_theme heeft de thema-id uit het codeboek (t1 ... t7), net als Figuur 17: zo koppel je ze
ons = oordelen.per_theme.pivot_table(index="theme_id", columns="value", values="count", aggfunc="sum")[cats]
gepubliceerd = figuur17.set_index("thema")[cats]
verschil = (ons.reindex(gepubliceerd.index) - gepubliceerd).astype(int)
verschil.insert(0, "naam", figuur17.set_index("thema")["naam"])
verschil[(verschil[cats] != 0).any(axis=1)]   # onze data min Figuur 17, alleen thema's met een verschil
"""),
    md("""
**Zo lees je dit.** Twee thema's tellen in het rapport niet op: *Organisatie* (9 bouwstenen, dus 216
oordelen) telt op tot 217, *Visie en strategisch beleid* (8 bouwstenen, 192) tot 191. De som over alle
thema's klopt wel met Figuur 14. Waarschijnlijk staat één *past niet* bij het verkeerde thema. Onze
data verschuiven precies die ene: Organisatie heeft er één minder, Visie één meer. Alle andere
aantallen zijn die van Figuur 17.

**Wat je zelf moet interpreteren.** Een check toont *dat* iets niet klopt, niet *welke* cel fout is.
Dat één *past niet* verschoof is een aanname; vermeld ze als je deze cijfers gebruikt.

De figuur toont per thema de verdeling van de oordelen (aandeel, met het aantal in elk segment):
"""),
    py("""
qk.plot_ratings(oordelen, by="theme", title="Passend karakter per thema (24 netwerken)")
"""),
    md("""
Alle thema's hebben minstens de helft *past*. *Visie en strategisch beleid* en *Personeelsbeleid en
professionalisering* hebben het grootste aandeel *past deels* en *past niet*; bij personeelsbeleid
kwam ook het vaakst een bouwsteen niet aan bod (11 keer *knab*). Of dat aan de netwerken ligt of aan
de gesprekken (die beperkt waren in tijd), kan de figuur niet zeggen.
"""),
    md("""
## 4. Per netwerk: hoeveel bouwstenen passen?

Het rapport meldt dat bij 19 van de 24 netwerken minstens de helft van de bouwstenen *past*. Met
dezelfde functie, maar nu met het netwerk als "code", krijg je de verdeling per netwerk.
"""),
    py("""
per_netwerk = qk.ratings(beoordelingen, unit="bouwsteen", code="netwerk", value="beoordeling")
past = per_netwerk.per_code.query("value == 'past'").set_index("code")["count"]
minstens_helft = int((past >= 25).sum())
assert minstens_helft == 19
print(f"{minstens_helft} van de {past.size} netwerken: minstens 25 van de 50 bouwstenen 'past'")
"""),
    py("""
fig = qk.plot_ratings(per_netwerk, by="code", sort="past", title="Oordelen per netwerk (gesorteerd op 'past')")
fig.axes[0].axvline(0.5, color="black", linewidth=1, linestyle="--")   # de grens 'minstens de helft'
fig
"""),
    md("""
**Zo lees je dit.** Elke balk is één netwerk; links van de stippellijn ligt de helft van de 50
bouwstenen. Vijf netwerken halen de helft niet. De netwerken verschillen sterk: van 17 tot 50 keer
*past*.

**Wat je zelf moet interpreteren.** Een oordeel *past* is een inschatting van de inspectie na één
beleidsgesprek, geen kwaliteitsoordeel. Welke netwerken laag scoren en waarom (jonge fusie, ander
model van ondersteuning, beperkte gesprekstijd), vraagt de context uit de gesprekken zelf.
"""),
]

# =============================================================================== 05
NB05 = [
    md("""
# 05 · Jaarverslag pedagogische begeleiding: getuigenissen naast registratiecijfers

**Vraag.** Waarover vertellen deelnemers en begeleiders als ze getuigen over de begeleiding
(welke kerntaken en beleidsimpulsen), verschilt dat per rol en onderwijsniveau, en hoe verhoudt
dat beeld zich tot de tijd die de dienst volgens zijn registratie aan elke kerntaak besteedde?

**Data.** `data/jaarverslag/`, volledig verzonnen maar gemodelleerd op het jaarverslag van een
pedagogische begeleidingsdienst (studie 003): 25 getuigenissen, elk ingeleid met de functie van de
getuige ("Directeur basisschool:"), een deelnemersbestand dat elke functie aan een rol en een
niveau (BaO, SO, DKO, CLB) koppelt, en registratiecijfers (uren per kerntaak en niveau; bereik
per operationele doelstelling, streefcijfer tegenover gerealiseerd). Zie `data/jaarverslag/README.md`.

**Het categorieënsysteem** (`codebooks/ovsg.yaml`): drie kerntaken (KT1 beroepsbekwaamheid van
personeelsleden versterken; KT2 instellingen als professionele lerende organisatie; KT3
ondersteunen bij het pedagogisch project) en vier beleidsimpulsen (BI1 brede basiszorg en
verhoogde zorg; BI2 effectieve didactiek; BI3 datageletterdheid; BI4 samenwerking met Leerpunt).
"""),
    py("""
import pandas as pd
import qualkit as qk

pd.set_option("display.max_colwidth", 100)
DATA = "../data/jaarverslag/"
getuigenissen = qk.load_corpus(DATA + "getuigenissen.txt", participants=DATA + "participants.csv")
beurten = getuigenissen.segments("turn")
pd.crosstab(beurten["role"], beurten["group"], margins=True, margins_name="totaal")
"""),
    md("""
Elke getuigenis is één beurt, met de rol en het niveau (`group`) uit `participants.csv`. De tabel
toont wie er aan het woord komt: vooral adviseurs, leraren en directeurs, en meer uit het
basisonderwijs dan uit de andere niveaus. Dat bepaalt mee wat je verderop ziet.

## 1. Coderen: welke kerntaken en beleidsimpulsen komen ter sprake?

Het codeboek bevat ook passagetypes, Guskey-niveaus en de thema's van het volgende plan; hier
gebruiken we alleen de kerntaken en beleidsimpulsen.
"""),
    py("""
ovsg = qk.read_codebook("../codebooks/ovsg.yaml")
alles = qk.code(getuigenissen, ovsg)
gecodeerd = alles[alles["code_path"].str.startswith(("Kerntaken", "Beleidsimpulsen"))]
niet_gecodeerd = beurten[~beurten["segment_id"].isin(gecodeerd["segment_id"])]
print(f"{beurten.shape[0]} getuigenissen, {gecodeerd['segment_id'].nunique()} met minstens één kerntaak "
      f"of beleidsimpuls, {len(niet_gecodeerd)} zonder")
niet_gecodeerd[["speaker", "text"]]
"""),
    md("""
De regels vinden in vier getuigenissen niets: daar staat de kerntaak er wel, maar in andere
woorden ("in het netwerk leer ik van collega's" is KT1 zonder het woord *nascholing*). Een
onderzoeker codeert die met de hand. `qk.add_coding` voegt een menselijke codering toe naast de
automatische, met de naam van de codeur en een memo:
"""),
    py("""
for _, beurt in niet_gecodeerd.iterrows():
    gecodeerd = qk.add_coding(gecodeerd, getuigenissen, beurt["doc_id"], beurt["start"], beurt["end"],
                              "ovsg:kt1", coder="onderzoeker", codebooks=ovsg,
                              memo="professionalisering van leraren via een lerend netwerk of sessies")
gecodeerd["coder"].value_counts()
"""),
    md("""
*Let op:* dat alle vier onder KT1 vallen, is onze lezing van deze vier teksten (netwerken en
sessies voor individuele leraren). Lees ze zelf en pas de code aan waar je anders oordeelt.

## 2. Code x rol en code x niveau

Een matrix telt per code het aantal getuigenissen per rol. Zo zie je of bv. datageletterdheid vooral
door begeleiders of ook door scholen zelf genoemd wordt.
"""),
    py("""
per_rol = qk.matrix(gecodeerd, rows="code", cols="role", label="name", codebooks=ovsg)
qk.plot_matrix(per_rol, title="Getuigenissen per kerntaak/beleidsimpuls en rol")
"""),
    py("""
qk.matrix(gecodeerd, rows="code", cols="group", label="name", codebooks=ovsg)
"""),
    md("""
**Zo lees je dit.** Een cel telt getuigenissen, geen personen: dezelfde functie ("Directeur
basisschool") kan meermaals getuigen. Met 25 getuigenissen zijn lege cellen geen bewijs dat iets
ontbreekt; ze tonen waar het jaarverslag (nog) geen stem laat horen, bv. geen getuigenis uit het
DKO over datageletterdheid.

## 3. Citaten zoals in een verslag

`qk.excerpts` geeft de fragmenten van een code als citaat met de rol erachter, klaar om over te
nemen. Hier datageletterdheid (BI3):
"""),
    py("""
qk.excerpts(gecodeerd, code="ovsg:bi3", max_chars=260)
"""),
    md("""
## 4. Getuigenissen naast de registratie van tijd

Het jaarverslag registreert de uren per kerntaak en niveau. Leggen we het aandeel van elke kerntaak
in de getuigenissen naast het aandeel in de geregistreerde tijd, dan zie je of het verhaal van het
verslag dezelfde verhouding heeft als het werk.
"""),
    py("""
registratie = pd.read_csv(DATA + "registratie.csv")
uren = registratie.pivot_table(index="niveau", columns="kerntaak", values="uren", aggfunc="sum")
(100 * uren.div(uren.sum(axis=1), axis=0)).round(0).astype(int).assign(
    **{"uren (totaal)": uren.sum(axis=1)}).loc[["BaO", "SO", "DKO", "CLB"]]
"""),
    py("""
kt = gecodeerd[gecodeerd["code"].isin(["ovsg:kt1", "ovsg:kt2", "ovsg:kt3"])]
in_getuigenissen = qk.frequencies(kt)                   # aantal getuigenissen per kerntaak
in_getuigenissen["share"] = in_getuigenissen["count"] / in_getuigenissen["count"].sum()
tijd = registratie.groupby("kerntaak")["uren"].sum()
in_tijd = pd.DataFrame({"code": "ovsg:" + tijd.index.str.lower(), "share": (tijd / tijd.sum()).to_numpy()})
in_tijd["code_name"] = in_tijd["code"].map(dict(zip(in_getuigenissen["code"], in_getuigenissen["code_name"])))

vergelijk = pd.concat([in_getuigenissen.assign(bron="getuigenissen"), in_tijd.assign(bron="geregistreerde tijd")])
qk.plot_frequencies(vergelijk[["code", "code_name", "bron", "share"]], value="share",
                    title="Aandeel per kerntaak: getuigenissen en geregistreerde tijd")
"""),
    md("""
**Zo lees je dit.** Elke kerntaak heeft twee balken: het aandeel in de getuigenissen en het aandeel
in de geregistreerde uren. KT3 (pedagogisch project) krijgt in de getuigenissen veel meer ruimte
dan in de tijd: een vijfde van de getuigenissen, minder dan een tiende van de uren. KT2
(lerende organisatie) is andersom.

**Wat je zelf moet interpreteren.** Getuigenissen worden *gekozen* om een verslag te illustreren;
ze zijn geen steekproef van het werk. Een groot verschil is dus een vraag aan wie het verslag
samenstelde (bewuste keuze, of een taak die weinig tijd kost maar veel indruk maakt?), geen
vaststelling.

## 5. Bereik per operationele doelstelling

Per operationele doelstelling ("NO 1.1", "BAO BI 3.2") staat een streefcijfer en het gerealiseerde
bereik. Het percentage gerealiseerd maakt de doelen vergelijkbaar, ook al tellen ze iets anders
(leraren, scholen, sessies).
"""),
    py("""
bereik = pd.read_csv(DATA + "bereik.csv")
bereik["% gerealiseerd"] = (100 * bereik["gerealiseerd"] / bereik["streefcijfer"]).round(0).astype(int)
staaf = pd.DataFrame({"code": bereik["doel"], "code_name": bereik["doel"] + " " + bereik["omschrijving"],
                      "count": bereik["% gerealiseerd"]})
fig = qk.plot_frequencies(staaf, title="Bereik per operationele doelstelling", xlabel="% van het streefcijfer")
ax = fig.axes[0]
for balk, procent in zip(ax.patches, staaf["count"]):   # groen: gehaald, rood: niet gehaald
    balk.set_color("#2E8B57" if procent >= 100 else "#C44E52")
ax.axvline(100, color="black", linewidth=1, linestyle="--")         # het streefcijfer
fig
"""),
    py("""
bereik.sort_values("% gerealiseerd")[["doel", "omschrijving", "streefcijfer", "gerealiseerd", "% gerealiseerd"]]
"""),
    md("""
**Zo lees je dit.** Rechts van de stippellijn is het streefcijfer gehaald. De doelen rond data
(BAO BI 3.2, SO BI 3.1) en rond feedback in het secundair (SO BI 2.1) blijven het verst achter; de
netwerken voor startende leraren en voor zorgcoördinatoren overtreffen hun streefcijfer.

**Wat je zelf moet interpreteren.** Bereik zegt niets over effect. Of deelnemers iets leerden en
toepasten, vraagt een effectmeting (bv. op de niveaus van Guskey) en de getuigenissen zelf, zoals
de citaten over datageletterdheid hierboven: daar lees je dat teams juist bij data tijd nodig hebben.
"""),
]


# =============================================================================== build
def build(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    for i, cell in enumerate(nb.cells):  # stable ids, so a rebuild gives the same file
        cell.id = f"cell-{i:02d}"
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


ALL = {"03": ("03_zorgbeleid.ipynb", NB03), "04": ("04_referentiekader.ipynb", NB04),
       "05": ("05_jaarverslag.ipynb", NB05)}


def main(which: list[str]) -> None:
    for key in which or list(ALL):
        name, cells = ALL[key]
        nb = build(cells)
        nbformat.validate(nb)
        path = NOTEBOOKS / name
        nbformat.write(nb, path)
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
