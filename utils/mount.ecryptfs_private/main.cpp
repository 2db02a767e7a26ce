// SPDX-License-Identifier: GPL-2.0-only
/*
 * mount.ecryptfs_private [ALIAS] / umount.ecryptfs_private [-f] [-d] [ALIAS]
 *
 * Setuid root.  Mounts (or unmounts) the calling user's own encrypted
 * private directory, ~/.Private on the mount point named in
 * ~/.ecryptfs/Private.mnt (or the pair in ~/.ecryptfs/ALIAS.conf), with the
 * keys whose sigs ~/.ecryptfs/ALIAS.sig lists, which must already be in the
 * user's keyring.  The mode is "unmount" when argv[0] contains "umount".
 *
 * What keeps it safe:
 *  - the effective ids are the user's from the first line on; every file and
 *    directory is opened with the user's permissions;
 *  - the mount point is opened once (as the user), must be a directory the
 *    user owns, and the mount goes onto that very directory (fchdir + "."),
 *    so no symlink or rename after the check changes the target;
 *  - root is regained only around mount(2)/umount2(2), and even then the
 *    file system uid stays the user's, so the kernel resolves the lower
 *    directory with the user's permissions; ecryptfs_check_dev_ruid makes
 *    the kernel refuse a lower directory the user does not own;
 *  - unmounting only ever detaches the ecryptfs mount found at the mount
 *    point, and only when it is the user's (same source and file key sig);
 *  - the environment is cleared, nothing else is executed.
 */
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <keyutils.h>
#include <sys/file.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "libecryptfs/fd.h"
#include "libecryptfs/keyring.h"
#include "libecryptfs/private_dir.h"
#include "libecryptfs/safe_path.h"

using namespace ecryptfs;

namespace {

const char *g_argv0 = "mount.ecryptfs_private";

[[noreturn]] void die(const std::string &msg)
{
	std::fprintf(stderr, "%s\n", msg.c_str());
	std::exit(1);
}

/* Read a small file through @fd (at most @max bytes). */
std::optional<std::string> read_fd(int fd, std::size_t max = 4096)
{
	std::string s;
	char buf[512];
	while (s.size() < max) {
		ssize_t n = ::read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return std::nullopt;
		}
		if (n == 0)
			break;
		s.append(buf, static_cast<std::size_t>(n));
	}
	if (s.size() > max)
		s.resize(max);
	return s;
}

/* Effective ids: the user's except around the one privileged call. */
struct Ids {
	uid_t uid;
	gid_t gid;
};

void drop_to_user(const Ids &ids)
{
	if (setegid(ids.gid) != 0 || seteuid(ids.uid) != 0)
		die("Failed to drop privileges");
}

/*
 * Root for mount(2)/umount2(2), but path lookups and permission checks
 * keep using the user's fsuid/fsgid (setfsuid to a non-zero uid also drops
 * the file system capabilities from the effective set).
 */
void raise_for_mount(const Ids &ids)
{
	if (seteuid(0) != 0)
		die("This program must be installed setuid root");
	setfsgid(ids.gid);
	setfsuid(ids.uid);
	if (static_cast<uid_t>(setfsuid(static_cast<uid_t>(-1))) != ids.uid)
		die("Failed to keep the user's file system identity");
}

/* Statfs magics of the file systems a private mount may sit on. */
bool approved_fs(unsigned long magic)
{
	static const unsigned long ok[] = {
		0x61756673, /* aufs */	   0x9123683e, /* btrfs */   0x00c36400, /* ceph */
		0xff534d42, /* cifs */	   0xf15f,     /* ecryptfs */ 0xef53,	   /* ext2/3/4 */
		0xf2f52010, /* f2fs */	   0x65735546, /* fuse */    0x01161970, /* gfs2 */
		0x3153464a, /* jfs */	   0x72b6,     /* jffs2 */   0x564c,	   /* ncp */
		0x6969,	    /* nfs */	   0x3434,     /* nilfs */   0x5346544e, /* ntfs */
		0x794c7630, /* overlayfs */ 0x52654973, /* reiserfs */ 0x73717368, /* squashfs */
		0x01021994, /* tmpfs */	   0x24051905, /* ubifs */   0x58465342, /* xfs */
		0x2fc12fc1, /* zfs */
	};
	return std::find(std::begin(ok), std::end(ok), magic & 0xffffffffUL) != std::end(ok);
}

