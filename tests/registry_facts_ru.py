"""Independent reference facts about Russia's federal subjects, written separately from the
package's registry (src/paradiplomacy/data/registries/ru.yaml) so that tests can cross-check it.

Sources:
  * Constitution of the Russian Federation, art. 65 (list and types of federal subjects), as
    amended by the 2014 and 2022 federal constitutional laws on admission of new subjects
    (whose validity is internationally disputed -- see DISPUTED);
  * Presidential Decree No. 849 of 13 May 2000 on federal districts, as amended (notably
    Decree of 19 Jan 2010 creating the North Caucasian district; Decree of 28 Jul 2016
    abolishing the Crimean district and moving Crimea and Sevastopol into the Southern
    district; Decree No. 632 of 3 Nov 2018 moving Buryatia and Zabaykalsky Krai into the
    Far Eastern district);
  * 2021 All-Russian population census (Rosstat), permanent population as of 1 Oct 2021;
  * Presidential Decree No. 296 of 2 May 2014 "On the land territories of the Arctic zone of
    the Russian Federation", as amended (2017, 2019, Decree No. 164 of 5 Mar 2020) and
    Federal Law No. 193-FZ of 13 Jul 2020;
  * ISO 3166-2:RU (subdivision codes) and ISO 3166-1 alpha-2 (neighbouring states);
  * State border descriptions / treaties: Russia-Norway (1957 Varangerfjord, 2010 Barents Sea),
    Russia-Estonia and Russia-Latvia border treaties, USSR-USA 1990 maritime boundary
    agreement, USSR-DPRK 1985 and 1990 agreements, Russia-Azerbaijan 2002 and
    Russia-Kazakhstan 1998 Caspian seabed agreements.

Conventions:
  * Codes are ISO 3166-2:RU, plus project codes RU-CR, RU-SEV, RU-DPR, RU-LPR, RU-ZAP, RU-KHE for
    entities not in ISO 3166-2:RU (all six are in DISPUTED).
  * Borders are the internationally recognised Russian state border (pre-2014 line); Abkhazia
    and South Ossetia are counted as Georgia (GE).
  * Populations are in thousands, rounded; autonomous okrugs are counted separately from the
    oblasts that contain them (RU-ARK excludes RU-NEN; RU-TYU excludes RU-KHM and RU-YAN).
"""

from __future__ import annotations

