// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fixed part of a lower file's header, as ecryptfs-stat shows it:
 * BE64 size, marker pair (m1 ^ 0x3c81b7f5 == m2), BE32 flags word (version
 * in the top byte), BE32 header extent size, BE16 number of header extents.
 * The layout constants and the size/marker readers are the shared ones of
 * include/ecryptfs/header.h; the checks are ecryptfs-utils' (any version is
 * shown, the extent fields are read for every version), not the kernel's.
 */
#ifndef LIBECRYPTFS_LOWER_HEADER_H
#define LIBECRYPTFS_LOWER_HEADER_H

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "libecryptfs/result.h"

namespace ecryptfs {

/* ecryptfs-stat needs at least the size, the marker and the flags word. */
inline constexpr std::size_t kHeaderStatMinBytes = 20;

struct LowerHeader {
	unsigned version = 0;
	std::uint64_t file_size = 0;
	std::uint64_t header_bytes = 0;
	bool hmac = false;
	bool encrypted = false;
	bool metadata_in_xattr = false;
};

/*
 * Parse the first bytes of a lower file.  On failure the Error's reason is
 * the exact diagnostic text ecryptfs-stat prints (one or more lines, each
 * ending in a newline).  Fields beyond the end of @buf read as zero.
 */
Result<LowerHeader> parse_lower_header(std::span<const std::uint8_t> buf);

} // namespace ecryptfs

#endif
