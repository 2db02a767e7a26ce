// SPDX-License-Identifier: GPL-2.0-only
/*
 * The encrypted private directory of a user (~/.Private mounted on
 * ~/Private) as ecryptfs-utils lays it out, shared by ecryptfs-setup-private,
 * mount.ecryptfs_private, ecryptfs-mount-private and pam_ecryptfs:
 *
 *   ~/.ecryptfs/wrapped-passphrase   the mount passphrase wrapped with the
 *                                    login (or an independent) passphrase
 *   ~/.ecryptfs/<alias>.sig          file key sig, then filename key sig
 *   ~/.ecryptfs/Private.mnt          the mount point, one line
 *   ~/.ecryptfs/<alias>.conf         other aliases: "SRC DST ecryptfs none"
 *   ~/.ecryptfs/auto-mount, auto-umount, wrapping-independent: flags
 *   /run/ecryptfs/<user>-<alias>      the session counter (root's)
 *
 * Everything here is pure text handling (unit-tested); the setuid helper
 * does the file system work itself.
 */
#ifndef LIBECRYPTFS_PRIVATE_DIR_H
#define LIBECRYPTFS_PRIVATE_DIR_H

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libecryptfs/result.h"
#include "libecryptfs/secure.h"

namespace ecryptfs::priv {

inline constexpr const char *kDefaultAlias = "Private";

/* A passwd entry, copied out of the getpw*_r buffer. */
struct User {
	std::string name;
	uid_t uid = 0;
	gid_t gid = 0;
	std::string home;
};

Result<User> lookup_user(uid_t uid);
Result<User> lookup_user(const std::string &name);

/* The files of a user's private directory setup. */
struct Paths {
	std::string home;
	std::string config_dir;          /* <home>/.ecryptfs */
	std::string wrapped_passphrase;  /* <config>/wrapped-passphrase */
	std::string sig_file;            /* <config>/Private.sig */
	std::string mnt_file;            /* <config>/Private.mnt */
	std::string auto_mount;          /* <config>/auto-mount */
	std::string auto_umount;         /* <config>/auto-umount */
	std::string wrapping_independent; /* <config>/wrapping-independent */
	std::string crypt_dir;           /* <home>/.Private */
	std::string default_mountpoint;  /* <home>/Private */
};

Paths paths_for_home(const std::string &home);

/*
 * Usernames the helper accepts (the reference's rule): first character
 * [A-Za-z0-9_.@], then [A-Za-z0-9_.@-], an optional trailing '$'.
 */
bool valid_username(std::string_view name);

/*
 * Aliases name files in ~/.ecryptfs and /run/ecryptfs: letters, digits and
 * "_.@-" only, never "..", at most 64 characters.  (The reference only
 * refuses "..".)
 */
bool valid_alias(std::string_view alias);

struct Sigs {
	std::string fekek;               /* file encryption key sig */
	std::optional<std::string> fnek; /* filename encryption key sig */
};

/*
 * Parse the text of an <alias>.sig file: up to two lines, each hex digits
 * cut at the first whitespace, exactly 16 of them.  Errors carry the
 * reference's messages ("Invalid hex signature", "Invalid hex signature
 * length", "Missing file encryption signature").
 */
Result<Sigs> parse_sig_file(std::string_view text);

/* The text setup-private writes: each sig on its own line. */
std::string format_sig_file(const Sigs &sigs);

/* First line of Private.mnt without its newline; @fallback when empty. */
std::string mountpoint_from_mnt_text(std::string_view text, const std::string &fallback);

struct AliasConf {
	std::string source;
	std::string dest;
};

/*
 * The first entry of an <alias>.conf (fstab syntax).  The type must be
 * "ecryptfs" ("Bad fs type") and the options empty or "none" ("Mount
 * options are not supported here").
 */
Result<AliasConf> parse_alias_conf(std::string_view text);

/* The option string mount.ecryptfs_private gives the kernel. */
std::string mount_options(const Sigs &sigs);

/*
 * Find @sig among the options of a mount (comma separated) as
 * "ecryptfs_sig=<sig>".
 */
bool options_have_sig(std::string_view options, std::string_view sig);

/*
 * The session counters live in kCounterDir, root's (0755), made by the
 * setuid helper; each is "<user>-<alias>" there, root's 0600.  (The
 * reference's /dev/shm/ecryptfs-<user>-<alias> could be made first by any
 * user, which blocked the owner's mounts.)
 */
inline constexpr const char *kCounterDir = "/run/ecryptfs";
std::string counter_name(std::string_view user, std::string_view alias);

/*
 * The session counter.  Its first line is the total count, as the
 * reference's helper reads and writes it, so both helpers can share one
 * file.  Ours adds one "session <pid> <starttime>" line per login session
 * that registered through pam_ecryptfs: a session whose process is gone
 * (it crashed, or was killed without closing its PAM session) no longer
 * keeps the directory mounted.  Counts not backed by a session line
 * (manual mounts, the reference's helper) are "anonymous".
 */
struct Session {
	pid_t pid = 0;
	std::uint64_t start = 0; /* field 22 of /proc/<pid>/stat */
	bool operator==(const Session &) const = default;
};

struct Counter {
	long anonymous = 0;
	std::vector<Session> sessions;
	long total() const { return anonymous + static_cast<long>(sessions.size()); }
};

/* Missing or garbage text reads as zero; never below zero. */
Counter parse_counter(std::string_view text);
std::string format_counter(const Counter &c);

/* A new mount reference: the session (once) or an anonymous count. */
void counter_acquire(Counter &c, const std::optional<Session> &who);
/*
 * Drop a reference: the session's own line if present, else an anonymous
 * count, else (a manual unmount while only sessions remain: the reference
 * decrements the total) the oldest session.
 */
void counter_release(Counter &c, const std::optional<Session> &who);
/* Remove the sessions @alive says are gone. */
template <class Alive>
void counter_prune(Counter &c, Alive alive)
{
	std::erase_if(c.sessions, [&](const Session &s) { return !alive(s); });
}

/*
 * Start time of process @pid from /proc (clock ticks since boot): nullopt
 * when the process does not exist; 0 when it exists but cannot be read.
 */
std::optional<std::uint64_t> process_start_time(pid_t pid);

/* A session is alive when its pid exists with the same start time. */
bool session_alive(const Session &s);

/* Whether the "Uid:" line of a /proc/PID/status text names @uid (real, effective, saved or fs). */
bool status_has_uid(std::string_view status_text, uid_t uid);

/* One line of /proc/self/mountinfo (proc(5)); the paths with \ooo escapes undone. */
struct MountInfo {
	unsigned long id = 0;
	std::string root, target, fstype, source, super_opts;
};

/*
 * The lines of a /proc/self/mountinfo text.  Its paths are the user's (a
 * mount point may hold any byte), so malformed lines are skipped, never
 * guessed at.
 */
std::vector<MountInfo> parse_mountinfo(std::string_view text);

/*
 * The random mount passphrase of ecryptfs-setup-private: 16 random bytes
 * printed as `od -x` prints them (eight 16-bit words in host byte order,
 * each as 4 lowercase hex digits), 32 characters.
 */
Passphrase mount_passphrase_from_random(std::span<const std::uint8_t, 16> bytes);

} // namespace ecryptfs::priv

#endif
