// SPDX-License-Identifier: GPL-2.0-only
/* The mount.ecryptfs dialog driven with scripted input, checked against the reference's words. */
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>

#include <sys/mount.h>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "libecryptfs/mount_dialog.h"

using namespace ecryptfs;
using namespace ecryptfs::mount;

namespace {

struct DialogRun {
	Result<MountPlan> plan = Error{0, ""};
	std::string out, err;
	std::vector<std::string> added; /* sigs given to add_key */
};

DialogRun run(const std::string &opts, const std::string &answers, std::uint32_t mask = 0x177,
	const std::string &rc = "")
{
	DialogRun r;
	std::istringstream in(answers);
	std::ostringstream out, err;
	StreamDialogIo io(in, out, err);
	Options o;
	auto cmd = parse_name_values(opts);
	EXPECT_TRUE(cmd);
	auto rcp = parse_name_values(rc);
	EXPECT_TRUE(rcp);
	o.command_line = cmd.value();
	o.merged = merge_rc_and_command_line(rcp.value(), cmd.value());
	DialogConfig cfg;
	cfg.kernel_mask = mask;
	cfg.add_key = [&r](const Passphrase &p, const Salt &salt) -> Result<std::string> {
		auto k = derive_key(p.view(), salt);
		if (!k)
			return k.error();
		r.added.push_back(k.value().sig);
		return k.value().sig;
	};
	r.plan = run_dialog(io, o, cfg);
	r.out = out.str();
	r.err = err.str();
	return r;
}

const char *kCipherMenu = "Select cipher: \n"
			  " 1) aes: blocksize = 16; min keysize = 16; max keysize = 32\n"
			  " 2) blowfish: blocksize = 8; min keysize = 16; max keysize = 56\n"
			  " 3) des3_ede: blocksize = 8; min keysize = 24; max keysize = 24\n"
			  " 4) twofish: blocksize = 16; min keysize = 16; max keysize = 32\n"
			  " 5) cast6: blocksize = 16; min keysize = 16; max keysize = 32\n"
			  " 6) cast5: blocksize = 8; min keysize = 5; max keysize = 16\n"
			  "Selection [aes]: ";
const char *kKeyMenu = "Select key type to use for newly created files: \n 1) tspi\n 2) passphrase\n"
		       "Selection: ";
const char *kAesBytes = "Select key bytes: \n 1) 16\n 2) 32\n 3) 24\nSelection [16]: ";

} // namespace

/* userland.md §4.3, the transcript of the reference on Debian (answers are not echoed here). */
TEST(MountDialog, InteractiveTranscriptOfTheReference)
{
	DialogRun r = run("", "2\nsecretpass\n\n2\ny\ny\n\n");
	ASSERT_TRUE(r.plan) << r.plan.error().reason;
	std::string want = std::string(kKeyMenu) + "Passphrase: \n" + kCipherMenu + kAesBytes +
			   "Enable plaintext passthrough (y/n) [n]: "
			   "Enable filename encryption (y/n) [n]: "
			   "Filename Encryption Key (FNEK) Signature [81a0cb4417bc8bc7]: ";
	EXPECT_EQ(r.out, want);
	EXPECT_EQ(summary(r.plan.value()), "Attempting to mount with the following options:\n"
					   "  ecryptfs_unlink_sigs\n"
					   "  ecryptfs_fnek_sig=81a0cb4417bc8bc7\n"
					   "  ecryptfs_passthrough\n"
					   "  ecryptfs_key_bytes=32\n"
					   "  ecryptfs_cipher=aes\n"
					   "  ecryptfs_sig=81a0cb4417bc8bc7\n");
	EXPECT_EQ(kernel_options(r.plan.value()),
		  "ecryptfs_sig=81a0cb4417bc8bc7,ecryptfs_cipher=aes,ecryptfs_key_bytes=32,"
		  "ecryptfs_passthrough,ecryptfs_fnek_sig=81a0cb4417bc8bc7,ecryptfs_unlink_sigs");
	EXPECT_EQ(r.added, std::vector<std::string>{"81a0cb4417bc8bc7"});
	EXPECT_EQ(r.plan.value().new_sigs, std::vector<std::string>{"81a0cb4417bc8bc7"});
}

