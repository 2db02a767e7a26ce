// SPDX-License-Identifier: GPL-2.0-only
/*
 * What ecryptfs-fuse, ecryptfs-extract and ecryptfs-fsck share beyond
 * lower_file.h: the key options (the same sources as mount.ecryptfs:
 * a passphrase, a wrapped-passphrase file with its wrapping passphrase,
 * the user keyring), read from the terminal, stdin or a file, never from
 * argv; and a walk over a lower tree with the names decoded.
 */
#ifndef LIBECRYPTFS_OFFLINE_H
#define LIBECRYPTFS_OFFLINE_H

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "libecryptfs/cli.h"
#include "libecryptfs/lower_file.h"
#include "libecryptfs/result.h"

namespace ecryptfs::offline {

struct KeyOptions {
	bool passphrase = false;                 /* -p: ask for the mount passphrase */
	std::string passphrase_file;             /* --passphrase-file FILE */
	std::optional<std::string> wrapped;      /* -w FILE */
	std::string wrapping_file;               /* --wrapping-passphrase-file FILE */
	bool keyring = false;                    /* -k: the user keyring */
	bool any() const noexcept
	{
		return passphrase || !passphrase_file.empty() || wrapped || keyring;
	}
};

/* Option ids of the key options without a short letter. */
enum : int { kOptPassphraseFile = 0x1000, kOptWrappingFile };

/* The key options, to put after a tool's own in its cli::Command. */
inline constexpr cli::Option kKeyOptions[] = {
	{'p', "passphrase", 'p', nullptr, "ask for the mount passphrase (stdin line if no terminal)"},
	{kOptPassphraseFile, "passphrase-file", 0, "FILE", "the mount passphrase is FILE's first line"},
	{'w', "wrapped-passphrase", 'w', "FILE",
	 "unwrap FILE (~/.ecryptfs/wrapped-passphrase) with the login passphrase"},
	{kOptWrappingFile, "wrapping-passphrase-file", 0, "FILE", "the login passphrase is FILE's first line"},
	{'k', "keyring", 'k', nullptr, "take the keys from the user keyring"},
};

/*
 * cli::parse for an offline tool: @own options then kKeyOptions, the
 * description followed by the paragraph about keys, exactly @operands
 * operands.
 */
cli::Args parse(const char *name, const char *usage, const char *description,
		std::span<const cli::Option> own, int operands, int argc, char **argv);

/* The key options given in @args. */
KeyOptions key_options(const cli::Args &args);

/* The paragraph about keys for a tool's --help description. */
extern const char *const kKeyOptionsHelp;

/*
 * The keys @ko asks for.  Secrets are read in this order, each from the
 * terminal with a prompt or as one line of stdin: the wrapping passphrase
 * (unless --wrapping-passphrase-file), then the mount passphrase (-p).
 */
Result<OfflineKeys> gather_keys(const KeyOptions &ko);
/* The same, failing with "no key given" when @ko names no source. */
Result<OfflineKeys> required_keys(const KeyOptions &ko);

/* The target of the symlink @name in @dirfd, as stored (encrypted or not). */
Result<std::string> read_link(int dirfd, const std::string &name);

/* One entry of a lower tree. */
struct Entry {
	int dirfd;                 /* the lower directory holding it */
	std::string name;          /* lower name */
	std::string lower_path;    /* relative to the root ("" for the root itself) */
	std::string plain_path;    /* decoded (undecodable components as they are) */
	struct stat st;
	std::optional<Error> name_error; /* the name could not be decoded */
};

/*
 * Visit @root (a directory or one file) and everything below it, in name
 * order, without following symlinks or crossing into other file systems.
 * A directory's entries are visited after it when @visit returns true for
 * it.  Directories that cannot be read are passed to @unreadable.
 */
Status walk(const std::string &root, NameDecoder &names, const std::function<bool(const Entry &)> &visit,
	    const std::function<void(const std::string &lower_path, const Error &)> &unreadable);

/* "path (plain path)" when the names differ, else "path". */
std::string display(const Entry &e);

} // namespace ecryptfs::offline

#endif
