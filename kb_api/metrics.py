"""Prometheus metrics of the API, for ``GET /api/metrics``.

Under ``kb api`` every worker process writes its counters to files in
``PROMETHEUS_MULTIPROC_DIR`` (``kb api`` creates and cleans that directory), and a scrape,
whichever worker answers it, adds up all of them (prometheus-client's multiprocess mode).
Without that variable (tests, ``kb serve``) the counters live in this process.

The variable must be set before ``prometheus_client`` is first imported: it chooses where
values are kept at import time. Labels are bounded: a route *template* (never a path a
client chose), a status code, and short fixed vocabularies.

What is counted:

- ``kb_http_requests_total{method,route,status}`` and
  ``kb_http_request_duration_seconds{method,route}`` (a histogram), by the middleware in
  :mod:`kb_api.observability`;
- ``kb_searches_total{outcome}``: ``results`` or ``no_results``;
- ``kb_suggestions_total{confidence}``: answers of ``/api/suggest`` (``none`` showed no
  article), and ``kb_widget_events_total{type}``: events the widgets sent, such as
  ``suggestions_shown`` and ``deflected``;
- ``kb_votes_total{helpful}``: ``true`` or ``false``;
- ``kb_index_info{generation}``, ``kb_index_documents``, ``kb_index_built_timestamp_seconds``
  and ``kb_index_age_seconds``: the generation the answering worker has open, read at
  scrape time.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

__all__ = [
    "CONTENT_TYPE",
    "MULTIPROC_ENV",
    "count_event",
    "count_search",
    "count_suggestion",
    "count_vote",
    "observe_request",
    "render",
]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

# The counters of this process when it is not a ``kb api`` worker (not the global
# default registry: several apps in one test process share these).
_LOCAL = CollectorRegistry(auto_describe=True)

#: Latency buckets (seconds): search and suggest answer in a few milliseconds.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "kb_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
    registry=_LOCAL,
)
LATENCY = Histogram(
    "kb_http_request_duration_seconds",
    "Time from the request to the end of the answer, by method and route template.",
    ["method", "route"],
    buckets=BUCKETS,
    registry=_LOCAL,
)
SEARCHES = Counter(
    "kb_searches",
    "Searches answered, by outcome (results, no_results).",
    ["outcome"],
    registry=_LOCAL,
)
SUGGESTIONS = Counter(
    "kb_suggestions",
    "Ticket suggestions answered, by confidence (high, low; none: no article shown).",
    ["confidence"],
    registry=_LOCAL,
)
EVENTS = Counter(
    "kb_widget_events",
    "Events recorded from the widgets, by type (suggestions_shown, deflected, ...).",
    ["type"],
    registry=_LOCAL,
)
VOTES = Counter(
    "kb_votes",
    "Article votes recorded, by answer (helpful: true or false).",
    ["helpful"],
    registry=_LOCAL,
)

_CONFIDENCES = {"high", "low", "none"}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request (called by the request middleware)."""
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def count_search(results: dict[str, Any]) -> None:
    """Count one search answer (``SearchResults.to_dict()``)."""
    SEARCHES.labels("results" if results.get("results") else "no_results").inc()


def count_suggestion(result: dict[str, Any]) -> None:
    """Count one ``/api/suggest`` answer by its confidence."""
    confidence = str(result.get("confidence", "none"))
    SUGGESTIONS.labels(confidence if confidence in _CONFIDENCES else "none").inc()


def count_event(type: str) -> None:
    """Count one recorded widget event (its type is one of the API's fixed event types)."""
    EVENTS.labels(type).inc()


def count_vote(helpful: bool) -> None:
    """Count one recorded vote."""
    VOTES.labels("true" if helpful else "false").inc()


class _Local(Collector):
    """This process's own counters, when there is no multiprocess directory."""

    def collect(self) -> Iterator[Metric]:
        yield from _LOCAL.collect()


class IndexCollector(Collector):
    """The generation of the search index the answering process has open."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def collect(self) -> Iterator[Metric]:
        info = index_info(self.handle)
        opened = GaugeMetricFamily(
            "kb_index_open", "1 if this process has the search index open, else 0."
        )
        opened.add_metric([], 1.0 if info else 0.0)
        yield opened
        if not info:
            return
        gen = GaugeMetricFamily(
            "kb_index_info", "The index generation answering (always 1).", labels=["generation"]
        )
        gen.add_metric([info["generation"]], 1.0)
        yield gen
        yield GaugeMetricFamily(
            "kb_index_documents", "Articles in the open index generation.", value=info["documents"]
        )
        if info["built"] is not None:
            yield GaugeMetricFamily(
                "kb_index_built_timestamp_seconds",
                "When the open index generation was built (Unix time).",
                value=info["built"],
            )
            yield GaugeMetricFamily(
                "kb_index_age_seconds",
                "Seconds since the open index generation was built.",
                value=max(0.0, time.time() - info["built"]),
            )


def index_info(handle: Any) -> dict[str, Any] | None:
    """``{"generation", "documents", "built"}`` of the open index, or ``None``."""
    from kb_api.errors import ApiError

    try:
        kb = handle.get()
        path = kb.generation
        documents = kb.doc_count
    except (ApiError, OSError, ValueError):
        return None
    built: float | None = None
    try:
        from search.indexing import META_FILE

        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        built = float(meta["built"])
    except (OSError, ValueError, KeyError, TypeError):
        try:
            built = path.stat().st_mtime
        except OSError:
            built = None
    return {"generation": kb.generation_name, "documents": documents, "built": built}


def multiprocess() -> bool:
    """Whether this process writes its metrics to the shared multiprocess directory."""
    return bool(os.environ.get(MULTIPROC_ENV))


def render(index_handle: Any) -> bytes:
    """Every metric in Prometheus' text format: all workers' counters, this worker's index."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess():
        MultiProcessCollector(registry)
    else:
        registry.register(_Local())
    registry.register(IndexCollector(index_handle))
    return generate_latest(registry)
