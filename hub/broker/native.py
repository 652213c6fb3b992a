"""ctypes bindings to the librdkafka that ships inside the confluent-kafka wheel.

Only the few C functions the embedded broker needs are declared, each with its exact
argument and result types (from ``rdkafka.h`` and ``rdkafka_mock.h``), so that pointers
are never truncated to ``int``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from pathlib import Path

from hub.errors import BrokerError

_P = ctypes.c_void_p
_S = ctypes.c_char_p
_I = ctypes.c_int
RD_KAFKA_PRODUCER = 0

# name -> (result type, argument types)
_SIGNATURES: dict[str, tuple[type | None, list[type]]] = {
    "rd_kafka_conf_new": (_P, []),
    "rd_kafka_conf_set": (_I, [_P, _S, _S, _S, ctypes.c_size_t]),
    "rd_kafka_conf_destroy": (None, [_P]),
    "rd_kafka_new": (_P, [_I, _P, _S, ctypes.c_size_t]),
    "rd_kafka_destroy": (None, [_P]),
    "rd_kafka_err2str": (_S, [_I]),
    "rd_kafka_mock_cluster_new": (_P, [_P, _I]),
    "rd_kafka_mock_cluster_destroy": (None, [_P]),
    "rd_kafka_mock_cluster_bootstraps": (_S, [_P]),
    "rd_kafka_mock_topic_create": (_I, [_P, _S, _I, _I]),
    "rd_kafka_mock_group_initial_rebalance_delay_ms": (None, [_P, ctypes.c_int32]),
}


def _candidates() -> list[str]:
    import confluent_kafka

    wheel_libs = Path(confluent_kafka.__file__).parent.parent / "confluent_kafka.libs"
    found = [str(path) for path in sorted(wheel_libs.glob("librdkafka*.so*"))]
    system = ctypes.util.find_library("rdkafka")
    return found + ([system] if system else [])


@cache
def librdkafka() -> ctypes.CDLL:
    """The loaded library with its mock-cluster functions typed, or a BrokerError."""
    candidates = _candidates()
    if not candidates:
        raise BrokerError(
            "cannot start the embedded broker: librdkafka was not found "
            "(expected inside the confluent-kafka wheel, confluent_kafka.libs/)"
        )
    try:
        lib = ctypes.CDLL(candidates[0])
        for name, (result, arguments) in _SIGNATURES.items():
            function = getattr(lib, name)
            function.restype, function.argtypes = result, arguments
    except (OSError, AttributeError) as exc:
        raise BrokerError(
            f"cannot start the embedded broker: {candidates[0]} lacks the mock cluster API: {exc}"
        ) from exc
    return lib


def error_name(lib: ctypes.CDLL, code: int) -> str:
    """librdkafka's text for an ``rd_kafka_resp_err_t``."""
    text: bytes = lib.rd_kafka_err2str(code)
    return text.decode()
