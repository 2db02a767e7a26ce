// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mount.ecryptfs dialog with key modules (the fake test module): the
 * key-type menu lists them, their parameters come from -o, from
 * NAME_file= / NAME_fd= or from prompts (secrets through read_secret), and
 * the key's signature becomes ecryptfs_sig; key sizes above what the
 * public key wraps are not offered.
 */
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "libecryptfs/key_module.h"
#include "libecryptfs/mount_dialog.h"

using namespace ecryptfs;
using namespace ecryptfs::mount;

namespace {

struct DialogRun {
	Result<MountPlan> plan = Error{0, ""};
	std::string out, err;
	std::vector<std::string> secrets; /* secret values add_module_key saw */
};

keymod::Module fake()
{
	auto m = keymod::Module::load(std::string(FAKE_KEYMOD_DIR) + "/ecryptfs_keymod_test_fake.so");
	if (!m)
		throw std::runtime_error(m.error().reason);
	return std::move(m.value());
}

DialogRun run(const std::string &opts, const std::string &answers, std::uint32_t mask = 0x177)
{
	static keymod::Module mod = fake();
	DialogRun r;
	std::istringstream in(answers);
	std::ostringstream out, err;
	StreamDialogIo io(in, out, err);
	Options o;
	auto cmd = parse_name_values(opts);
	EXPECT_TRUE(cmd);
	EXPECT_TRUE(check_command_line(cmd.value(), keymod::option_names(mod)));
	o.command_line = cmd.value();
	o.merged = cmd.value();
	DialogConfig cfg;
	cfg.kernel_mask = mask;
	cfg.modules = {&mod};
	cfg.add_key = [](const Passphrase &p, const Salt &salt) -> Result<std::string> {
		auto k = derive_key(p.view(), salt);
		if (!k)
			return k.error();
		return k.value().sig;
	};
	cfg.add_module_key = [&r](const keymod::Module &m, const keymod::Values &v)
		-> Result<keymod::AddedModuleKey> {
		r.secrets.emplace_back(v.get("secret") ? v.get("secret") : "(none)");
		auto made = m.make_key(v);
		if (!made)
			return made.error();
		return keymod::AddedModuleKey{made.value().sig, KeyAdded::added,
					      m.max_key_bytes(made.value().blob)};
	};
	r.plan = run_dialog(io, o, cfg);
	r.out = out.str();
	r.err = err.str();
	return r;
}

} // namespace

TEST(MountDialogKeymod, ScriptedOptions)
{
	DialogRun r = run("key=fake:name=abc:secret=s3cret,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,"
		    "ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n", "");
	ASSERT_TRUE(r.plan) << r.plan.error().reason;
	EXPECT_EQ(r.out, "");
	EXPECT_EQ(kernel_options(r.plan.value()),
		  "ecryptfs_sig=00000000fa4e0003,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,"
		  "ecryptfs_unlink_sigs");
	EXPECT_EQ(r.secrets, std::vector<std::string>{"s3cret"});

	/* Wrong secret: the module's sentence. */
	DialogRun w = run("key=fake:secret=nope,ecryptfs_cipher=aes,ecryptfs_key_bytes=16", "");
	ASSERT_FALSE(w.plan);
	EXPECT_EQ(w.plan.error().reason, "fake: wrong secret");

	/* Public-key support missing in the kernel. */
	DialogRun k = run("key=fake:secret=s3cret", "", 0x175);
	ASSERT_FALSE(k.plan);
	EXPECT_NE(k.plan.error().reason.find("public-key"), std::string::npos);

	/* key= given: the name takes its default, the secret is asked for. */
	DialogRun a = run("key=fake,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,"
			  "ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n", "s3cret\n");
	ASSERT_TRUE(a.plan) << a.plan.error().reason;
	EXPECT_EQ(a.out, "Fake secret: \n");
	EXPECT_EQ(a.plan.value().new_sigs, std::vector<std::string>{"00000000fa4e0001"});

	/* No prompting and no secret: says how to give it. */
	DialogRun n = run("key=fake,verbosity=0,ecryptfs_cipher=aes,ecryptfs_key_bytes=16", "");
	ASSERT_FALSE(n.plan);
	EXPECT_NE(n.plan.error().reason.find("secret_file=FILE"), std::string::npos)
		<< n.plan.error().reason;
}

TEST(MountDialogKeymod, SecretFromFileAndFd)
{
	char path[] = "/tmp/mdk.XXXXXX";
	int fd = ::mkstemp(path);
	ASSERT_GE(fd, 0);
	const std::string text = "secret=s3cret\n";
	ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
	::close(fd);
	DialogRun f = run(std::string("key=fake:secret_file=") + path +
			    ",ecryptfs_cipher=aes,ecryptfs_key_bytes=16,no_prompt", "");
	ASSERT_TRUE(f.plan) << f.plan.error().reason;
	EXPECT_EQ(f.secrets, std::vector<std::string>{"s3cret"});

	int p[2];
	ASSERT_EQ(::pipe(p), 0);
	ASSERT_EQ(::write(p[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
	::close(p[1]);
	DialogRun d = run("key=fake:secret_fd=" + std::to_string(p[0]) +
			    ",ecryptfs_cipher=aes,ecryptfs_key_bytes=16,no_prompt", "");
	::close(p[0]);
	ASSERT_TRUE(d.plan) << d.plan.error().reason;
	EXPECT_EQ(d.secrets, std::vector<std::string>{"s3cret"});

	std::ofstream(path) << "other=1\n";
	DialogRun none = run(std::string("key=fake:secret_file=") + path + ",no_prompt", "");
	ASSERT_FALSE(none.plan);
	EXPECT_NE(none.plan.error().reason.find("holds no secret="), std::string::npos);
	::unlink(path);
}

TEST(MountDialogKeymod, InteractiveMenuAndPrompts)
{
	/* fake, default name, secret, aes, key bytes 32 (within the fake key's limit of 32). */
	DialogRun r = run("", "2\n\ns3cret\n\n2\n\n\n");
	ASSERT_TRUE(r.plan) << r.plan.error().reason << r.out;
	const std::string menu = "Select key type to use for newly created files: \n"
				 " 1) passphrase\n 2) fake\nSelection: ";
	EXPECT_EQ(r.out.substr(0, menu.size() + 22), menu + "Key name [k]: Fake sec");
	EXPECT_NE(r.out.find("Fake secret: \n"), std::string::npos);
	EXPECT_EQ(r.secrets, std::vector<std::string>{"s3cret"});
	EXPECT_EQ(r.plan.value().new_sigs, std::vector<std::string>{"00000000fa4e0001"});
	EXPECT_NE(kernel_options(r.plan.value()).find("ecryptfs_key_bytes=32"), std::string::npos);
	/* The passphrase entry still works next to modules. */
	DialogRun p = run("", "passphrase\nsecretpass\n\n\n\n\n");
	ASSERT_TRUE(p.plan) << p.plan.error().reason;
	EXPECT_EQ(p.plan.value().new_sigs, std::vector<std::string>{"81a0cb4417bc8bc7"});
}
