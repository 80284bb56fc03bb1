"""Where the tasks run: the scheduler checked before any work, and every failure of a cluster as one line."""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Any

from .. import _format as fmt
from .._errors import InputError
from ._constants import (
    CONNECT_TIMEOUT_S,
    DEFAULT_SCHEDULER_PORT,
    IN_PROCESS,
    MAX_PORT,
    SCHEDULER_NAMES,
    SCHEDULER_PROTOCOLS,
)
from ._sources import first_line

log = logging.getLogger(__name__)

#: The address of a cluster inside this process: ``HOST/PID/N``.
_IN_PROCESS_ADDRESS = re.compile(r"[^/\s]+/[0-9]+/[0-9]+")
#: A host name: labels of letters, digits and hyphens, separated by dots.
_HOST_NAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")
_EXAMPLE = "tcp://127.0.0.1:8786"


def check_scheduler(scheduler: Any) -> Any:
    """``scheduler`` if it is usable: None, a dask scheduler name, a ``tcp://HOST:PORT`` address or a client.

    Raises
    ------
    InputError
        Anything else, in one line that lists what is accepted; nothing is connected to.
    """
    if scheduler is None:
        return None
    if not isinstance(scheduler, str):
        if hasattr(scheduler, "compute") and hasattr(scheduler, "gather"):
            return scheduler
        raise InputError(
            f"scheduler: expected a name ({', '.join(SCHEDULER_NAMES[:1] + SCHEDULER_NAMES[2:3])}…), an address such "
            f"as {_EXAMPLE} or a distributed.Client, not {type(scheduler).__name__}"
        )
    text = scheduler.strip()
    if "://" not in text:
        if text in SCHEDULER_NAMES:
            return text
        raise InputError(
            f"scheduler {fmt.quoted(text)} is neither one of dask's ({', '.join(SCHEDULER_NAMES)}) nor an address; "
            f"give a dask.distributed scheduler as {_EXAMPLE}"
        )
    protocol, _, location = text.partition("://")
    if protocol.lower() not in SCHEDULER_PROTOCOLS:
        raise InputError(
            f"scheduler {fmt.quoted(text)}: {fmt.quoted(protocol)} is not a dask.distributed protocol; use "
            f"{', '.join(p + '://' for p in SCHEDULER_PROTOCOLS)}, e.g. {_EXAMPLE}"
        )
    if protocol.lower() == IN_PROCESS:
        if not _IN_PROCESS_ADDRESS.fullmatch(location):
            raise InputError(f"scheduler {fmt.quoted(text)} is not an in-process address (inproc://HOST/PID/N)")
        return text
    _host_port(location, text)
    return text


def _host_port(location: str, text: str) -> tuple[str, int]:
    """The host and port of ``HOST:PORT``, ``[IPv6]:PORT``, ``HOST`` or ``[IPv6]`` (port 8786)."""
    usage = f"write tcp://HOST:PORT, e.g. {_EXAMPLE} (IPv6 in brackets: tcp://[::1]:8786)"
    match = re.fullmatch(r"\[(?P<v6>[^\]]*)\](?::(?P<port6>[^:]*))?|(?P<host>[^:\[\]]*)(?::(?P<port>[^:]*))?", location)
    if match is None:
        raise InputError(f"scheduler {fmt.quoted(text)} is not an address; {usage}")
    host = match["v6"] if match["v6"] is not None else match["host"]
    port_text = match["port6"] if match["v6"] is not None else match["port"]
    if match["v6"] is not None:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise InputError(
                f"scheduler {fmt.quoted(text)}: {fmt.quoted(host)} is not an IPv6 address; {usage}"
            ) from None
    elif not host or not _HOST_NAME.fullmatch(host):
        raise InputError(f"scheduler {fmt.quoted(text)}: {fmt.quoted(host)} is not a host name or IP address; {usage}")
    if port_text is None:
        return host, DEFAULT_SCHEDULER_PORT
    if not port_text.isascii() or not port_text.isdigit() or not 1 <= int(port_text) <= MAX_PORT:
        raise InputError(
            f"scheduler {fmt.quoted(text)}: {fmt.quoted(port_text)} is not a port (1 to {MAX_PORT}); {usage}"
        )
    return host, int(port_text)


