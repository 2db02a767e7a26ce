// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfsd without a kernel: the secret hand-off socket (credentials,
 * framing, store), the request handler and packet loop over a socketpair
 * standing in for /dev/ecryptfs (tag 66 -> 67, tag 64 -> 65, failure
 * replies, malformed and random kernel messages), and the -R prompt program.
 */
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ecryptfs/msg.h"
#include "libecryptfs/daemon.h"
#include "libecryptfs/key_module.h"
#include "libecryptfs/secret_channel.h"

using namespace ecryptfs;
using namespace ecryptfs::secrets;

namespace {

const std::string kSig = "00000000fa4e0001"; /* what the fake module makes for name "k" */

std::vector<keymod::Module> fake_modules()
{
	std::vector<keymod::Module> mods;
	auto m = keymod::Module::load(std::string(FAKE_KEYMOD_DIR) + "/ecryptfs_keymod_test_fake.so");
	if (!m)
		throw std::runtime_error(m.error().reason);
	mods.push_back(std::move(m.value()));
	return mods;
}

/* A kernel key blob: cipher code 7, 16 key bytes, checksum. */
std::vector<std::uint8_t> key_blob()
{
	std::vector<std::uint8_t> fek(16);
	for (int i = 0; i < 16; ++i)
		fek[i] = static_cast<std::uint8_t>(0x30 + i);
	std::vector<std::uint8_t> blob(19);
	std::size_t w = 0;
	EXPECT_EQ(ecryptfs_msg_write_key_blob(blob.data(), blob.size(), 7, fek.data(), 16, &w), 0);
	blob.resize(w);
	return blob;
}

struct Pair {
	int kernel = -1, daemon = -1;
	Pair()
	{
		int sv[2];
		EXPECT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
		kernel = sv[0];
		daemon = sv[1];
	}
	~Pair()
	{
		::close(kernel);
		::close(daemon);
	}
	/* What the daemon wrote, or an empty vector when nothing is there. */
	std::vector<std::uint8_t> read_kernel_side()
	{
		pollfd p{kernel, POLLIN, 0};
		if (::poll(&p, 1, 0) <= 0)
			return {};
		std::vector<std::uint8_t> b(2048);
		ssize_t n = ::read(kernel, b.data(), b.size());
		b.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
		return b;
	}
};

std::vector<std::uint8_t> request_packet(std::uint32_t counter, std::uint32_t index,
					 const std::vector<std::uint8_t> &data)
{
	std::vector<std::uint8_t> pkt(ecryptfs_msg_packet_size(data.size()));
	std::size_t w = 0;
	EXPECT_EQ(ecryptfs_msg_write(pkt.data(), pkt.size(), ECRYPTFS_MSG_REQUEST, counter, index,
				     data.data(), data.size(), &w),
		  0);
	pkt.resize(w);
	return pkt;
}

std::vector<std::uint8_t> tag66(const std::string &sig, const std::vector<std::uint8_t> &blob)
{
	std::uint8_t cipher;
	const std::uint8_t *key;
	std::size_t klen;
	EXPECT_EQ(ecryptfs_msg_parse_key_blob(blob.data(), blob.size(), &cipher, &key, &klen), 0);
	std::vector<std::uint8_t> d(128);
	std::size_t w = 0;
	EXPECT_EQ(ecryptfs_msg_write_tag66(d.data(), d.size(), sig.c_str(), cipher, key, klen, &w), 0);
	d.resize(w);
	return d;
}

std::vector<std::uint8_t> tag64(const std::string &sig, const std::vector<std::uint8_t> &efek)
{
	std::vector<std::uint8_t> d(600);
	std::size_t w = 0;
	EXPECT_EQ(ecryptfs_msg_write_tag64(d.data(), d.size(), sig.c_str(), efek.data(), efek.size(),
					   &w),
		  0);
	d.resize(w);
	return d;
}

/* Parse a RESPONSE: its counter, index and data. */
struct Reply {
	std::uint32_t counter = 0, index = 0;
	std::vector<std::uint8_t> data;
};

Reply parse_response(const std::vector<std::uint8_t> &pkt)
{
	ecryptfs_msg m{};
	EXPECT_EQ(ecryptfs_msg_parse_from_daemon(pkt.data(), pkt.size(), &m), 0);
	EXPECT_EQ(m.type, ECRYPTFS_MSG_RESPONSE);
	Reply r{m.counter, m.index, {}};
	if (m.data)
		r.data.assign(m.data, m.data + m.data_len);
	return r;
}

class Daemon : public ::testing::Test {
protected:
	std::vector<keymod::Module> mods = fake_modules();
	Store store;
	std::vector<std::string> logs;
	int prompts = 0;
	std::optional<std::string> prompt_answer;
	Result<SecureBytes> token = Error{-ENOKEY, "unset"};