using priv::MountInfo;

/* The mount table as this process sees it; a table that cannot be read whole is fatal. */
std::vector<MountInfo> mountinfo()
{
	constexpr std::size_t kMax = 16u << 20;
	Fd fd(::open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC));
	if (fd.get() < 0)
		die("Cannot read /proc/self/mountinfo");
	auto text = read_fd(fd.get(), kMax);
	if (!text || text->size() >= kMax)
		die("Cannot read /proc/self/mountinfo");
	return priv::parse_mountinfo(*text);
}

std::optional<unsigned long> mount_id_of(int fd)
{
	struct statx stx;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) != 0 || !(stx.stx_mask & STATX_MNT_ID))
		return std::nullopt;
	return static_cast<unsigned long>(stx.stx_mnt_id);
}

/*
 * The counter file, opened and locked for the rest of the run: root's, in
 * root's directory, so no other user can make it first (the reference's
 * /dev/shm names could be squatted by anyone).  Made as root, then the
 * user's ids again; the descriptor stays usable.
 */
Fd open_counter(const std::string &user, const std::string &alias, const Ids &ids)
{
	if (seteuid(0) != 0 || setegid(0) != 0)
		die("This program must be installed setuid root");
	if (::mkdir(priv::kCounterDir, 0755) != 0 && errno != EEXIST)
		die(std::string("Error creating ") + priv::kCounterDir + ": " + std::strerror(errno));
	auto dir = safe_path::open_fixed_dir(priv::kCounterDir);
	struct stat st;
	if (!dir || fstat(dir.value().get(), &st) != 0 || st.st_uid != 0 || (st.st_mode & 022))
		die(std::string(priv::kCounterDir) + " is not root's directory: remove it (as root)");
	const std::string name = priv::counter_name(user, alias);
	Fd fd(::openat(dir.value().get(), name.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		       0600));
	drop_to_user(ids);
	if (fd.get() < 0 || fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    st.st_nlink != 1)
		die("Error opening counter");
	if (flock(fd.get(), LOCK_EX) != 0)
		die("Error locking counter");
	return fd;
}

priv::Counter read_counter(int fd)
{
	if (lseek(fd, 0, SEEK_SET) < 0)
		return {};
	auto text = read_fd(fd, 64 * 1024);
	return priv::parse_counter(text.value_or(""));
}

void write_counter(int fd, const priv::Counter &c)
{
	const std::string s = priv::format_counter(c);
	if (lseek(fd, 0, SEEK_SET) < 0 || ftruncate(fd, 0) != 0 ||
	    ::write(fd, s.data(), s.size()) != static_cast<ssize_t>(s.size()))
		std::fprintf(stderr, "Error writing counter\n");
}

void usage(bool unmount)
{
	if (unmount)
		std::fprintf(stderr, "Usage: %s [-f] [-d] [ALIAS]\n", g_argv0);
	else
		std::fprintf(stderr, "Usage: %s [ALIAS]\n", g_argv0);
}

void help(bool unmount)
{
	usage(unmount);
	std::fprintf(stderr,
		     "\n%s your encrypted private directory: by default ~/.Private on the\n"
		     "directory named in ~/.ecryptfs/Private.mnt (~/Private), with the keys\n"
		     "listed in ~/.ecryptfs/Private.sig, which must be in your keyring (use\n"
		     "ecryptfs-mount-private to be asked for your passphrase).  ALIAS uses\n"
		     "~/.ecryptfs/ALIAS.conf (\"SOURCE DEST ecryptfs none\") and ALIAS.sig.\n",
		     unmount ? "Unmounts" : "Mounts");
	if (unmount)
		std::fprintf(stderr,
			     "  -f  unmount even if other sessions still use it (zero the counter)\n"
			     "  -d  do not fail when other sessions still use it\n");
}

