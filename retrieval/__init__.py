"""MedLit's core: the library of PubMed records and everything that reads it.

Rooms, each with one job, and the only direction they may depend on each other
(checked by import-linter, see ``pyproject.toml``)::

    answers  ->  search  ->  library          calibration -> answers
    exports  ->  library                      cli, settings: shared entry points
                                              errors: the one error type for users
    guard: the patient-data check every outbound call makes (ingest and answers both use it)
"""
