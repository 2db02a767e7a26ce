// SPDX-License-Identifier: GPL-2.0-only
/*
 * mount.ecryptfs LOWER UPPER [-o OPTIONS]: the mount helper mount(8) runs
 * for "mount -t ecryptfs".  As root it asks what the options leave open (the
 * dialog of ecryptfs-utils 111, see mount_dialog.h), adds the key(s) to the
 * user keyring, checks ~/.ecryptfs/sig-cache.txt and calls mount(2).
 *
 * Run by an ordinary user (mount(8) runs helpers of fstab "user" entries
 * with the user's privileges), it checks the entry and the user's keys and
 * hands the mount back to mount(8) with -i, which mounts the fstab entry
 * with the rights the fstab line grants.
 */
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <keyutils.h>
#include <pwd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "libecryptfs/cli.h"
#include "libecryptfs/crypto.h"
#include "libecryptfs/kernel_features.h"
#include "libecryptfs/key_module.h"
#include "libecryptfs/keyring.h"
#include "libecryptfs/mount_dialog.h"
#include "libecryptfs/mount_options.h"
#include "libecryptfs/rc.h"
#include "libecryptfs/safe_path.h"
#include "libecryptfs/sig_cache.h"

using namespace ecryptfs;
using namespace ecryptfs::mount;

