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
#include <string>

#include <getopt.h>
#include <sys/stat.h>

#include "libecryptfs/lower_file.h"
#include "libecryptfs/result.h"

namespace ecryptfs::offline {

struct KeyOptions {
	bool passphrase = false;                 /* -p: ask for the mount passphrase */
	std::string passphrase_file;             /* --passphrase-file FILE */
	std::optional<std::string> wrapped;      /* -w [FILE]: "" = ~/.ecryptfs/wrapped-passphrase */
	std::string wrapping_file;               /* --wrapping-passphrase-file FILE */
	bool keyring = false;                    /* -k: the user keyring */
	bool any() const noexcept
	{
		return passphrase || !passphrase_file.empty() || wrapped || keyring;
	}
};

/* getopt_long codes of the key options (beyond the short letters p, w, k). */
enum : int { kOptPassphraseFile = 0x1000, kOptWrappingFile };

/* The long options, to append to a tool's own table. */
inline constexpr struct option kKeyLongOptions[] = {
	{"passphrase", no_argument, nullptr, 'p'},
	{"passphrase-file", required_argument, nullptr, kOptPassphraseFile},
	{"wrapped-passphrase", optional_argument, nullptr, 'w'},
	{"wrapping-passphrase-file", required_argument, nullptr, kOptWrappingFile},
	{"keyring", no_argument, nullptr, 'k'},
};
/* Their short letters, for getopt_long's optstring. */
inline constexpr const char *kKeyShortOptions = "pw::k";

/* True when @opt (with @arg) was a key option and is now in @ko. */
bool key_option(int opt, const char *arg, KeyOptions &ko);

/* The --help paragraph of the key options. */
extern const char *const kKeyOptionsHelp;

/*
 * The keys @ko asks for.  Secrets are read in this order, each from the
 * terminal with a prompt or as one line of stdin: the wrapping passphrase
 * (unless --wrapping-passphrase-file), then the mount passphrase (-p).
 */
Result<OfflineKeys> gather_keys(const KeyOptions &ko);

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
