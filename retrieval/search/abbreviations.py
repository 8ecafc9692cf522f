"""Clinical abbreviations and the words abstracts spell them out in: HFrEF is heart failure with reduced
ejection fraction, LABA a long-acting beta-agonist.

Clinicians ask tersely ("Salmeterol vs theophylline in asthma - fewer AEs with LABA?"); a library whose
abstracts spell the term out, or predate the abbreviation, never writes it. Without this table such an
abbreviation is read as a named subject the library lacks, and an answerable question is refused. Like
lay terms, each is looked up under its spelled-out names (``retrieval.search.lay_terms``), and is still
named as missing when the library holds none of them.

Only abbreviations of three or more letters that are not English words: "RA", "AF" or "MI" also abbreviate
other things, and the subject check reads them as written.
"""

from __future__ import annotations

# abbreviation (lower case) -> spelled-out names, the usual first
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    # findings and measures
    "wnl": ("within normal limits", "normal"),
    "cmap": ("compound muscle action potential",),
    "cmaps": ("compound muscle action potentials", "compound muscle action potential"),
    "nmb": ("neuromuscular blockade", "neuromuscular blocking"),
    "pex": ("plasma exchange", "plasmapheresis"),
    "hcw": ("health care worker", "healthcare worker", "health care workers"),
    "wcc": ("white cell count", "white blood cell count", "leukocyte count", "leukocytes"),
    "leucs": ("leucocytes", "leukocytes", "leukocyte"),
    "wbc": ("white blood cell", "white blood cell count", "leukocyte count", "leukocytes"),
    "fbc": ("full blood count", "blood count"),
    "cbc": ("complete blood count", "blood count"),
    "lfts": ("liver function tests", "liver function"),
    "tfts": ("thyroid function tests", "thyroid function"),
    "cxr": ("chest radiograph", "chest x-ray", "chest radiography"),
    "ctca": ("CT coronary angiography", "coronary CT angiography", "computed tomography coronary angiography"),
    "ctpa": ("CT pulmonary angiography", "computed tomographic pulmonary angiography"),
    # body sites and complaints
    "lbp": ("low back pain", "back pain"),
    "rif": ("right iliac fossa", "right lower quadrant", "rifampicin", "rifampin"),
    "rlq": ("right lower quadrant", "right iliac fossa"),
    "ruq": ("right upper quadrant",),
    "abx": ("antibiotics", "antibiotic"),
    "rta": ("road traffic accident", "motor vehicle accident", "traffic accident"),
    "mva": ("motor vehicle accident", "road traffic accident", "traffic accident"),
    # operations
    "tka": ("total knee arthroplasty", "total knee replacement"),
    "tkr": ("total knee replacement", "total knee arthroplasty"),
    "tha": ("total hip arthroplasty", "total hip replacement"),
    "thr": ("total hip replacement", "total hip arthroplasty"),
    "orif": ("open reduction and internal fixation", "internal fixation"),
    "lscs": ("caesarean section", "cesarean section"),
    # heart and vessels
    "hfref": ("reduced ejection fraction", "systolic heart failure"),
    "hfpef": ("preserved ejection fraction", "diastolic heart failure"),
    "nyha": ("New York Heart Association",),
    "inh": ("isoniazid",),
    "emf": ("endomyocardial fibrosis", "electromagnetic fields", "electromagnetic field"),
    "gdmt": ("guideline-directed medical therapy",),
    "htn": ("hypertension",),
    "vent": ("ventilator", "mechanical ventilation"),
    "bilat": ("bilateral",),
    "pretx": ("pretreatment",),
    "acei": ("ACE inhibitor", "angiotensin-converting enzyme inhibitor"),
    "arb": ("angiotensin receptor blocker", "angiotensin II receptor blocker"),
    "arbs": ("angiotensin receptor blockers", "angiotensin II receptor blockers"),
    "doac": ("direct oral anticoagulant",),
    "doacs": ("direct oral anticoagulants",),
    "noac": ("novel oral anticoagulant", "non-vitamin K antagonist oral anticoagulant"),
    "noacs": ("novel oral anticoagulants", "non-vitamin K antagonist oral anticoagulants"),
    "mvr": ("mitral valve replacement", "mitral valve surgery"),
    "avr": ("aortic valve replacement",),
    "aad": ("antiarrhythmic drug", "antiarrhythmic"),
    "aads": ("antiarrhythmic drugs", "antiarrhythmic drug", "antiarrhythmic"),
    "pci": ("percutaneous coronary intervention",),
    "qca": ("quantitative coronary angiography",),
    "vte": ("venous thromboembolism",),
    "cva": ("stroke", "cerebrovascular accident"),
    "lvef": ("left ventricular ejection fraction",),
    # lungs
    "laba": ("long-acting beta-agonist", "long-acting beta2-agonist", "long-acting beta agonist"),
    "labas": ("long-acting beta-agonists", "long-acting beta2-agonists", "long-acting beta agonists"),
    "lama": ("long-acting muscarinic antagonist",),
    "ics": ("inhaled corticosteroid", "inhaled corticosteroids", "inhaled steroid"),
    "osa": ("obstructive sleep apnea", "obstructive sleep apnoea"),
    # kidneys, liver, gut
    "ckd": ("chronic kidney disease", "chronic renal failure"),
    "esrd": ("end-stage renal disease",),
    "eskd": ("end-stage kidney disease", "end-stage renal disease"),
    "aki": ("acute kidney injury", "acute renal failure"),
    "esa": ("erythropoiesis-stimulating agent", "erythropoietin"),
    "esas": ("erythropoiesis-stimulating agents", "erythropoietin"),
    "nec": ("necrotizing enterocolitis", "necrotising enterocolitis"),
    "nafld": ("non-alcoholic fatty liver disease", "nonalcoholic fatty liver disease"),
    "nash": ("non-alcoholic steatohepatitis", "nonalcoholic steatohepatitis"),
    "hcc": ("hepatocellular carcinoma",),
    "gerd": ("gastroesophageal reflux", "gastro-oesophageal reflux"),
    "gord": ("gastro-oesophageal reflux", "gastroesophageal reflux"),
    "ibd": ("inflammatory bowel disease",),
    # diabetes and hormones
    "t2dm": ("type 2 diabetes",),
    "t1dm": ("type 1 diabetes",),
    "adt": ("androgen deprivation therapy", "androgen deprivation", "androgen ablation"),
    # cancer and blood
    "mcrpc": ("metastatic castration-resistant prostate cancer", "hormone-refractory prostate cancer"),
    "crpc": ("castration-resistant prostate cancer", "hormone-refractory prostate cancer"),
    "nsclc": ("non-small cell lung cancer", "non-small-cell lung cancer"),
    "sclc": ("small cell lung cancer", "small-cell lung cancer"),
    "asct": ("autologous stem cell transplantation", "autologous stem cell transplant"),
    "rrmm": ("relapsed or refractory multiple myeloma", "relapsed multiple myeloma"),
    "len-dex": ("lenalidomide",),  # regimens under their principal drug, as combination brands are
    "bort-dex": ("bortezomib",),
    # nerves and mind
    "rrms": ("relapsing-remitting multiple sclerosis",),
    "spms": ("secondary progressive multiple sclerosis",),
    "adhd": ("attention deficit hyperactivity disorder",),
    # urology
    "bph": ("benign prostatic hyperplasia", "benign prostatic hypertrophy"),
    "luts": ("lower urinary tract symptoms",),
    # emergencies, wards and procedures
    "dka": ("diabetic ketoacidosis",),
    "nstemi": ("non-ST-elevation myocardial infarction", "non-ST elevation myocardial infarction"),
    "stemi": ("ST-elevation myocardial infarction", "ST elevation myocardial infarction"),
    "tia": ("transient ischemic attack", "transient ischaemic attack"),
    "tbi": ("traumatic brain injury",),
    "svt": ("supraventricular tachycardia",),
    "ccf": ("congestive cardiac failure", "congestive heart failure", "heart failure"),
    "chf": ("congestive heart failure", "heart failure"),
    "abg": ("arterial blood gas", "arterial blood gases"),
    "vbg": ("venous blood gas", "venous blood gases"),
    "inr": ("international normalized ratio", "international normalised ratio"),
    "rsi": ("rapid sequence induction", "rapid sequence intubation"),
    "ponv": ("postoperative nausea and vomiting",),
    "nbm": ("nil by mouth", "fasting"),
    "npo": ("nil by mouth", "fasting"),
    "ogd": ("upper gastrointestinal endoscopy", "gastroscopy", "esophagogastroduodenoscopy"),
    "egd": ("esophagogastroduodenoscopy", "upper gastrointestinal endoscopy", "gastroscopy"),
    "gib": ("gastrointestinal bleeding", "gastrointestinal hemorrhage", "gastrointestinal haemorrhage"),
    "ercp": ("endoscopic retrograde cholangiopancreatography",),
    # infections
    "uti": ("urinary tract infection",),
    "utis": ("urinary tract infections", "urinary tract infection"),
    "urti": ("upper respiratory tract infection", "upper respiratory infection"),
    "lrti": ("lower respiratory tract infection", "lower respiratory infection"),
    "sti": ("sexually transmitted infection", "sexually transmitted disease"),
    "stis": ("sexually transmitted infections", "sexually transmitted diseases"),
    "copd": ("chronic obstructive pulmonary disease",),
    # women's health
    "ocp": ("oral contraceptive", "oral contraceptives", "oral contraceptive pill"),
    "hrt": ("hormone replacement therapy", "hormone therapy"),
    "iud": ("intrauterine device",),
    "iucd": ("intrauterine contraceptive device", "intrauterine device"),
    # mind and drugs of abuse
    "ptsd": ("posttraumatic stress disorder", "post-traumatic stress disorder"),
    "mdd": ("major depressive disorder", "major depression"),
    "cbt": ("cognitive behavioral therapy", "cognitive behavioural therapy", "cognitive therapy"),
    "snri": ("serotonin-norepinephrine reuptake inhibitor", "serotonin and norepinephrine reuptake inhibitor"),
    "ssri": ("selective serotonin reuptake inhibitor",),
    "ssris": ("selective serotonin reuptake inhibitors",),
    "ivdu": ("intravenous drug use", "injection drug use", "injecting drug use"),
    "pwid": ("people who inject drugs", "injection drug users", "injecting drug users"),
    "etoh": ("alcohol", "ethanol"),
    # anticoagulation and nutrition
    "lmwh": ("low-molecular-weight heparin", "low molecular weight heparin"),
    "ufh": ("unfractionated heparin",),
    "tpn": ("total parenteral nutrition", "parenteral nutrition"),
    # drugs and events
    "mtx": ("methotrexate",),
    "ifn": ("interferon",),
    "rbv": ("ribavirin",),
    "nsaids": ("non-steroidal anti-inflammatory drugs", "nonsteroidal anti-inflammatory drugs"),
    "ppi": ("proton pump inhibitor",),
    "ppis": ("proton pump inhibitors",),
    "aes": ("adverse events", "adverse effects"),
    "orr": ("overall response rate", "response rate"),
    "allo-sct": ("allogeneic stem cell transplantation", "allogeneic transplantation", "stem cell transplantation"),
    "allo-hsct": ("allogeneic hematopoietic stem cell transplantation", "allogeneic stem cell transplantation"),
    "hsct": ("hematopoietic stem cell transplantation", "stem cell transplantation"),
    "cmo": ("cystoid macular oedema", "cystoid macular edema", "macular oedema", "macular edema"),
    "cme": ("cystoid macular edema", "cystoid macular oedema", "macular edema", "macular oedema"),
}