TEST(MountDialog, AnswersByNameAndUnusableAnswersShowTheMenuAgain)
{
	DialogRun r = run("", "9\nfoo\npassphrase\n\nsecretpass\n7\nblowfish\n0\n56\nmaybe\nno\n\n");
	ASSERT_TRUE(r.plan) << r.plan.error().reason << r.out;
	std::string menu3 = std::string(kKeyMenu) + kKeyMenu + kKeyMenu;
	EXPECT_EQ(r.out.substr(0, menu3.size()), menu3);
	EXPECT_EQ(r.err, "Wrong input, non-empty value required!\n");
	EXPECT_NE(r.out.find("Passphrase: \nPassphrase: \n"), std::string::npos);
	EXPECT_NE(r.out.find(std::string(kCipherMenu) + kCipherMenu), std::string::npos);
	EXPECT_NE(r.out.find("Select key bytes: \n 1) 16\n 2) 32\n 3) 56\nSelection [16]: Select key "
			     "bytes: \n 1) 16\n 2) 32\n 3) 56\nSelection [16]: "),
		  std::string::npos);
	EXPECT_NE(r.out.find("Enable plaintext passthrough (y/n) [n]: Enable plaintext passthrough "
			     "(y/n) [n]: Enable filename"),
		  std::string::npos);
	EXPECT_EQ(kernel_options(r.plan.value()),
		  "ecryptfs_sig=81a0cb4417bc8bc7,ecryptfs_cipher=blowfish,ecryptfs_key_bytes=56,"
		  "ecryptfs_unlink_sigs");
}

TEST(MountDialog, ChoosingTspiExplainsAndAsksAgain)
{
	DialogRun r = run("", "1\n2\nsecretpass\n\n\n\n\n");
	ASSERT_TRUE(r.plan) << r.plan.error().reason;
	EXPECT_NE(r.err.find("tspi key type"), std::string::npos);
	EXPECT_EQ(r.out.substr(0, 2 * std::strlen(kKeyMenu)), std::string(kKeyMenu) + kKeyMenu);
}

TEST(MountDialog, FiveBadYesNoAnswersFail)
{
	DialogRun r = run("key=passphrase:passwd=secretpass,ecryptfs_cipher=aes,ecryptfs_key_bytes=16",
		    "a\nb\nc\nd\ne\n");
	ASSERT_FALSE(r.plan);
	EXPECT_EQ(r.plan.error().code, -EINVAL);
}

TEST(MountDialog, EndOfInputIsEio)
{
	DialogRun r = run("", "2\n");
	ASSERT_FALSE(r.plan);
	EXPECT_EQ(r.plan.error().code, -EIO);
}

TEST(MountDialog, EverythingGivenAsksNothing)
{
	DialogRun r = run("key=passphrase:passphrase_passwd=secretpass,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,"
		    "ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache,rw,relatime",
		    "");
	ASSERT_TRUE(r.plan) << r.plan.error().reason;
	EXPECT_EQ(r.out, "");
	EXPECT_FALSE(r.plan.value().sig_cache);
	EXPECT_EQ(kernel_options(r.plan.value()),
		  "ecryptfs_sig=81a0cb4417bc8bc7,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,"
		  "ecryptfs_unlink_sigs");
	EXPECT_EQ(r.plan.value().flags_set, static_cast<unsigned long>(MS_RELATIME));
}

TEST(MountDialog, SaltFromOptionsOrRc)
{
	DialogRun a = run("key=passphrase:passwd=secretpass:salt=0123456789abcdef,ecryptfs_cipher=aes,"
		    "ecryptfs_key_bytes=16,verbosity=0", "");
	ASSERT_TRUE(a.plan) << a.plan.error().reason;
	EXPECT_EQ(a.added, std::vector<std::string>{"944d4740e2631fde"});
	DialogRun b = run("key=passphrase:passwd=secretpass,verbosity=0", "", 0x177,
		    "salt=0123456789abcdef\necryptfs_cipher=aes\necryptfs_key_bytes=16\n");
	ASSERT_TRUE(b.plan) << b.plan.error().reason;
	EXPECT_EQ(b.added, std::vector<std::string>{"944d4740e2631fde"});
	DialogRun c = run("key=passphrase:passwd=secretpass:salt=0123,verbosity=0", "");
	ASSERT_FALSE(c.plan);
	EXPECT_EQ(c.plan.error().code, -EINVAL);
}

