// SPDX-License-Identifier: GPL-2.0-only
/*
 * Key modules (include/ecryptfs/keymod.h) seen from the tools: loading every
 * module of the key-module directory, calling a module with checked buffers,
 * the private-key auth token, and the one function that adds a module's key
 * (make_key -> token -> user keyring -> the secret to the user's ecryptfsd).
 *
 * Used by mount.ecryptfs, ecryptfs-manager and ecryptfsd.
 */
#ifndef LIBECRYPTFS_KEY_MODULE_H
#define LIBECRYPTFS_KEY_MODULE_H

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "ecryptfs/keymod.h"
#include "libecryptfs/keyring.h"
#include "libecryptfs/result.h"
#include "libecryptfs/secure.h"

namespace ecryptfs::keymod {

/*
 * The key-module directory: $ECRYPTFS_KEYMOD_DIR when the process is not
 * setuid/setgid (secure_getenv), else the directory configured at build
 * time (libecryptfs/paths.h: CMake's ECRYPTFS_KEYMOD_DIR, default $libdir/ecryptfs).
 */
std::string module_dir();

/* Parameter values for a module call; values are wiped when released. */
class Values {
public:
	void set(std::string_view name, std::string_view value);
	/* nullptr when @name has no value. */
	const char *get(std::string_view name) const;
	/* The C array handed to the module (valid while this object lives unchanged). */
	std::vector<ecryptfs_keymod_value> c_values() const;

private:
	struct Entry {
		std::string name;
		SecureBytes value; /* NUL-terminated */
	};
	std::vector<Entry> entries_;
};

inline constexpr int kForeignModule = -ESRCH;

/* A key made by a module: what goes into the private-key token. */
struct MadeKey {
	std::string sig;         /* 16 lowercase hex digits */
	std::vector<std::uint8_t> blob; /* never holds a secret (keymod.h) */
};

/*
 * One loaded module: dlclose()d when the last copy goes away.  The ops table
 * is checked at load (ABI version, alias, mandatory functions).
 */
class Module {
public:
	/*
	 * Load one shared object; the error says what is wrong with it.  A
	 * module of ecryptfs-utils (libecryptfs_key_mod_*.so, or exporting
	 * get_key_mod_ops) fails with kForeignModule and is not dlopened.
	 */
	static Result<Module> load(const std::string &path);

	const ecryptfs_keymod_ops &ops() const { return *ops_; }
	std::string_view alias() const { return ops_->alias; }
	const std::string &path() const { return path_; }
	std::span<const ecryptfs_keymod_param> params() const
	{
		return {ops_->params, ops_->n_params};
	}
	std::span<const ecryptfs_keymod_param> gen_params() const
	{
		return {ops_->gen_params, ops_->n_gen_params};
	}
	/* The parameter flagged ECRYPTFS_KEYMOD_SECRET, or nullptr. */
	const ecryptfs_keymod_param *secret_param() const;

	Result<MadeKey> make_key(const Values &vals) const;
	Status generate(const Values &vals) const;
	Result<std::vector<std::uint8_t>> encrypt(std::span<const std::uint8_t> blob,
						  std::span<const std::uint8_t> in) const;
	Result<SecureBytes> decrypt(std::span<const std::uint8_t> blob, const char *secret,
				    std::span<const std::uint8_t> in) const;
	std::size_t max_key_bytes(std::span<const std::uint8_t> blob) const;

private:
	Module(std::shared_ptr<void> handle, const ecryptfs_keymod_ops *ops, std::string path)
		: handle_(std::move(handle)), ops_(ops), path_(std::move(path)) {}

	std::shared_ptr<void> handle_;
	const ecryptfs_keymod_ops *ops_;
	std::string path_;
};

struct LoadedModules {
	std::vector<Module> modules; /* sorted by file name; one per alias */
	std::vector<std::string> problems; /* one sentence per file skipped */
};

/* Every "*.so" of @dir (a missing directory gives no module and no problem). */
LoadedModules load_all(const std::string &dir);

const Module *find(const std::vector<Module> &mods, std::string_view alias);

/*
 * The mount option names of @mod's parameters: name and alias of each, and
 * for the secret one also NAME_file / NAME_fd (and ALIAS_file / ALIAS_fd),
 * which name a file or descriptor holding "NAME=secret".
 */
std::vector<std::string> option_names(const Module &mod);

/* ---- the private-key auth token (userland.md §1.5) ---- */

inline constexpr std::size_t kOffKeySize = 628;   /* u32, always 16 (a leftover) */
inline constexpr std::size_t kOffDataLen = 632;   /* u32 blob size */
inline constexpr std::size_t kOffPkSignature = 636; /* 16 hex + NUL */
inline constexpr std::size_t kOffAlias = 653;     /* 16 chars + NUL */
inline constexpr std::size_t kOffData = 670;      /* the blob */
inline constexpr std::size_t kMaxAliasLen = 16;

/* Payload of 740 + blob bytes: blob at 670, zeros after it. */
Result<SecureBytes> build_private_key_token(std::string_view alias, std::string_view sig,
					    std::span<const std::uint8_t> blob);

struct PrivateKeyToken {
	std::string alias;
	std::string sig;
	std::vector<std::uint8_t> blob;
};

/* Parse a keyring payload; -EINVAL (with the reason) unless a valid private-key token. */
Result<PrivateKeyToken> parse_private_key_token(std::span<const std::uint8_t> payload);

/* ---- adding a key ---- */

struct AddedModuleKey {
	std::string sig;
	KeyAdded how;
	std::size_t max_key_bytes;
};

/*
 * Add the key that @mod makes from @vals for the real uid: checks that the
 * user's ecryptfsd runs (else -ENOTCONN, "start ecryptfsd first"), calls
 * make_key (which checks the secret), puts the private-key token into the
 * user keyring and hands the secret value, if any, to the daemon.
 */
Result<AddedModuleKey> add_module_key(const Module &mod, const Values &vals);

/* Same, for the daemon of @uid (tests). */
Result<AddedModuleKey> add_module_key(const Module &mod, const Values &vals, uid_t uid);

/* "~/x" -> "<home of the real uid>/x"; other paths unchanged. */
std::string expand_home(std::string_view path);

} // namespace ecryptfs::keymod

#endif
