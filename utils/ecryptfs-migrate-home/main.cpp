// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-migrate-home -u USER: encrypt an existing home directory (root).
 *
 * Unlike the reference (which moves the home away first and copies into
 * the new encrypted one), the original home stays where it is, untouched,
 * until an encrypted copy exists and every file of it has been compared
 * with the original.  Only then is the original renamed to
 * /home/USER.XXXXXXXX (kept: the administrator removes it once the user
 * has logged in) and the encrypted home put in its place.  Interrupted at
 * any earlier point, the user's home is exactly as it was.
 *
 * Layout as the reference's bootstrap mode: /home/.ecryptfs/USER/{.ecryptfs,
 * .Private}, symlinked into the home (and into the encrypted tree), the
 * mount point in Private.mnt is the home itself, auto-mount/auto-umount set.
 *
 * The login passphrase is asked for (or read from standard input); the
 * reference's LOGINPASS / MOUNTPASS environment variables are still
 * accepted for scripts.
 */
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <csignal>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libecryptfs/cli.h"
#include "libecryptfs/atomic_file.h"
#include "libecryptfs/crypto.h"
#include "libecryptfs/kernel_features.h"
#include "libecryptfs/keyring.h"
#include "libecryptfs/passphrase_input.h"
#include "libecryptfs/private_dir.h"
#include "libecryptfs/private_ops.h"
#include "libecryptfs/rc.h"
#include "libecryptfs/safe_path.h"
#include "libecryptfs/wrapped.h"

using namespace ecryptfs;