# code -> (type, federal_district)
TYPE_AND_DISTRICT: dict[str, tuple[str, str]] = {
    # --- Central federal district (18) ---
    "RU-BEL": ("oblast", "central"),
    "RU-BRY": ("oblast", "central"),
    "RU-VLA": ("oblast", "central"),
    "RU-VOR": ("oblast", "central"),
    "RU-IVA": ("oblast", "central"),
    "RU-KLU": ("oblast", "central"),
    "RU-KOS": ("oblast", "central"),
    "RU-KRS": ("oblast", "central"),
    "RU-LIP": ("oblast", "central"),
    "RU-MOS": ("oblast", "central"),
    "RU-MOW": ("federal_city", "central"),
    "RU-ORL": ("oblast", "central"),
    "RU-RYA": ("oblast", "central"),
    "RU-SMO": ("oblast", "central"),
    "RU-TAM": ("oblast", "central"),
    "RU-TVE": ("oblast", "central"),
    "RU-TUL": ("oblast", "central"),
    "RU-YAR": ("oblast", "central"),
    # --- Northwestern federal district (11) ---
    "RU-KR": ("republic", "northwestern"),
    "RU-KO": ("republic", "northwestern"),
    "RU-ARK": ("oblast", "northwestern"),
    "RU-NEN": ("autonomous_okrug", "northwestern"),
    "RU-VLG": ("oblast", "northwestern"),
    "RU-KGD": ("oblast", "northwestern"),
    "RU-LEN": ("oblast", "northwestern"),
    "RU-MUR": ("oblast", "northwestern"),
    "RU-NGR": ("oblast", "northwestern"),
    "RU-PSK": ("oblast", "northwestern"),
    "RU-SPE": ("federal_city", "northwestern"),
    # --- Southern federal district (8 + 4 annexed in 2022) ---
    "RU-AD": ("republic", "southern"),
    "RU-KL": ("republic", "southern"),
    "RU-CR": ("republic", "southern"),
    "RU-KDA": ("krai", "southern"),
    "RU-AST": ("oblast", "southern"),
    "RU-VGG": ("oblast", "southern"),
    "RU-ROS": ("oblast", "southern"),
    "RU-SEV": ("federal_city", "southern"),
    "RU-DPR": ("republic", "southern"),
    "RU-LPR": ("republic", "southern"),
    "RU-ZAP": ("oblast", "southern"),
    "RU-KHE": ("oblast", "southern"),
    # --- North Caucasian federal district (7) ---
    "RU-DA": ("republic", "north_caucasian"),
    "RU-IN": ("republic", "north_caucasian"),
    "RU-KB": ("republic", "north_caucasian"),
    "RU-KC": ("republic", "north_caucasian"),
    "RU-SE": ("republic", "north_caucasian"),
    "RU-CE": ("republic", "north_caucasian"),
    "RU-STA": ("krai", "north_caucasian"),
    # --- Volga federal district (14) ---
    "RU-BA": ("republic", "volga"),
    "RU-ME": ("republic", "volga"),
    "RU-MO": ("republic", "volga"),
    "RU-TA": ("republic", "volga"),
    "RU-UD": ("republic", "volga"),
    "RU-CU": ("republic", "volga"),
    "RU-PER": ("krai", "volga"),
    "RU-KIR": ("oblast", "volga"),
    "RU-NIZ": ("oblast", "volga"),
    "RU-ORE": ("oblast", "volga"),
    "RU-PNZ": ("oblast", "volga"),
    "RU-SAM": ("oblast", "volga"),
    "RU-SAR": ("oblast", "volga"),
    "RU-ULY": ("oblast", "volga"),
    # --- Ural federal district (6) ---
    "RU-KGN": ("oblast", "ural"),
    "RU-SVE": ("oblast", "ural"),
    "RU-TYU": ("oblast", "ural"),
    "RU-CHE": ("oblast", "ural"),
    "RU-KHM": ("autonomous_okrug", "ural"),
    "RU-YAN": ("autonomous_okrug", "ural"),
    # --- Siberian federal district (10) ---
    "RU-AL": ("republic", "siberian"),
    "RU-TY": ("republic", "siberian"),
    "RU-KK": ("republic", "siberian"),
    "RU-ALT": ("krai", "siberian"),
    "RU-KYA": ("krai", "siberian"),
    "RU-IRK": ("oblast", "siberian"),
    "RU-KEM": ("oblast", "siberian"),
    "RU-NVS": ("oblast", "siberian"),
    "RU-OMS": ("oblast", "siberian"),
    "RU-TOM": ("oblast", "siberian"),
    # --- Far Eastern federal district (11) ---
    "RU-BU": ("republic", "far_eastern"),
    "RU-SA": ("republic", "far_eastern"),
    "RU-ZAB": ("krai", "far_eastern"),
    "RU-KAM": ("krai", "far_eastern"),
    "RU-PRI": ("krai", "far_eastern"),
    "RU-KHA": ("krai", "far_eastern"),
    "RU-AMU": ("oblast", "far_eastern"),
    "RU-MAG": ("oblast", "far_eastern"),
    "RU-SAK": ("oblast", "far_eastern"),
    "RU-YEV": ("autonomous_oblast", "far_eastern"),
    "RU-CHU": ("autonomous_okrug", "far_eastern"),
}

_NONE: frozenset[str] = frozenset()

