// SPDX-License-Identifier: GPL-2.0-only
/*
 * The questions mount.ecryptfs asks, in the words, order and answer rules of
 * ecryptfs-utils 111 (key type, passphrase, cipher, key bytes, plaintext
 * passthrough, filename encryption and its key signature), skipping every
 * question whose answer the options already give.  The engine talks through
 * a DialogIo so tests can drive it with scripted streams, and adds keys
 * through a callback so it can run without a kernel keyring.
 */
#ifndef LIBECRYPTFS_MOUNT_DIALOG_H
#define LIBECRYPTFS_MOUNT_DIALOG_H

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libecryptfs/crypto.h"
#include "libecryptfs/key_module.h"
#include "libecryptfs/mount_options.h"
#include "libecryptfs/result.h"
#include "libecryptfs/secure.h"

namespace ecryptfs::mount {

class DialogIo {
public:
	virtual ~DialogIo() = default;
	/* Text for the user (prompts, menus, summaries): stdout. */
	virtual void out(std::string_view text) = 0;
	/* Diagnostics: stderr. */
	virtual void err(std::string_view text) = 0;
	/* One answer line without its newline; nullopt at end of input. */
	virtual std::optional<std::string> read_line() = 0;
	/* One secret line read with echo off: -EIO at end of input, -EINVAL if too long. */
	virtual Result<Passphrase> read_secret() = 0;
};

/* DialogIo over C++ streams (for tests and pipes). */
class StreamDialogIo : public DialogIo {
public:
	StreamDialogIo(std::istream &in, std::ostream &out, std::ostream &err)
		: in_(in), out_(out), err_(err) {}
	void out(std::string_view text) override;
	void err(std::string_view text) override;
	std::optional<std::string> read_line() override;
	Result<Passphrase> read_secret() override;

private:
	std::istream &in_;
	std::ostream &out_;
	std::ostream &err_;
};

/* DialogIo on the process's stdin/stdout/stderr; echo off for secrets on a terminal. */
class TerminalDialogIo : public DialogIo {
public:
	void out(std::string_view text) override;
	void err(std::string_view text) override;
	std::optional<std::string> read_line() override;
	Result<Passphrase> read_secret() override;
};

/* One entry of the cipher menu (the reference's fixed table). */
struct CipherInfo {
	const char *name;
	unsigned block_size;
	unsigned min_key;
	unsigned max_key;
	std::vector<unsigned> key_sizes; /* menu order */
};
const std::vector<CipherInfo> &cipher_table();

/* Kernel feature bits (<sysfs>/fs/ecryptfs/version). */
inline constexpr std::uint32_t kFeaturePassphrase = 0x1;
inline constexpr std::uint32_t kFeaturePubkey = 0x2;
inline constexpr std::uint32_t kFeaturePassthrough = 0x4;
inline constexpr std::uint32_t kFeatureXattr = 0x10;
inline constexpr std::uint32_t kFeatureFilenameCrypto = 0x100;

struct DialogConfig {
	std::uint32_t kernel_mask = 0x177;
	/* Adds the key of a passphrase to the keyring, returns its signature. */
	std::function<Result<std::string>(const Passphrase &, const Salt &)> add_key;
	/* Prompt for the passphrase of a wrapped-passphrase file ("Wrapping passphrase"). */
	bool allow_wrapped_passwd_file = true;
	/*
	 * Loaded key modules (key=<alias>), offered in the key-type menu
	 * before "passphrase" when the kernel has public-key support.  With
	 * none, the menu is the reference's Debian one (tspi, passphrase).
	 */
	std::vector<const keymod::Module *> modules;
	/* Adds a module key (keymod::add_module_key); its sig becomes ecryptfs_sig. */
	std::function<Result<keymod::AddedModuleKey>(const keymod::Module &, const keymod::Values &)>
		add_module_key;
};

/* What the dialog decided. */
struct MountPlan {
	std::vector<std::string> generated; /* kernel options, in the order they were decided */
	std::vector<std::string> kept;      /* kernel options given as such by the user */
	unsigned long flags_set = 0;        /* MS_* from generic flags */
	unsigned long flags_clear = 0;
	std::vector<std::string> new_sigs; /* ecryptfs_sig values of the keys (sig cache) */
	bool sig_cache = true;
	bool verbose = false;
	int verbosity = 1;
};

/* Options a run starts with, before any question. */
struct Options {
	std::vector<NameValue> merged; /* ~/.ecryptfsrc pairs merged with -o */
	std::vector<NameValue> command_line;
};

/*
 * Check the -o pairs: every name must be known.  Returns -EINVAL naming the
 * first unknown option; "remount" is -EINVAL with the reference's advice.
 */
Status check_command_line(const std::vector<NameValue> &cmd);
/* The same, also accepting the option names of key modules (keymod::option_names). */
Status check_command_line(const std::vector<NameValue> &cmd,
			  const std::vector<std::string> &module_names);

/*
 * Ask what is missing and add the keys.  Errors carry the reference's codes:
 * -EINVAL for a bad or missing value without prompting, -EIO for end of input.
 */
Result<MountPlan> run_dialog(DialogIo &io, const Options &opts, const DialogConfig &cfg);

/* The reference's option summary ("Attempting to mount with...") lines. */
std::string summary(const MountPlan &plan);

/* The kernel option string of a plan ("ecryptfs_unlink_sigs" always included). */
std::string kernel_options(const MountPlan &plan);

enum class SigDecision { proceed, abort };

/*
 * The sig-cache check for @sig: the WARNING block and the two yes/no
 * questions when @sig is not in the cache at @cache_path.  @append adds it.
 * -EINVAL after five answers that are neither "yes" nor "no".
 */
Result<SigDecision> confirm_sig(DialogIo &io, const std::string &cache_path, std::string_view sig,
				const std::function<Status()> &append);

} // namespace ecryptfs::mount

#endif
