// SPDX-License-Identifier: GPL-2.0-only
/*
 * Crash-safe file replacement: write a temporary file in the same directory
 * (created by mkstemp with mode 0600, or stricter under a umask with owner
 * bits, then set to exactly 0600 while still empty: never group- or
 * world-readable at any moment), fsync it, rename it
 * over the target and fsync the directory.  At any crash point the target is
 * either the old file or the complete new one.
 */
#ifndef LIBECRYPTFS_ATOMIC_FILE_H
#define LIBECRYPTFS_ATOMIC_FILE_H

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "libecryptfs/result.h"

namespace ecryptfs {

Status replace_file_atomically(const std::string &path, std::span<const std::uint8_t> contents);

/*
 * Read up to @max bytes from @fd (fewer at end of file), retrying short
 * reads and EINTR.  The error code is the negative errno of read(2).
 */
Result<std::vector<std::uint8_t>> read_up_to(int fd, std::size_t max);

} // namespace ecryptfs

#endif