namespace {

int exit_code(int rc)
{
	return rc & 0xff;
}

/* What mount(8) passes to a helper: mount.TYPE SRC DIR [-sfnv] [-N NS] [-o OPTS] [-t TYPE]. */
const cli::Option kOptions[] = {
	{'o', nullptr, 'o', "OPTIONS", "mount options, comma-separated (see ecryptfs(7))"},
	{'f', nullptr, 'f', nullptr, "fake: do everything but the mount system call"},
	{'s', nullptr, 's', nullptr, "sloppy (accepted, ignored)"},
	{'n', nullptr, 'n', nullptr, "no mtab update (accepted, ignored)"},
	{'v', nullptr, 'v', nullptr, "verbose (accepted, ignored)"},
	{'N', nullptr, 'N', "NS", "mount namespace (accepted, ignored)"},
	{'t', nullptr, 't', "TYPE", "file system type (accepted, ignored)"},
};
const cli::Command kCmd = {
	.name = "mount.ecryptfs",
	.usage = "Usage: mount -t ecryptfs LOWER UPPER [-o OPTIONS]\n"
		 "       (mount(8) runs /sbin/mount.ecryptfs LOWER UPPER -o OPTIONS)\n",
	.description =
		"Mounts the encrypted directory LOWER on UPPER.  Whatever the options do not\n"
		"say is asked for: key type, passphrase, cipher, key bytes, plaintext\n"
		"passthrough, filename encryption.  The key is added to your user keyring.\n\n"
		"Mount options (also read from ~/.ecryptfsrc, one per line):\n"
		"  key=passphrase[:passphrase_passwd=P|:passphrase_passwd_file=F|\n"
		"                 :passwd_file=F|:passphrase_passwd_fd=N][:salt=HEX16]\n"
		"      F holds a line passphrase_passwd=P (or is a file written by\n"
		"      ecryptfs-wrap-passphrase: then its wrapping passphrase is asked)\n"
		"  key=openssl[:keyfile=PEM][:passwd_file=F|:passwd_fd=N|:passwd=P]\n"
		"      public-key mode (needs a running ecryptfsd); F holds passwd=P;\n"
		"      other key modules (key=pkcs11, key=tpm) take their own parameters\n"
		"  sig=S, ecryptfs_sig=S   use the key S already in the keyring\n"
		"  ecryptfs_cipher=aes|blowfish|des3_ede|twofish|cast6|cast5\n"
		"  ecryptfs_key_bytes=N    ecryptfs_passthrough[=y|n]\n"
		"  ecryptfs_enable_filename_crypto=y|n   ecryptfs_fnek_sig=S\n"
		"  ecryptfs_xattr=y   ecryptfs_encrypted_view=y\n"
		"  no_sig_cache   verbosity=0 | no_prompt (never ask)   verbose\n"
		"  kernel options passed as given: ecryptfs_unlink_sigs, ecryptfs_fn_cipher=,\n"
		"  ecryptfs_fn_key_bytes=, ecryptfs_xattr_metadata, ecryptfs_mount_auth_tok_only,\n"
		"  ecryptfs_check_dev_ruid; generic flags: ro, rw, nosuid, nodev, noexec, ...\n"
		"Unknown options are refused, never passed to the kernel.\n"
		"Passphrases given in -o are visible to other users in the process list:\n"
		"prefer passphrase_passwd_file= or passphrase_passwd_fd=.\n",
	.options = kOptions,
	.min_operands = 2,
	.max_operands = 2,
	.secret_operands = true,
};

void evaluation_error(const Error &e)
{
	std::fflush(stdout);
	std::fprintf(stderr, "Error attempting to evaluate mount options: [%d] %s\n%s\n", e.code,
		     std::strerror(-e.code), e.reason.c_str());
}

void mount_error(int rc, const std::string &why = "")
{
	std::fflush(stdout);
	std::fprintf(stderr, "Error mounting eCryptfs: [%d] %s\n", rc, std::strerror(-rc));
	if (!why.empty())
		std::fprintf(stderr, "%s\n", why.c_str());
	std::fprintf(stderr, "Check your system logs; visit <http://ecryptfs.org/support.html>\n");
	if (rc == -ENODEV)
		std::fprintf(stderr, "Try ``modprobe ecryptfs''\n");
}

std::string canonical(const char *path)
{
	std::string p(path);
	while (p.size() > 1 && p.back() == '/')
		p.pop_back();
	char buf[PATH_MAX];
	if (!::realpath(p.c_str(), buf))
		return {};
	return buf;
}

bool key_in_keyring(const std::string &sig)
{
	return keyctl_search(KEY_SPEC_USER_KEYRING, "user", sig.c_str(), 0) >= 0;
}

void link_user_keyring()
{
	if (keyctl_link(KEY_SPEC_USER_KEYRING, KEY_SPEC_SESSION_KEYRING) != 0)
		std::fprintf(stderr, "Unable to link the KEY_SPEC_USER_KEYRING into the "
				     "KEY_SPEC_SESSION_KEYRING; there is something wrong with your "
				     "kernel keyring. Did you build key retention support into your "
				     "kernel?\n");
}

/*
 * Ordinary user, fstab "user" entry: the fstab line must hold only kernel
 * options (nobody but root may give others) and ecryptfs_check_dev_ruid (so
 * the kernel refuses a lower directory that is not the user's), the mount
 * point must be the user's and reachable through directories only root can
 * change (mount(8) mounts it by name after we exit), the lower directory
 * readable, the keys in the user's keyring
 * (asked for when missing and a terminal is there).  Then mount(8) -i mounts
 * the fstab entry itself.
 */
int user_mount(const char *src, const char *dst, const std::vector<NameValue> &cmd)
{
	const uid_t uid = getuid();
	std::vector<std::string> sigs;
	bool has_check_dev_ruid = false;
	for (const auto &nv : cmd) {
		if (classify(nv.name) == Kind::helper && !kernel_accepts(nv)) {
			std::fprintf(stderr,
				     "mount.ecryptfs: the fstab entry of %s has the option [%s], which "
				     "only the mount helper run by root understands.\nFor mounts by "
				     "ordinary users the fstab line must hold kernel options only, e.g.\n"
				     "  LOWER UPPER ecryptfs user,noauto,ecryptfs_sig=SIG,"
				     "ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_unlink_sigs,"
				     "ecryptfs_check_dev_ruid 0 0\nand the key goes into your keyring with "
				     "ecryptfs-add-passphrase.\n",
				     dst, printable_name(nv).c_str());
			return exit_code(-EINVAL);
		}
		if ((nv.name == "ecryptfs_sig" || nv.name == "ecryptfs_fnek_sig") && nv.value)
			sigs.push_back(*nv.value);
		if (nv.name == "ecryptfs_check_dev_ruid")
			has_check_dev_ruid = true;
	}
	if (sigs.empty()) {
		std::fprintf(stderr, "mount.ecryptfs: the fstab entry of %s has no ecryptfs_sig=: "
				     "ask root to add the signature of your key\n", dst);
		return exit_code(-EINVAL);
	}
	if (!has_check_dev_ruid) {
		std::fprintf(stderr,
			     "mount.ecryptfs: the fstab entry of %s lacks ecryptfs_check_dev_ruid: "
			     "without it the kernel would let you mount a lower directory that is "
			     "not yours.\nAsk root to add ecryptfs_check_dev_ruid to the entry.\n",
			     dst);
		return exit_code(-EPERM);
	}
	/*
	 * mount(8) mounts the fstab path after we exit, by name: no component of
	 * it may be one the user (or anybody but root) can replace by a symlink,
	 * or the mount lands wherever the symlink points.
	 */
	auto dir = safe_path::open_fixed_dir(dst);
	if (!dir) {
		std::fprintf(stderr,
			     "mount.ecryptfs: refusing the mount point %s: %s.\nFor mounts by "
			     "ordinary users the mount point must be a directory of theirs in a "
			     "directory only root can change, e.g. /mnt/secret-USER (root: "
			     "install -d -o USER -m 700 /mnt/secret-USER), never inside the user's "
			     "home.\n",
			     dst, dir.error().reason.c_str());
		return exit_code(dir.error().code);
	}
	struct stat st;
	if (::fstat(dir.value().get(), &st) != 0 || !S_ISDIR(st.st_mode)) {
		std::fprintf(stderr, "mount.ecryptfs: %s is not a directory\n", dst);
		return exit_code(-ENOTDIR);
	}
	if (st.st_uid != uid) {
		std::fprintf(stderr, "mount.ecryptfs: you do not own the mount point %s; "
				     "refusing to mount over it\n", dst);
		return exit_code(-EPERM);
	}
	if (::access(src, R_OK | X_OK) != 0) {
		std::fprintf(stderr, "mount.ecryptfs: you cannot read the lower directory %s: %s\n",
			     src, std::strerror(errno));
		return exit_code(-EACCES);
	}
	link_user_keyring();
	std::vector<std::string> missing;
	for (const auto &s : sigs)
		if (!key_in_keyring(s))
			missing.push_back(s);
	if (!missing.empty() && isatty(STDIN_FILENO)) {
		TerminalDialogIo io;
		io.out("Passphrase: ");
		auto pass = io.read_secret();
		io.out("\n");
		if (pass) {
			for (const Salt *salt : {static_cast<const Salt *>(nullptr), &kFnekSalt}) {
				Salt use = salt ? *salt : rc_salt_or_default();
				auto key = derive_key(pass.value().view(), use);
				if (!key)
					continue;
				if (std::find(missing.begin(), missing.end(), key.value().sig) ==
				    missing.end())
					continue;
				auto added = add_passphrase_key_to_keyring(pass.value(), use);
				if (added)
					std::erase(missing, added.value().sig);
			}
		}
	}
	if (!missing.empty()) {
		std::fprintf(stderr, "mount.ecryptfs: the key with signature %s is not in your "
				     "keyring%s.\nAdd it with ecryptfs-add-passphrase (with --fnek for "
				     "a filename key), then mount again.\n",
			     missing.front().c_str(),
			     isatty(STDIN_FILENO) ? " and the passphrase does not match it" : "");
		return exit_code(-ENOKEY);
	}
	std::fflush(stdout);
	::execl("/bin/mount", "mount", "-i", dst, static_cast<char *>(nullptr));
	std::fprintf(stderr, "mount.ecryptfs: cannot run /bin/mount: %s\n", std::strerror(errno));
	return exit_code(-errno);
}

std::vector<NameValue> read_rc(const std::string &home)
{
	auto text = read_rc_file(home);
	if (!text)
		return {};
	auto pairs = parse_name_values({reinterpret_cast<const char *>(text->data()), text->size()});
	if (!pairs) {
		std::fprintf(stderr, "Ignoring %s/.ecryptfsrc: %s\n", home.c_str(),
			     pairs.error().reason.c_str());
		return {};
	}
	return std::move(pairs.value());
}

} // namespace