	void SetUp() override
	{
		keymod::Values v;
		v.set("name", "k");
		v.set("secret", "s3cret");
		auto made = mods[0].make_key(v);
		ASSERT_TRUE(made);
		ASSERT_EQ(made.value().sig, kSig);
		token = keymod::build_private_key_token("fake", kSig, made.value().blob);
	}

	daemon::RequestHandler handler()
	{
		daemon::Hooks h;
		h.lookup_key = [this](const std::string &sig) -> Result<SecureBytes> {
			if (sig != kSig)
				return Error{-ENOKEY, "no key " + sig};
			return token;
		};
		h.ask_secret = [this](const std::string &) -> std::optional<Result<SecureBytes>> {
			++prompts;
			if (!prompt_answer)
				return std::nullopt;
			return SecureBytes(prompt_answer->begin(), prompt_answer->end());
		};
		h.log = [this](int, const std::string &l) { logs.push_back(l); };
		return daemon::RequestHandler(mods, store, h);
	}
};

} // namespace

TEST_F(Daemon, EncryptThenDecryptThroughTheDevice)
{
	Pair dev;
	auto h = handler();
	const auto blob = key_blob();
	auto pkt = request_packet(41, 3, tag66(kSig, blob));
	ASSERT_EQ(daemon::process_packet(dev.daemon, pkt, h), daemon::Outcome::replied);
	Reply r = parse_response(dev.read_kernel_side());
	EXPECT_EQ(r.counter, 41u);
	EXPECT_EQ(r.index, 3u);
	const std::uint8_t *efek;
	std::size_t efek_len;
	ASSERT_EQ(ecryptfs_msg_parse_tag67(r.data.data(), r.data.size(), &efek, &efek_len), 0);
	/* The fake module's "encryption" of the blob: 'F' then XOR 0x5a. */
	ASSERT_EQ(efek_len, blob.size() + 1);
	EXPECT_EQ(efek[0], 'F');
	EXPECT_EQ(efek[1], blob[0] ^ 0x5a);
	const std::vector<std::uint8_t> wrapped(efek, efek + efek_len);

	/* Decrypt needs the secret: handed over, it works. */
	store.put(kSig, "s3cret");
	ASSERT_EQ(daemon::process_packet(dev.daemon, request_packet(42, 0, tag64(kSig, wrapped)), h),
		  daemon::Outcome::replied);
	r = parse_response(dev.read_kernel_side());
	EXPECT_EQ(r.counter, 42u);
	std::uint8_t cipher;
	const std::uint8_t *key;
	std::size_t klen;
	ASSERT_EQ(ecryptfs_msg_parse_tag65(r.data.data(), r.data.size(), &cipher, &key, &klen), 0);
	EXPECT_EQ(cipher, 7);
	EXPECT_EQ(klen, 16u);
	EXPECT_EQ(0, std::memcmp(key, blob.data() + 1, 16));
	EXPECT_EQ(prompts, 0);
}

