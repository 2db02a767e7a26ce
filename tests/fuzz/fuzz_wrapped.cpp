// SPDX-License-Identifier: GPL-2.0-only
/*
 * wrapped-passphrase files (v1 and v2), as read by the PAM module and the
 * tools.  The key derivation is slow, so most inputs are refused before it.
 */
#include <cstddef>
#include <cstdint>
#include <span>

#include "libecryptfs/crypto.h"
#include "libecryptfs/wrapped.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	static const ecryptfs::Passphrase wrapping{std::string_view("fuzz wrapping passphrase")};
	(void)ecryptfs::wrapped::unwrap(std::span<const std::uint8_t>(data, size), wrapping,
					ecryptfs::kDefaultSalt);
	return 0;
}
