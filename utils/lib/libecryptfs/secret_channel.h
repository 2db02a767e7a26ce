// SPDX-License-Identifier: GPL-2.0-only
/*
 * How a key module's secret (key-file passphrase, PIN) reaches ecryptfsd
 * without ever entering the keyring payload, a file, argv or the
 * environment.
 *
 * ecryptfsd of uid U listens on the pathname socket DIR/socket
 * (SOCK_SEQPACKET: one message per call), where DIR is the first of
 * socket_dirs(U): /run/user/U/ecryptfsd when /run/user/U is U's, else
 * /run/ecryptfsd for root and /tmp/ecryptfsd-U for others.  DIR must be a
 * real directory (not a symlink) owned by U with mode 0700, so only U and
 * root can bind or connect there.  Both ends check each other: the client
 * opens DIR with O_NOFOLLOW, checks its owner and mode on the descriptor,
 * connects through /proc/self/fd/N/socket and refuses to send anything
 * unless SO_PEERCRED says the listener runs as U or root; a squatter (a
 * directory or listener of another uid) is reported, never fed.  The tool
 * that adds a key connects and sends one message:
 *
 *   "ESEC" | version 1 | op | sig[16] (ASCII hex) | u16 LE n | secret[n]
 *
 * op 1 = PUT (store @secret for @sig, replacing an older one; n may be 0 to
 * forget it), op 2 = PING (n = 0, sig ignored).  The daemon answers one
 * byte: 0 = done, else a positive errno.  It accepts a peer only if
 * SO_PEERCRED says its uid is U or 0 (root acting for U); others get EPERM.
 * Secrets live only in the daemon's memory, in wiped buffers (mlocked when
 * the limit allows), keyed by signature; a restarted daemon has none and
 * asks its -R prompt program, or refuses the request and says in syslog
 * which key needs its secret again.
 */
#ifndef LIBECRYPTFS_SECRET_CHANNEL_H
#define LIBECRYPTFS_SECRET_CHANNEL_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "libecryptfs/fd.h"
#include "libecryptfs/result.h"
#include "libecryptfs/secure.h"

namespace ecryptfs::secrets {

inline constexpr std::size_t kMaxSecret = 1024;
inline constexpr std::uint8_t kOpPut = 1;
inline constexpr std::uint8_t kOpPing = 2;

/* The socket's name inside its directory. */
inline constexpr char kSocketName[] = "socket";

/* Where the daemon of @uid may have its socket directory, best first. */
std::vector<std::string> socket_dirs(uid_t uid);

/* Owned file descriptor (libecryptfs/fd.h). */
using ecryptfs::Fd;

/* ---- client side ---- */

/* Send one request over a connected socket and wait for the answer byte. */
Status send_request(int fd, std::uint8_t op, std::string_view sig, std::string_view secret);

/*
 * Open @dir (no symlink followed) and check that it is @uid's with mode
 * 0700; -EPERM saying someone squats it otherwise, -ENOENT if missing.
 */
Result<Fd> open_socket_dir(const std::string &dir, uid_t uid);

/* -EPERM unless the peer of the connected socket @fd runs as @uid or root. */
Status check_peer(int fd, uid_t uid);

/*
 * Connect to the daemon of @uid in the first of @dirs (default:
 * socket_dirs(@uid)) where one listens, after checking the directory and
 * the listener's credentials.  -ENOTCONN with "start ecryptfsd first" when
 * none listens, -EPERM when a squatter is found (nothing is sent).
 */
Result<Fd> connect_daemon(uid_t uid, const std::vector<std::string> &dirs);
Result<Fd> connect_daemon(uid_t uid);

/* Is the daemon of @uid there (PING)? */
Status ping_daemon(uid_t uid);

/* Hand @secret for key @sig to the daemon of @uid. */
Status hand_secret(uid_t uid, std::string_view sig, std::string_view secret);

/* ---- daemon side ---- */

/* Secrets by key signature, in wiped (and, if allowed, locked) memory. */
class Store {
public:
	void put(std::string_view sig, std::string_view secret);
	/* nullptr when the secret of @sig is unknown. */
	const char *find(std::string_view sig) const;
	void forget(std::string_view sig);
	std::size_t size() const { return map_.size(); }

private:
	std::map<std::string, SecureBytes, std::less<>> map_;
};

/* A listening socket whose file is removed when it is destroyed. */
class Listener {
public:
	Listener() = default;
	Listener(Listener &&o) noexcept
		: fd_(std::move(o.fd_)), dir_(std::move(o.dir_)), path_(std::move(o.path_)) {}
	Listener &operator=(Listener &&o) noexcept;
	~Listener() { remove(); }
	int get() const noexcept { return fd_.get(); }
	const std::string &path() const noexcept { return path_; }

private:
	friend Result<Listener> listen_socket(uid_t uid, const std::string &dir);
	void remove() noexcept;
	Fd fd_;
	Fd dir_; /* the socket's directory: removal works after a chroot */
	std::string path_;
};

/*
 * Listen in @dir (default: the first of socket_dirs(@uid)), creating it
 * 0700 if missing; -EPERM if it is not @uid's 0700 directory, -EADDRINUSE
 * if a daemon already listens there (a dead one's socket file is replaced).
 */
Result<Listener> listen_socket(uid_t uid, const std::string &dir);
Result<Listener> listen_socket(uid_t uid);

/*
 * Serve one connected peer: read its message, check its credentials against
 * @owner, store or answer, reply.  Errors are about the peer only (the
 * daemon goes on).
 */
Status serve_connection(int conn, uid_t owner, Store &store);

} // namespace ecryptfs::secrets

#endif