TEST_F(Daemon, MissingSecretPromptOrFailure)
{
	Pair dev;
	auto h = handler();
	const auto blob = key_blob();
	std::vector<std::uint8_t> wrapped = {'F'};
	for (auto b : blob)
		wrapped.push_back(b ^ 0x5a);

	/* No secret, no prompt program: failure reply and a log line that says what to do. */
	ASSERT_EQ(daemon::process_packet(dev.daemon, request_packet(1, 0, tag64(kSig, wrapped)), h),
		  daemon::Outcome::replied);
	Reply r = parse_response(dev.read_kernel_side());
	EXPECT_EQ(r.data, (std::vector<std::uint8_t>{0x41, 0xff}));
	ASSERT_FALSE(logs.empty());
	EXPECT_NE(logs.back().find(kSig), std::string::npos);
	EXPECT_NE(logs.back().find("-R PROG"), std::string::npos) << logs.back();
	EXPECT_EQ(prompts, 1);

	/* Wrong answer from the prompt program: failure, nothing remembered. */
	prompt_answer = "nope";
	ASSERT_EQ(daemon::process_packet(dev.daemon, request_packet(2, 0, tag64(kSig, wrapped)), h),
		  daemon::Outcome::replied);
	EXPECT_EQ(parse_response(dev.read_kernel_side()).data,
		  (std::vector<std::uint8_t>{0x41, 0xff}));
	EXPECT_EQ(store.find(kSig), nullptr);

	/* Right answer: success, and remembered (no second prompt). */
	prompt_answer = "s3cret";
	ASSERT_EQ(daemon::process_packet(dev.daemon, request_packet(3, 0, tag64(kSig, wrapped)), h),
		  daemon::Outcome::replied);
	EXPECT_EQ(parse_response(dev.read_kernel_side()).data[1], 0);
	ASSERT_NE(store.find(kSig), nullptr);
	const int before = prompts;
	ASSERT_EQ(daemon::process_packet(dev.daemon, request_packet(4, 0, tag64(kSig, wrapped)), h),
		  daemon::Outcome::replied);
	EXPECT_EQ(parse_response(dev.read_kernel_side()).data[1], 0);
	EXPECT_EQ(prompts, before);

	/* Unknown key and a passphrase token: failure replies (tag 67 for an encrypt). */
	ASSERT_EQ(daemon::process_packet(dev.daemon,
					 request_packet(5, 0, tag66("0123456789abcdef", blob)), h),
		  daemon::Outcome::replied);
	EXPECT_EQ(parse_response(dev.read_kernel_side()).data,
		  (std::vector<std::uint8_t>{0x43, 0xff}));
	token.value()[2] = 0;
	ASSERT_EQ(daemon::process_packet(dev.daemon, request_packet(6, 0, tag66(kSig, blob)), h),
		  daemon::Outcome::replied);
	EXPECT_EQ(parse_response(dev.read_kernel_side()).data,
		  (std::vector<std::uint8_t>{0x43, 0xff}));
	EXPECT_NE(logs.back().find("passphrase key"), std::string::npos) << logs.back();
}

TEST_F(Daemon, DecryptedGarbageIsRefused)
{
	Pair dev;
	auto h = handler();
	store.put(kSig, "s3cret");
	/* Decrypts to bytes with a wrong checksum: must not go to the kernel as a key. */
	std::vector<std::uint8_t> wrapped = {'F', 7 ^ 0x5a, 1 ^ 0x5a, 2 ^ 0x5a, 0 ^ 0x5a, 9 ^ 0x5a};
	ASSERT_EQ(daemon::process_packet(dev.daemon, request_packet(7, 0, tag64(kSig, wrapped)), h),
		  daemon::Outcome::replied);
	EXPECT_EQ(parse_response(dev.read_kernel_side()).data,
		  (std::vector<std::uint8_t>{0x41, 0xff}));
}

