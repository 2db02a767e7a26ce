// SPDX-License-Identifier: GPL-2.0-only
/*
 * Paths a privileged program must not be redirected through.  A program
 * running as root (or about to have root mount something) must not follow
 * a path that someone else can change between its check and its use: a
 * directory swapped for a symlink to /etc turns "chown the user's directory"
 * into "give /etc to the user".  These helpers open a directory one
 * component at a time with O_NOFOLLOW|O_DIRECTORY, so no symlink anywhere in
 * the path is followed, and hand back the descriptor: the caller then works
 * on that descriptor (fchown, fstat, mount through /proc/self/fd/N), never on
 * the name again.
 */
#ifndef LIBECRYPTFS_SAFE_PATH_H
#define LIBECRYPTFS_SAFE_PATH_H

#include <string>

#include <sys/stat.h>
#include <sys/types.h>

#include "libecryptfs/fd.h"
#include "libecryptfs/result.h"

namespace ecryptfs::safe_path {

/*
 * Open the absolute directory @path without following any symlink in it
 * (every component opened with O_NOFOLLOW|O_DIRECTORY from the one before;
 * "." and ".." are refused).  -ELOOP naming the component that is a
 * symlink, -ENOTDIR for one that is not a directory, else the errno of
 * openat.  With @at (a directory descriptor), @path is relative to it.
 */
Result<Fd> open_dir(const std::string &path);
Result<Fd> open_dir_at(int at, const std::string &path);

/*
 * Can anybody but root replace the entry @child_st of the directory
 * @parent_st (rename it away, or remove it and put a symlink there)?  Yes
 * when the directory is not root's, or is writable by group or others
 * without the sticky bit, or is sticky and writable by group or others
 * while the entry is not root's.
 */
bool replaceable(const struct stat &parent_st, const struct stat &child_st);

/*
 * open_dir(@path), and refuse (-EPERM, naming the component) a path where
 * anybody but root can replace a component, the last one included: a mount
 * made there by root can then not be redirected elsewhere.  The last
 * component itself may belong to anybody.
 */
Result<Fd> open_fixed_dir(const std::string &path);

/* "/proc/self/fd/N": the object @fd refers to, for calls that take only a path. */
std::string fd_path(int fd);

} // namespace ecryptfs::safe_path

#endif
