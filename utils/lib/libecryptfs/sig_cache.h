// SPDX-License-Identifier: GPL-2.0-only
/*
 * ~/.ecryptfs/sig-cache.txt: the signatures a user has mounted with before,
 * so mount.ecryptfs can warn about a mistyped passphrase.  Records of exactly
 * 17 bytes: 16 hex characters and '\n'; a lookup compares the first 16 bytes
 * of each record.
 */
#ifndef LIBECRYPTFS_SIG_CACHE_H
#define LIBECRYPTFS_SIG_CACHE_H

#include <string>
#include <string_view>

#include <sys/types.h>

#include "libecryptfs/result.h"

namespace ecryptfs::sig_cache {

inline constexpr std::size_t kRecordSize = 17;

/* <home>/.ecryptfs/sig-cache.txt */
std::string path_in(const std::string &home);

/* Does the text of a cache file hold @sig? */
bool text_contains(std::string_view text, std::string_view sig);

/* Does the cache file hold @sig?  A missing file holds nothing. */
Result<bool> contains(const std::string &path, std::string_view sig);

/*
 * Add @sig to the cache of @home: creates <home>/.ecryptfs (0700) if needed,
 * rewrites the file atomically (temp file, fsync, rename; mode 0600), and
 * gives both to @uid:@gid.
 */
Status append(const std::string &home, std::string_view sig, uid_t uid, gid_t gid);

} // namespace ecryptfs::sig_cache

#endif