TEST_F(Daemon, MalformedKernelMessages)
{
	Pair dev;
	auto h = handler();
	auto good = request_packet(9, 1, tag66(kSig, key_blob()));

	/* Frames that do not parse: bad, and nothing is written. */
	std::vector<std::vector<std::uint8_t>> bad_frames = {
		{},
		{ECRYPTFS_MSG_REQUEST},
		{ECRYPTFS_MSG_REQUEST, 0, 0, 0, 1}, /* bare REQUEST */
		std::vector<std::uint8_t>(good.begin(), good.end() - 1), /* truncated */
	};
	auto longer = good;
	longer.push_back(0);
	bad_frames.push_back(longer);
	auto lying = good;
	lying[5] += 1; /* length field says one more byte */
	bad_frames.push_back(lying);
	auto twofive = good;
	twofive[5] = 255; /* five-byte length form */
	bad_frames.push_back(twofive);
	std::vector<std::uint8_t> huge(ECRYPTFS_MSG_MAX_READ + 10, 0);
	huge[0] = ECRYPTFS_MSG_REQUEST;
	bad_frames.push_back(huge);
	for (const auto &f : bad_frames) {
		EXPECT_EQ(daemon::process_packet(dev.daemon, f, h), daemon::Outcome::bad) << f.size();
		EXPECT_TRUE(dev.read_kernel_side().empty());
	}

	/* Well framed, bad payload: failure reply with the request's counter and index. */
	std::vector<std::vector<std::uint8_t>> bad_payloads = {
		{0x40},
		{0x44, 16},
		{0x40, 16, 'x', 'y'},
	};
	std::vector<std::uint8_t> nonhex = {0x40, 16};
	nonhex.insert(nonhex.end(), 16, 'z');
	nonhex.insert(nonhex.end(), {3, 1, 2, 3});
	bad_payloads.push_back(nonhex);
	auto trailing = tag66(kSig, key_blob());
	trailing.push_back(0);
	bad_payloads.push_back(trailing);
	auto badsum = tag66(kSig, key_blob());
	badsum.back() ^= 1;
	bad_payloads.push_back(badsum);
	std::uint32_t counter = 100;
	for (const auto &p : bad_payloads) {
		ASSERT_EQ(daemon::process_packet(dev.daemon, request_packet(counter, 2, p), h),
			  daemon::Outcome::replied);
		Reply r = parse_response(dev.read_kernel_side());
		EXPECT_EQ(r.counter, counter);
		EXPECT_EQ(r.index, 2u);
		ASSERT_EQ(r.data.size(), 2u);
		EXPECT_EQ(r.data[1], 0xff);
		++counter;
	}

	/* Other packet types: QUIT ends, HELO and unknown types are ignored. */
	std::uint8_t bare[5];
	ecryptfs_msg_write_bare(bare, ECRYPTFS_MSG_QUIT, 0);
	EXPECT_EQ(daemon::process_packet(dev.daemon, {bare, 5}, h), daemon::Outcome::quit);
	ecryptfs_msg_write_bare(bare, ECRYPTFS_MSG_HELO, 0);
	EXPECT_EQ(daemon::process_packet(dev.daemon, {bare, 5}, h), daemon::Outcome::ignored);
	bare[0] = 200;
	EXPECT_EQ(daemon::process_packet(dev.daemon, {bare, 5}, h), daemon::Outcome::ignored);

	/* Random bytes and random mutations of a good request never crash. */
	std::mt19937 rng(1234);
	for (int i = 0; i < 20000; ++i) {
		std::vector<std::uint8_t> f;
		if (i % 2) {
			f.resize(rng() % 600);
			for (auto &b : f)
				b = static_cast<std::uint8_t>(rng());
			if (!f.empty())
				f[0] = ECRYPTFS_MSG_REQUEST;
		} else {
			f = good;
			for (int k = 0; k < 3; ++k)
				f[rng() % f.size()] = static_cast<std::uint8_t>(rng());
			if (rng() % 4 == 0)
				f.resize(rng() % f.size());
		}
		auto o = daemon::process_packet(dev.daemon, f, h);
		auto out = dev.read_kernel_side();
		if (o == daemon::Outcome::replied) {
			ASSERT_FALSE(out.empty());
			ecryptfs_msg m{};
			ASSERT_EQ(ecryptfs_msg_parse_from_daemon(out.data(), out.size(), &m), 0);
		} else {
			ASSERT_TRUE(out.empty());
		}
	}
}

TEST(SecretChannel, PutPingAndFraming)
{
	Store store;
	int sv[2];
	ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	Fd client(sv[0]), server(sv[1]);
	/* The client blocks for the answer: serve from a child thread of control (fork). */
	auto exchange = [&](std::uint8_t op, std::string_view sig, std::string_view secret) {
		pid_t pid = ::fork();
		if (pid == 0) {
			auto st = send_request(client.get(), op, sig, secret);
			::_exit(st ? 0 : (-st.error().code) & 0xff);
		}
		auto st = serve_connection(server.get(), ::getuid(), store);
		int status = 0;
		::waitpid(pid, &status, 0);
		return std::pair{st.ok(), WEXITSTATUS(status)};
	};
	EXPECT_EQ(exchange(kOpPing, "", ""), std::pair(true, 0));
	EXPECT_EQ(store.size(), 0u);
	EXPECT_EQ(exchange(kOpPut, "0123456789abcdef", "pin 1234"), std::pair(true, 0));
	ASSERT_NE(store.find("0123456789abcdef"), nullptr);
	EXPECT_STREQ(store.find("0123456789abcdef"), "pin 1234");
	EXPECT_EQ(exchange(kOpPut, "0123456789abcdef", "newer"), std::pair(true, 0));
	EXPECT_STREQ(store.find("0123456789abcdef"), "newer");
	EXPECT_EQ(exchange(kOpPut, "0123456789abcdef", ""), std::pair(true, 0));
	EXPECT_EQ(store.find("0123456789abcdef"), nullptr);
	/* Unknown op. */
	EXPECT_EQ(exchange(9, "0123456789abcdef", ""), std::pair(false, EOPNOTSUPP));

	/* Malformed messages from a client get EPROTO. */
	for (std::string raw : {std::string("ESEC"), std::string("XXXX\x01\x01") + std::string(18, '0'),
				std::string("ESEC\x01\x01") + "0123456789abcdef" + std::string("\x05\x00", 2) +
					"abc"}) {
		ASSERT_EQ(::send(client.get(), raw.data(), raw.size(), 0),
			  static_cast<ssize_t>(raw.size()));
		EXPECT_FALSE(serve_connection(server.get(), ::getuid(), store));
		std::uint8_t a = 0;
		ASSERT_EQ(::recv(client.get(), &a, 1, 0), 1);
		EXPECT_EQ(a, EPROTO);
	}
	EXPECT_FALSE(send_request(client.get(), kOpPut, "bad", "x"));
	EXPECT_FALSE(send_request(client.get(), kOpPut, "0123456789abcdef",
				  std::string(kMaxSecret + 1, 'x')));
}