# code -> ISO 3166-1 alpha-2 codes of foreign states sharing a LAND (incl. river/lake) border.
# Rule: the internationally recognised (pre-2014) state border of Russia; Abkhazia and South
# Ossetia count as GE. For the six project-coded entities the values are fixed by the
# project brief: RU-CR/RU-SEV have none, RU-DPR/RU-LPR/RU-ZAP/RU-KHE border UA.
LAND_BORDERS: dict[str, frozenset[str]] = {
    # Central
    "RU-BEL": frozenset({"UA"}),
    "RU-BRY": frozenset({"BY", "UA"}),
    "RU-VLA": _NONE,
    "RU-VOR": frozenset({"UA"}),
    "RU-IVA": _NONE,
    "RU-KLU": _NONE,
    "RU-KOS": _NONE,
    "RU-KRS": frozenset({"UA"}),
    "RU-LIP": _NONE,
    "RU-MOS": _NONE,
    "RU-MOW": _NONE,
    "RU-ORL": _NONE,
    "RU-RYA": _NONE,
    "RU-SMO": frozenset({"BY"}),
    "RU-TAM": _NONE,
    "RU-TVE": _NONE,
    "RU-TUL": _NONE,
    "RU-YAR": _NONE,
    # Northwestern
    "RU-KR": frozenset({"FI"}),
    "RU-KO": _NONE,
    "RU-ARK": _NONE,
    "RU-NEN": _NONE,
    "RU-VLG": _NONE,
    "RU-KGD": frozenset({"LT", "PL"}),
    "RU-LEN": frozenset({"FI", "EE"}),
    "RU-MUR": frozenset({"NO", "FI"}),
    "RU-NGR": _NONE,
    "RU-PSK": frozenset({"EE", "LV", "BY"}),
    "RU-SPE": _NONE,
    # Southern
    "RU-AD": _NONE,  # enclave entirely surrounded by Krasnodar Krai
    "RU-KL": _NONE,  # Caspian coast only; no land border with Kazakhstan
    "RU-CR": _NONE,
    "RU-KDA": frozenset({"GE"}),  # Abkhazia along the Psou; no land border with Ukraine
    "RU-AST": frozenset({"KZ"}),
    "RU-VGG": frozenset({"KZ"}),
    "RU-ROS": frozenset({"UA"}),
    "RU-SEV": _NONE,
    "RU-DPR": frozenset({"UA"}),
    "RU-LPR": frozenset({"UA"}),
    "RU-ZAP": frozenset({"UA"}),
    "RU-KHE": frozenset({"UA"}),
    # North Caucasian
    "RU-DA": frozenset({"GE", "AZ"}),
    "RU-IN": frozenset({"GE"}),
    "RU-KB": frozenset({"GE"}),
    "RU-KC": frozenset({"GE"}),  # Abkhazia and Svaneti
    "RU-SE": frozenset({"GE"}),  # South Ossetia and Racha
    "RU-CE": frozenset({"GE"}),
    "RU-STA": _NONE,
    # Volga
    "RU-BA": _NONE,
    "RU-ME": _NONE,
    "RU-MO": _NONE,
    "RU-TA": _NONE,
    "RU-UD": _NONE,
    "RU-CU": _NONE,
    "RU-PER": _NONE,
    "RU-KIR": _NONE,
    "RU-NIZ": _NONE,
    "RU-ORE": frozenset({"KZ"}),
    "RU-PNZ": _NONE,
    "RU-SAM": frozenset({"KZ"}),  # short segment with West Kazakhstan Region
    "RU-SAR": frozenset({"KZ"}),
    "RU-ULY": _NONE,
    # Ural
    "RU-KGN": frozenset({"KZ"}),
    "RU-SVE": _NONE,
    "RU-TYU": frozenset({"KZ"}),
    "RU-CHE": frozenset({"KZ"}),
    "RU-KHM": _NONE,
    "RU-YAN": _NONE,
    # Siberian
    "RU-AL": frozenset({"KZ", "CN", "MN"}),
    "RU-TY": frozenset({"MN"}),
    "RU-KK": _NONE,
    "RU-ALT": frozenset({"KZ"}),
    "RU-KYA": _NONE,
    "RU-IRK": _NONE,
    "RU-KEM": _NONE,
    "RU-NVS": frozenset({"KZ"}),
    "RU-OMS": frozenset({"KZ"}),
    "RU-TOM": _NONE,
    # Far Eastern
    "RU-BU": frozenset({"MN"}),
    "RU-SA": _NONE,
    "RU-ZAB": frozenset({"CN", "MN"}),
    "RU-KAM": _NONE,
    "RU-PRI": frozenset({"CN", "KP"}),
    "RU-KHA": frozenset({"CN"}),
    "RU-AMU": frozenset({"CN"}),
    "RU-MAG": _NONE,
    "RU-SAK": _NONE,
    "RU-YEV": frozenset({"CN"}),
    "RU-CHU": _NONE,
}

