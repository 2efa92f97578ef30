"""Seal a query worker off the network: after `seal_network()` the process cannot open an
Internet socket (IPv4 or IPv6), whatever the code running in it tries.

Why: SERVICE (and LOAD) make the engine send requests, and the only reading of a query that
counts is the engine's own. The endpoint checks SERVICE targets before running a query
(`query_text.federation`), but a check written outside the engine can read a text differently
(escapes, a keyword glued to a name). So every query runs in a sealed worker, where a SERVICE
call the check did not see fails with "permission denied", and only a query whose every SERVICE
target the check proved to be on the allow-list runs in a worker that may connect.

How: a seccomp filter (Linux): `socket(AF_INET | AF_INET6, ...)` and `io_uring_setup` fail with
EACCES; everything else is allowed (the worker's own pipe to the server already exists, and
Unix sockets stay usable). `PR_SET_NO_NEW_PRIVS` first, so no privilege is needed. Elsewhere (or
on a kernel without seccomp) `seal_network()` returns False and the check alone decides.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import socket
import struct
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
# (audit arch, socket, io_uring_setup) per machine
ARCHES = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}
X32_SYSCALL_BIT = 0x40000000

# classic BPF opcodes
LD_ABS_W, JEQ_K, JGE_K, RET_K = 0x20, 0x15, 0x35, 0x06
NR, ARCH, ARG0 = 0, 4, 16  # offsets in struct seccomp_data (arg0's low 32 bits, little-endian)


def _program(arch: int, socket_nr: int, io_uring_nr: int) -> list[tuple[int, int, int, int]]:
    deny = SECCOMP_RET_ERRNO | errno.EACCES
    return [
        (LD_ABS_W, 0, 0, ARCH),
        (JEQ_K, 1, 0, arch),  # another ABI than the native one: deny
        (RET_K, 0, 0, deny),
        (LD_ABS_W, 0, 0, NR),
        (JGE_K, 0, 1, X32_SYSCALL_BIT),  # x32 calls on x86_64: deny
        (RET_K, 0, 0, deny),
        (JEQ_K, 0, 1, io_uring_nr),
        (RET_K, 0, 0, deny),
        (JEQ_K, 0, 4, socket_nr),  # not socket(): allow
        (LD_ABS_W, 0, 0, ARG0),
        (JEQ_K, 1, 0, socket.AF_INET),
        (JEQ_K, 0, 1, socket.AF_INET6),
        (RET_K, 0, 0, deny),
        (RET_K, 0, 0, SECCOMP_RET_ALLOW),
    ]


def seal_network() -> bool:
    """Forbid Internet sockets to this process (and its threads and children) for good.
    True if the seal is in place; False where the system offers no way to do it."""
    machine = platform.machine()
    if sys.platform != "linux" or machine not in ARCHES:
        return False
    program = _program(*ARCHES[machine])
    filters = b"".join(struct.pack("HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(filters)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(program), ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
        return False
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
        return False
    return True


def is_sealed_failure(message: str) -> bool:
    """Whether an engine error is the seal refusing a connection (EACCES from socket())."""
    return "os error 13" in message or "Permission denied" in message