namespace {

/* A uid nobody has: only root (or that uid) may talk to its daemon. */
uid_t fictitious_uid()
{
	return 4000000000u - static_cast<uid_t>(::getpid());
}

/* Runs @f in a child as uid 65534 (root only); its exit status, 255 if setuid failed. */
template <class F>
int as_nobody(F f)
{
	pid_t pid = ::fork();
	if (pid == 0) {
		if (::setgid(65534) != 0 || ::setuid(65534) != 0)
			::_exit(255);
		::_exit(f());
	}
	int status = 0;
	::waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 254;
}

/*
 * A squatter: a child that listens on @path (and on the old abstract name
 * of @owner) as uid @as (if we are root; else as ourselves), accepts every
 * connection, answers "done" and writes 'S' to @report whenever a message
 * holds @secret.  Binding happens before the uid change, listen() after it,
 * so SO_PEERCRED shows @as even in a directory @as cannot enter.
 */
pid_t start_squatter(const std::string &path, uid_t owner, uid_t as, int report,
		     std::string_view secret)
{
	int ready[2];
	if (::pipe(ready) != 0)
		return -1;
	pid_t pid = ::fork();
	if (pid != 0) {
		::close(ready[1]);
		char c;
		bool ok = ::read(ready[0], &c, 1) == 1;
		::close(ready[0]);
		return ok ? pid : -1;
	}
	auto bound = [](const sockaddr_un &a, socklen_t len) {
		Fd s(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
		if (::bind(s.get(), reinterpret_cast<const sockaddr *>(&a), len) != 0)
			::_exit(101);
		return s;
	};
	sockaddr_un a{};
	a.sun_family = AF_UNIX;
	std::memcpy(a.sun_path, path.data(), path.size());
	Fd s1 = bound(a, static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1));
	const std::string old = "ecryptfsd." + std::to_string(owner);
	sockaddr_un b{};
	b.sun_family = AF_UNIX;
	std::memcpy(b.sun_path + 1, old.data(), old.size());
	Fd s2 = bound(b, static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + old.size()));
	if (::getuid() == 0 && (::setgid(as) != 0 || ::setuid(as) != 0))
		::_exit(102);
	if (::listen(s1.get(), 4) != 0 || ::listen(s2.get(), 4) != 0)
		::_exit(103);
	(void)!::write(ready[1], "L", 1);
	for (;;) {
		pollfd p[2] = {{s1.get(), POLLIN, 0}, {s2.get(), POLLIN, 0}};
		if (::poll(p, 2, -1) <= 0)
			continue;
		Fd c(::accept(p[0].revents ? s1.get() : s2.get(), nullptr, nullptr));
		char buf[2048];
		ssize_t k = ::recv(c.get(), buf, sizeof(buf), 0);
		if (k > 0 && ::memmem(buf, static_cast<std::size_t>(k), secret.data(), secret.size()))
			(void)!::write(report, "S", 1);
		std::uint8_t zero = 0;
		(void)::send(c.get(), &zero, 1, MSG_NOSIGNAL);
	}
}

/* Stops the squatter; whether it was ever fed the secret. */
bool stop_squatter(pid_t pid, int report[2])
{
	::kill(pid, SIGKILL);
	::waitpid(pid, nullptr, 0);
	::close(report[1]);
	char c;
	bool fed = ::read(report[0], &c, 1) == 1;
	::close(report[0]);
	return fed;
}