def compute(tasks: list[Any], scheduler: Any) -> list[Any]:
    """Run the tasks on threads, a named dask scheduler, or a dask.distributed cluster; results in task order.

    ``scheduler`` has passed :func:`check_scheduler`. A cluster that cannot be reached within
    :data:`CONNECT_TIMEOUT_S`, has no worker, loses its workers or cancels the work is an :class:`InputError`;
    an error raised by a task is raised as it is.
    """
    import dask

    if not tasks:
        return []
    if isinstance(scheduler, str) and "://" in scheduler:
        return _on_cluster(tasks, scheduler)
    if scheduler is not None and not isinstance(scheduler, str):
        return _gather(scheduler, tasks, str(getattr(scheduler, "scheduler", "the client's scheduler")))
    from dask.base import named_schedulers

    # dask's own scheduler by its function, not its name: given a name, dask imports dask.distributed (half a
    # second and some 60 MB) to look for a client it would not use.
    return list(dask.compute(*tasks, scheduler=named_schedulers[scheduler or "threads"]))


def _on_cluster(tasks: list[Any], address: str) -> list[Any]:
    from distributed import Client

    # An in-process cluster has no socket to ask; its client is made at once.
    workers = None if address.lower().startswith(IN_PROCESS) else _probe(address)
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except Exception as error:  # it answered the probe a moment ago: it went away, or is not what it seemed
        log.info("connecting to the scheduler %s failed", address, exc_info=True)
        raise _unreachable(address, error) from None
    with client:
        if workers is None:
            workers = len(client.scheduler_info().get("workers", {}))
        if not workers:
            try:
                client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
            except TimeoutError:
                raise InputError(
                    f"scheduler {address}: has no worker (none joined within {CONNECT_TIMEOUT_S:g} s); start one "
                    f"with dask worker {address}"
                ) from None
        return _gather(client, tasks, address)


def _probe(address: str) -> int:
    """The number of workers of the scheduler at ``address``, asked once, within :data:`CONNECT_TIMEOUT_S`.

    A ``distributed.Client`` that fails to connect lingers: when collected it waits (10 s) to close and prints
    a traceback. So the address is asked first with one ``identity`` call, on an event loop of its own in a
    thread of its own (the caller may run a loop already, as Jupyter does); only a scheduler that answers gets
    a client.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from distributed.core import rpc

    async def identity() -> Any:
        async with rpc(address, timeout=CONNECT_TIMEOUT_S) as scheduler:
            return await scheduler.identity()

    def ask() -> Any:
        return asyncio.run(asyncio.wait_for(identity(), CONNECT_TIMEOUT_S))

    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            answer = pool.submit(ask).result()
    except Exception as error:  # refused, silent, or an answer that is not distributed's (e.g. an HTTP server)
        log.info("asking the scheduler %s failed", address, exc_info=True)
        raise _unreachable(address, error) from None
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        raise InputError(f"scheduler {address}: answers, but is not a dask scheduler; check the address and port")
    workers = answer.get("workers")
    return len(workers) if isinstance(workers, dict) else 0


def _unreachable(address: str, error: BaseException) -> InputError:
    if not isinstance(error, OSError | TimeoutError):  # it answered, in another protocol (garbage to distributed)
        return InputError(
            f"scheduler {address}: something answers there, but not a dask scheduler ({type(error).__name__}); "
            "check the address and port (dask scheduler listens on 8786)"
        )
    reason = "no answer" if isinstance(error, TimeoutError) else first_line(error)
    return InputError(
        f"scheduler {address}: cannot connect within {CONNECT_TIMEOUT_S:g} s ({reason}); is it running, and is "
        "the address right?"
    )


def _gather(client: Any, tasks: list[Any], address: str) -> list[Any]:
    from distributed import CancelledError, KilledWorker, TimeoutError
    from distributed.comm.core import CommClosedError

    try:
        return list(client.gather(client.compute(tasks)))
    except (KilledWorker, CancelledError, CommClosedError, TimeoutError) as error:
        log.info("the computation on %s failed", address, exc_info=True)
        raise InputError(
            f"scheduler {address}: the computation failed ({type(error).__name__}: {first_line(error)}); check that "
            "the workers are running and can read the parcel files (dask worker logs)"
        ) from None
