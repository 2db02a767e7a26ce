// SPDX-License-Identifier: GPL-2.0-only
/*
 * The keyring payload of a key-module key (read back by ecryptfsd for every
 * request): the token parser, and a rebuild of what it accepted.
 */
#include <cstddef>
#include <cstdint>
#include <span>

#include "libecryptfs/key_module.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	using namespace ecryptfs;
	auto t = keymod::parse_private_key_token(std::span<const std::uint8_t>(data, size));
	if (t)
		(void)keymod::build_private_key_token(t.value().alias, t.value().sig, t.value().blob);
	return 0;
}
