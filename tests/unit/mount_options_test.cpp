// SPDX-License-Identifier: GPL-2.0-only
/* The mount option model: nvp grammar, classification, merge, kernel string, sig cache. */
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libecryptfs/mount_dialog.h"
#include "libecryptfs/mount_options.h"
#include "libecryptfs/sig_cache.h"

using namespace ecryptfs;
using namespace ecryptfs::mount;

namespace {

std::vector<std::pair<std::string, std::string>> flat(const std::vector<NameValue> &v)
{
	std::vector<std::pair<std::string, std::string>> out;
	for (const auto &nv : v)
		out.emplace_back(nv.name, nv.value.value_or("<none>"));
	return out;
}

} // namespace

TEST(MountOptions, KeyTokenSplitsAtColons)
{
	auto r = parse_name_values("key=passphrase:passphrase_passwd=secretpass:salt=0123456789abcdef,"
				   "ecryptfs_cipher=aes,no_sig_cache,ecryptfs_passthrough=");
	ASSERT_TRUE(r) << r.error().reason;
	std::vector<std::pair<std::string, std::string>> want = {
		{"key", "passphrase"},       {"passphrase_passwd", "secretpass"},
		{"salt", "0123456789abcdef"}, {"ecryptfs_cipher", "aes"},
		{"no_sig_cache", "<none>"},  {"ecryptfs_passthrough", "<none>"}};
	EXPECT_EQ(flat(r.value()), want);
}

TEST(MountOptions, NameIsTextBeforeLastEquals)
{
	auto r = parse_name_values("key=passphrase:passwd=a=b");
	ASSERT_TRUE(r);
	ASSERT_EQ(r.value().size(), 2u);
	EXPECT_EQ(r.value()[1].name, "passwd=a");
	EXPECT_EQ(r.value()[1].value, "b");
	/* Not recognised, and the error text must not echo the passphrase part. */
	EXPECT_EQ(classify(r.value()[1].name), Kind::unknown);
	EXPECT_EQ(printable_name(r.value()[1]), "passwd=...");
	auto st = check_command_line(r.value());
	ASSERT_FALSE(st);
	EXPECT_EQ(st.error().code, -EINVAL);
	EXPECT_EQ(st.error().reason.find("a=b"), std::string::npos);
}

TEST(MountOptions, FilesSplitAtNewlinesToo)
{
	auto r = parse_name_values("key=passphrase\r\necryptfs_cipher=aes\n\nsalt=0011223344556677\n");
	ASSERT_TRUE(r);
	EXPECT_EQ(r.value().size(), 3u);
	EXPECT_EQ(r.value()[1].value, "aes");
}

TEST(MountOptions, BadTokensAreRefused)
{
	EXPECT_FALSE(parse_name_values("=foo"));
	EXPECT_FALSE(parse_name_values("rw,:x"));
	EXPECT_FALSE(parse_name_values(std::string(129, 'a')));
	EXPECT_TRUE(parse_name_values(std::string(128, 'a')));
}

TEST(MountOptions, Classification)
{
	EXPECT_EQ(classify("key"), Kind::helper);
	EXPECT_EQ(classify("passwd_file"), Kind::helper);
	EXPECT_EQ(classify("ecryptfs_cipher"), Kind::helper);
	EXPECT_EQ(classify("ecryptfs_sig"), Kind::kernel);
	EXPECT_EQ(classify("ecryptfs_unlink_sigs"), Kind::kernel);
	EXPECT_EQ(classify("ecryptfs_check_dev_ruid"), Kind::kernel);
	EXPECT_EQ(classify("relatime"), Kind::flag);
	EXPECT_EQ(classify("user"), Kind::userspace);
	EXPECT_EQ(classify("x-systemd.automount"), Kind::userspace);
	EXPECT_EQ(classify("foo"), Kind::unknown);
	EXPECT_EQ(classify("user_xattr"), Kind::unknown);
	EXPECT_TRUE(kernel_accepts({"ecryptfs_fnek_sig", "0123456789abcdef"}));
	EXPECT_TRUE(kernel_accepts({"ecryptfs_cipher", "aes"}));
	EXPECT_TRUE(kernel_accepts({"ecryptfs_passthrough", std::nullopt}));
	EXPECT_FALSE(kernel_accepts({"ecryptfs_passthrough", "n"}));
	EXPECT_FALSE(kernel_accepts({"key", "passphrase"}));
	EXPECT_FALSE(kernel_accepts({"passphrase_passwd_file", "/x"}));
	EXPECT_TRUE(kernel_accepts({"ecryptfs_check_dev_ruid", std::nullopt}));
	unsigned long set = 0, clear = 0;
	ASSERT_TRUE(flag_bits("ro", set, clear));
	EXPECT_EQ(set, static_cast<unsigned long>(MS_RDONLY));
	ASSERT_TRUE(flag_bits("rw", set, clear));
	EXPECT_EQ(clear, static_cast<unsigned long>(MS_RDONLY));
	EXPECT_FALSE(flag_bits("ecryptfs_sig", set, clear));
}