# code -> foreign states whose waters the region's own waters directly adjoin.
# Rule used: a foreign state is listed when its territorial sea / internal waters meet the
# region's territorial sea / internal waters along an agreed or de-facto boundary line, i.e.
#   (a) a lateral sea boundary continuing a land border that reaches the coast in this region,
#       or
#   (b) opposite coasts across a strait narrow enough (< 24 nm) that the territorial seas meet.
# EEZ / continental-shelf-only adjacency (e.g. Kamchatka-US in the Bering Sea, Arkhangelsk/
# Franz Josef Land-Norway in the Barents Sea, Primorsky-Japan in the Sea of Japan, Caspian
# seabed lines between Dagestan/Kalmykia and Kazakhstan) is deliberately NOT counted.
# Same baseline as LAND_BORDERS: internationally recognised borders (Crimea and the Azov
# coast west of Rostov oblast are Ukraine; Abkhazia is Georgia).
# Only regions with at least one such neighbour are listed; absence means "not asserted"
# (the six disputed entities are omitted on purpose).
SEA_BORDERS: dict[str, frozenset[str]] = {
    "RU-MUR": frozenset({"NO"}),  # Varangerfjord (1957) and Barents Sea (2010) lines
    "RU-LEN": frozenset({"FI", "EE"}),  # Gulf of Finland; Narva Bay
    "RU-KGD": frozenset({"LT", "PL"}),  # Curonian and Vistula spits/lagoons
    "RU-KDA": frozenset({"UA", "GE"}),  # Kerch Strait (Crimea); Black Sea at the Psou (Abkhazia)
    "RU-ROS": frozenset({"UA"}),  # land border meets Taganrog Bay (Sea of Azov)
    "RU-AST": frozenset({"KZ"}),  # land border meets the Caspian coast (1998 line starts here)
    "RU-DA": frozenset({"AZ"}),  # land border (Samur) meets the Caspian (2002 line)
    "RU-PRI": frozenset({"KP"}),  # Tumen River mouth (USSR-DPRK 1985/1990)
    "RU-SAK": frozenset({"JP"}),  # La Perouse (Soya) Strait; Kurils-Hokkaido (Nemuro Strait)
    "RU-CHU": frozenset({"US"}),  # Bering Strait, Big/Little Diomede (1990 line)
}

