// SPDX-License-Identifier: GPL-2.0-only
/*
 * How a key module's secret (key-file passphrase, PIN) reaches ecryptfsd
 * without ever entering the keyring payload, a file, argv or the
 * environment.
 *
 * ecryptfsd of uid U listens on the abstract Unix socket "ecryptfsd.U"
 * (SOCK_SEQPACKET: one message per call, nothing on disk).  The tool that
 * adds a key connects and sends one message:
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

#include <sys/types.h>

#include "libecryptfs/result.h"
#include "libecryptfs/secure.h"

namespace ecryptfs::secrets {

inline constexpr std::size_t kMaxSecret = 1024;
inline constexpr std::uint8_t kOpPut = 1;
inline constexpr std::uint8_t kOpPing = 2;

/* "ecryptfsd.<uid>" (the socket's abstract name, without the leading NUL). */
std::string socket_name(uid_t uid);

/* Owned file descriptor. */
class Fd {
public:
	Fd() = default;
	explicit Fd(int fd) : fd_(fd) {}
	Fd(Fd &&o) noexcept : fd_(o.release()) {}
	Fd &operator=(Fd &&o) noexcept;
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	~Fd();
	int get() const noexcept { return fd_; }
	int release() noexcept
	{
		int f = fd_;
		fd_ = -1;
		return f;
	}
	explicit operator bool() const noexcept { return fd_ >= 0; }

private:
	int fd_ = -1;
};

/* ---- client side ---- */

/* Send one request over a connected socket and wait for the answer byte. */
Status send_request(int fd, std::uint8_t op, std::string_view sig, std::string_view secret);

/*
 * Connect to the daemon of @uid.  -ENOTCONN with "start ecryptfsd first"
 * when none listens.
 */
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

/* Listen on the abstract socket of @uid; -EADDRINUSE if a daemon already does. */
Result<Fd> listen_socket(uid_t uid);

/*
 * Serve one connected peer: read its message, check its credentials against
 * @owner, store or answer, reply.  Errors are about the peer only (the
 * daemon goes on).
 */
Status serve_connection(int conn, uid_t owner, Store &store);

} // namespace ecryptfs::secrets

#endif