# Short abbreviations articles may spell out ("DVT rate" in a trial reporting "deep vein thrombosis"): too
# ambiguous to read a question by ("LA" is also Los Angeles), so only for choosing which of the articles that
# hold a question's subjects names them all, never for deciding that the library holds one.
SPELLED_OUT: dict[str, tuple[str, ...]] = {
    "dvt": ("deep vein thrombosis", "deep venous thrombosis"),
    "pe": ("pulmonary embolism",),
    "lv": ("left ventricular", "left ventricle"),
    "la": ("left atrial", "left atrium"),
    "rv": ("right ventricular", "right ventricle"),
    "af": ("atrial fibrillation",),
    "mi": ("myocardial infarction",),
    "hf": ("heart failure",),
    "bp": ("blood pressure",),
    "cv": ("cardiovascular",),
    "ra": ("rheumatoid arthritis",),
    "oa": ("osteoarthritis",),
    "uc": ("ulcerative colitis",),
    "ms": ("multiple sclerosis",),
    "tb": ("tuberculosis",),
    "ent": ("otolaryngology", "ear, nose and throat", "otorhinolaryngology"),
    "gp": ("general practitioner", "general practitioners", "general practice", "primary care"),
    "gps": ("general practitioners", "general practice", "primary care"),
    "icu": ("intensive care",),
    "us": ("United States", "American"),  # "US adults": the pronoun makes the letters themselves no guide
    "ed": ("emergency department",),
    "ng": ("nasogastric",),
}
