"""Functions the worker-pool tests run in worker processes (importable by a spawned child)."""
import os
import signal
import time


def echo(x):
    return x * 2


def raises(x):
    raise ValueError(f"bad input {x}")


def sleeps(seconds, pidfile=None):
    if pidfile:
        with open(pidfile, "w") as f:
            f.write(str(os.getpid()))
    time.sleep(seconds)
    return "woke up"


def hogs(megabytes):
    block = bytearray(megabytes << 20)  # zero pages: touch them so they are resident
    for i in range(0, len(block), 4096):
        block[i] = 1
    time.sleep(30)
    return len(block)


def dies_on_zero(x):
    if x == 0:
        os.kill(os.getpid(), signal.SIGKILL)
    return x * 2