namespace {

constexpr cli::ScriptMessages kMsg{"  ", true, nullptr};
[[noreturn]] void error(const std::string &msg) { kMsg.die(msg); }

void info(const std::string &msg) { kMsg.info(msg); }

const cli::Option kOptions[] = {
	{'u', "user", 'u', "USER", "migrate USER's home directory to an encrypted one"},
};
const cli::Command kCmd = {
	.name = "ecryptfs-migrate-home",
	.usage = "Usage:\n\necryptfs-migrate-home -u USER\n",
	.description = "The original home directory is kept (renamed to /home/USER.XXXXXXXX) and\n"
		       "only replaced once every file has been copied and compared.  Still, make a\n"
		       "backup copy of the data first.  This program must be executed by root.\n",
	.options = kOptions,
	.max_operands = 0,
};

bool exists(const std::string &p)
{
	struct stat st;
	return ::lstat(p.c_str(), &st) == 0;
}

void assert_dir_empty(const std::string &dir)
{
	struct stat st;
	if (::lstat(dir.c_str(), &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode))
		error(dir + " exists but is not an empty directory, cannot continue.");
	DIR *d = opendir(dir.c_str());
	int n = 0;
	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	if (n > 2)
		error(dir + " is not empty, cannot continue.");
}

/* Bytes used under @dir (st_blocks), not following links or mounts. */
unsigned long long g_usage = 0;
int add_usage(const char *, const struct stat *st, int, struct FTW *)
{
	g_usage += static_cast<unsigned long long>(st->st_blocks) * 512ULL;
	return 0;
}

/* ---- comparing the copy with the original, file by file ---- */

struct Compare {
	std::string src, dst;
	unsigned long long files = 0;
	std::vector<std::string> problems;
};
Compare *g_cmp = nullptr;

bool same_content(const std::string &a, const std::string &b)
{
	int fa = ::open(a.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int fb = ::open(b.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	bool same = fa >= 0 && fb >= 0;
	std::vector<char> ba(1 << 16), bb(1 << 16);
	while (same) {
		ssize_t na = ::read(fa, ba.data(), ba.size());
		ssize_t nb = 0;
		while (nb < na) { /* fill the same amount from b */
			ssize_t r = ::read(fb, bb.data() + nb, static_cast<std::size_t>(na - nb));
			if (r <= 0)
				break;
			nb += r;
		}
		if (na < 0 || nb != na || std::memcmp(ba.data(), bb.data(), static_cast<std::size_t>(na)))
			same = false;
		if (na == 0) {
			char c;
			if (::read(fb, &c, 1) != 0)
				same = false;
			break;
		}
	}
	if (fa >= 0)
		::close(fa);
	if (fb >= 0)
		::close(fb);
	return same;
}

int compare_one(const char *path, const struct stat *st, int flag, struct FTW *)
{
	Compare &c = *g_cmp;
	const std::string rel = std::string(path).substr(c.src.size());
	const std::string other = c.dst + rel;
	struct stat o;
	if (flag == FTW_NS || ::lstat(other.c_str(), &o) != 0) {
		c.problems.push_back("missing in the copy: " + rel);
		return 0;
	}
	if ((st->st_mode & S_IFMT) != (o.st_mode & S_IFMT) ||
	    (st->st_mode & 07777) != (o.st_mode & 07777) || st->st_uid != o.st_uid ||
	    st->st_gid != o.st_gid) {
		c.problems.push_back("type, mode or owner differs: " + rel);
		return 0;
	}
	if (S_ISREG(st->st_mode)) {
		if (st->st_size != o.st_size || !same_content(path, other))
			c.problems.push_back("content differs: " + rel);
	} else if (S_ISLNK(st->st_mode)) {
		char a[4096], b[4096];
		ssize_t na = readlink(path, a, sizeof(a));
		ssize_t nb = readlink(other.c_str(), b, sizeof(b));
		if (na != nb || na < 0 || std::memcmp(a, b, static_cast<std::size_t>(na)))
			c.problems.push_back("symlink target differs: " + rel);
	}
	c.files++;
	return 0;
}

std::string g_mounted; /* the temporary mount, unmounted on any exit */
void cleanup_mount()
{
	if (!g_mounted.empty()) {
		::umount2(g_mounted.c_str(), MNT_DETACH);
		::rmdir(g_mounted.c_str());
		g_mounted.clear();
	}
}

/* The mount keys in root's keyring, removed on any exit. */
std::optional<priv::Sigs> g_keys;
void cleanup_keys()
{
	if (g_keys) {
		priv::remove_keys(*g_keys);
		g_keys.reset();
	}
}

/*
 * A signal only sets a flag, so that every exit goes through exit() and
 * its cleanups (a child such as rsync still dies of it: handlers are reset
 * by exec).
 */
volatile sig_atomic_t g_signal = 0;
void on_signal(int sig) { g_signal = sig; }
void check_interrupted(const std::string &home)
{
	if (g_signal)
		error("Interrupted by signal " + std::to_string(g_signal) + "; " + home +
		      " is unchanged.");
}

/*
 * Refuse while any process runs as the user (any of its uids): such a
 * process could swap files of the home or of the new directories while
 * root works on them.  lsof +D only saw processes with files in the home.
 */
void assert_logged_out(const priv::User &user)
{
	auto procs = priv::processes_of(user.uid);
	if (procs.empty())
		return;
	info(user.name + " still has running processes:");
	for (std::size_t i = 0; i < procs.size() && i < 20; i++)
		info("  pid " + std::to_string(procs[i].pid) + " (" + procs[i].comm + ")");
	error("Cannot proceed: log " + user.name + " out and stop every process of theirs "
	      "first (e.g. loginctl terminate-user " + user.name + ").");
}

/* @dir opened without following symlinks, or the tool stops. */
Fd open_dir_or_die(int at, const std::string &name)
{
	auto d = safe_path::open_dir_at(at, name);
	if (!d)
		error("Cannot open " + name + ": " + d.error().reason);
	return std::move(d.value());
}

} // namespace

int main(int argc, char **argv)
{
	const auto args = cli::parse(kCmd, argc, argv);
	if (!args.value('u') || !*args.value('u'))
		cli::usage_error(kCmd, "which user? (-u USER)");
	const std::string name = args.value('u');
	if (getuid() != 0)
		error("This program must be executed with root privileges");
	auto u = priv::lookup_user(name);
	if (!u)
		error("Cannot find the home directory of " + name + ".");
	const priv::User user = u.value();
	const std::string home = user.home;
	if (!priv::valid_username(user.name))
		error("Username has unsupported characters");

	/* ---- sanity checks, nothing changed yet ---- */
	if (exists(home + "/.ecryptfs"))
		error(home + " appears to be encrypted already.");
	if (access("/usr/bin/rsync", X_OK) != 0)
		error("Please install the rsync package.");
	info("Checking disk space, this may take a few moments.  Please be patient.");
	nftw(home.c_str(), add_usage, 64, FTW_PHYS | FTW_MOUNT);
	struct statvfs vfs;
	if (statvfs("/home", &vfs) != 0)
		error("Cannot get the free space of /home");
	const unsigned long long free_bytes =
		static_cast<unsigned long long>(vfs.f_bavail) * vfs.f_frsize;
	if (free_bytes < g_usage / 2 * 5) {
		info("2.5x the size your current home directory is required to perform a migration.");
		info("Once the migration succeeds, you may recover most of this space by deleting "
		     "the cleartext directory.");
		error("Not enough free disk space.");
	}
	const std::string base = "/home/.ecryptfs/" + user.name;
	assert_dir_empty(home + "/.Private");
	assert_dir_empty(home + "/.ecryptfs");
	assert_dir_empty(base);
	assert_logged_out(user);
	if (access("/usr/bin/lsof", X_OK) == 0) {
		info("Checking for open files in " + home);
		if (priv::run_program("/usr/bin/lsof", {"lsof", "+D", home}, {}, true) == 0) {
			info("The following files are in use:");
			priv::run_program("/usr/bin/lsof", {"lsof", "+D", home});
			error("Cannot proceed.");
		}
	}
	auto mask = kernel_feature_mask();
	if (!mask)
		error("Cannot get ecryptfs version, ecryptfs kernel module not loaded?");
	const bool fnek = supports_filename_encryption(mask.value());

	/* ---- passphrases ---- */
	std::optional<Passphrase> loginpass, mountpass;
	if (const char *e = std::getenv("LOGINPASS"); e && *e)
		loginpass = Passphrase{std::string_view(e)};
	if (const char *e = std::getenv("MOUNTPASS"); e && *e)
		mountpass = Passphrase{std::string_view(e)};
	unsetenv("LOGINPASS");
	unsetenv("MOUNTPASS");
	if (!loginpass) {
		auto p = read_passphrase(("Enter the login passphrase of " + user.name).c_str());
		if (!p || p.passphrase->empty())
			error("A login passphrase is needed to wrap the mount passphrase");
		loginpass = std::move(*p.passphrase);
	}
	if (loginpass->size() > kMaxPassphraseBytes)
		error("The login passphrase is longer than 64 bytes");
	if (!mountpass) {
		SecretArray<16> rnd;
		if (!random_bytes({rnd.data(), rnd.size()}))
			error("Could not generate a random mount passphrase");
		mountpass = priv::mount_passphrase_from_random(
			std::span<const std::uint8_t, 16>(rnd.data(), 16));
	}

	/* ---- the encrypted side, next to the untouched home ---- */
	/*
	 * Every directory is opened without following symlinks and worked on
	 * through its descriptor.  The user's directory under /home/.ecryptfs
	 * stays root's (0755) until the end, and so does the lower directory
	 * while it is mounted: the user cannot rename or replace anything root
	 * works on.
	 */
	for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
		struct sigaction sa{};
		sa.sa_handler = on_signal;
		sigaction(sig, &sa, nullptr);
	}
	const std::string config = base + "/.ecryptfs";
	const std::string lower = base + "/.Private";
	if (::mkdir("/home/.ecryptfs", 0755) != 0 && errno != EEXIST)
		error(std::string("Cannot create /home/.ecryptfs: ") + std::strerror(errno));
	auto top = safe_path::open_fixed_dir("/home/.ecryptfs");
	if (!top)
		error("Refusing /home/.ecryptfs: " + top.error().reason);
	struct stat top_st{};
	if (::fstat(top.value().get(), &top_st) != 0 || top_st.st_uid != 0 ||
	    (top_st.st_mode & 022))
		error("/home/.ecryptfs must be root's and writable by root only; fix it first.");
	if (::mkdirat(top.value().get(), user.name.c_str(), 0755) != 0 && errno != EEXIST)
		error("Cannot create " + base + ": " + std::strerror(errno));
	const Fd basefd = open_dir_or_die(top.value().get(), user.name);
	if (::fchown(basefd.get(), 0, 0) != 0 || ::fchmod(basefd.get(), 0755) != 0)
		error("Cannot make " + base + " root's: " + std::strerror(errno));
	for (const char *d : {".ecryptfs", ".Private"})
		if (::mkdirat(basefd.get(), d, 0700) != 0 && errno != EEXIST)
			error("Cannot create " + base + "/" + d + ": " + std::strerror(errno));
	const Fd configfd = open_dir_or_die(basefd.get(), ".ecryptfs");
	const Fd lowerfd = open_dir_or_die(basefd.get(), ".Private");
	if (::fchown(configfd.get(), user.uid, user.gid) != 0 || ::fchmod(configfd.get(), 0700) != 0 ||
	    ::fchown(lowerfd.get(), 0, 0) != 0 || ::fchmod(lowerfd.get(), 0700) != 0)
		error("Cannot set the owners in " + base + ": " + std::strerror(errno));

	/* The user's configuration files, written as the user. */
	const priv::Paths paths = priv::paths_for_home(base); /* config files live under base */
	std::atexit(cleanup_keys);
	auto keys_as_root = priv::add_mount_passphrase_keys(*mountpass, fnek);
	if (!keys_as_root)
		error("Could not add the mount passphrase to root's keyring: " +
		      keys_as_root.error().reason);
	const priv::Sigs sigs = keys_as_root.value();
	g_keys = sigs;
	pid_t child = fork();
	if (child < 0)
		error("fork failed");
	if (child == 0) {
		/* In the child: become the user and write the files, then exit. */
		if (initgroups(user.name.c_str(), user.gid) != 0 ||
		    setresgid(user.gid, user.gid, user.gid) != 0 ||
		    setresuid(user.uid, user.uid, user.uid) != 0)
			_exit(2);
		umask(077);
		if (!wrapped::wrap_to_file(paths.wrapped_passphrase, *mountpass, *loginpass))
			_exit(3);
		const std::string sigtext = priv::format_sig_file(sigs);
		const std::string mnt = home + "\n";
		if (!replace_file_atomically(paths.sig_file,
					     {reinterpret_cast<const std::uint8_t *>(sigtext.data()),
					      sigtext.size()}) ||
		    !replace_file_atomically(paths.mnt_file,
					     {reinterpret_cast<const std::uint8_t *>(mnt.data()),
					      mnt.size()}))
			_exit(4);
		for (const auto &f : {paths.auto_mount, paths.auto_umount}) {
			int fd = ::open(f.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW, 0644);
			if (fd < 0)
				_exit(5);
			::fchmod(fd, 0644);
			::close(fd);
		}
		_exit(0);
	}
	int status = 0;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
	}
	const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (rc != 0)
		error("Could not write the configuration in " + config + " (" + std::to_string(rc) +
		      ")");
	check_interrupted(home);