# code -> population in thousands, 2021 All-Russian census (as of 1 Oct 2021), rounded.
# RU-ARK excludes the Nenets AO; RU-TYU excludes Khanty-Mansi and Yamalo-Nenets AOs.
# RU-DPR, RU-LPR, RU-ZAP, RU-KHE were not covered by the 2021 census and are omitted.
POPULATION_2021_THOUSANDS: dict[str, int] = {
    # Central
    "RU-BEL": 1540,
    "RU-BRY": 1169,
    "RU-VLA": 1348,
    "RU-VOR": 2306,
    "RU-IVA": 928,
    "RU-KLU": 1070,
    "RU-KOS": 581,
    "RU-KRS": 1082,
    "RU-LIP": 1143,
    "RU-MOS": 8525,
    "RU-MOW": 13010,
    "RU-ORL": 713,
    "RU-RYA": 1103,
    "RU-SMO": 888,
    "RU-TAM": 983,
    "RU-TVE": 1230,
    "RU-TUL": 1501,
    "RU-YAR": 1210,
    # Northwestern
    "RU-KR": 533,
    "RU-KO": 738,
    "RU-ARK": 979,
    "RU-NEN": 41,
    "RU-VLG": 1143,
    "RU-KGD": 1030,
    "RU-LEN": 2001,
    "RU-MUR": 668,
    "RU-NGR": 583,
    "RU-PSK": 599,
    "RU-SPE": 5602,
    # Southern
    "RU-AD": 497,
    "RU-KL": 267,
    "RU-CR": 1935,
    "RU-KDA": 5838,
    "RU-AST": 960,
    "RU-VGG": 2501,
    "RU-ROS": 4201,
    "RU-SEV": 548,
    # North Caucasian
    "RU-DA": 3182,
    "RU-IN": 510,
    "RU-KB": 904,
    "RU-KC": 470,
    "RU-SE": 687,
    "RU-CE": 1511,
    "RU-STA": 2908,
    # Volga
    "RU-BA": 4091,
    "RU-ME": 677,
    "RU-MO": 784,
    "RU-TA": 4005,
    "RU-UD": 1453,
    "RU-CU": 1187,
    "RU-PER": 2532,
    "RU-KIR": 1154,
    "RU-NIZ": 3119,
    "RU-ORE": 1863,
    "RU-PNZ": 1266,
    "RU-SAM": 3173,
    "RU-SAR": 2443,
    "RU-ULY": 1197,
    # Ural
    "RU-KGN": 777,
    "RU-SVE": 4269,
    "RU-TYU": 1602,
    "RU-CHE": 3431,
    "RU-KHM": 1711,
    "RU-YAN": 510,
    # Siberian
    "RU-AL": 211,
    "RU-TY": 337,
    "RU-KK": 534,
    "RU-ALT": 2164,
    "RU-KYA": 2857,
    "RU-IRK": 2370,
    "RU-KEM": 2601,
    "RU-NVS": 2797,
    "RU-OMS": 1859,
    "RU-TOM": 1063,
    # Far Eastern
    "RU-BU": 979,
    "RU-SA": 996,
    "RU-ZAB": 1004,
    "RU-KAM": 292,
    "RU-PRI": 1845,
    "RU-KHA": 1293,
    "RU-AMU": 773,
    "RU-MAG": 136,
    "RU-SAK": 467,
    "RU-YEV": 150,
    "RU-CHU": 47,
}

# Regions wholly or partly in the land territory of the Arctic zone (Decree No. 296 of
# 2 May 2014 as amended through 2020). Wholly: Murmansk, Nenets AO, Yamalo-Nenets AO,
# Chukotka. Partly: Karelia, Komi, Arkhangelsk, Krasnoyarsk, Sakha (Yakutia).
ARCTIC_ZONE: frozenset[str] = frozenset(
    {
        "RU-MUR",
        "RU-NEN",
        "RU-YAN",
        "RU-CHU",
        "RU-KR",
        "RU-KO",
        "RU-ARK",
        "RU-KYA",
        "RU-SA",
    }
)

FEDERAL_CITIES: frozenset[str] = frozenset({"RU-MOW", "RU-SPE", "RU-SEV"})

# Annexed territories whose incorporation into Russia is not internationally recognised
# (UN GA resolutions 68/262 of 2014 and ES-11/4 of 2022).
DISPUTED: frozenset[str] = frozenset({"RU-CR", "RU-SEV", "RU-DPR", "RU-LPR", "RU-ZAP", "RU-KHE"})
