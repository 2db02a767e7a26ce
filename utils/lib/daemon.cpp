// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/daemon.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <keyutils.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "ecryptfs/msg.h"

namespace ecryptfs::daemon {

Result<SecureBytes> lookup_user_key(const std::string &sig)
{
	long id = keyctl_search(KEY_SPEC_USER_KEYRING, "user", sig.c_str(), 0);
	if (id < 0) {
		int err = errno;
		return Error{-err, "no key " + sig + " in the user keyring (" + std::strerror(err) +
					   "): add it again (mount.ecryptfs or ecryptfs-manager)"};
	}
	void *buf = nullptr;
	long n = keyctl_read_alloc(static_cast<key_serial_t>(id), &buf);
	if (n < 0) {
		int err = errno;
		return Error{-err, "cannot read key " + sig + ": " + std::strerror(err)};
	}
	SecureBytes out(static_cast<std::uint8_t *>(buf), static_cast<std::uint8_t *>(buf) + n);
	OPENSSL_cleanse(buf, static_cast<std::size_t>(n));
	std::free(buf);
	return out;
}

Result<SecureBytes> run_prompt_program(const std::string &prog, const std::string &prompt)
{
	int p[2];
	if (::pipe2(p, O_CLOEXEC) != 0)
		return Error{-errno, std::string("pipe: ") + std::strerror(errno)};
	pid_t pid = ::fork();
	if (pid < 0) {
		int err = errno;
		::close(p[0]);
		::close(p[1]);
		return Error{-err, std::string("fork: ") + std::strerror(err)};
	}
	if (pid == 0) {
		::dup2(p[1], STDOUT_FILENO);
		::execl(prog.c_str(), prog.c_str(), "-t", "password", prompt.c_str(),
			static_cast<char *>(nullptr));
		::_exit(127);
	}
	::close(p[1]);
	SecureBytes out(1024);
	ssize_t n;
	do
		n = ::read(p[0], out.data(), out.size() - 1);
	while (n < 0 && errno == EINTR);
	::close(p[0]);
	int status = 0;
	while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n < 0)
		return Error{-EIO, "the prompt program " + prog + " failed"};
	out.resize(static_cast<std::size_t>(n));
	if (!out.empty() && out.back() == '\n')
		out.pop_back();
	return out;
}

void RequestHandler::log(int prio, const std::string &line) const
{
	if (hooks_.log)
		hooks_.log(prio, line);
}

Result<std::vector<std::uint8_t>> RequestHandler::answer(std::uint8_t tag, const std::string &sig,
							 std::span<const std::uint8_t> key)
{
	if (!hooks_.lookup_key)
		return Error{-ENOKEY, "no keyring"};
	auto payload = hooks_.lookup_key(sig);
	if (!payload)
		return payload.error();
	auto tok = keymod::parse_private_key_token(payload.value());
	if (!tok)
		return Error{tok.error().code, "key " + sig + ": " + tok.error().reason};
	const keymod::Module *mod = keymod::find(mods_, tok.value().alias);
	if (!mod)
		return Error{-ENOPKG, "key " + sig + " needs the key module " + tok.value().alias +
					      ", which is not installed in " + keymod::module_dir()};
	if (tag == ECRYPTFS_TAG_66_PACKET) {
		auto c = mod->encrypt(tok.value().blob, key);
		if (!c)
			return Error{c.error().code, "key " + sig + ": " + c.error().reason};
		return std::move(c.value());
	}
	/* Decrypt: with the secret handed over, else without one, else asked for. */
	const char *secret = store_.find(sig);
	auto d = mod->decrypt(tok.value().blob, secret, key);
	if (!d && !secret && mod->secret_param()) {
		const std::string prompt = std::string(mod->secret_param()->prompt ?
							       mod->secret_param()->prompt : "Secret") +
					   " for the " + tok.value().alias + " key " + sig;
		std::optional<Result<SecureBytes>> asked;
		if (hooks_.ask_secret)
			asked = hooks_.ask_secret(prompt);
		if (!asked) {
			return Error{-ENOKEY,
				     "key " + sig + " (" + tok.value().alias + "): its " +
					     (mod->secret_param()->prompt ? mod->secret_param()->prompt
									  : "secret") +
					     " is not known to this ecryptfsd (" + d.error().reason +
					     "); add the key again while ecryptfsd runs (mount "
					     "again, or ecryptfs-manager), or start ecryptfsd with "
					     "-R PROG to be asked"};
		}
		if (!asked->ok())
			return Error{asked->error().code, "key " + sig + ": " + asked->error().reason};
		const SecureBytes &v = asked->value();
		store_.put(sig, {reinterpret_cast<const char *>(v.data()), v.size()});
		secret = store_.find(sig);
		d = mod->decrypt(tok.value().blob, secret, key);
		if (!d)
			store_.forget(sig);
	}
	if (!d)
		return Error{d.error().code, "key " + sig + ": " + d.error().reason};
	return std::vector<std::uint8_t>(d.value().begin(), d.value().end());
}

