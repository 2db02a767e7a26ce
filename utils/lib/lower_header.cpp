// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/lower_header.h"

#include <cerrno>

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
	LowerHeader h;
	h.file_size = be(buf, 0, 8);
	auto m1 = static_cast<std::uint32_t>(be(buf, 8, 4));
	auto m2 = static_cast<std::uint32_t>(be(buf, 12, 4));
	if ((m1 ^ kMagicMarker) != m2)
		return Error{-EINVAL, "ecryptfs_parse_stat: Magic eCryptfs marker not found in header.\n"};
	auto flags = static_cast<std::uint32_t>(be(buf, 16, 4));
	h.version = flags >> 24;
	h.hmac = flags & kHeaderFlagHmac;
	h.encrypted = flags & kHeaderFlagEncrypted;
	h.metadata_in_xattr = flags & kHeaderFlagMetadataInXattr;
	h.header_bytes = be(buf, 20, 4) * be(buf, 24, 2);
	if (h.header_bytes < kMinimumHeaderBytes)
		return Error{-EINVAL, "ecryptfs_parse_header_metadata Invalid header size: [" +
					      std::to_string(h.header_bytes) +
					      "]\necryptfs_parse_stat: Invalid header content.\n"};
	return h;
}

} // namespace ecryptfs