/* Accept one connection on @listener and serve it for our own uid. */
void serve_one(int listener, Store &store)
{
	pollfd p{listener, POLLIN, 0};
	EXPECT_EQ(::poll(&p, 1, 5000), 1);
	Fd conn(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
	ASSERT_TRUE(conn);
	auto served = serve_connection(conn.get(), ::getuid(), store);
	EXPECT_TRUE(served) << served.error().reason;
}

} // namespace

TEST(SecretChannel, PathnameSocketAndPeerCredentials)
{
	const uid_t owner = fictitious_uid();
	char tmpl[] = "/tmp/ecryptfsd_test.XXXXXX";
	ASSERT_NE(::mkdtemp(tmpl), nullptr);
	const std::string dir = std::string(tmpl) + "/d";
	const bool root = ::getuid() == 0;
	/* Our own directory: the daemon of our uid listens, our client is served. */
	{
		auto l = listen_socket(::getuid(), dir);
		ASSERT_TRUE(l) << l.error().reason;
		struct stat st{};
		ASSERT_EQ(::lstat(dir.c_str(), &st), 0);
		EXPECT_EQ(st.st_mode & 07777, 0700u);
		EXPECT_EQ(l.value().path(), dir + "/socket");
		Store store;
		/* A second daemon sees the first one alive (its probe is a PING). */
		pid_t second = ::fork();
		if (second == 0) {
			auto twice = listen_socket(::getuid(), dir);
			::_exit(twice ? 0 : (-twice.error().code) & 0xff);
		}
		{
			serve_one(l.value().get(), store);
			int status = 0;
			::waitpid(second, &status, 0);
			EXPECT_EQ(WEXITSTATUS(status), EADDRINUSE);
		}
		pid_t pid = ::fork();
		if (pid == 0) {
			auto fd = connect_daemon(::getuid(), {dir});
			if (!fd)
				::_exit(99);
			auto st2 = send_request(fd.value().get(), kOpPut, "fedcba9876543210", "top secret");
			::_exit(st2 ? 0 : (-st2.error().code) & 0xff);
		}
		serve_one(l.value().get(), store);
		int status = 0;
		::waitpid(pid, &status, 0);
		EXPECT_EQ(WEXITSTATUS(status), 0);
		EXPECT_STREQ(store.find("fedcba9876543210"), "top secret");
	}
	/* The listener's destruction removed its socket file (not the directory). */
	EXPECT_NE(::access((dir + "/socket").c_str(), F_OK), 0);
	EXPECT_EQ(::access(dir.c_str(), F_OK), 0);
	/* A dead daemon's socket file does not keep the next one from starting. */
	{
		Fd s(::socket(AF_UNIX, SOCK_SEQPACKET, 0));
		sockaddr_un a{};
		a.sun_family = AF_UNIX;
		std::strcpy(a.sun_path, (dir + "/socket").c_str());
		ASSERT_EQ(::bind(s.get(), reinterpret_cast<sockaddr *>(&a), sizeof(a)), 0);
	}
	auto again = listen_socket(::getuid(), dir);
	EXPECT_TRUE(again) << again.error().reason;
	again = Result<Listener>(Listener());

	/* A directory that is not 0700, or not ours, is refused by both ends. */
	ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
	auto open_mode = listen_socket(::getuid(), dir);
	ASSERT_FALSE(open_mode);
	EXPECT_EQ(open_mode.error().code, -EPERM);
	EXPECT_EQ(connect_daemon(::getuid(), {dir}).error().code, -EPERM);
	ASSERT_EQ(::chmod(dir.c_str(), 0700), 0);
	EXPECT_EQ(listen_socket(owner, dir).error().code, -EPERM);
	/* A symlink in its place is refused too. */
	const std::string link = std::string(tmpl) + "/link";
	ASSERT_EQ(::symlink(dir.c_str(), link.c_str()), 0);
	EXPECT_EQ(listen_socket(::getuid(), link).error().code, -EPERM);
	EXPECT_EQ(connect_daemon(::getuid(), {link}).error().code, -EPERM);

	/* The daemon refuses a client of another user (root acting for the user is accepted). */
	if (root) {
		int code = as_nobody([&] {
			int sv[2];
			if (::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0)
				return 98;
			Store store;
			pid_t c = ::fork();
			if (c == 0) {
				auto st = send_request(sv[0], kOpPut, "fedcba9876543210", "top secret");
				::_exit(st ? 0 : (-st.error().code) & 0xff);
			}
			auto st = serve_connection(sv[1], owner, store);
			int status = 0;
			::waitpid(c, &status, 0);
			if (st || store.size() != 0)
				return 97;
			/* And the client's own check refuses such a peer before sending. */
			if (check_peer(sv[0], owner).error().code != -EPERM || !check_peer(sv[0], 65534))
				return 96;
			return WEXITSTATUS(status);
		});
		EXPECT_EQ(code, EPERM);
	} else {
		std::fprintf(stderr, "SKIPPED PART: the other-uid client needs root to switch uid\n");
	}

	/* No daemon for a uid: a clear error saying to start it. */
	auto none = ping_daemon(owner + 1);
	ASSERT_FALSE(none);
	EXPECT_EQ(none.error().code, -ENOTCONN);
	EXPECT_NE(none.error().reason.find("start it first"), std::string::npos);
	std::filesystem::remove_all(tmpl);
}