	/*
	 * Mount the new encrypted directory on a temporary mount point, as
	 * root, through the descriptors (ecryptfs_check_dev_ruid: the lower
	 * directory must be root's, as made above).
	 */
	char tmpl[4096];
	std::snprintf(tmpl, sizeof(tmpl), "%s/.migrating-XXXXXX", base.c_str());
	if (!mkdtemp(tmpl))
		error(std::string("Cannot create a temporary mount point: ") + std::strerror(errno));
	const std::string tmpl_name = std::string(tmpl).substr(base.size() + 1);
	std::string opts = "ecryptfs_sig=" + sigs.fekek;
	if (sigs.fnek)
		opts += ",ecryptfs_fnek_sig=" + *sigs.fnek;
	opts += ",ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_check_dev_ruid";
	priv::link_user_keyring_into_session();
	{
		const Fd mp = open_dir_or_die(basefd.get(), tmpl_name);
		if (::mount(safe_path::fd_path(lowerfd.get()).c_str(),
			    safe_path::fd_path(mp.get()).c_str(), "ecryptfs", MS_NOSUID | MS_NODEV,
			    opts.c_str()) != 0) {
			int err = errno;
			::rmdir(tmpl);
			error(std::string("Could not mount the new encrypted directory: ") +
			      std::strerror(err));
		}
	}
	g_mounted = tmpl;
	std::atexit(cleanup_mount);
	/* The encrypted root stays root's 0700 while root copies into it. */
	Fd newroot = open_dir_or_die(basefd.get(), tmpl_name);
	if (::fchmod(newroot.get(), 0700) != 0)
		error("Cannot set the mode of the encrypted home");
	check_interrupted(home);

