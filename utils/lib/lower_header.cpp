// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/lower_header.h"

#include <algorithm>
#include <array>
#include <cerrno>

#include "ecryptfs/header.h"

namespace ecryptfs {

namespace {

std::uint64_t be(std::span<const std::uint8_t> buf, std::size_t off, std::size_t n)
{
	std::uint64_t v = 0;
	for (std::size_t i = 0; i < n; i++)
		v = (v << 8) | (off + i < buf.size() ? buf[off + i] : 0);
	return v;
}

} // namespace

Result<LowerHeader> parse_lower_header(std::span<const std::uint8_t> buf)
{
	if (buf.size() < kHeaderStatMinBytes)
		return Error{-EINVAL, "ecryptfs_parse_stat: Invalid metadata size; must have at least [" +
					      std::to_string(kHeaderStatMinBytes) +
					      "] bytes; there are only [" +
					      std::to_string(buf.size()) + "] bytes\n"};
	/*
	 * Fields past the end of a short buffer read as zero (the reference
	 * reads uninitialised memory there).
	 */
	std::array<std::uint8_t, ECRYPTFS_FIXED_HEADER_BYTES> fixed{};
	std::copy_n(buf.begin(), std::min(buf.size(), fixed.size()), fixed.begin());
	if (!ecryptfs_hdr_marker_valid(fixed.data(), fixed.size()))
		return Error{-EINVAL, "ecryptfs_parse_stat: Magic eCryptfs marker not found in header.\n"};
	LowerHeader h;
	h.file_size = ecryptfs_hdr_get_size(fixed.data());
	auto flags = static_cast<std::uint32_t>(be(fixed, 16, 4));
	h.version = flags >> 24;
	h.hmac = flags & ECRYPTFS_HDR_FLAG_HMAC;
	h.encrypted = flags & ECRYPTFS_HDR_FLAG_ENCRYPTED;
	h.metadata_in_xattr = flags & ECRYPTFS_HDR_FLAG_METADATA_IN_XATTR;
	h.header_bytes = be(fixed, 20, 4) * be(fixed, 24, 2);
	if (h.header_bytes < ECRYPTFS_MIN_HEADER_SIZE)
		return Error{-EINVAL, "ecryptfs_parse_header_metadata Invalid header size: [" +
					      std::to_string(h.header_bytes) +
					      "]\necryptfs_parse_stat: Invalid header content.\n"};
	return h;
}

} // namespace ecryptfs
