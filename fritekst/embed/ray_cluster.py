"""Embedding on a Ray cluster (``fritekst run --ray ADDRESS``): past what one machine embeds.

Embedding is the only stage that needs more than one machine (docs/scaling.md); the rest of a
run stays on the driver. The texts go out as a Ray Data dataset, ``map_batches`` runs them
through a pool of actors that each load the embedder once, and the vectors come back in batches
that the caller writes into the embedding cache as they arrive (:func:`fritekst.embed.cache.
embed_with_cache`), so an interrupted run keeps its work as a local one does. e5's vectors do
not depend on the batch a text is in, so a cluster's vectors are byte for byte a local run's,
and so are the themes (decision 018).

Ray is an optional extra (``pip install 'fritekst[ray]'``) and imported only when a run has
something to embed: a warm re-run does not connect to the cluster at all.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from fritekst.errors import InputError

INSTALL_HINT = "Ray is not installed: pip install 'fritekst[ray]'"

BATCH_SIZE = 64
"""Texts per actor call, as a local run's batches (:data:`fritekst.embed.cache.BATCH_SIZE`)."""


def require_ray() -> None:
    """Fail with one line saying how to install Ray, before a run starts, when it is missing."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        raise InputError(INSTALL_HINT, column="--ray")


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail at once, before a run starts, when nothing listens at a ``HOST:PORT`` or
    ``ray://HOST:PORT`` address: ``ray.init`` itself retries such an address for minutes."""
    import socket

    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # auto, local: ray.init says at once what is wrong
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as error:
        raise InputError(f"cannot reach a Ray cluster at {address!r}: {error.strerror or error}", column="--ray") from None


class _EmbedActor:
    """One per worker slot: builds the embedder (loads the model) once, then embeds batch after batch."""

    def __init__(self, embedder: str, random_state: int) -> None:
        from fritekst.embed.registry import get_embedder

        self._embedder = get_embedder(embedder, random_state)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {"row": batch["row"], "vector": self._embedder.encode(list(batch["text"]))}


class RayEncoder:
    """Encodes texts with the embedder named ``embedder`` on the Ray cluster at ``address``.

    ``address`` is what ``ray.init`` takes: ``auto`` (the cluster ``ray start`` began on this
    machine), ``HOST:PORT`` of a head node, ``ray://HOST:10001`` (Ray Client), or ``local`` (a
    cluster of this machine's cores, for trying it out). ``workers`` actors, one CPU each
    (default: one per CPU the cluster has). Connects on first use; :meth:`close` disconnects.
    """

    def __init__(self, address: str, embedder: str, random_state: int = 0, workers: int | None = None) -> None:
        require_ray()
        _check_reachable(address)
        self.address = address
        self.embedder = embedder
        self.random_state = random_state
        self.workers = workers
        self._connected = False

    def _connect(self):
        import logging
        import warnings

        # Ray's notes on its own deprecated settings are for Ray's developers, not a run's user
        warnings.filterwarnings("ignore", module=r"ray(\.|$)")
        import ray

        if not ray.is_initialized():
            try:
                ray.init(address=self.address, include_dashboard=False, log_to_driver=False,
                         logging_level="ERROR", configure_logging=True)
            except (ConnectionError, ValueError, RuntimeError) as error:
                raise InputError(f"cannot reach a Ray cluster at {self.address!r}: {error}", column="--ray") from None
            self._connected = True
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.enable_auto_log_stats = False
        for handler in logging.getLogger("ray.data").handlers:  # its plan and progress lines stay in its log file
            if type(handler) is not logging.FileHandler and isinstance(handler, logging.StreamHandler):
                handler.setLevel(logging.ERROR)
        return ray

    def __call__(self, texts: list[str]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(rows, vectors)``: the positions in ``texts`` and their vectors, batch by batch
        as the cluster finishes them, in no fixed order."""
        return self._encode(self.embedder, texts)

    def for_embedder(self, embedder: str):
        """The same cluster and connection, encoding with the embedder named ``embedder`` (a run's
        answers go to e5's two views while its codebook goes to e5 alone)."""
        return lambda texts: self._encode(embedder, texts)

    def _encode(self, embedder: str, texts: list[str]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        if not texts:
            return
        import pandas as pd

        ray = self._connect()
        workers = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        table = pd.DataFrame({"row": np.arange(len(texts)), "text": texts})
        # one block per batch, so that the pool's actors share the work from the first batch on
        dataset = ray.data.from_pandas([table.iloc[start : start + BATCH_SIZE] for start in range(0, len(texts), BATCH_SIZE)])
        vectors = dataset.map_batches(
            _EmbedActor,
            fn_constructor_args=(embedder, self.random_state),
            batch_size=BATCH_SIZE,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=workers),
            num_cpus=1,
        )
        for batch in vectors.iter_batches(batch_size=None, batch_format="numpy"):
            yield batch["row"], batch["vector"]

    def close(self) -> None:
        if self._connected:
            import ray

            ray.shutdown()
            self._connected = False