int main(int argc, char **argv)
{
	const auto args = cli::parse(kCmd, argc, argv);
	/*
	 * Keep secrets out of swap where we may: the reference locks all future
	 * memory, which breaks ordinary users (RLIMIT_MEMLOCK); we lock only as
	 * root, and go on if even that fails.  Secrets live in wiped buffers.
	 */
	if (geteuid() == 0)
		(void)mlockall(MCL_CURRENT | MCL_FUTURE);
	auto home = user_home_dir();
	if (!home) {
		std::fprintf(stderr, "Exiting. Unable to obtain passwd info\n");
		return exit_code(-EIO);
	}
	const char *src = args.operands[0];
	const char *dst = args.operands[1];
	/* The first -o counts, as in the reference; every one may hold a
	 * passphrase: blank them all in /proc/PID/cmdline. */
	std::string opt_text;
	const auto opt_values = args.values('o');
	const bool have_opts = !opt_values.empty(), fake = args.has('f');
	if (have_opts)
		opt_text = opt_values[0];
	for (char *v : opt_values)
		OPENSSL_cleanse(v, std::strlen(v));
	std::vector<NameValue> cmd;
	if (!have_opts) {
		std::printf("Unable to find a list of options to parse, defaulting to interactive "
			    "mount\n");
	} else {
		auto parsed = parse_name_values(opt_text);
		wipe(opt_text);
		if (!parsed) {
			evaluation_error(parsed.error());
			return exit_code(parsed.error().code);
		}
		cmd = std::move(parsed.value());
	}
	/* Key modules (key=openssl:...): their option names are accepted too. */
	const keymod::LoadedModules loaded = keymod::load_all(keymod::module_dir());
	std::vector<std::string> module_names;
	for (const auto &m : loaded.modules)
		for (auto &n : keymod::option_names(m))
			module_names.push_back(std::move(n));
	for (const auto &p : loaded.problems)
		std::fprintf(stderr, "Warning: %s\n", p.c_str());
	if (auto st = check_command_line(cmd, module_names); !st) {
		std::fflush(stdout);
		if (st.error().reason.starts_with("When remounting"))
			std::fprintf(stderr, "%s\n", st.error().reason.c_str());
		else
			evaluation_error(st.error());
		return exit_code(st.error().code);
	}

	if (getuid() != 0)
		return user_mount(src, dst, cmd);

	std::uint32_t mask = kFeaturePassphrase;
	if (auto m = kernel_feature_mask(); m) {
		mask = m.value();
	} else {
		std::fprintf(stderr,
			     "Unable to get the version number of the kernel\nmodule. Please make "
			     "sure that you have the eCryptfs\nkernel module loaded, you have sysfs "
			     "mounted, and\nthe sysfs mount point is in /etc/mtab. This is\nnecessary "
			     "so that the mount helper knows which \nkernel options are supported.\n"
			     "Make sure that your system is set up to auto-load\nyour filesystem "
			     "kernel module on mount.\nEnabling passphrase-mode only for now.\n");
	}
	link_user_keyring();

	Options opts;
	opts.command_line = cmd;
	opts.merged = merge_rc_and_command_line(read_rc(home.value()), cmd);
	DialogConfig cfg;
	cfg.kernel_mask = mask;
	cfg.add_key = [](const Passphrase &p, const Salt &salt) -> Result<std::string> {
		auto added = add_passphrase_key_to_keyring(p, salt);
		if (!added)
			return added.error();
		return added.value().sig;
	};
	for (const auto &m : loaded.modules)
		cfg.modules.push_back(&m);
	cfg.add_module_key = [](const keymod::Module &m, const keymod::Values &v) {
		return keymod::add_module_key(m, v);
	};
	TerminalDialogIo io;
	auto plan = run_dialog(io, opts, cfg);
	if (!plan) {
		evaluation_error(plan.error());
		return exit_code(plan.error().code);
	}
	io.out(summary(plan.value()));
	if (plan.value().sig_cache) {
		const std::string cache = sig_cache::path_in(home.value());
		for (const auto &sig : plan.value().new_sigs) {
			auto d = confirm_sig(io, cache, sig, [&]() {
				return sig_cache::append(home.value(), sig, getuid(), getgid());
			});
			if (!d) {
				std::fflush(stdout);
				std::fprintf(stderr, "Error processing sig; rc = [%d]\n", d.error().code);
				mount_error(d.error().code);
				return exit_code(d.error().code);
			}
			if (d.value() == SigDecision::abort)
				return 0;
		}
	}
	const std::string lower = canonical(src), upper = canonical(dst);
	if (lower.empty() || upper.empty()) {
		int err = errno;
		std::fprintf(stderr, "could not resolve full path for %s %s [%d]\n",
			     lower.empty() ? "source" : "target", lower.empty() ? src : dst, -err);
		mount_error(-err);
		return exit_code(-err);
	}
	const std::string kopts = kernel_options(plan.value());
	if (!fake && ::mount(lower.c_str(), upper.c_str(), "ecryptfs", plan.value().flags_set,
			     kopts.c_str()) != 0) {
		int err = errno;
		std::string why;
		for (const auto &o : plan.value().generated) {
			for (const char *p : {"ecryptfs_sig=", "ecryptfs_fnek_sig="}) {
				std::string_view v(o);
				if (v.starts_with(p) && !key_in_keyring(std::string(v.substr(std::strlen(p)))))
					why = "The key " + std::string(v.substr(std::strlen(p))) +
					      " is not in your keyring: add it with ecryptfs-add-passphrase "
					      "(keyctl show @u lists your keys).";
			}
		}
		if (why.empty() && err == EINVAL)
			why = "The kernel refused the options (see dmesg).";
		mount_error(-err, why);
		return exit_code(-err);
	}
	std::printf("Mounted eCryptfs\n");
	return 0;
}
