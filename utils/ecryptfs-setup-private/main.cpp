// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-setup-private: set up an encrypted private directory for a user:
 * ~/.Private (lower) mounted on ~/Private, the mount passphrase wrapped with
 * the login passphrase in ~/.ecryptfs/wrapped-passphrase, the key sigs in
 * ~/.ecryptfs/Private.sig, and the flags pam_ecryptfs reads to mount it at
 * login.  Same options, prompts, files and modes as ecryptfs-utils 111.
 *
 * Run as root for another user (-u USER), it reads the passphrases, then
 * becomes that user for everything else, so the files are the user's and
 * the keys go to the user's keyring (the reference leaves root-owned files).
 */
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libecryptfs/atomic_file.h"
#include "libecryptfs/cli.h"
#include "libecryptfs/crypto.h"
#include "libecryptfs/kernel_features.h"
#include "libecryptfs/passphrase_input.h"
#include "libecryptfs/private_dir.h"
#include "libecryptfs/private_ops.h"
#include "libecryptfs/wrapped.h"

using namespace ecryptfs;

namespace {

constexpr int kAttempts = 3;

constexpr cli::ScriptMessages kMsg{"  ", false, nullptr};
[[noreturn]] void error(const std::string &msg) { kMsg.die(msg); }

enum { kUser = 'u', kLogin = 'l', kMount = 'm', kWrapping = 'w', kForce = 'f', kNoFnek = 'n',
       kBootstrap = 'b', kNoPwCheck = 1000, kNoAutomount, kNoAutoumount, kUndo };
const cli::Option kOptions[] = {
	{kForce, "force", 'f', nullptr, "Force overwriting of an existing setup"},
	{kWrapping, "wrapping", 'w', nullptr,
	 "Use an independent wrapping passphrase, different\n"
	 "                              from the login passphrase"},
	{kNoFnek, "no-fnek", 'n', nullptr,
	 "Do not encrypt filenames; if this flag is omitted,\n"
	 "                              and the kernel supports filename encryption, then\n"
	 "                              filenames will be encrypted"},
	{kUser, "username", 'u', "USER",
	 "Username for encrypted private mountpoint, defaults\n"
	 "                              to yourself"},
	{kLogin, "loginpass", 'l', "LOGINPASS",
	 "Login/Wrapping passphrase for USER, used to wrap\n"
	 "                              MOUNTPASS (visible to other users: leave it out\n"
	 "                              to be prompted)"},
	{kMount, "mountpass", 'm', "MOUNTPASS",
	 "Passphrase for mounting the ecryptfs directory,\n"
	 "                              defaults to randomly generated 16 bytes (visible\n"
	 "                              to other users: leave it out to be prompted)"},
	{kNoPwCheck, "nopwcheck", 0, nullptr,
	 "Do not check the validity of the specified login\n"
	 "                              password (useful for LDAP user accounts)"},
	{kNoAutomount, "noautomount", 0, nullptr,
	 "Setup this user such that the encrypted private\n"
	 "                              directory is not automatically mounted on login"},
	{kNoAutoumount, "noautoumount", 0, nullptr,
	 "Setup this user such that the encrypted private\n"
	 "                              directory is not automatically unmounted at logout"},
	{kUndo, "undo", 0, nullptr,
	 "Provide instructions on how to undo an encrypted\n"
	 "                              private setup"},
	{kBootstrap, "bootstrap", 'b', nullptr, "not supported (encrypting a whole home)"},
};
const cli::Command kCmd = {
	.name = "ecryptfs-setup-private",
	.usage = "Usage:\n\n"
		 "ecryptfs-setup-private [-f|--force] [-w|--wrapping] [--nopwcheck] [-n|--no-fnek]\n"
		 "  [-u|--username USER] [-l|--loginpass LOGINPASS]\n"
		 "  [-m|--mountpass MOUNTPASS]\n",
	.description = "Sets up an encrypted private directory (~/.Private mounted on\n"
		       "~/Private) for USER: the mount passphrase, wrapped with the login\n"
		       "passphrase in ~/.ecryptfs/wrapped-passphrase, and the key signatures\n"
		       "in ~/.ecryptfs/Private.sig.\n",
	.options = kOptions,
	.max_operands = 0,
	.secret_operands = true,
};

void undo_message()
{
	std::printf(
		"\nIn the event that you want to remove your eCryptfs Private Directory setup,\n"
		"you will need to very carefully perform the following actions manually:\n\n"
		" 1. Obtain your Private directory mountpoint\n"
		"   $ PRIVATE=`cat ~/.ecryptfs/Private.mnt 2>/dev/null || echo $HOME/Private`\n"
		" 2. Ensure that you have moved all relevant data out of your $PRIVATE directory\n"
		" 3. Unmount your encrypted private directory\n"
		"   $ ecryptfs-umount-private\n"
		" 4. Make your Private directory writable again\n"
		"   $ chmod 700 $PRIVATE\n"
		" 5. Remove $PRIVATE, ~/.Private, ~/.ecryptfs\n"
		"    Note: THIS IS VERY PERMANENT, BE VERY CAREFUL\n"
		"   $ rm -rf $PRIVATE ~/.Private ~/.ecryptfs\n"
		" 6. Uninstall the utilities (this is specific to your Linux distribution)\n"
		"   $ sudo apt-get remove ecryptfs-utils libecryptfs0\n\n");
}

bool non_empty_file(const std::string &path)
{
	struct stat st;
	return ::stat(path.c_str(), &st) == 0 && st.st_size > 0;
}

/* Entries in @dir; symlinks only count when @count_links. 0 when missing. */
int count_entries(const std::string &dir, bool count_links)
{
	DIR *d = opendir(dir.c_str());
	if (!d)
		return 0;
	int n = 0;
	while (struct dirent *e = readdir(d)) {
		if (!std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, ".."))
			continue;
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISLNK(st.st_mode) && !count_links)
			continue;
		n++;
	}
	closedir(d);
	return n;
}

