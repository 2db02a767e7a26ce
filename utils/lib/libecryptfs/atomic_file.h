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

#include "libecryptfs/result.h"

namespace ecryptfs {

Status replace_file_atomically(const std::string &path, std::span<const std::uint8_t> contents);

} // namespace ecryptfs

#endif