/*
 * Issue 17: another user squats the daemon's place before it starts.  With
 * the abstract socket of old, the client sent that user the secret and
 * reported success.  Now the client refuses, says so, and sends nothing.
 */
TEST(SecretChannel, SquatterIsReportedNeverFed)
{
	const uid_t owner = fictitious_uid();
	const bool root = ::getuid() == 0;
	const uid_t squatter = root ? 65534 : ::getuid();
	const auto dirs = socket_dirs(owner);
	ASSERT_FALSE(dirs.empty());
	const std::string dir = dirs.back(); /* the /tmp fallback: anyone can create it */
	ASSERT_EQ(dir.rfind("/tmp/", 0), 0u) << dir;
	std::filesystem::remove_all(dir);

	/* 1. The squatter owns the directory (made 0777 so it can bind in it). */
	ASSERT_EQ(::mkdir(dir.c_str(), 0777), 0);
	ASSERT_EQ(::chmod(dir.c_str(), 0777), 0);
	if (root) {
		ASSERT_EQ(::chown(dir.c_str(), squatter, squatter), 0);
	}
	int report[2];
	ASSERT_EQ(::pipe(report), 0);
	pid_t sq = start_squatter(dir + "/socket", owner, squatter, report[1], "top secret");
	ASSERT_GT(sq, 0);
	auto st = hand_secret(owner, "fedcba9876543210", "top secret");
	auto daemon = listen_socket(owner);
	bool fed = stop_squatter(sq, report);
	EXPECT_FALSE(fed) << "the squatter received the secret";
	ASSERT_FALSE(st) << "the client reported success to a squatter";
	EXPECT_EQ(st.error().code, -EPERM);
	EXPECT_NE(st.error().reason.find("squats"), std::string::npos) << st.error().reason;
	/* The daemon does not start there either, and says why. */
	ASSERT_FALSE(daemon);
	EXPECT_NE(daemon.error().reason.find("squats"), std::string::npos) << daemon.error().reason;
	std::filesystem::remove_all(dir);

	/* 2. The directory is right but the listener in it runs as another uid. */
	if (!root) {
		std::fprintf(stderr, "SKIPPED PART: a listener of another uid needs root\n");
		return;
	}
	ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
	ASSERT_EQ(::chown(dir.c_str(), owner, owner), 0);
	ASSERT_EQ(::pipe(report), 0);
	sq = start_squatter(dir + "/socket", owner, squatter, report[1], "top secret");
	ASSERT_GT(sq, 0);
	st = hand_secret(owner, "fedcba9876543210", "top secret");
	fed = stop_squatter(sq, report);
	EXPECT_FALSE(fed) << "the squatter received the secret";
	ASSERT_FALSE(st) << "the client reported success to a squatter";
	EXPECT_EQ(st.error().code, -EPERM);
	EXPECT_NE(st.error().reason.find("uid 65534"), std::string::npos) << st.error().reason;
	std::filesystem::remove_all(dir);
}

TEST(SecretChannel, AddModuleKeyNeedsTheDaemon)
{
	auto mods = fake_modules();
	keymod::Values v;
	v.set("secret", "s3cret");
	/* Our uid's daemon is not running in the test (its socket name is free). */
	if (!ping_daemon(::getuid())) {
		auto r = keymod::add_module_key(mods[0], v);
		ASSERT_FALSE(r);
		EXPECT_EQ(r.error().code, -ENOTCONN);
		EXPECT_NE(r.error().reason.find("ecryptfsd"), std::string::npos);
	} else {
		GTEST_FAIL() << "an ecryptfsd runs for this uid: cannot test the no-daemon error";
	}
}

