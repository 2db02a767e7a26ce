// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/secret_channel.h"

#include <cerrno>
#include <cstring>

#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "libecryptfs/mount_options.h"

namespace ecryptfs::secrets {

namespace {

constexpr char kMagic[4] = {'E', 'S', 'E', 'C'};
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kHeader = 4 + 1 + 1 + 16 + 2;
constexpr int kTimeoutMs = 5000;

/* Whether @fd becomes readable within kTimeoutMs (signals do not cut it short). */
bool wait_readable(int fd)
{
	pollfd p{fd, POLLIN, 0};
	int r;
	do
		r = ::poll(&p, 1, kTimeoutMs);
	while (r < 0 && errno == EINTR);
	return r > 0;
}

sockaddr_un address(uid_t uid, socklen_t &len)
{
	sockaddr_un a{};
	a.sun_family = AF_UNIX;
	const std::string name = socket_name(uid);
	/* Abstract namespace: leading NUL, no terminator, nothing on disk. */
	std::memcpy(a.sun_path + 1, name.data(), name.size());
	len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
	return a;
}

Error sys_error(int err, const std::string &what)
{
	return Error{-err, what + ": " + std::strerror(err)};
}

} // namespace

std::string socket_name(uid_t uid)
{
	return "ecryptfsd." + std::to_string(uid);
}

Fd &Fd::operator=(Fd &&o) noexcept
{
	if (this != &o) {
		if (fd_ >= 0)
			::close(fd_);
		fd_ = o.release();
	}
	return *this;
}

Fd::~Fd()
{
	if (fd_ >= 0)
		::close(fd_);
}

Status send_request(int fd, std::uint8_t op, std::string_view sig, std::string_view secret)
{
	if (secret.size() > kMaxSecret)
		return Error{-EINVAL, "the secret is longer than " + std::to_string(kMaxSecret) +
					      " bytes"};
	if (op == kOpPut && !mount::is_valid_sig(sig))
		return Error{-EINVAL, "a key signature is 16 hex digits"};
	SecureBytes msg(kHeader + secret.size(), 0);
	std::memcpy(msg.data(), kMagic, 4);
	msg[4] = kVersion;
	msg[5] = op;
	std::memcpy(msg.data() + 6, sig.data(), std::min<std::size_t>(sig.size(), 16));
	msg[22] = static_cast<std::uint8_t>(secret.size() & 0xff);
	msg[23] = static_cast<std::uint8_t>(secret.size() >> 8);
	std::memcpy(msg.data() + kHeader, secret.data(), secret.size());
	ssize_t n;
	do
		n = ::send(fd, msg.data(), msg.size(), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != static_cast<ssize_t>(msg.size()))
		return sys_error(n < 0 ? errno : EIO, "sending to ecryptfsd");
	if (!wait_readable(fd))
		return Error{-ETIMEDOUT, "ecryptfsd did not answer within 5 seconds"};
	std::uint8_t answer = 0;
	do
		n = ::recv(fd, &answer, 1, 0);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return Error{-EIO, "ecryptfsd closed the connection without answering"};
	if (answer == EPERM)
		return Error{-EPERM, "ecryptfsd refused the secret: it runs for another user"};
	if (answer != 0)
		return Error{-answer, std::string("ecryptfsd refused the request: ") +
					      std::strerror(answer)};
	return Ok{};
}

Result<Fd> connect_daemon(uid_t uid)
{
	Fd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
	if (!fd)
		return sys_error(errno, "creating a socket");
	socklen_t len;
	sockaddr_un a = address(uid, len);
	if (::connect(fd.get(), reinterpret_cast<sockaddr *>(&a), len) != 0) {
		int err = errno;
		if (err == ECONNREFUSED || err == ENOENT)
			return Error{-ENOTCONN,
				     "ecryptfsd is not running for user " + std::to_string(uid) +
					     ": start it first (run ecryptfsd as that user), then "
					     "add the key again; public-key files are opened "
					     "through it"};
		return sys_error(err, "connecting to ecryptfsd");
	}
	return fd;
}

Status ping_daemon(uid_t uid)
{
	auto fd = connect_daemon(uid);
	if (!fd)
		return fd.error();
	return send_request(fd.value().get(), kOpPing, "", "");
}

Status hand_secret(uid_t uid, std::string_view sig, std::string_view secret)
{
	auto fd = connect_daemon(uid);
	if (!fd)
		return fd.error();
	return send_request(fd.value().get(), kOpPut, sig, secret);
}

/* ---- daemon side ---- */

void Store::put(std::string_view sig, std::string_view secret)
{
	forget(sig);
	SecureBytes v(secret.begin(), secret.end());
	v.push_back(0);
	/* Keep it out of swap when the memlock limit allows; harmless if not. */
	(void)::mlock(v.data(), v.size());
	map_.emplace(std::string(sig), std::move(v));
}

const char *Store::find(std::string_view sig) const
{
	auto it = map_.find(sig);
	if (it == map_.end())
		return nullptr;
	return reinterpret_cast<const char *>(it->second.data());
}

void Store::forget(std::string_view sig)
{
	auto it = map_.find(sig);
	if (it == map_.end())
		return;
	OPENSSL_cleanse(it->second.data(), it->second.size());
	(void)::munlock(it->second.data(), it->second.size());
	map_.erase(it);
}

Result<Fd> listen_socket(uid_t uid)
{
	Fd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
	if (!fd)
		return sys_error(errno, "creating a socket");
	socklen_t len;
	sockaddr_un a = address(uid, len);
	if (::bind(fd.get(), reinterpret_cast<sockaddr *>(&a), len) != 0) {
		int err = errno;
		if (err == EADDRINUSE)
			return Error{-EADDRINUSE, "another ecryptfsd already runs for user " +
							  std::to_string(uid)};
		return sys_error(err, "binding the socket @" + socket_name(uid));
	}
	if (::listen(fd.get(), 8) != 0)
		return sys_error(errno, "listening on @" + socket_name(uid));
	return fd;
}

Status serve_connection(int conn, uid_t owner, Store &store)
{
	auto reply = [&](std::uint8_t code) {
		(void)::send(conn, &code, 1, MSG_NOSIGNAL);
	};
	ucred cred{};
	socklen_t clen = sizeof(cred);
	if (::getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0)
		return sys_error(errno, "reading the peer's credentials");
	if (cred.uid != owner && cred.uid != 0) {
		reply(EPERM);
		return Error{-EPERM, "refused a secret from uid " + std::to_string(cred.uid) +
					     " (pid " + std::to_string(cred.pid) + ")"};
	}
	if (!wait_readable(conn))
		return Error{-ETIMEDOUT, "a client connected but sent nothing"};
	SecureBytes msg(kHeader + kMaxSecret + 1);
	ssize_t n;
	do
		n = ::recv(conn, msg.data(), msg.size(), MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sys_error(errno, "reading a client's message");
	const std::size_t got = static_cast<std::size_t>(n);
	if (got < kHeader || std::memcmp(msg.data(), kMagic, 4) != 0 || msg[4] != kVersion) {
		reply(EPROTO);
		return Error{-EPROTO, "a client sent a malformed message"};
	}
	const std::size_t slen = msg[22] | (static_cast<std::size_t>(msg[23]) << 8);
	if (slen > kMaxSecret || kHeader + slen != got) {
		reply(EPROTO);
		return Error{-EPROTO, "a client sent a message of the wrong length"};
	}
	const std::string_view sig(reinterpret_cast<const char *>(msg.data() + 6), 16);
	switch (msg[5]) {
	case kOpPing:
		reply(0);
		return Ok{};
	case kOpPut:
		if (!mount::is_valid_sig(sig)) {
			reply(EINVAL);
			return Error{-EINVAL, "a client sent a bad key signature"};
		}
		if (slen == 0)
			store.forget(sig);
		else
			store.put(sig, {reinterpret_cast<const char *>(msg.data() + kHeader), slen});
		reply(0);
		return Ok{};
	default:
		reply(EOPNOTSUPP);
		return Error{-EOPNOTSUPP, "a client asked for an unknown operation"};
	}
}

} // namespace ecryptfs::secrets
