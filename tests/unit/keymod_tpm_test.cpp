// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tpm key module against swtpm (a software TPM 2.0 on TCP ports of this
 * host): key generation into a 0600 key file, make_key (no auth value in the
 * blob), software encryption, decryption in the TPM, wrong auth value, a key
 * made by another TPM (clean error), no TPM listening, missing key file.
 * swtpm missing is a failure, not a skip.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "keymod_test_util.h"

using namespace ecryptfs_test;

namespace {

/* A TCP port nobody listens on now, whose successor is free too (swtpm's control port). */
int free_port_pair()
{
	for (int tries = 0; tries < 50; tries++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		sockaddr_in a{};
		a.sin_family = AF_INET;
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		socklen_t l = sizeof(a);
		if (bind(s, reinterpret_cast<sockaddr *>(&a), sizeof(a)) || getsockname(s, reinterpret_cast<sockaddr *>(&a), &l)) {
			close(s);
			continue;
		}
		int port = ntohs(a.sin_port);
		close(s);
		if (port > 65000)
			continue;
		int s2 = socket(AF_INET, SOCK_STREAM, 0);
		a.sin_port = htons(static_cast<uint16_t>(port + 1));
		bool ok = bind(s2, reinterpret_cast<sockaddr *>(&a), sizeof(a)) == 0;
		close(s2);
		if (ok)
			return port;
	}
	return -1;
}

bool port_open(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	sockaddr_in a{};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(static_cast<uint16_t>(port));
	bool ok = connect(s, reinterpret_cast<sockaddr *>(&a), sizeof(a)) == 0;
	close(s);
	return ok;
}

/* One swtpm process with its own state directory. */
class Swtpm {
public:
	explicit Swtpm(const std::filesystem::path &state)
	{
		std::string bin = find_program("swtpm");
		if (bin.empty())
			throw std::runtime_error("swtpm is missing: install swtpm (scripts/deps)");
		std::filesystem::create_directories(state);
		port_ = free_port_pair();
		if (port_ < 0)
			throw std::runtime_error("no free TCP port pair for swtpm");
		std::string server = "type=tcp,port=" + std::to_string(port_) + ",bindaddr=127.0.0.1";
		std::string ctrl = "type=tcp,port=" + std::to_string(port_ + 1) + ",bindaddr=127.0.0.1";
		std::string st = "dir=" + state.string();
		pid_ = fork();
		if (pid_ == 0) {
			/* Dies with the test, and never holds the test's output open. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			int null = open("/dev/null", O_RDWR);
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
			execl(bin.c_str(), "swtpm", "socket", "--tpm2", "--server", server.c_str(), "--ctrl",
			      ctrl.c_str(), "--tpmstate", st.c_str(), "--flags",
			      "not-need-init,startup-clear", static_cast<char *>(nullptr));
			_exit(127);
		}
		for (int i = 0; i < 100 && !port_open(port_); i++)
			std::this_thread::sleep_for(std::chrono::milliseconds(50));
		if (!port_open(port_))
			throw std::runtime_error("swtpm did not start listening on port " + std::to_string(port_));
	}
	~Swtpm()
	{
		if (pid_ > 0) {
			kill(pid_, SIGTERM);
			waitpid(pid_, nullptr, 0);
		}
	}
	std::string tcti() const { return "swtpm:host=127.0.0.1,port=" + std::to_string(port_); }

private:
	pid_t pid_ = -1;
	int port_ = -1;
};

const std::vector<std::uint8_t> kPayload = [] {
	std::vector<std::uint8_t> v{0x07};
	for (int i = 0; i < 32; i++)
		v.push_back(static_cast<std::uint8_t>(0xa0 + i));
	v.push_back(0xbe);
	v.push_back(0xef);
	return v;
}();

class Tpm : public ::testing::Test {
protected:
	void SetUp() override
	{
		ops_ = load_keymod("tpm");
		ASSERT_NE(ops_, nullptr);
		ASSERT_NO_THROW(tpm_ = std::make_unique<Swtpm>(dir_.path() / "state"));
		keyfile_ = (dir_.path() / "pki/key.tpm").string();
	}

	TempDir dir_;
	std::unique_ptr<Swtpm> tpm_;
	std::string keyfile_;
	const ecryptfs_keymod_ops *ops_ = nullptr;
};

TEST_F(Tpm, GenerateAddEncryptDecrypt)
{
	auto [rc, err] = generate(ops_, {{"keyfile", keyfile_}, {"tcti", tpm_->tcti()}});
	ASSERT_EQ(rc, 0) << err;
	struct stat st;
	ASSERT_EQ(stat(keyfile_.c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0600u);
	ASSERT_EQ(stat((dir_.path() / "pki").c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0700u);

	auto k = make_key(ops_, {{"keyfile", keyfile_}, {"tcti", tpm_->tcti()}});
	ASSERT_EQ(k.rc, 0) << k.err;
	EXPECT_EQ(k.sig.size(), 16u);
	EXPECT_EQ(k.sig.find_first_not_of("0123456789abcdef"), std::string::npos);
	EXPECT_GE(ops_->max_key_bytes(k.blob.data(), k.blob.size()), 32u);
	/* The same key gives the same signature every time. */
	EXPECT_EQ(make_key(ops_, {{"keyfile", keyfile_}, {"tcti", tpm_->tcti()}}).sig, k.sig);

	auto c = encrypt(ops_, k.blob, kPayload);
	ASSERT_EQ(c.rc, 0) << c.err;
	EXPECT_EQ(c.out.size(), 256u);
	auto d = decrypt(ops_, k.blob, nullptr, c.out);
	ASSERT_EQ(d.rc, 0) << d.err;
	EXPECT_EQ(d.out, kPayload);
	/* A key without auth value refuses one. */
	auto extra = make_key(ops_, {{"keyfile", keyfile_}, {"tcti", tpm_->tcti()}, {"auth", "x"}});
	EXPECT_NE(extra.rc, 0);
	EXPECT_NE(extra.err.find("has no auth value"), std::string::npos) << extra.err;
	/* Decryption needs no key file: the blob has the key areas. */
	std::filesystem::remove(keyfile_);
	d = decrypt(ops_, k.blob, nullptr, c.out);
	ASSERT_EQ(d.rc, 0) << d.err;
	EXPECT_EQ(d.out, kPayload);

	/* Foreign data is an error, not a crash. */
	std::vector<std::uint8_t> junk(256, 0x33);
	d = decrypt(ops_, k.blob, nullptr, junk);
	EXPECT_NE(d.rc, 0);
	EXPECT_NE(d.err.find("could not decrypt"), std::string::npos) << d.err;
	auto broken = k.blob;
	broken.resize(40);
	EXPECT_NE(encrypt(ops_, broken, kPayload).rc, 0);
	EXPECT_NE(decrypt(ops_, broken, nullptr, c.out).rc, 0);
}

TEST_F(Tpm, GenerateNeverOverwrites)
{
	auto [rc, err] = generate(ops_, {{"keyfile", keyfile_}, {"tcti", tpm_->tcti()}});
	ASSERT_EQ(rc, 0) << err;
	std::ifstream a(keyfile_, std::ios::binary);
	std::string before((std::istreambuf_iterator<char>(a)), {});
	auto [rc2, err2] = generate(ops_, {{"keyfile", keyfile_}, {"tcti", tpm_->tcti()}});
	EXPECT_NE(rc2, 0);
	EXPECT_NE(err2.find("exists"), std::string::npos) << err2;
	std::ifstream b(keyfile_, std::ios::binary);
	EXPECT_EQ(std::string((std::istreambuf_iterator<char>(b)), {}), before);
}

TEST_F(Tpm, AuthValue)
{
	const char *auth = "tpm-auth-Xy7";
	auto [rc, err] = generate(ops_, {{"keyfile", keyfile_}, {"tcti", tpm_->tcti()}, {"auth", auth}});
	ASSERT_EQ(rc, 0) << err;
	auto bad = make_key(ops_, {{"keyfile", keyfile_}, {"tcti", tpm_->tcti()}, {"auth", "wrong"}});
	EXPECT_NE(bad.rc, 0);
	EXPECT_NE(bad.err.find("wrong auth value"), std::string::npos) << bad.err;
	auto k = make_key(ops_, {{"keyfile", keyfile_}, {"tcti", tpm_->tcti()}, {"auth", auth}});
	ASSERT_EQ(k.rc, 0) << k.err;
	std::string blob(k.blob.begin(), k.blob.end());
	EXPECT_EQ(blob.find(auth), std::string::npos);
	auto c = encrypt(ops_, k.blob, kPayload);
	ASSERT_EQ(c.rc, 0);
	/* Without the auth value: refused before the TPM counts a dictionary-attack failure. */
	auto d = decrypt(ops_, k.blob, nullptr, c.out);
	EXPECT_NE(d.rc, 0);
	EXPECT_NE(d.err.find("has an auth value: give it"), std::string::npos) << d.err;
	d = decrypt(ops_, k.blob, "wrong", c.out);
	EXPECT_NE(d.rc, 0);
	EXPECT_NE(d.err.find("wrong auth value"), std::string::npos) << d.err;
	d = decrypt(ops_, k.blob, auth, c.out);
	ASSERT_EQ(d.rc, 0) << d.err;
	EXPECT_EQ(d.out, kPayload);
}

TEST_F(Tpm, KeyOfAnotherTpmFailsCleanly)
{
	auto [rc, err] = generate(ops_, {{"keyfile", keyfile_}, {"tcti", tpm_->tcti()}});
	ASSERT_EQ(rc, 0) << err;
	auto k = make_key(ops_, {{"keyfile", keyfile_}, {"tcti", tpm_->tcti()}});
	ASSERT_EQ(k.rc, 0) << k.err;
	auto c = encrypt(ops_, k.blob, kPayload);
	ASSERT_EQ(c.rc, 0);

	Swtpm other(dir_.path() / "other-state");
	KeyResult r;
	double secs = timed([&] { r = make_key(ops_, {{"keyfile", keyfile_}, {"tcti", other.tcti()}}); });
	EXPECT_NE(r.rc, 0);
	EXPECT_NE(r.err.find("made by another TPM"), std::string::npos) << r.err;
	EXPECT_LT(secs, 20.0);
	/* The blob names the first TPM; stop it: decryption reports it unreachable, quickly. */
	tpm_.reset();
	Crypt d;
	secs = timed([&] { d = decrypt(ops_, k.blob, nullptr, c.out); });
	EXPECT_NE(d.rc, 0);
	EXPECT_NE(d.err.find("cannot reach the TPM"), std::string::npos) << d.err;
	EXPECT_LT(secs, 20.0);
}

TEST_F(Tpm, MissingThings)
{
	auto r = make_key(ops_, {{"keyfile", keyfile_}, {"tcti", tpm_->tcti()}});
	EXPECT_NE(r.rc, 0);
	EXPECT_NE(r.err.find("cannot open the TPM key file"), std::string::npos) << r.err;
	std::filesystem::create_directories(dir_.path() / "pki");
	std::ofstream(keyfile_) << "not a key";
	r = make_key(ops_, {{"keyfile", keyfile_}, {"tcti", tpm_->tcti()}});
	EXPECT_NE(r.rc, 0);
	EXPECT_NE(r.err.find("is not a TPM key file"), std::string::npos) << r.err;
	std::filesystem::remove(keyfile_);
	auto [rc, err] = generate(ops_, {{"keyfile", keyfile_}, {"tcti", "swtpm:host=127.0.0.1,port=1"}});
	EXPECT_NE(rc, 0);
	EXPECT_NE(err.find("cannot reach the TPM"), std::string::npos) << err;
	EXPECT_FALSE(std::filesystem::exists(keyfile_));
	std::tie(rc, err) = generate(ops_, {{"keyfile", keyfile_}, {"tcti", "device:/nonexistent/tpm"}});
	EXPECT_NE(rc, 0);
	EXPECT_NE(err.find("cannot reach the TPM"), std::string::npos) << err;
}

} // namespace
