"""A fake NCBI E-utilities server for tests, built from real recorded NCBI responses.

``FakeEutils`` serves the PubMed records found in ../shared/data/ncbi on
127.0.0.1; ``tests.fake_eutils.fixtures`` provides it as pytest fixtures.
"""

from tests.fake_eutils.faults import Fault, FaultKind
from tests.fake_eutils.server import FakeEutils, RecordedRequest
from tests.fake_eutils.settings import fast_settings

__all__ = ["FakeEutils", "Fault", "FaultKind", "RecordedRequest", "fast_settings"]
