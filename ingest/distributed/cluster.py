"""Joining Ray: a local instance by default, or the cluster at an address (``--ray ADDRESS`` or ``RAY_ADDRESS``)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from retrieval.errors import UserError

# What the workers need besides the code: no model hub lookups and no tokenizer thread pool (as here).
WORKER_ENV = ("HF_HUB_OFFLINE", "TOKENIZERS_PARALLELISM", "RAY_USAGE_STATS_ENABLED")


def import_ray() -> ModuleType:
    """Ray, or one sentence saying how to install it: the default install has no Ray."""
    try:
        import ray
    except ImportError:
        raise UserError("--ray needs Ray, which is not installed: run `make install-ray`.") from None
    return ray


def worker_runtime(local: bool) -> dict:
    """What Ray sets up for the workers: the environment variables, and on a cluster this code base.

    A local worker imports MedLit from this checkout; a cluster's nodes get ``ingest`` and
    ``retrieval`` uploaded (their dependencies must be installed there, as here).
    """
    import ingest
    import retrieval

    runtime: dict = {"env_vars": {name: os.environ[name] for name in WORKER_ENV if name in os.environ}}
    if not local:
        runtime["py_modules"] = [str(Path(package.__file__).parent) for package in (ingest, retrieval)]
    return runtime


def cluster_address(given: str | None) -> str:
    """Where to run: the address given, else ``RAY_ADDRESS``, else a new local instance."""
    return given or os.environ.get("RAY_ADDRESS") or "local"


@contextmanager
def connected_ray(address: str, local_cpus: int) -> Iterator[ModuleType]:
    """Ray, started (``local``: with ``local_cpus`` CPUs) or joined, and shut down again afterwards.

    A Ray this process already runs (a test's, a notebook's) is used as it is and left running.
    """
    ray = import_ray()
    if ray.is_initialized():
        yield ray
        return
    local = address == "local"
    try:
        ray.init(
            address=address,
            num_cpus=local_cpus if local else None,
            include_dashboard=False if local else None,
            log_to_driver=False,
            logging_level=logging.ERROR,  # Ray's notices; a task or worker that fails raises here
            runtime_env=worker_runtime(local),
        )
    except (ConnectionError, RuntimeError, ValueError) as error:
        raise UserError(f"Cannot start or join Ray at {address}: {str(error).rstrip('.')}.") from None
    try:
        quiet_ray_data()
        yield ray
    finally:
        ray.shutdown()


def quiet_ray_data() -> None:
    """No Ray Data progress bars or execution banners: the ingest's own progress says how far it is."""
    from ray.data import DataContext

    context = DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)