	info("Encrypted home has been set up, encrypting files now...this may take a while.");
	std::vector<std::string> rsync{"/usr/bin/rsync", "-aHAX", "--numeric-ids"};
	if (isatty(2))
		rsync.push_back("--info=progress2");
	rsync.push_back(home + "/");
	rsync.push_back(std::string(tmpl) + "/");
	int rs = priv::run_program(rsync[0], rsync, [] { dup2(2, 1); });
	if (rs != 0)
		error("Copying the files failed (rsync exit " + std::to_string(rs) + "); " + home +
		      " is unchanged.");

	info("Comparing every file of the encrypted copy with the original...");
	Compare cmp{home, tmpl, 0, {}};
	g_cmp = &cmp;
	nftw(home.c_str(), compare_one, 64, FTW_PHYS | FTW_MOUNT);
	if (!cmp.problems.empty()) {
		for (std::size_t i = 0; i < cmp.problems.size() && i < 20; i++)
			std::fprintf(stderr, "    %s\n", cmp.problems[i].c_str());
		error("The encrypted copy differs from the original; " + home +
		      " is unchanged.  Remove " + base + " before trying again.");
	}
	info("All " + std::to_string(cmp.files) + " files, directories and links match.");

	/* The links into the configuration, inside the encrypted home too. */
	for (const auto &[target, link] :
	     {std::pair{config, ".ecryptfs"}, std::pair{lower, ".Private"}}) {
		if (::symlinkat(target.c_str(), newroot.get(), link) != 0 ||
		    ::fchownat(newroot.get(), link, user.uid, user.gid, AT_SYMLINK_NOFOLLOW) != 0)
			error("Cannot create " + std::string(tmpl) + "/" + link);
	}
	if (::fchown(newroot.get(), user.uid, user.gid) != 0)
		error("Cannot set the owner of the encrypted home");
	newroot = Fd();
	::sync();
	cleanup_mount();
	/* Now the user's: the lower directory their setuid helper mounts. */
	if (::fchown(lowerfd.get(), user.uid, user.gid) != 0 || ::fchmod(lowerfd.get(), 0700) != 0)
		error("Cannot set the owner of " + lower);
	check_interrupted(home);
	assert_logged_out(user);