TEST(MountOptions, RemountIsRefusedWithTheReferenceAdvice)
{
	auto r = parse_name_values("remount");
	ASSERT_TRUE(r);
	auto st = check_command_line(r.value());
	ASSERT_FALSE(st);
	EXPECT_EQ(st.error().reason, "When remounting eCryptfs, you need to pass the mount utility the "
				     "-i parameter to avoid calling the mount helper");
}

TEST(MountOptions, CommandLineReplacesRcButRepeatablesAppend)
{
	auto rc = parse_name_values("key=passphrase,ecryptfs_cipher=blowfish,salt=0123456789abcdef");
	auto cmd = parse_name_values("ecryptfs_cipher=aes,key=passphrase:passwd=x");
	ASSERT_TRUE(rc && cmd);
	auto m = merge_rc_and_command_line(rc.value(), cmd.value());
	std::vector<std::pair<std::string, std::string>> want = {
		{"key", "passphrase"}, {"salt", "0123456789abcdef"}, {"ecryptfs_cipher", "aes"},
		{"key", "passphrase"}, {"passwd", "x"}};
	EXPECT_EQ(flat(m), want);
}

TEST(MountOptions, JoinDropsExactDuplicates)
{
	EXPECT_EQ(join_kernel_options({"ecryptfs_sig=a", "ecryptfs_cipher=aes", "ecryptfs_unlink_sigs"},
				      {"ecryptfs_unlink_sigs", "ecryptfs_check_dev_ruid"}),
		  "ecryptfs_sig=a,ecryptfs_cipher=aes,ecryptfs_unlink_sigs,ecryptfs_check_dev_ruid");
}

TEST(MountOptions, ProcMountsHelpers)
{
	const std::string o = "rw,relatime,ecryptfs_fnek_sig=bbbbbbbbbbbbbbbb,ecryptfs_sig=aaaaaaaaaaaaaaaa,"
			      "ecryptfs_sig=cccccccccccccccc,ecryptfs_cipher=aes,ecryptfs_unlink_sigs";
	EXPECT_EQ(option_values(o, "ecryptfs_sig"),
		  (std::vector<std::string>{"aaaaaaaaaaaaaaaa", "cccccccccccccccc"}));
	EXPECT_EQ(option_values(o, "ecryptfs_fnek_sig"), (std::vector<std::string>{"bbbbbbbbbbbbbbbb"}));
	EXPECT_TRUE(has_option(o, "ecryptfs_unlink_sigs"));
	EXPECT_FALSE(has_option(o, "ecryptfs_unlink"));
	EXPECT_FALSE(has_option("rw", "ecryptfs_unlink_sigs"));
	EXPECT_TRUE(is_valid_sig("81a0cb4417bc8bc7"));
	EXPECT_FALSE(is_valid_sig("81a0cb4417bc8bc"));
	EXPECT_FALSE(is_valid_sig("81a0cb4417bc8bcg"));
}

TEST(SigCache, SeventeenByteRecords)
{
	EXPECT_TRUE(sig_cache::text_contains("81a0cb4417bc8bc7\n", "81a0cb4417bc8bc7"));
	EXPECT_TRUE(sig_cache::text_contains("0000000000000000\n81a0cb4417bc8bc7\n", "81a0cb4417bc8bc7"));
	/* Only record starts count. */
	EXPECT_FALSE(sig_cache::text_contains("x81a0cb4417bc8bc7\n", "81a0cb4417bc8bc7"));
	EXPECT_FALSE(sig_cache::text_contains("", "81a0cb4417bc8bc7"));
	EXPECT_TRUE(sig_cache::text_contains("81a0cb4417bc8bc7", "81a0cb4417bc8bc7"));
}

TEST(SigCache, AppendCreatesPrivateFileAtomically)
{
	char tmpl[] = "/tmp/sigcache-test-XXXXXX";
	ASSERT_NE(mkdtemp(tmpl), nullptr);
	const std::string home = tmpl;
	ASSERT_TRUE(sig_cache::append(home, "81a0cb4417bc8bc7", getuid(), getgid()));
	ASSERT_TRUE(sig_cache::append(home, "0123456789abcdef", getuid(), getgid()));
	std::ifstream in(sig_cache::path_in(home), std::ios::binary);
	std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
	EXPECT_EQ(text, "81a0cb4417bc8bc7\n0123456789abcdef\n");
	struct stat st;
	ASSERT_EQ(stat(sig_cache::path_in(home).c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0600u);
	ASSERT_EQ(stat((home + "/.ecryptfs").c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0700u);
	auto c = sig_cache::contains(sig_cache::path_in(home), "0123456789abcdef");
	ASSERT_TRUE(c);
	EXPECT_TRUE(c.value());
	auto missing = sig_cache::contains(home + "/nope", "0123456789abcdef");
	ASSERT_TRUE(missing);
	EXPECT_FALSE(missing.value());
	std::error_code ec;
	std::filesystem::remove_all(home, ec);
	EXPECT_FALSE(ec) << "cannot remove " << home << ": " << ec.message();
}
