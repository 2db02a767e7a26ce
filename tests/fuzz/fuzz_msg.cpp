// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/ecryptfs messages (include/ecryptfs/msg.c): what the kernel accepts
 * from a daemon's write() (any process that opened the device), the
 * daemon's replies the kernel decodes (tag 65 and 67), and the requests
 * and key blobs the daemon decodes.
 */
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ecryptfs/msg.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::vector<std::uint8_t> in(data, data + size);
	struct ecryptfs_msg m{};
	if (!in.empty() && ecryptfs_msg_parse_from_daemon(in.data(), in.size(), &m) == 0 &&
	    m.has_body && m.data_len) {
		const std::uint8_t *cipher_key = nullptr;
		std::size_t key_len = 0;
		std::uint8_t code = 0;
		(void)ecryptfs_msg_parse_tag65(m.data, m.data_len, &code, &cipher_key, &key_len);
		const std::uint8_t *efek = nullptr;
		std::size_t efek_len = 0;
		(void)ecryptfs_msg_parse_tag67(m.data, m.data_len, &efek, &efek_len);
	}
	if (ecryptfs_msg_parse(in.data(), in.size(), ECRYPTFS_MSG_MAX_READ, &m) == 0 && m.has_body &&
	    m.data_len) {
		struct ecryptfs_msg_request r{};
		(void)ecryptfs_msg_parse_request(m.data, m.data_len, &r);
	}
	/* The raw bytes as each body too. */
	struct ecryptfs_msg_request r{};
	(void)ecryptfs_msg_parse_request(in.data(), in.size(), &r);
	const std::uint8_t *p = nullptr;
	std::size_t n = 0;
	std::uint8_t code = 0;
	(void)ecryptfs_msg_parse_tag65(in.data(), in.size(), &code, &p, &n);
	(void)ecryptfs_msg_parse_tag67(in.data(), in.size(), &p, &n);
	(void)ecryptfs_msg_parse_key_blob(in.data(), in.size(), &code, &p, &n);
	return 0;
}
