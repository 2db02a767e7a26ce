#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Print the commands of a manual page's EXAMPLES section.

    man-examples.py PAGE

Every line between .EX and .EE inside the EXAMPLES section, with the roff
escapes the pages use turned back into what a reader types.  Exit status 1
when the page has no EXAMPLES section or no command in it, so a test that
runs them cannot pass by running nothing.
"""
import re
import sys

ESCAPES = [("\\(aq", "'"), ("\\(dq", '"'), ("\\-", "-"), ("\\&", ""), ("\\e", "\\")]


def unescape(line):
    out, i = [], 0
    while i < len(line):
        for esc, text in ESCAPES:
            if line.startswith(esc, i):
                out.append(text)
                i += len(esc)
                break
        else:
            if line[i] == "\\":
                raise ValueError("unknown roff escape in an example: %r" % line)
            out.append(line[i])
            i += 1
    return "".join(out)


def examples(path):
    section, in_ex, cmds = None, False, []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r'^\.SH\s+"?([^"]*)"?$', line)
            if m:
                section = m.group(1)
                continue
            if section != "EXAMPLES":
                continue
            if line.startswith(".EX"):
                in_ex = True
            elif line.startswith(".EE"):
                in_ex = False
            elif in_ex:
                cmds.append(unescape(line))
    return cmds


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    cmds = examples(sys.argv[1])
    if not cmds:
        sys.stderr.write("%s: no command in EXAMPLES\n" % sys.argv[1])
        return 1
    print("\n".join(cmds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
