// SPDX-License-Identifier: GPL-2.0-only
/*
 * Adding and removing auth tokens in @u through libkeyutils.  Each case runs
 * in a child process inside a fresh user namespace, which has a user
 * keyring of its own: the host's keys are never touched.  A kernel that
 * refuses unprivileged user namespaces makes the test fail, not skip.
 */
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include <fcntl.h>
#include <keyutils.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libecryptfs/auth_tok.h"
#include "libecryptfs/crypto.h"
#include "libecryptfs/keyring.h"
#include "userland_test_util.h"

using namespace ecryptfs;
using ecryptfs_test::hex;

namespace {

bool write_file(const char *path, const std::string &s)
{
	int fd = ::open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = ::write(fd, s.data(), s.size()) == static_cast<ssize_t>(s.size());
	::close(fd);
	return ok;
}

/*
 * Run @body in a child in a new user namespace (mapped to uid 0).  The
 * child reports failures on stderr and through its exit status.
 */
void in_private_keyring(const std::function<bool()> &body)
{
	std::fflush(nullptr);
	pid_t pid = ::fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		const std::string uid = std::to_string(::getuid()), gid = std::to_string(::getgid());
		if (::unshare(CLONE_NEWUSER) != 0) {
			std::fprintf(stderr, "unshare(CLONE_NEWUSER): %s\n", std::strerror(errno));
			::_exit(3);
		}
		if (!write_file("/proc/self/setgroups", "deny") ||
		    !write_file("/proc/self/uid_map", "0 " + uid + " 1") ||
		    !write_file("/proc/self/gid_map", "0 " + gid + " 1")) {
			std::fprintf(stderr, "cannot write the id maps: %s\n", std::strerror(errno));
			::_exit(3);
		}
		if (keyctl_clear(KEY_SPEC_USER_KEYRING) != 0) {
			std::fprintf(stderr, "keyctl_clear(@u): %s\n", std::strerror(errno));
			::_exit(3);
		}
		bool ok = body();
		std::fflush(nullptr);
		::_exit(ok && !testing::Test::HasFailure() ? 0 : 1);
	}
	int status = 0;
	ASSERT_EQ(::waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status)) << "child died";
	ASSERT_NE(WEXITSTATUS(status), 3) << "no private user keyring (user namespaces refused?)";
	EXPECT_EQ(WEXITSTATUS(status), 0) << "see the child's messages above";
}

std::string payload_of(const std::string &sig)
{
	long id = keyctl_search(KEY_SPEC_USER_KEYRING, "user", sig.c_str(), 0);
	if (id < 0)
		return "<no key " + sig + ">";
	void *buf = nullptr;
	long n = keyctl_read_alloc(static_cast<key_serial_t>(id), &buf);
	if (n < 0)
		return "<unreadable>";
	std::string h = hex({static_cast<const std::uint8_t *>(buf), static_cast<std::size_t>(n)});
	std::free(buf);
	return h;
}

} // namespace

TEST(Keyring, AddPassphraseKeyPutsTheTokenUnderItsSig)
{
	in_private_keyring([] {
		auto added = add_passphrase_key_to_keyring(Passphrase("test"), kDefaultSalt);
		EXPECT_TRUE(added.ok());
		if (!added.ok())
			return false;
		EXPECT_EQ(added.value().sig, "d395309aaad4de06");
		EXPECT_EQ(added.value().how, KeyAdded::added);
		auto k = derive_key("test", kDefaultSalt);
		auto tok = auth_tok::build_passphrase(k.value().kek, k.value().sig, kDefaultSalt);
		EXPECT_EQ(payload_of("d395309aaad4de06"), hex(tok));

		/* Type "user", description = sig, default permissions. */
		long id = keyctl_search(KEY_SPEC_USER_KEYRING, "user", "d395309aaad4de06", 0);
		char *desc = nullptr;
		EXPECT_GE(keyctl_describe_alloc(static_cast<key_serial_t>(id), &desc), 0);
		EXPECT_EQ(std::string(desc ? desc : ""), "user;0;0;3f010000;d395309aaad4de06");
		std::free(desc);

		auto fnek = add_passphrase_key_to_keyring(Passphrase("test"), kFnekSalt);
		EXPECT_TRUE(fnek.ok());
		EXPECT_EQ(fnek.value().sig, "be877764c5918621");
		return true;
	});
}

TEST(Keyring, ReAddingIsSuccessAndChangesNothing)
{
	in_private_keyring([] {
		auto first = add_passphrase_key_to_keyring(Passphrase("secretpass"), kDefaultSalt);
		EXPECT_TRUE(first.ok());
		const std::string before = payload_of("81a0cb4417bc8bc7");
		auto again = add_passphrase_key_to_keyring(Passphrase("secretpass"), kDefaultSalt);
		EXPECT_TRUE(again.ok());
		EXPECT_EQ(again.value().how, KeyAdded::already_present);
		EXPECT_EQ(again.value().sig, "81a0cb4417bc8bc7");
		EXPECT_EQ(payload_of("81a0cb4417bc8bc7"), before);
		return true;
	});
}

TEST(Keyring, RemoveAndErrors)
{
	in_private_keyring([] {
		EXPECT_TRUE(add_passphrase_key_to_keyring(Passphrase("foo"), kDefaultSalt).ok());
		EXPECT_TRUE(remove_auth_tok_from_user_keyring("253ca7e88811d184").ok());
		EXPECT_EQ(payload_of("253ca7e88811d184"), "<no key 253ca7e88811d184>");
		auto gone = remove_auth_tok_from_user_keyring("253ca7e88811d184");
		EXPECT_FALSE(gone.ok());
		EXPECT_EQ(gone.error().code, -ENOKEY);

		auto empty = add_passphrase_key_to_keyring(Passphrase(""), kDefaultSalt);
		EXPECT_FALSE(empty.ok());
		EXPECT_EQ(empty.error().code, -EINVAL);
		auto too_long = add_passphrase_key_to_keyring(Passphrase(std::string(65, 'x')),
							      kDefaultSalt);
		EXPECT_FALSE(too_long.ok());
		EXPECT_EQ(too_long.error().code, -EINVAL);
		return true;
	});
}
