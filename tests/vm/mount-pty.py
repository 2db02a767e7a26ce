#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Drive an interactive program through a real pseudo-terminal.

    mount-pty.py ANSWERS_FILE TRANSCRIPT_FILE -- CMD [ARGS...]

Runs CMD on a new pty (its controlling terminal), and every time the
program waits for input after printing a prompt (output ending in ": ",
then silence), sends the next line of ANSWERS_FILE.  Answers never go on
a command line.  The whole terminal output (CR LF turned into LF) is
written to TRANSCRIPT_FILE; the exit status is the program's (128+N for a
signal).  More prompts than answers, or a program that hangs, is an error
(status 99) so a test cannot pass by accident.
"""
import os
import pty
import select
import sys
import time


def main():
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        sys.stderr.write(__doc__)
        return 2
    with open(sys.argv[1], "rb") as f:
        answers = f.read().split(b"\n")
    if answers and answers[-1] == b"":
        answers.pop()
    cmd = sys.argv[4:]
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    out = bytearray()
    pending = bytearray()  # output since the last answer
    deadline = time.monotonic() + 120
    status = None
    while True:
        if time.monotonic() > deadline:
            sys.stderr.write("mount-pty: timeout\n")
            os.kill(pid, 9)
            status = 99
            break
        r, _, _ = select.select([fd], [], [], 0.25)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                break
            out += data
            pending += data
            continue
        # Quiet for a while: is the program waiting at a prompt?
        if pending.endswith(b": ") or pending.endswith(b"]: "):
            if not answers:
                sys.stderr.write("mount-pty: prompt with no answer left: %r\n"
                                 % bytes(pending[-80:]))
                os.kill(pid, 9)
                status = 99
                break
            os.write(fd, answers.pop(0) + b"\n")
            pending = bytearray()
        else:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                # drain what is left
                try:
                    while True:
                        r, _, _ = select.select([fd], [], [], 0.2)
                        if not r:
                            break
                        data = os.read(fd, 4096)
                        if not data:
                            break
                        out += data
                except OSError:
                    pass
                status = os.waitstatus_to_exitcode(st)
                if status < 0:
                    status = 128 - status
                pid = None
                break
    if pid is not None:
        _, st = os.waitpid(pid, 0)
        if status is None:
            status = os.waitstatus_to_exitcode(st)
            if status < 0:
                status = 128 - status
    with open(sys.argv[2], "wb") as f:
        f.write(bytes(out).replace(b"\r\n", b"\n"))
    if status == 0 and answers:
        sys.stderr.write("mount-pty: %d answer(s) left unused\n" % len(answers))
        return 99
    return status


if __name__ == "__main__":
    sys.exit(main())