TEST(PromptProgram, ProtocolOfMinusR)
{
	char dir[] = "/tmp/prompt_test.XXXXXX";
	ASSERT_NE(::mkdtemp(dir), nullptr);
	const std::string ok = std::string(dir) + "/ok", bad = std::string(dir) + "/bad";
	/* Echoes its arguments to a file so the test sees "-t password PROMPT". */
	std::ofstream(ok) << "#!/bin/sh\nprintf '%s|' \"$@\" > " << dir
			  << "/args\nprintf 'the answer\\n'\n";
	std::ofstream(bad) << "#!/bin/sh\nexit 3\n";
	::chmod(ok.c_str(), 0700);
	::chmod(bad.c_str(), 0700);
	auto r = daemon::run_prompt_program(ok, "Passphrase for key x");
	ASSERT_TRUE(r) << r.error().reason;
	EXPECT_EQ(std::string(r.value().begin(), r.value().end()), "the answer");
	std::ifstream a(std::string(dir) + "/args");
	std::string args((std::istreambuf_iterator<char>(a)), std::istreambuf_iterator<char>());
	EXPECT_EQ(args, "-t|password|Passphrase for key x|");
	auto f = daemon::run_prompt_program(bad, "x");
	ASSERT_FALSE(f);
	EXPECT_EQ(f.error().code, -EIO);
	EXPECT_FALSE(daemon::run_prompt_program(std::string(dir) + "/missing", "x"));
	std::filesystem::remove_all(dir);
}

TEST_F(Daemon, ServeLoopStopsOnQuitErrorsAndSignals)
{
	auto h = handler();
	store.put(kSig, "s3cret");
	const std::vector<std::uint8_t> junk = {ECRYPTFS_MSG_REQUEST, 1, 2};
	std::uint8_t quit[5];
	ecryptfs_msg_write_bare(quit, ECRYPTFS_MSG_QUIT, 0);
	{
		/* 7 bad reads, a good request (resets the count), 7 bad, QUIT: status 0. */
		Pair dev;
		for (int i = 0; i < 7; ++i)
			ASSERT_EQ(::write(dev.kernel, junk.data(), junk.size()), 3);
		auto req = request_packet(77, 0, tag66(kSig, key_blob()));
		ASSERT_EQ(::write(dev.kernel, req.data(), req.size()), static_cast<ssize_t>(req.size()));
		for (int i = 0; i < 7; ++i)
			ASSERT_EQ(::write(dev.kernel, junk.data(), junk.size()), 3);
		ASSERT_EQ(::write(dev.kernel, quit, 5), 5);
		EXPECT_EQ(daemon::serve({dev.daemon, -1, -1}, ::getuid(), store, h), 0);
		EXPECT_EQ(parse_response(dev.read_kernel_side()).counter, 77u);
		EXPECT_TRUE(dev.read_kernel_side().empty());
	}
	{
		/* 8 consecutive bad reads: status 1, and it says so. */
		Pair dev;
		for (int i = 0; i < daemon::kMaxReadErrors; ++i)
			ASSERT_EQ(::write(dev.kernel, junk.data(), junk.size()), 3);
		ASSERT_EQ(::write(dev.kernel, quit, 5), 5); /* never reached */
		EXPECT_EQ(daemon::serve({dev.daemon, -1, -1}, ::getuid(), store, h), 1);
		EXPECT_NE(logs.back().find("too many consecutive errors"), std::string::npos);
	}
	{
		/* SIGTERM: QUIT goes to the kernel, status 0. */
		Pair dev;
		sigset_t set, old;
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		ASSERT_EQ(::sigprocmask(SIG_BLOCK, &set, &old), 0);
		Fd sfd(::signalfd(-1, &set, SFD_CLOEXEC));
		ASSERT_TRUE(sfd);
		ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
		EXPECT_EQ(daemon::serve({dev.daemon, -1, sfd.get()}, ::getuid(), store, h), 0);
		::sigprocmask(SIG_SETMASK, &old, nullptr);
		auto q = dev.read_kernel_side();
		ASSERT_EQ(q.size(), 5u);
		EXPECT_EQ(q[0], ECRYPTFS_MSG_QUIT);
	}
}