std::vector<std::uint8_t> RequestHandler::handle(std::span<const std::uint8_t> request)
{
	ecryptfs_msg_request r{};
	std::uint8_t reply_tag = (!request.empty() && request[0] == ECRYPTFS_TAG_66_PACKET) ?
					 ECRYPTFS_TAG_67_PACKET :
					 ECRYPTFS_TAG_65_PACKET;
	auto failure = [&]() {
		std::vector<std::uint8_t> f(2);
		ecryptfs_msg_write_reply_error(f.data(), reply_tag);
		return f;
	};
	if (ecryptfs_msg_parse_request(request.data(), request.size(), &r) != 0) {
		log(LOG_ERR, "malformed request from the kernel (" + std::to_string(request.size()) +
				     " bytes): answered with a failure");
		return failure();
	}
	const std::string sig(r.sig_hex, 16);
	auto out = answer(r.tag, sig, {r.key, r.key_len});
	if (!out) {
		log(LOG_ERR, out.error().reason);
		return failure();
	}
	std::vector<std::uint8_t> reply(out.value().size() + 8);
	std::size_t written = 0;
	if (r.tag == ECRYPTFS_TAG_64_PACKET) {
		std::uint8_t cipher;
		const std::uint8_t *k;
		std::size_t klen;
		if (ecryptfs_msg_parse_key_blob(out.value().data(), out.value().size(), &cipher, &k,
						&klen) != 0) {
			OPENSSL_cleanse(out.value().data(), out.value().size());
			log(LOG_ERR, "key " + sig + ": the decrypted file key is malformed (wrong "
						    "key for this file?)");
			return failure();
		}
	}
	int rc = ecryptfs_msg_write_reply(reply.data(), reply.size(), reply_tag, out.value().data(),
					  out.value().size(), &written);
	OPENSSL_cleanse(out.value().data(), out.value().size());
	if (rc != 0) {
		OPENSSL_cleanse(reply.data(), reply.size());
		log(LOG_ERR, "key " + sig + ": the module's answer does not fit a reply");
		return failure();
	}
	reply.resize(written);
	return reply;
}

namespace {

Status write_all(int fd, const std::uint8_t *buf, std::size_t len)
{
	ssize_t n;
	do
		n = ::write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return Error{-errno, std::string("writing to /dev/ecryptfs: ") + std::strerror(errno)};
	if (static_cast<std::size_t>(n) != len)
		return Error{-EIO, "short write to /dev/ecryptfs"};
	return Ok{};
}

} // namespace

Status send_bare(int fd, std::uint8_t type)
{
	std::uint8_t buf[ECRYPTFS_MSG_BARE_BYTES];
	ecryptfs_msg_write_bare(buf, type, 0);
	return write_all(fd, buf, sizeof(buf));
}

