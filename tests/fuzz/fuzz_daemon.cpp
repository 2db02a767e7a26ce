// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfsd's two inputs: a message on its secret socket (served by
 * serve_connection over a socketpair, as the daemon serves a client) and
 * a packet read from /dev/ecryptfs (process_packet with no key module, its
 * reply written to a socketpair).  The first input byte picks which.
 */
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

#include "libecryptfs/daemon.h"
#include "libecryptfs/key_module.h"
#include "libecryptfs/secret_channel.h"

namespace {

struct Pair {
	int a = -1, b = -1;
	Pair()
	{
		int sv[2];
		if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) == 0) {
			a = sv[0];
			b = sv[1];
		}
	}
	void drain() const
	{
		std::uint8_t buf[4096];
		while (::recv(a, buf, sizeof(buf), MSG_DONTWAIT) > 0) {
		}
	}
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	using namespace ecryptfs;
	static Pair sock, dev;
	static std::vector<keymod::Module> no_modules;
	static secrets::Store store;
	if (size == 0 || sock.a < 0 || dev.a < 0)
		return 0;
	const std::span<const std::uint8_t> body(data + 1, size - 1);
	if (data[0] & 1) {
		if (body.size() > 2048 || ::send(sock.a, body.data(), body.size(), 0) < 0)
			return 0;
		(void)secrets::serve_connection(sock.b, ::getuid(), store);
		sock.drain();
		/* A leftover datagram (empty message) must not carry over. */
		std::uint8_t junk[4096];
		while (::recv(sock.b, junk, sizeof(junk), MSG_DONTWAIT) >= 0) {
		}
	} else {
		daemon::Hooks hooks;
		hooks.lookup_key = [](const std::string &) -> Result<SecureBytes> {
			return Error{-126, "no key"};
		};
		hooks.log = [](int, const std::string &) {};
		daemon::RequestHandler handler(no_modules, store, hooks);
		(void)daemon::process_packet(dev.b, body, handler);
		dev.drain();
	}
	return 0;
}
