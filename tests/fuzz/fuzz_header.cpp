// SPDX-License-Identifier: GPL-2.0-only
/*
 * The file header parser the kernel module runs on every lower file
 * (include/ecryptfs/header.c: fixed part, then every key packet), and the
 * userland reader built on it (parse_lower_header).  Input: the first bytes
 * of a lower file or a user.ecryptfs xattr value.
 */
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ecryptfs/header.h"
#include "libecryptfs/lower_header.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	/* An exact-size copy, so that a read past the end is caught. */
	std::vector<std::uint8_t> buf(data, data + size);
	for (bool xattr : {false, true}) {
		struct ecryptfs_hdr hdr{};
		if (ecryptfs_hdr_parse(buf.data(), buf.size(), xattr, &hdr) != 0)
			continue;
		std::size_t pos = hdr.packets_offset;
		struct ecryptfs_hdr_key key{};
		for (int n = 0; n < 64 && ecryptfs_hdr_next_key(buf.data(), buf.size(), &pos, &key) == 1;
		     ++n) {
			if (key.efek_len && (key.efek < buf.data() ||
					     key.efek + key.efek_len > buf.data() + buf.size()))
				__builtin_trap();
		}
	}
	(void)ecryptfs_hdr_marker_valid(buf.data(), buf.size());
	size_t plen = 0, lsize = 0;
	(void)ecryptfs_parse_packet_length(buf.data(), buf.size(), &plen, &lsize);
	(void)ecryptfs::parse_lower_header(buf);
	return 0;
}
