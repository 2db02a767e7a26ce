// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/self/mountinfo as the setuid mount.ecryptfs_private reads it: the
 * kernel writes it, but its paths (mount points, sources) are the user's.
 */
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "libecryptfs/private_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	using namespace ecryptfs;
	const std::string_view text(reinterpret_cast<const char *>(data), size);
	for (const auto &m : priv::parse_mountinfo(text))
		(void)priv::options_have_sig(m.super_opts, "0123456789abcdef");
	return 0;
}
