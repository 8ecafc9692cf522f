"""Live PubMed fetching through NCBI E-utilities: counts, queries and PMID lists.

The ingest CLI and the web app use only these names. Every request goes to
``Settings.eutils_url``, is rate-limited process-wide (3/s, 10/s with an API
key) and retried with backoff; records come out as ``Article``s ready for
``ingest.pipeline.ingest``.
"""

from ingest.eutils.errors import EutilsError
from ingest.eutils.fetch import count_query, iter_pmids, iter_query
from ingest.eutils.report import FetchReport

__all__ = ["EutilsError", "FetchReport", "count_query", "iter_pmids", "iter_query"]
