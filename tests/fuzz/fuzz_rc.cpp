// SPDX-License-Identifier: GPL-2.0-only
/* ~/.ecryptfsrc: the salt lookup and the name=value parser the mount helper applies to it. */
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "libecryptfs/mount_options.h"
#include "libecryptfs/rc.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	const std::string_view text(reinterpret_cast<const char *>(data), size);
	(void)ecryptfs::salt_from_rc_text(text);
	auto pairs = ecryptfs::mount::parse_name_values(text);
	if (pairs)
		(void)ecryptfs::mount::merge_rc_and_command_line(pairs.value(), {});
	return 0;
}