TEST(MountDialog, PassphraseFilesAndFds)
{
	char path[] = "/tmp/mount-dialog-pass-XXXXXX";
	int fd = mkstemp(path);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, "passphrase_passwd=secretpass\n", 29), 29);
	close(fd);
	for (const char *name : {"passphrase_passwd_file", "passfile", "passwd_file"}) {
		DialogRun r = run(std::string("key=passphrase:") + name + "=" + path +
				    ",ecryptfs_cipher=aes,ecryptfs_key_bytes=16,verbosity=0", "");
		ASSERT_TRUE(r.plan) << name << ": " << r.plan.error().reason;
		EXPECT_EQ(r.added, std::vector<std::string>{"81a0cb4417bc8bc7"}) << name;
	}
	int p[2];
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(write(p[1], "passwd=secretpass", 17), 17);
	close(p[1]);
	DialogRun r = run("key=passphrase:passphrase_passwd_fd=" + std::to_string(p[0]) +
			    ",ecryptfs_cipher=aes,ecryptfs_key_bytes=16,verbosity=0", "");
	close(p[0]);
	ASSERT_TRUE(r.plan) << r.plan.error().reason;
	EXPECT_EQ(r.added, std::vector<std::string>{"81a0cb4417bc8bc7"});
	/* A file without the passphrase line is an error, not a prompt. */
	std::ofstream(path) << "something=else\n";
	DialogRun bad = run(std::string("key=passphrase:passphrase_passwd_file=") + path +
			      ",ecryptfs_cipher=aes,ecryptfs_key_bytes=16", "");
	ASSERT_FALSE(bad.plan);
	EXPECT_EQ(bad.plan.error().code, -EINVAL);
	unlink(path);
}

TEST(MountDialog, VerbosityZeroNeverAsks)
{
	DialogRun r = run("key=passphrase:passwd=secretpass,verbosity=0", "2\n");
	ASSERT_FALSE(r.plan);
	EXPECT_EQ(r.plan.error().code, -EINVAL);
	EXPECT_EQ(r.out, "");
	DialogRun n = run("no_prompt,ecryptfs_cipher=aes,ecryptfs_key_bytes=16", "");
	ASSERT_FALSE(n.plan);
	EXPECT_EQ(n.plan.error().code, -EINVAL);
}

TEST(MountDialog, BadValuesInOptions)
{
	DialogRun c = run("key=passphrase:passwd=secretpass,ecryptfs_cipher=foo,ecryptfs_key_bytes=16", "");
	ASSERT_FALSE(c.plan);
	EXPECT_EQ(c.plan.error().code, -EINVAL);
	DialogRun k = run("key=passphrase:passwd=secretpass,ecryptfs_cipher=aes,ecryptfs_key_bytes=17", "");
	ASSERT_FALSE(k.plan);
	DialogRun t = run("key=foo", "");
	ASSERT_FALSE(t.plan);
	EXPECT_EQ(t.plan.error().code, -EINVAL);
	/* A bad y/n value is asked again, as the reference does. */
	DialogRun y = run("key=passphrase:passwd=secretpass,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,"
		    "ecryptfs_passthrough=q,ecryptfs_enable_filename_crypto=n", "y\n");
	ASSERT_TRUE(y.plan) << y.plan.error().reason;
	EXPECT_EQ(y.out, "Enable plaintext passthrough (y/n) [n]: ");
	EXPECT_NE(kernel_options(y.plan.value()).find("ecryptfs_passthrough"), std::string::npos);
}

TEST(MountDialog, SigSkipsTheKeyDialogAndFnekSigImpliesFilenameCrypto)
{
	DialogRun r = run("sig=0123456789abcdef,ecryptfs_cipher=aes,ecryptfs_key_bytes=32,"
		    "ecryptfs_passthrough,ecryptfs_fnek_sig=fedcba9876543210,ecryptfs_check_dev_ruid",
		    "");
	ASSERT_TRUE(r.plan) << r.plan.error().reason;
	EXPECT_EQ(r.out, "");
	EXPECT_TRUE(r.added.empty());
	EXPECT_EQ(kernel_options(r.plan.value()),
		  "ecryptfs_sig=0123456789abcdef,ecryptfs_cipher=aes,ecryptfs_key_bytes=32,"
		  "ecryptfs_passthrough,ecryptfs_fnek_sig=fedcba9876543210,ecryptfs_unlink_sigs,"
		  "ecryptfs_check_dev_ruid");
	DialogRun e = run("ecryptfs_sig=0123456789abcdef,ecryptfs_cipher=aes,ecryptfs_key_bytes=16", "\n\n");
	ASSERT_TRUE(e.plan) << e.plan.error().reason;
	EXPECT_EQ(e.out, "Enable plaintext passthrough (y/n) [n]: Enable filename encryption (y/n) [n]: ");
	DialogRun bad = run("sig=0123", "");
	ASSERT_FALSE(bad.plan);
}

