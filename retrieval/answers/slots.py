"""What kind of information a question asks for, and whether a sentence holds it.

"How often does X cause Y?" wants a rate, "What dose...?" a dose, "How long
until...?" a time course. A sentence that is about the subject but holds no
rate does not answer a rate question, however close its words are, so the
extractive answer prefers sentences that hold the slot the question asks for.
"""

from __future__ import annotations

import re

SLOTS = ("rate", "dose", "time course", "mechanism", "effect size", "cause", "gene")

_QUESTION = {
    "rate": r"\bhow (?:often|common|frequent(?:ly)?|many|likely)\b|\bwhat (?:percentage|proportion|fraction|share|rate|"
    r"incidence|prevalence|risk|chance)|\b(?:incidence|prevalence|frequency|rate|percentage|proportion)s? of\b",
    "dose": r"\b(?:dose|doses|dosage|dosing|how much|milligrams?|mg)\b",
    "time course": r"\bhow (?:long|soon|quickly|fast)\b|\bwhen\b|\bafter how\b|\bduration\b|\bonset\b|"
    r"\bhow many (?:hours|days|weeks|months|years)\b|\btime (?:course|to)\b",
    "mechanism": r"\bhow does\b|\bhow do\b|\bwhy\b|\bmechanism|\bpathway|\bby what\b|\bthrough what\b|\bmediat",
    "effect size": r"\bhow much (?:does|did|do|can|will|more|less|better|lower|higher)\b|\bby how much\b|\beffect\b|"
    r"\bcompared?\b|\bversus\b|\bvs\.?\b|\bbetter\b|\bworse\b|\breduc|\blower|\bimprov|\bincreas|\bbenefit",
    "cause": r"\bcaus|\binduc|\blead(?:s)? to\b|\btrigger|\bresult(?:s)? in\b|\bside[- ]effects?\b|\badverse\b|"
    r"\blinked to\b|\bassociated with\b|\brisk factor",
    "gene": r"\bgenes?\b|\bgenetic\b|\bmutation|\bvariants?\b|\bpolymorphism|\balleles?\b|\bgenotype|\bchromosom|"
    r"\blocus\b|\binherit",
}
_NUMBER = r"\d+(?:[.,·]\d+)?"
_SENTENCE = {
    "rate": rf"{_NUMBER}\s*(?:%|percent|per cent|per \d)|\b{_NUMBER} (?:of|out of) {_NUMBER}\b|\bincidence\b|"
    r"\bprevalence\b|\brate\b",
    "dose": rf"{_NUMBER}\s*(?:mg|g|µg|μg|mcg|ug|units?|iu|ml|mmol|mg/kg|mg/day|mg/m2)\b|\bdoses?\b|\bdosage\b",
    "time course": rf"{_NUMBER}\s*(?:-|to|–)?\s*(?:{_NUMBER})?\s*(?:seconds?|minutes?|min|hours?|hrs?|h|days?|weeks?|"
    r"wk|months?|years?|yr)\b|\bwithin\b|\bafter\b|\bonset\b|\bduration\b",
    "mechanism": r"\bmechanism|\bmediat|\bvia\b|\bthrough\b|\bpathway|\binhibit|\bactivat|\bbind|\breceptor|"
    r"\bexpression\b|\binduc",
    "effect size": rf"{_NUMBER}\s*(?:%|percent)|\bodds ratio\b|\bhazard ratio\b|\brelative risk\b|\brisk ratio\b|"
    r"\b(?:OR|HR|RR|CI)\b|"
    r"\bconfidence interval\b|\bp\s*[<=>]|\breduc|\bincreas|\bimprov|\bdifference\b|\bsignificant",
    "cause": r"\binduced\b|\bcaus|\bassociated\b|\bdue to\b|\battribut|\bdeveloped\b|\bresulted\b|\badverse\b|"
    r"\btoxicity\b|\breaction\b|\bafter\b",
    "gene": r"\b[A-Z][A-Z0-9]{1,}\d[A-Z0-9]*\b|\bmutations?\b|\bgenes?\b|\balleles?\b|\bvariants?\b|\bpolymorphism|"
    r"\bexon\b|\bcodon\b|\bc\.\d|\bp\.[A-Z]",
}
_QUESTION_RE = {slot: re.compile(pattern, re.I) for slot, pattern in _QUESTION.items()}
_SENTENCE_RE = {slot: re.compile(pattern, re.I if slot != "gene" else 0) for slot, pattern in _SENTENCE.items()}


def question_slots(question: str) -> set[str]:
    """The kinds of information a question asks for (none for a question that asks for no specific kind)."""
    return {slot for slot, pattern in _QUESTION_RE.items() if pattern.search(question)}


def holds(sentence: str, slot: str) -> bool:
    """Whether a sentence holds information of the kind ``slot``."""
    return bool(_SENTENCE_RE[slot].search(sentence))


def slot_match(sentence: str, slots: set[str]) -> float:
    """Share of the asked-for slots the sentence holds (0 when the question asks for none)."""
    return sum(holds(sentence, slot) for slot in slots) / len(slots) if slots else 0.0
