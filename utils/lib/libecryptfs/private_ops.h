// SPDX-License-Identifier: GPL-2.0-only
/*
 * Actions on a user's private directory that several tools and
 * pam_ecryptfs share: loading its keys into the keyring from the mount
 * passphrase or the wrapped-passphrase file, and running the setuid helper.
 */
#ifndef LIBECRYPTFS_PRIVATE_OPS_H
#define LIBECRYPTFS_PRIVATE_OPS_H

#include <functional>
#include <string>
#include <vector>

#include "libecryptfs/paths.h"
#include "libecryptfs/private_dir.h"
#include "libecryptfs/result.h"
#include "libecryptfs/secure.h"

namespace ecryptfs::priv {

/* Where the setuid helper is installed ($sbindir, from the build). */
inline constexpr const char *kMountHelper = paths::kMountHelper;
inline constexpr const char *kUmountHelper = paths::kUmountHelper;

/*
 * The private-directory files of the user running the tool (real uid).
 * Prints "ERROR: <reason>" and exits with status 1 when the account cannot
 * be looked up.
 */
Paths own_paths_or_exit();

/*
 * Add the keys of mount passphrase @mountpass to @u: the filename key
 * (salt "99887766") when @fnek, then the file key (~/.ecryptfsrc salt or
 * the default).  Returns their sigs.
 */
Result<Sigs> add_mount_passphrase_keys(const Passphrase &mountpass, bool fnek);

/*
 * Unwrap @wrapped_file with @wrapping and add the keys @expected lists
 * (the filename key only when @expected has one).
 */
Status add_keys_from_wrapped_file(const std::string &wrapped_file, const Passphrase &wrapping,
				  const Sigs &expected);

/* Unlink the keys of @sigs from @u (absent keys are not an error). */
void remove_keys(const Sigs &sigs);

/* keyctl link @u @s, best effort. */
void link_user_keyring_into_session();

/*
 * Run @path with @args (argv[0] included) and wait: its exit status, or -1
 * if it could not run.  @in_child runs in the child before exec (drop
 * privileges, clear the environment); @quiet sends its output to
 * /dev/null.
 */
int run_program(const std::string &path, const std::vector<std::string> &args,
		const std::function<void()> &in_child = {}, bool quiet = false);

/* Read a whole (small) file; nullopt when it cannot be read. */
std::optional<std::string> read_small_file(const std::string &path, std::size_t max = 65536);

/* The mount point: first line of Private.mnt, or ~/Private. */
std::string configured_mountpoint(const Paths &paths);

/* A process running with some uid of the user's. */
struct ProcessInfo {
	pid_t pid;
	std::string comm;
};

/* Every process of @uid in @proc (/proc): "is the user logged out?" asks this. */
std::vector<ProcessInfo> processes_of(uid_t uid, const std::string &proc = "/proc");

/* Is there an ecryptfs mount whose source is @src or whose target is @dst? */
bool ecryptfs_mounted(const std::string &src, const std::string &dst);

} // namespace ecryptfs::priv

#endif