bool mounted_at_or_from(const std::string &path)
{
	auto text = priv::read_small_file("/proc/mounts", 1 << 20);
	if (!text)
		return false;
	/* The reference greps for "<path> " anywhere in /proc/mounts. */
	return text->find(path + " ") != std::string::npos;
}

bool user_in_group(const priv::User &u, const char *group)
{
	struct group *g = getgrnam(group);
	if (!g)
		return true; /* no such group: no restriction */
	int n = 64;
	std::vector<gid_t> groups(static_cast<std::size_t>(n));
	if (getgrouplist(u.name.c_str(), u.gid, groups.data(), &n) < 0) {
		groups.resize(static_cast<std::size_t>(n));
		if (getgrouplist(u.name.c_str(), u.gid, groups.data(), &n) < 0)
			return false;
	}
	for (int i = 0; i < n; i++)
		if (groups[static_cast<std::size_t>(i)] == g->gr_gid)
			return true;
	return false;
}

/* unix_chkpwd checks the calling user's password (root may check any). */
bool check_login_password(const std::string &user, const Passphrase &pass)
{
	int fds[2];
	if (pipe(fds) != 0)
		return false;
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		int null = ::open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 2);
		execl("/sbin/unix_chkpwd", "unix_chkpwd", user.c_str(), "nullok",
		      static_cast<char *>(nullptr));
		_exit(127);
	}
	close(fds[0]);
	ssize_t want = static_cast<ssize_t>(pass.size());
	bool wrote = ::write(fds[1], pass.view().data(), pass.size()) == want &&
		     ::write(fds[1], "", 1) == 1;
	close(fds[1]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	return wrote && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::optional<Passphrase> prompt(const std::string &text)
{
	auto r = read_passphrase(text.c_str());
	if (!r)
		return std::nullopt;
	return std::move(*r.passphrase);
}

void write_text_file(const std::string &path, const std::string &text, const char *what)
{
	auto r = replace_file_atomically(
		path, {reinterpret_cast<const std::uint8_t *>(text.data()), text.size()});
	if (!r)
		error(std::string(what) + " [" + path + "]: " + r.error().reason);
}

void touch(const std::string &path, const char *what)
{
	int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		error(what);
	::close(fd);
}

std::string timestamp()
{
	char buf[32];
	std::time_t t = std::time(nullptr);
	std::strftime(buf, sizeof(buf), "%Y%m%d%H%M%S", std::localtime(&t));
	return buf;
}

/* Become @u for good (root running setup for another user). */
void become(const priv::User &u)
{
	if (initgroups(u.name.c_str(), u.gid) != 0 || setresgid(u.gid, u.gid, u.gid) != 0 ||
	    setresuid(u.uid, u.uid, u.uid) != 0)
		error("Could not switch to user " + u.name);
}

bool run_helper(bool unmount)
{
	const char *path = unmount ? priv::kUmountHelper : priv::kMountHelper;
	return priv::run_program(path, {path}) == 0;
}

/* Mount, write, unmount, reload the keys, mount, read back: the reference's self test. */
void self_test(const priv::Paths &paths, const std::string &mountpoint, const Passphrase &mountpass,
	       bool fnek)
{
	std::printf("Testing mount/write/umount/read...\n");
	std::fflush(stdout);
	if (!run_helper(false))
		error("Could not mount private ecryptfs directory");
	std::string tmpl = mountpoint + "/ecryptfs.test.XXXXXX";
	std::vector<char> name(tmpl.begin(), tmpl.end());
	name.push_back('\0');
	int fd = mkstemp(name.data());
	auto fail = [&](const char *msg) {
		if (fd >= 0)
			::unlink(name.data());
		run_helper(true);
		error(msg);
	};
	if (fd < 0)
		fail("Could not create empty file");
	std::vector<std::uint8_t> data(16000);
	if (!random_bytes(data))
		fail("Could not generate random data");
	bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) &&
		  fsync(fd) == 0;
	::close(fd);
	if (!ok)
		fail("Could not write encrypted file");
	if (!run_helper(true))
		fail("Could not unmount private ecryptfs directory");
	if (!priv::add_mount_passphrase_keys(mountpass, fnek))
		error("Could not add passphrase to the current keyring");
	if (!run_helper(false))
		fail("Could not mount private ecryptfs directory (2)");
	auto back = priv::read_small_file(name.data(), 1 << 20);
	::unlink(name.data());
	const bool same = back && back->size() == data.size() &&
			  std::memcmp(back->data(), data.data(), data.size()) == 0;
	if (!run_helper(true))
		error("Could not unmount private ecryptfs directory (2)");
	/* As ecryptfs-umount-private: leave no key behind. */
	auto sigs = priv::read_small_file(paths.sig_file);
	if (sigs) {
		auto parsed = priv::parse_sig_file(*sigs);
		if (parsed)
			priv::remove_keys(parsed.value());
	}
	if (!same)
		error("Testing failed.");
	std::printf("Testing succeeded.\n");
}

} // namespace

