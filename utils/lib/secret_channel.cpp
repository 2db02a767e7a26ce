// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/secret_channel.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>

#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

/* @path as a pathname socket address; false if it does not fit. */
bool address(const std::string &path, sockaddr_un &a, socklen_t &len)
{
	a = sockaddr_un{};
	a.sun_family = AF_UNIX;
	if (path.size() >= sizeof(a.sun_path))
		return false;
	std::memcpy(a.sun_path, path.data(), path.size());
	len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
	return true;
}

/* A directory that exists, is not a symlink and is owned by @uid (or root). */
bool is_home_of(const std::string &dir, uid_t uid)
{
	struct stat st{};
	return ::lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
	       (st.st_uid == uid || st.st_uid == 0);
}

Error sys_error(int err, const std::string &what)
{
	return Error{-err, what + ": " + std::strerror(err)};
}

/* Whether the peer of @fd runs as @uid or root (both ends apply this rule); @cred gets it. */
bool peer_is(int fd, uid_t uid, ucred &cred)
{
	socklen_t clen = sizeof(cred);
	if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0) {
		cred.uid = static_cast<uid_t>(-1);
		cred.pid = 0;
		return false;
	}
	return cred.uid == uid || cred.uid == 0;
}

} // namespace

std::vector<std::string> socket_dirs(uid_t uid)
{
	std::vector<std::string> dirs;
	const std::string run_user = "/run/user/" + std::to_string(uid);
	if (is_home_of(run_user, uid))
		dirs.push_back(run_user + "/ecryptfsd");
	dirs.push_back(uid == 0 ? std::string("/run/ecryptfsd")
				: "/tmp/ecryptfsd-" + std::to_string(uid));
	return dirs;
}

Result<Fd> open_socket_dir(const std::string &dir, uid_t uid)
{
	Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	if (!fd) {
		int err = errno;
		if (err == ELOOP || err == ENOTDIR)
			return Error{-EPERM, dir + " is not a directory (a symlink?): someone other "
						   "than user " + std::to_string(uid) +
						   " may have put it there; remove it"};
		return sys_error(err, "opening " + dir);
	}
	struct stat st{};
	if (::fstat(fd.get(), &st) != 0)
		return sys_error(errno, "reading the owner of " + dir);
	if (st.st_uid != uid || (st.st_mode & 077) != 0) {
		char mode[8];
		std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
		return Error{-EPERM, dir + " belongs to uid " + std::to_string(st.st_uid) +
					     " with mode " + mode + ", not to user " +
					     std::to_string(uid) + " with mode 0700: someone "
					     "squats the place of ecryptfsd's socket; remove it "
					     "(as root) and start ecryptfsd again"};
	}
	return fd;
}

Status check_peer(int fd, uid_t uid)
{
	ucred cred{};
	if (!peer_is(fd, uid, cred))
		return Error{-EPERM, "the socket of ecryptfsd for user " + std::to_string(uid) +
					     " is served by uid " + std::to_string(cred.uid) +
					     " (pid " + std::to_string(cred.pid) +
					     "), not by that user or root: someone squats it; "
					     "nothing was sent to it"};
	return Ok{};
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

Result<Fd> connect_daemon(uid_t uid, const std::vector<std::string> &dirs)
{
	for (const auto &dir : dirs) {
		auto d = open_socket_dir(dir, uid);
		if (!d) {
			if (d.error().code == -ENOENT)
				continue;
			return d.error();
		}
		Fd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
		if (!fd)
			return sys_error(errno, "creating a socket");
		/* Through the checked directory, never through its name again. */
		const std::string path =
			"/proc/self/fd/" + std::to_string(d.value().get()) + "/" + kSocketName;
		sockaddr_un a;
		socklen_t len;
		if (!address(path, a, len))
			return Error{-ENAMETOOLONG, "socket path too long: " + path};
		if (::connect(fd.get(), reinterpret_cast<sockaddr *>(&a), len) != 0) {
			int err = errno;
			if (err == ECONNREFUSED || err == ENOENT)
				continue;
			return sys_error(err, "connecting to ecryptfsd in " + dir);
		}
		if (auto st = check_peer(fd.get(), uid); !st)
			return st.error();
		return fd;
	}
	return Error{-ENOTCONN, "ecryptfsd is not running for user " + std::to_string(uid) +
					": start it first (run ecryptfsd as that user), then "
					"add the key again; public-key files are opened "
					"through it"};
}

Result<Fd> connect_daemon(uid_t uid)
{
	return connect_daemon(uid, socket_dirs(uid));
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

Listener &Listener::operator=(Listener &&o) noexcept
{
	if (this != &o) {
		remove();
		fd_ = std::move(o.fd_);
		dir_ = std::move(o.dir_);
		path_ = std::move(o.path_);
	}
	return *this;
}

void Listener::remove() noexcept
{
	if (dir_ && fd_)
		::unlinkat(dir_.get(), kSocketName, 0);
	fd_ = Fd();
	dir_ = Fd();
}

Result<Listener> listen_socket(uid_t uid, const std::string &dir)
{
	/* The directory is ours and 0700; made here when missing. */
	if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
		return sys_error(errno, "creating " + dir + " (for ecryptfsd's socket)");
	auto d = open_socket_dir(dir, uid);
	if (!d)
		return d.error();
	Listener l;
	l.path_ = dir + "/" + kSocketName;
	Fd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
	if (!fd)
		return sys_error(errno, "creating a socket");
	sockaddr_un a;
	socklen_t len;
	if (!address(l.path_, a, len))
		return Error{-ENAMETOOLONG, "socket path too long: " + l.path_};
	for (int attempt = 0;; ++attempt) {
		if (::bind(fd.get(), reinterpret_cast<sockaddr *>(&a), len) == 0)
			break;
		int err = errno;
		if (err != EADDRINUSE || attempt > 0)
			return sys_error(err, "binding the socket " + l.path_);
		/* A live daemon answers; a dead one left its socket file behind. */
		Fd probe(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
		if (probe && ::connect(probe.get(), reinterpret_cast<sockaddr *>(&a), len) == 0) {
			/* A well-formed hello, so that the live daemon logs nothing. */
			(void)send_request(probe.get(), kOpPing, "", "");
			return Error{-EADDRINUSE, "another ecryptfsd already runs for user " +
							  std::to_string(uid) + " (socket " +
							  l.path_ + ")"};
		}
		if (::unlinkat(d.value().get(), kSocketName, 0) != 0 && errno != ENOENT)
			return sys_error(errno, "removing the stale socket " + l.path_);
	}
	if (::listen(fd.get(), 8) != 0) {
		::unlinkat(d.value().get(), kSocketName, 0);
		return sys_error(errno, "listening on " + l.path_);
	}
	l.fd_ = std::move(fd);
	l.dir_ = std::move(d.value());
	return l;
}

Result<Listener> listen_socket(uid_t uid)
{
	const auto dirs = socket_dirs(uid);
	return listen_socket(uid, dirs.front());
}

Status serve_connection(int conn, uid_t owner, Store &store)
{
	auto reply = [&](std::uint8_t code) {
		(void)::send(conn, &code, 1, MSG_NOSIGNAL);
	};
	ucred cred{};
	if (!peer_is(conn, owner, cred)) {
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
