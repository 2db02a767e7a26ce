// SPDX-License-Identifier: GPL-2.0-only
/*
 * Encrypted file names (include/ecryptfs/fname.c, run by the kernel on
 * every lower name it lists or looks up): the lower name decoder, the tag
 * 70 packet parser, the plaintext extractor and the base64-like decoder.
 */
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ecryptfs/fname.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::vector<std::uint8_t> in(data, data + size);
	const char *name = reinterpret_cast<const char *>(in.data());

	/* As a lower name (with and without the prefix the fuzzer may find). */
	if (ecryptfs_fname_is_encrypted(name, in.size())) {
		std::vector<std::uint8_t> scratch(
			ecryptfs_fname_max_decoded_len(in.size() - ECRYPTFS_FNEK_PREFIX_LEN) + 1);
		struct ecryptfs_tag70 pkt{};
		if (ecryptfs_fname_decode_lower(name, in.size(), scratch.data(), scratch.size(), &pkt) ==
		    0) {
			if (pkt.ciphertext < scratch.data() ||
			    pkt.ciphertext + pkt.ciphertext_len > scratch.data() + scratch.size())
				__builtin_trap();
		}
	}
	/* As the encoded part alone. */
	std::vector<std::uint8_t> dec(ecryptfs_fname_max_decoded_len(in.size()) + 1);
	(void)ecryptfs_fname_decode(name, in.size(), dec.data());
	/* As a tag 70 packet. */
	struct ecryptfs_tag70 pkt{};
	(void)ecryptfs_tag70_parse(in.data(), in.size(), &pkt);
	/* As a decrypted plaintext block. */
	const std::uint8_t *plain = nullptr;
	std::size_t plain_len = 0;
	if (ecryptfs_fname_extract(in.data(), in.size(), &plain, &plain_len) == 0 &&
	    (plain < in.data() || plain + plain_len > in.data() + in.size()))
		__builtin_trap();
	return 0;
}