int main(int argc, char **argv)
{
	bool force = false, wrapping_independent = false, nopwcheck = false, noautomount = false,
	     noautoumount = false, no_fnek = false;
	std::optional<std::string> username;
	std::optional<Passphrase> loginpass, mountpass;

	const auto args = cli::parse(kCmd, argc, argv);
	for (const auto &[id, value] : args.given) {
		switch (id) {
		case kUser: username = value; break;
		case kLogin: loginpass = cli::take_secret_arg(value); break;
		case kMount: mountpass = cli::take_secret_arg(value); break;
		case kWrapping: wrapping_independent = true; break;
		case kForce: force = true; break;
		case kNoPwCheck: nopwcheck = true; break;
		case kNoAutomount: noautomount = true; break;
		case kNoAutoumount: noautoumount = true; break;
		case kNoFnek: no_fnek = true; break;
		case kUndo:
			undo_message();
			return 0;
		case kBootstrap:
			error("--bootstrap (encrypting a whole home) is not supported by this "
			      "ecryptfs-setup-private; set up ~/Private instead");
		}
	}
	/* Empty -l/-m values count as not given, as in the reference. */
	if (loginpass && loginpass->empty())
		loginpass.reset();
	if (mountpass && mountpass->empty())
		mountpass.reset();

	auto mask = kernel_feature_mask();
	if (!mask)
		error("Cannot get ecryptfs version, ecryptfs kernel module not loaded?");
	const bool fnek = !no_fnek && supports_filename_encryption(mask.value());

	const uid_t caller = getuid();
	if (!username && caller == 0) {
		const char *sudo_user = std::getenv("SUDO_USER");
		if (sudo_user && *sudo_user)
			username = sudo_user;
	}
	priv::User user;
	if (username) {
		auto u = priv::lookup_user(*username);
		if (!u)
			error("User does not exist [" + *username + "]");
		user = u.value();
	} else {
		auto u = priv::lookup_user(caller);
		if (!u)
			error("User does not exist [uid " + std::to_string(caller) + "]");
		user = u.value();
	}
	if (caller != 0 && user.uid != caller)
		error("Only root can set up the private directory of another user [" + user.name +
		      "]");
	if (!user_in_group(user, "ecryptfs"))
		error("User needs to be a member of ecryptfs group");
	struct stat hst;
	if (::stat(user.home.c_str(), &hst) != 0 || !S_ISDIR(hst.st_mode))
		error("User home directory does not exist [" + user.home + "]");

	const priv::Paths paths = priv::paths_for_home(user.home);
	const std::string mountpoint = paths.default_mountpoint;
	const std::string cryptdir = paths.crypt_dir;

	auto checks = [&]() {
		if (::mkdir(paths.config_dir.c_str(), 0700) != 0 && errno != EEXIST)
			error("Could not create " + paths.config_dir + ": " + std::strerror(errno));
		if (non_empty_file(paths.wrapped_passphrase) && !force)
			error("wrapped-passphrase file already exists, use --force to overwrite.");
		if (non_empty_file(paths.sig_file) && !force)
			error("Private.sig file already exists, use --force to overwrite.");
		if (mounted_at_or_from(mountpoint))
			error("[" + mountpoint + "] is already mounted");
		if (mounted_at_or_from(cryptdir))
			error("[" + cryptdir + "] is already mounted");
		if (count_entries(mountpoint, false) != 0)
			error(mountpoint + " must be empty before proceeding");
		if (count_entries(cryptdir, true) != 0)
			error(cryptdir + " must be empty before proceeding");
	};
	const bool switch_user = caller == 0 && user.uid != 0;
	if (!switch_user)
		checks();

	const std::string message = wrapping_independent ? "Enter your wrapping passphrase"
							 : "Enter your login passphrase";
	const bool can_check = access("/sbin/unix_chkpwd", X_OK) == 0;
	if (!loginpass) {
		int tries = 0;
		for (; tries < kAttempts; tries++) {
			auto p = prompt(message + " [" + user.name + "]");
			if (!p)
				error("No passphrase given");
			if (wrapping_independent || !can_check) {
				auto again = prompt(message + " [" + user.name + "] (again)");
				if (!again)
					error("No passphrase given");
				if (!(*p == *again)) {
					std::printf("ERROR:  Wrapping passphrases must match\n");
					continue;
				}
				if (p->empty()) {
					std::printf("ERROR:  You must provide a login passphrase\n");
					continue;
				}
				loginpass = std::move(p);
				break;
			}
			if (p->empty()) {
				std::printf("ERROR:  You must provide a login passphrase\n");
				continue;
			}
			if (nopwcheck) {
				std::printf("INFO: Skipping password verification\n");
				loginpass = std::move(p);
				break;
			}
			if (check_login_password(user.name, *p)) {
				loginpass = std::move(p);
				break;
			}
			std::printf("ERROR:  Your login passphrase is incorrect\n");
		}
		if (tries >= kAttempts)
			error("Too many incorrect password attempts, exiting");
	}
	if (loginpass->size() > kMaxPassphraseBytes)
		error("The login passphrase is longer than 64 bytes: it cannot wrap the mount "
		      "passphrase");

	if (!mountpass) {
		int tries = 0;
		for (; tries < kAttempts; tries++) {
			auto p = prompt("Enter your mount passphrase [leave blank to generate one]");
			if (!p)
				error("No passphrase given");
			if (p->empty())
				break;
			auto again = prompt("Enter your mount passphrase (again)");
			if (!again)
				error("No passphrase given");
			if (*p == *again) {
				mountpass = std::move(p);
				break;
			}
			std::printf("ERROR:  Mount passphrases do not match\n");
		}
		if (tries >= kAttempts)
			error("Too many incorrect passphrase attempts, exiting");
		if (!mountpass) {
			SecretArray<16> rnd;
			if (!random_bytes({rnd.data(), rnd.size()}))
				error("Could not generate a random mount passphrase");
			mountpass = priv::mount_passphrase_from_random(
				std::span<const std::uint8_t, 16>(rnd.data(), 16));
		}
	}
	if (mountpass->size() > kMaxPassphraseBytes)
		error("The mount passphrase is longer than 64 bytes");

	if (switch_user) {
		become(user);
		checks();
	}

	std::printf("\n************************************************************************\n"
		    "YOU SHOULD RECORD YOUR MOUNT PASSPHRASE AND STORE IT IN A SAFE LOCATION.\n"
		    "  ecryptfs-unwrap-passphrase ~/.ecryptfs/wrapped-passphrase\n"
		    "THIS WILL BE REQUIRED IF YOU NEED TO RECOVER YOUR DATA AT A LATER TIME.\n"
		    "************************************************************************\n\n");
	std::fflush(stdout);

	if (::mkdir(cryptdir.c_str(), 0700) != 0 && errno != EEXIST)
		error("Could not create crypt directory [" + cryptdir + "]");
	if (::mkdir(mountpoint.c_str(), 0700) != 0 && errno != EEXIST)
		error("Could not create mount directory [" + mountpoint + "]");
	struct stat mst;
	if (::lstat(mountpoint.c_str(), &mst) != 0 || !S_ISDIR(mst.st_mode))
		error("Could not create mount directory [" + mountpoint + "]");
	const std::pair<const char *, const char *> links[] = {
		{paths::kPrivateReadme, "/README.txt"},
		{paths::kPrivateDesktop, "/Access-Your-Private-Data.desktop"},
	};
	for (const auto &[target, name] : links) {
		const std::string link = mountpoint + name;
		::unlink(link.c_str());
		if (::symlink(target, link.c_str()) != 0)
			error("Could not create " + link + ": " + std::strerror(errno));
	}
	if (::chmod(mountpoint.c_str(), 0500) != 0)
		error("Could not make " + mountpoint + " read-only");

	if (noautomount)
		std::printf("INFO: %s will not be mounted on login\n", mountpoint.c_str());
	else
		touch(paths.auto_mount, "Could not setup ecryptfs auto-mount");
	if (noautoumount)
		std::printf("INFO: %s will not be unmounted on logout\n", mountpoint.c_str());
	else
		touch(paths.auto_umount, "Could not setup ecryptfs auto-umount");
	if (wrapping_independent)
		touch(paths.wrapping_independent, "Could not setup ecryptfs wrapping-independent");
	else if (::unlink(paths.wrapping_independent.c_str()) != 0 && errno != ENOENT)
		error("Could not remove ecryptfs wrapping-independent");

	/* Keep what a previous setup left: it may be the only way to old data. */
	const std::string ts = timestamp();
	for (const auto &f : {paths.wrapped_passphrase, paths.sig_file}) {
		if (non_empty_file(f) && ::rename(f.c_str(), (f + "." + ts).c_str()) != 0)
			error("Could not backup existing data [" + f + "]");
	}

	umask(0377);
	auto w = wrapped::wrap_to_file(paths.wrapped_passphrase, *mountpass, *loginpass);
	umask(022);
	if (!w)
		error("Could not wrap passphrase: " + w.error().reason);

	auto sigs = priv::add_mount_passphrase_keys(*mountpass, fnek);
	if (!sigs)
		error("Could not add passphrase to the current keyring: " + sigs.error().reason);
	write_text_file(paths.sig_file, priv::format_sig_file(sigs.value()),
			"Could not create signature file");
	write_text_file(paths.mnt_file, mountpoint + "\n", "Could not create mountpoint file");

	std::printf("\nDone configuring.\n\n");
	std::fflush(stdout);
	priv::link_user_keyring_into_session();

	self_test(paths, mountpoint, *mountpass, fnek);

	std::printf("\nLogout, and log back in to begin using your encrypted directory.\n\n");
	return 0;
}
