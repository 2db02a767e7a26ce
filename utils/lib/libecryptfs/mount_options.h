// SPDX-License-Identifier: GPL-2.0-only
/*
 * The option model of mount.ecryptfs: the name=value grammar of "-o",
 * ~/.ecryptfsrc and passphrase files (ecryptfs-utils' nvp parser), what each
 * name means (helper option, kernel option, generic mount flag, mount(8)
 * bookkeeping), the merge of ~/.ecryptfsrc with the command line, and the
 * kernel option string sent to mount(2).
 *
 * Unlike the reference, a name nobody knows is an error instead of being
 * handed to the kernel in clear text (where it would also show up in
 * /proc/mounts).
 */
#ifndef LIBECRYPTFS_MOUNT_OPTIONS_H
#define LIBECRYPTFS_MOUNT_OPTIONS_H

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libecryptfs/result.h"

namespace ecryptfs::mount {

inline constexpr std::size_t kMaxTokenLength = 128;    /* nvp parser limit */
inline constexpr std::size_t kMaxOptionsFileBytes = 40960;

/*
 * One name=value pair.  A value of nullopt means "given without a value"
 * ("name" or "name=").  Values that may hold a passphrase are wiped by the
 * destructor.
 */
struct NameValue {
	std::string name;
	std::optional<std::string> value;

	NameValue() = default;
	NameValue(std::string n, std::optional<std::string> v)
		: name(std::move(n)), value(std::move(v)) {}
	NameValue(const NameValue &) = default;
	NameValue(NameValue &&) = default;
	NameValue &operator=(const NameValue &) = default;
	NameValue &operator=(NameValue &&) = default;
	~NameValue();
};

/* Overwrite the characters of @s, then empty it. */
void wipe(std::string &s) noexcept;

/*
 * Split @text into pairs like ecryptfs-utils: tokens separated by ',' (and
 * '\n' in files); name = text before the last '=', value = text after it;
 * "key=MODULE:a=b:c=d" becomes key=MODULE, a=b, c=d.  A token starting with
 * '=' or ':' or longer than 128 characters is -EINVAL.
 */
Result<std::vector<NameValue>> parse_name_values(std::string_view text);

/* What a name in "-o" is. */
enum class Kind {
	helper,    /* read by mount.ecryptfs, never sent to the kernel */
	kernel,    /* an option of the ecryptfs kernel module, sent as given */
	flag,      /* a generic mount flag (ro, nosuid, relatime...) -> mount(2) flags */
	userspace, /* mount(8)/fstab bookkeeping (user, noauto, x-*...): ignored */
	unknown,
};

Kind classify(std::string_view name);

/*
 * The name as safe to print: up to the first '=' (a mistyped
 * "passwd=a=b" must not echo the passphrase).
 */
std::string printable_name(const NameValue &nv);

/*
 * Would the ecryptfs kernel module take this pair as it is?  True for the
 * kernel options, including those the dialog also reads (ecryptfs_cipher=,
 * ecryptfs_key_bytes=, ecryptfs_fnek_sig=, bare ecryptfs_passthrough...).
 */
bool kernel_accepts(const NameValue &nv);

/* Names that ~/.ecryptfsrc entries may repeat and the command line appends to. */
bool is_repeatable(std::string_view name);

/*
 * ~/.ecryptfsrc pairs, then the command line: a command-line pair replaces
 * the rc pairs of the same name, except repeatable names, which are
 * appended after them.
 */
std::vector<NameValue> merge_rc_and_command_line(std::vector<NameValue> rc,
						 const std::vector<NameValue> &cmd);

/*
 * Generic mount flags of @name (MS_* bits) for mount(2): @set gets the bits
 * to set, @clear the bits the name clears.  False for a name that is not a
 * flag.
 */
bool flag_bits(std::string_view name, unsigned long &set, unsigned long &clear);

/*
 * The kernel option string: @generated in order, then @kept, each once
 * (exact duplicates dropped), comma-separated.
 */
std::string join_kernel_options(const std::vector<std::string> &generated,
				const std::vector<std::string> &kept);

/* Values of every "name=value" token called @name in a comma-separated option string. */
std::vector<std::string> option_values(std::string_view options, std::string_view name);

/* True if the comma-separated @options hold the token @name (with or without value). */
bool has_option(std::string_view options, std::string_view name);

/* A signature as the kernel and the keyring name them: 16 hex digits. */
bool is_valid_sig(std::string_view sig);

} // namespace ecryptfs::mount

#endif