TEST(MountDialog, KernelMaskHidesQuestions)
{
	DialogRun r = run("key=passphrase:passwd=secretpass,ecryptfs_cipher=aes,ecryptfs_key_bytes=16", "",
		    0x1);
	ASSERT_TRUE(r.plan) << r.plan.error().reason;
	EXPECT_EQ(r.out, "");
	DialogRun f = run("sig=0123456789abcdef,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,"
		    "ecryptfs_fnek_sig=0123456789abcdef", "", 0x1);
	ASSERT_FALSE(f.plan);
}

TEST(MountDialog, MultipleKeys)
{
	DialogRun r = run("key=passphrase:passwd=secretpass,key=passphrase:passwd=test,ecryptfs_cipher=aes,"
		    "ecryptfs_key_bytes=16,verbosity=0", "");
	ASSERT_TRUE(r.plan) << r.plan.error().reason;
	EXPECT_EQ(r.added, (std::vector<std::string>{"81a0cb4417bc8bc7", "d395309aaad4de06"}));
}

namespace {

struct SigRun {
	Result<SigDecision> d = Error{0, ""};
	std::string out;
	int appended = 0;
};

SigRun sig_run(const std::string &cache, const std::string &answers)
{
	SigRun s;
	std::istringstream in(answers);
	std::ostringstream out, err;
	StreamDialogIo io(in, out, err);
	s.d = confirm_sig(io, cache, "81a0cb4417bc8bc7", [&]() -> Status {
		++s.appended;
		return Ok{};
	});
	s.out = out.str();
	return s;
}

const std::string kWarning = "WARNING: Based on the contents of [/nonexistent/sig-cache.txt],\n"
			     "it looks like you have never mounted with this key \n"
			     "before. This could mean that you have typed your \n"
			     "passphrase wrong.\n\n"
			     "Would you like to proceed with the mount (yes/no)? : ";

} // namespace

TEST(MountDialog, SigCacheQuestions)
{
	SigRun yes = sig_run("/nonexistent/sig-cache.txt", "yes\nyes\n");
	ASSERT_TRUE(yes.d);
	EXPECT_EQ(yes.d.value(), SigDecision::proceed);
	EXPECT_EQ(yes.appended, 1);
	EXPECT_EQ(yes.out, kWarning +
				   "Would you like to append sig [81a0cb4417bc8bc7] to\n"
				   "[/nonexistent/sig-cache.txt] \n"
				   "in order to avoid this warning in the future (yes/no)? : "
				   "Successfully appended new sig to user sig cache file\n");
	SigRun no = sig_run("/nonexistent/sig-cache.txt", "no\n");
	ASSERT_TRUE(no.d);
	EXPECT_EQ(no.d.value(), SigDecision::abort);
	EXPECT_EQ(no.out, kWarning + "Aborting mount.\n");
	SigRun y = sig_run("/nonexistent/sig-cache.txt", "y\na\nb\nc\nd\n");
	ASSERT_FALSE(y.d);
	EXPECT_EQ(y.d.error().code, -EINVAL);
	SigRun keep = sig_run("/nonexistent/sig-cache.txt", "yes\nno\n");
	ASSERT_TRUE(keep.d);
	EXPECT_EQ(keep.appended, 0);
	EXPECT_NE(keep.out.find("Not adding sig to user sig cache file; continuing with mount.\n"),
		  std::string::npos);

	char path[] = "/tmp/sig-cache-XXXXXX";
	int fd = mkstemp(path);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, "81a0cb4417bc8bc7\n", 17), 17);
	close(fd);
	SigRun known = sig_run(path, "");
	ASSERT_TRUE(known.d);
	EXPECT_EQ(known.d.value(), SigDecision::proceed);
	EXPECT_EQ(known.out, "");
	unlink(path);
}
