// SPDX-License-Identifier: GPL-2.0-only
/*
 * The files the setuid mount.ecryptfs_private reads from the user's
 * ~/.ecryptfs (ALIAS.conf, Private.mnt, ALIAS.sig), its session counter,
 * and the sig cache (~/.ecryptfs/sig-cache.txt).
 */
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "libecryptfs/private_dir.h"
#include "libecryptfs/sig_cache.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	using namespace ecryptfs;
	const std::string_view text(reinterpret_cast<const char *>(data), size);
	(void)priv::parse_alias_conf(text);
	(void)priv::mountpoint_from_mnt_text(text, "/home/u/Private");
	if (auto sigs = priv::parse_sig_file(text); sigs)
		(void)priv::format_sig_file(sigs.value());
	auto c = priv::parse_counter(text);
	(void)priv::format_counter(c);
	(void)priv::status_has_uid(text, 1000);
	(void)sig_cache::text_contains(text, "0123456789abcdef");
	(void)priv::valid_alias(text);
	(void)priv::valid_username(text);
	return 0;
}