Outcome process_packet(int fd, std::span<const std::uint8_t> packet, RequestHandler &h)
{
	ecryptfs_msg m{};
	if (ecryptfs_msg_parse(packet.data(), packet.size(), ECRYPTFS_MSG_MAX_READ, &m) != 0)
		return Outcome::bad;
	switch (m.type) {
	case ECRYPTFS_MSG_QUIT:
		return Outcome::quit;
	case ECRYPTFS_MSG_REQUEST: {
		if (!m.has_body)
			return Outcome::bad;
		const auto t0 = std::chrono::steady_clock::now();
		std::vector<std::uint8_t> data = h.handle({m.data, m.data_len});
		std::vector<std::uint8_t> pkt(ecryptfs_msg_packet_size(data.size()) + 1);
		std::size_t written = 0;
		int rc = ecryptfs_msg_write(pkt.data(), pkt.size(), ECRYPTFS_MSG_RESPONSE, m.counter,
					    m.index, data.data(), data.size(), &written);
		OPENSSL_cleanse(data.data(), data.size());
		if (rc != 0)
			return Outcome::bad;
		auto st = write_all(fd, pkt.data(), written);
		OPENSSL_cleanse(pkt.data(), pkt.size());
		if (!st) {
			const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
						std::chrono::steady_clock::now() - t0)
						.count();
			h.log(LOG_ERR, "the kernel refused the reply to request " +
					       std::to_string(m.counter) + " (" + st.error().reason +
					       ") after " + std::to_string(ms) +
					       " ms; did it time out (module parameter "
					       "ecryptfs_message_wait_timeout)?");
			return Outcome::unanswered;
		}
		return Outcome::replied;
	}
	default:
		return Outcome::ignored;
	}
}

int serve(const ServeFds &fds, uid_t owner, secrets::Store &store, RequestHandler &h)
{
	int errors = 0;
	for (;;) {
		pollfd p[3] = {{fds.dev, POLLIN, 0}, {fds.listener, POLLIN, 0},
			       {fds.signals, POLLIN, 0}};
		if (::poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			h.log(LOG_ERR, std::string("poll: ") + std::strerror(errno));
			return 1;
		}
		if (p[2].revents & POLLIN) {
			signalfd_siginfo si{};
			if (::read(fds.signals, &si, sizeof(si)) == sizeof(si) &&
			    (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)) {
				(void)send_bare(fds.dev, ECRYPTFS_MSG_QUIT);
				h.log(LOG_INFO, "stopping on signal " + std::to_string(si.ssi_signo));
				return 0;
			}
		}
		if (p[1].revents & POLLIN) {
			secrets::Fd conn(::accept4(fds.listener, nullptr, nullptr, SOCK_CLOEXEC));
			if (conn) {
				if (auto st = secrets::serve_connection(conn.get(), owner, store); !st)
					h.log(LOG_WARNING, st.error().reason);
			}
		}
		if (!(p[0].revents & (POLLIN | POLLERR | POLLHUP)))
			continue;
		std::uint8_t buf[ECRYPTFS_MSG_MAX_READ];
		ssize_t n = ::read(fds.dev, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		Outcome o = Outcome::bad;
		if (n > 0)
			o = process_packet(fds.dev, {buf, static_cast<std::size_t>(n)}, h);
		if (o == Outcome::quit) {
			h.log(LOG_INFO, "the kernel asked the daemon to quit");
			return 0;
		}
		if (o == Outcome::bad) {
			/* The frame head only (type, counter, length, index, data_len). */
			std::string head;
			for (ssize_t i = 0; i < std::min<ssize_t>(n, 17); ++i) {
				char hx[4];
				std::snprintf(hx, sizeof(hx), " %02x", buf[i]);
				head += hx;
			}
			h.log(LOG_WARNING, "bad read from /dev/ecryptfs (" + std::to_string(n) +
						   " bytes:" + head + ")");
			if (++errors >= kMaxReadErrors) {
				h.log(LOG_ERR, "too many consecutive errors reading /dev/ecryptfs: "
					       "stopping");
				return 1;
			}
		} else {
			errors = 0;
		}
		OPENSSL_cleanse(buf, sizeof(buf));
	}
}

} // namespace ecryptfs::daemon
