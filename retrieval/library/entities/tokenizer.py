"""A tokenizer that splits where biomedical mentions end.

spaCy's English rules keep "PAN-induced", "Na+-K+" or "xenon-133" whole, so a mention inside
them has no token boundary and a tagger can never find it (418 of 25,414 training mentions).
Splitting also on hyphens, slashes, brackets and a few signs leaves 7. The rules are saved
with the pipeline, so a loaded model tokenizes the same way without this module.
"""

from __future__ import annotations

import spacy
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

_SPLIT = r"[-\u2010\u2011\u2012\u2013\u2014/\(\)\[\]\{\}\+,:;=<>~'\"%*&\u00b1\u00b7]"


def biomedical_tokenizer(nlp):
    defaults = nlp.Defaults
    nlp.tokenizer.prefix_search = compile_prefix_regex([*defaults.prefixes, _SPLIT]).search
    nlp.tokenizer.suffix_search = compile_suffix_regex([*defaults.suffixes, _SPLIT, r"\."]).search
    nlp.tokenizer.infix_finditer = compile_infix_regex([*defaults.infixes, _SPLIT]).finditer
    return nlp


@spacy.registry.callbacks("medlit.biomedical_tokenizer.v1")
def make_biomedical_tokenizer():
    return biomedical_tokenizer