	/* ---- the switch: the original is renamed, never deleted ---- */
	char orig[4096];
	std::snprintf(orig, sizeof(orig), "/home/%s.XXXXXXXX", user.name.c_str());
	if (!mkdtemp(orig))
		error(std::string("Cannot create the backup name: ") + std::strerror(errno));
	if (::rename(home.c_str(), orig) != 0) {
		::rmdir(orig);
		error("Cannot move " + home + " aside: " + std::strerror(errno));
	}
	::chmod(orig, 0700);
	/* The new home: root's until its links are in place, then the user's. */
	Fd newhome;
	if (::mkdir(home.c_str(), 0700) == 0) {
		auto h = safe_path::open_dir(home);
		if (h)
			newhome = std::move(h.value());
	}
	if (!newhome || ::symlinkat(config.c_str(), newhome.get(), ".ecryptfs") != 0 ||
	    ::symlinkat(lower.c_str(), newhome.get(), ".Private") != 0 ||
	    ::fchownat(newhome.get(), ".ecryptfs", user.uid, user.gid, AT_SYMLINK_NOFOLLOW) != 0 ||
	    ::fchownat(newhome.get(), ".Private", user.uid, user.gid, AT_SYMLINK_NOFOLLOW) != 0 ||
	    ::fchown(newhome.get(), user.uid, user.gid) != 0 ||
	    ::fchown(basefd.get(), user.uid, user.gid) != 0 || ::fchmod(basefd.get(), 0700) != 0) {
		int err = errno;
		/* Put the original back. */
		std::string failed = home + ".failed";
		::rename(home.c_str(), failed.c_str());
		::rename(orig, home.c_str());
		error("Cannot create the new home (" + std::string(std::strerror(err)) +
		      "); the original is back in " + home);
	}
	cleanup_keys();

	std::printf("\n========================================================================\n"
		    "Some Important Notes!\n\n"
		    " 1. The file encryption appears to have completed successfully, however,\n"
		    "    %s MUST LOGIN IMMEDIATELY, _BEFORE_THE_NEXT_REBOOT_,\n"
		    "    TO COMPLETE THE MIGRATION!!!\n\n"
		    " 2. If %s can log in and read and write their files, then the migration is "
		    "complete,\n"
		    "    and you should remove %s.\n"
		    "    Otherwise, restore %s back to %s.\n\n"
		    " 3. %s should also run 'ecryptfs-unwrap-passphrase' and record\n"
		    "    their randomly generated mount passphrase as soon as possible.\n\n"
		    " 4. To ensure the integrity of all encrypted data on this system, you\n"
		    "    should also encrypt swap space with 'ecryptfs-setup-swap'.\n"
		    "========================================================================\n\n",
		    user.name.c_str(), user.name.c_str(), orig, orig, home.c_str(),
		    user.name.c_str());
	return 0;
}
