// SPDX-License-Identifier: GPL-2.0-only
/*
 * mount -o strings: the name=value parser, the option check, the whole
 * dialog without a terminal with the real key modules loaded (the
 * parameter strings of key=passphrase:..., key=openssl:..., key=pkcs11:...,
 * key=tpm:...; keys are neither derived nor made, stubs add them), the
 * kernel option string it builds, and the helpers that read options back
 * from /proc/mounts.
 */
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libecryptfs/key_module.h"
#include "libecryptfs/mount_dialog.h"
#include "libecryptfs/mount_options.h"
#include "libecryptfs/private_dir.h"

namespace {

class NoTerminal : public ecryptfs::mount::DialogIo {
public:
	void out(std::string_view) override {}
	void err(std::string_view) override {}
	std::optional<std::string> read_line() override { return std::nullopt; }
	ecryptfs::Result<ecryptfs::Passphrase> read_secret() override
	{
		return ecryptfs::Error{-5, "end of input"};
	}
};

const ecryptfs::keymod::LoadedModules &modules()
{
	static const ecryptfs::keymod::LoadedModules loaded =
		ecryptfs::keymod::load_all(FUZZ_KEYMOD_DIR);
	return loaded;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	using namespace ecryptfs;
	const std::string_view text(reinterpret_cast<const char *>(data), size);
	(void)mount::option_values(text, "ecryptfs_sig");
	(void)mount::has_option(text, "ecryptfs_check_dev_ruid");
	(void)priv::options_have_sig(text, "0123456789abcdef");
	auto pairs = mount::parse_name_values(text);
	if (!pairs)
		return 0;
	for (const auto &nv : pairs.value()) {
		(void)mount::printable_name(nv);
		(void)mount::kernel_accepts(nv);
		unsigned long set = 0, clear = 0;
		(void)mount::flag_bits(nv.name, set, clear);
	}
	std::vector<std::string> module_names;
	for (const auto &m : modules().modules)
		for (auto &n : keymod::option_names(m))
			module_names.push_back(std::move(n));
	if (!mount::check_command_line(pairs.value(), module_names))
		return 0;
	mount::Options opts;
	opts.command_line = pairs.value();
	opts.merged = pairs.value();
	mount::DialogConfig cfg;
	cfg.add_key = [](const Passphrase &, const Salt &) -> Result<std::string> {
		return std::string("0123456789abcdef");
	};
	cfg.allow_wrapped_passwd_file = false;
	cfg.kernel_mask |= mount::kFeaturePubkey;
	for (const auto &m : modules().modules)
		cfg.modules.push_back(&m);
	cfg.add_module_key = [](const keymod::Module &, const keymod::Values &)
		-> Result<keymod::AddedModuleKey> {
		return keymod::AddedModuleKey{"0123456789abcdef", KeyAdded::added, 256};
	};
	NoTerminal io;
	auto plan = mount::run_dialog(io, opts, cfg);
	if (plan) {
		(void)mount::summary(plan.value());
		(void)mount::kernel_options(plan.value());
	}
	return 0;
}