/* Sigs from <config>/<alias>.sig, read as the user. */
Result<priv::Sigs> read_sigs(const std::string &config_dir, const std::string &alias)
{
	const std::string path = config_dir + "/" + alias + ".sig";
	Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (fd.get() < 0)
		return Error{-errno, "fopen: " + std::string(std::strerror(errno))};
	auto text = read_fd(fd.get());
	if (!text)
		return Error{-EIO, "Error reading " + path};
	return priv::parse_sig_file(*text);
}

bool key_in_user_keyring(const std::string &sig)
{
	return keyctl_search(KEY_SPEC_USER_KEYRING, "user", sig.c_str(), 0) >= 0;
}

} // namespace

int main(int argc, char **argv)
{
	const Ids ids{getuid(), getgid()};
	/* The caller's privileges from here on; root only around mount(2). */
	drop_to_user(ids);
	clearenv();
	umask(077);
	if (argc > 0 && argv[0])
		g_argv0 = argv[0];
	const char *base = std::strrchr(g_argv0, '/');
	base = base ? base + 1 : g_argv0;
	const bool unmount = std::strstr(base, "umount") != nullptr;

	bool force = false, dont_fail = false, pam_session = false;
	std::vector<std::string> operands;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		if (a == "-h" || a == "--help") {
			help(unmount);
			return 0;
		} else if (a == "--pam-session") {
			pam_session = true;
		} else if (unmount && a == "-f") {
			force = true;
		} else if (unmount && a == "-d") {
			dont_fail = true;
		} else if (!a.empty() && a[0] == '-') {
			usage(unmount);
			return 1;
		} else {
			operands.push_back(a);
		}
	}
	if (operands.size() > 1) {
		usage(unmount);
		return 1;
	}
	if (geteuid() != ids.uid)
		die("Failed to drop privileges");

	auto user = priv::lookup_user(ids.uid);
	if (!user)
		die("Cannot find your user in the passwd database");
	if (user.value().name.empty())
		die("Username is empty");
	if (!priv::valid_username(user.value().name))
		die("Username has unsupported characters");
	const std::string &name = user.value().name;
	const priv::Paths paths = priv::paths_for_home(user.value().home);

	std::string alias = priv::kDefaultAlias;
	if (!operands.empty()) {
		alias = operands[0];
		if (!priv::valid_alias(alias))
			die("Invalid alias");
	}

	std::string src, dest;
	if (alias == priv::kDefaultAlias) {
		src = paths.crypt_dir;
		dest = paths.default_mountpoint;
		Fd fd(::open(paths.mnt_file.c_str(), O_RDONLY | O_CLOEXEC));
		if (fd.get() >= 0) {
			auto text = read_fd(fd.get());
			if (text)
				dest = priv::mountpoint_from_mnt_text(*text, dest);
		}
	} else {
		const std::string conf = paths.config_dir + "/" + alias + ".conf";
		Fd fd(::open(conf.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
		struct stat st;
		if (fd.get() < 0 || fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) ||
		    st.st_uid != ids.uid)
			die("Bad file");
		auto text = read_fd(fd.get());
		if (!text)
			die("Error reading configuration file");
		auto c = priv::parse_alias_conf(*text);
		if (!c)
			die(c.error().reason);
		src = c.value().source;
		dest = c.value().dest;
	}

	std::optional<priv::Session> session;
	if (pam_session) {
		pid_t parent = getppid();
		auto start = priv::process_start_time(parent);
		if (start && *start != 0)
			session = priv::Session{parent, *start};
	}

	Fd counter = open_counter(name, alias, ids);

	auto sigs = read_sigs(paths.config_dir, alias);
	if (!unmount) {
		if (!sigs)
			die(sigs.error().reason);
		std::vector<std::string> want{sigs.value().fekek};
		if (sigs.value().fnek)
			want.push_back(*sigs.value().fnek);
		for (const auto &s : want) {
			if (!key_in_user_keyring(s)) {
				std::fprintf(stderr, "Signature not found in user keyring\n"
						     "Perhaps try the interactive 'ecryptfs-mount-private'\n");
				return 1;
			}
		}
	}

	/* The mount point: opened once, as the user; everything else uses this fd. */
	Fd dir(::open(dest.c_str(), O_RDONLY | O_CLOEXEC));
	if (dir.get() < 0)
		die("Cannot chdir into mountpoint.");
	struct stat st;
	if (fstat(dir.get(), &st) != 0 || !S_ISDIR(st.st_mode))
		die("Mountpoint is not a directory.");
	if (st.st_uid != ids.uid)
		die("You do not own that mountpoint.");
	if (fchdir(dir.get()) != 0)
		die("Cannot chdir into mountpoint.");
	char cwd_buf[4096];
	if (!getcwd(cwd_buf, sizeof(cwd_buf)))
		die("Cannot chdir into mountpoint.");
	const std::string cwd = cwd_buf;

	if (!unmount) {
		struct statfs sfs;
		if (fstatfs(dir.get(), &sfs) != 0)
			die("Cannot get the file system type of the mountpoint.");
		if (!approved_fs(static_cast<unsigned long>(sfs.f_type))) {
			std::fprintf(stderr,
				     "Refusing to mount over an unapproved filesystem type: %#lx\n",
				     static_cast<unsigned long>(sfs.f_type) & 0xffffffffUL);
			return 1;
		}

		priv::Counter c = read_counter(counter.get());
		priv::counter_prune(c, priv::session_alive);
		priv::counter_acquire(c, session);
		write_counter(counter.get(), c);

		for (const auto &m : mountinfo())
			if (m.fstype == "ecryptfs" && (m.source == src || m.target == cwd))
				return 0; /* already mounted: this session now counts too */

		/* Make the user's keys reachable from the session the kernel searches. */
		keyctl_link(KEY_SPEC_USER_KEYRING, KEY_SPEC_SESSION_KEYRING);
		const std::string opts = priv::mount_options(sigs.value());
		raise_for_mount(ids);
		int rc = ::mount(src.c_str(), ".", "ecryptfs", MS_NOSUID | MS_NODEV, opts.c_str());
		int err = errno;
		drop_to_user(ids);
		setfsuid(ids.uid);
		setfsgid(ids.gid);
		if (rc != 0) {
			/* Nothing was mounted: take our count back. */
			priv::Counter back = read_counter(counter.get());
			priv::counter_release(back, session);
			write_counter(counter.get(), back);
			std::fprintf(stderr, "mount: %s\n", std::strerror(err));
			return 1;
		}
		return 0;
	}

	priv::Counter c = read_counter(counter.get());
	priv::counter_prune(c, priv::session_alive);
	if (force)
		c = priv::Counter{};
	else
		priv::counter_release(c, session);
	write_counter(counter.get(), c);
	if (c.total() > 0) {
		if (dont_fail)
			return 0;
		std::fprintf(stderr, "Sessions still open, not unmounting\n");
		return 1;
	}

	/* Remove the keys first, as the reference does (even if nothing is mounted). */
	if (sigs) {
		std::vector<std::string> drop{sigs.value().fekek};
		if (sigs.value().fnek && *sigs.value().fnek != sigs.value().fekek)
			drop.push_back(*sigs.value().fnek);
		for (const auto &s : drop) {
			auto r = remove_auth_tok_from_user_keyring(s);
			if (!r && r.error().code != -ENOKEY)
				std::fprintf(stderr, "Could not remove key from keyring, try "
						     "'ecryptfs-umount-private'\n");
		}
	}

	/* Only the user's own ecryptfs mount, found at the directory we hold. */
	auto id = mount_id_of(dir.get());
	if (!id || !sigs)
		return 1;
	const MountInfo *mine = nullptr;
	auto mounts = mountinfo();
	for (const auto &m : mounts)
		if (m.id == *id)
			mine = &m;
	if (!mine || mine->fstype != "ecryptfs" || mine->root != "/" || mine->target != cwd ||
	    mine->source != src || !priv::options_have_sig(mine->super_opts, sigs.value().fekek))
		return 1;

	raise_for_mount(ids);
	int rc = ::umount2(".", MNT_DETACH | UMOUNT_NOFOLLOW);
	int err = errno;
	drop_to_user(ids);
	if (rc != 0) {
		std::fprintf(stderr, "umount: %s\n", std::strerror(err));
		return 1;
	}
	return 0;
}
