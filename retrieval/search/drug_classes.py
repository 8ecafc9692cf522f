"""Drug classes by the stems their members' names share (the international nonproprietary name stems).

A clinician's note names a drug and then its class: "on enalapril + loop diuretic … how much does ACEi raise
the risk of decline in renal function?". The class is the drug again, not a second drug that an answering
article must also name. Names in one class share a stem by design ("-pril" for ACE inhibitors, "-sartan" for
angiotensin receptor blockers), so a small table of stems tells a class's members without a drug database.
"""

from __future__ import annotations

import re

_ACE = r"pril(?:at)?"
_ARB = r"sartan"
_STATIN = r"(?:va)?statin"
_BETA = r"[oai]lol"
_PPI = r"prazole"
_BENZO = r"(?:azepam|azolam|zepate|azepine)"
_QUINOLONE = r"(?:floxacin|oxacin)"
_BISPHOSPHONATE = r"dronate"
_SGLT2 = r"gliflozin"
_DPP4 = r"gliptin"
_GLP1 = r"(?:glutide|enatide)"
_DIHYDROPYRIDINE = r"dipine"
_TRIPTAN = r"triptan"
_CEPHALOSPORIN = r"^cef"
_DOAC = r"(?:xaban|gatran)"

# Class names as people write them (lower case) -> the stem of its members' names
CLASS_STEMS: dict[str, str] = {
    **dict.fromkeys(("acei", "acei's", "ace inhibitor", "ace inhibitors", "ace-inhibitor", "ace-inhibitors"), _ACE),
    **dict.fromkeys(("arb", "arbs", "angiotensin receptor blocker", "angiotensin receptor blockers"), _ARB),
    **dict.fromkeys(("statin", "statins"), _STATIN),
    **dict.fromkeys(("beta blocker", "beta blockers", "beta-blocker", "beta-blockers", "bb"), _BETA),
    **dict.fromkeys(("ppi", "ppis", "proton pump inhibitor", "proton pump inhibitors"), _PPI),
    **dict.fromkeys(("benzo", "benzos", "benzodiazepine", "benzodiazepines"), _BENZO),
    **dict.fromkeys(("quinolone", "quinolones", "fluoroquinolone", "fluoroquinolones"), _QUINOLONE),
    **dict.fromkeys(("bisphosphonate", "bisphosphonates"), _BISPHOSPHONATE),
    **dict.fromkeys(("sglt2 inhibitor", "sglt2 inhibitors", "sglt2i", "sglt-2 inhibitor", "sglt-2 inhibitors"), _SGLT2),
    **dict.fromkeys(("dpp-4 inhibitor", "dpp-4 inhibitors", "dpp4 inhibitor", "dpp4 inhibitors", "gliptins"), _DPP4),
    **dict.fromkeys(("glp-1 agonist", "glp-1 agonists", "glp-1 ra", "glp1 agonist", "glp1 agonists"), _GLP1),
    **dict.fromkeys(("calcium channel blocker", "calcium channel blockers", "ccb", "ccbs"), _DIHYDROPYRIDINE),
    **dict.fromkeys(("triptan", "triptans"), _TRIPTAN),
    **dict.fromkeys(("cephalosporin", "cephalosporins"), _CEPHALOSPORIN),
    **dict.fromkeys(("doac", "doacs", "noac", "noacs"), _DOAC),
}


def is_class_of(class_name: str, drug_name: str) -> bool:
    """Whether ``class_name`` ("ACEi", "statins") is the class of the drug ``drug_name`` ("enalapril")."""
    stem = CLASS_STEMS.get(" ".join(class_name.lower().split()))
    return bool(stem) and bool(re.search(stem + ("" if stem.startswith("^") else r"$"), drug_name.lower().strip()))
