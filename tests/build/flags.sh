#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/build/flags.sh DIR BUILD_TYPE [CMAKE-ARGS...]
#
# Configure and build the whole tree (tests included) in DIR with the given
# CMake build type, warnings as errors, and the compiler flags in CFLAGS and
# CXXFLAGS (a distribution's defaults).  Fails on any warning.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
dir=$1 type=$2
shift 2
echo "build type $type; CFLAGS='${CFLAGS:-}' CXXFLAGS='${CXXFLAGS:-}'"
rm -rf "$dir"
cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DECRYPTFS_WERROR=ON "$@" >/dev/null
nice cmake --build "$dir" -j"$(nproc)" 2>&1 | grep -E "warning|error|Error" || true
# The build's exit status, not grep's.
nice cmake --build "$dir" -j"$(nproc)" >/dev/null
echo "built $type without a warning"
