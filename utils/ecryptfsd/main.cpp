// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfsd: the per-user daemon that opens /dev/ecryptfs and wraps and
 * unwraps file keys for the kernel with the key modules (public-key mode,
 * key=openssl and friends).  Options as ecryptfs-utils 111 (spec userland
 * §3.7).  Besides the device it listens on a socket in a 0700 directory of
 * its user (/run/user/<uid>/ecryptfsd/socket, or /run/ecryptfsd/socket for
 * root) where the tools that add a key hand over its secret
 * (libecryptfs/secret_channel.h): secrets exist only in this process.
 */
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <keyutils.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "ecryptfs/msg.h"
#include "libecryptfs/cli.h"
#include "libecryptfs/daemon.h"
#include "libecryptfs/kernel_features.h"
#include "libecryptfs/key_module.h"
#include "libecryptfs/secret_channel.h"

using namespace ecryptfs;

namespace {

constexpr std::uint32_t kFeatureDevMisc = 0x40;

bool g_foreground = false;

void log_line(int prio, const std::string &line)
{
	syslog(prio, "%s", line.c_str());
	if (g_foreground)
		std::fprintf(stderr, "ecryptfsd: %s\n", line.c_str());
}

const cli::Option kOptions[] = {
	{'p', "pidfile", 'p', "FILE", "Set pid file name"},
	{'f', "foreground", 'f', nullptr, "Don't fork into background"},
	{'C', "chroot", 'C', "DIR", "Chroot to directory"},
	{'R', "prompt-prog", 'R', "PROGRAM", "Program to execute for user prompt"},
};
const cli::Command kCmd = {
	.name = "ecryptfsd",
	.usage = "Usage: ecryptfsd [-f] [-p FILE] [-C DIR] [-R PROGRAM]\n",
	.description = "The public-key daemon: wraps and unwraps file keys for the kernel over\n"
		       "/dev/ecryptfs with the key modules, for the user who runs it.\n",
	.options = kOptions,
	.max_operands = 0,
};

/* The pid file, removed at exit through a descriptor of its directory (works after chroot). */
class PidFile {
public:
	Status create(const std::string &path)
	{
		auto slash = path.find_last_of('/');
		std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
		name_ = slash == std::string::npos ? path : path.substr(slash + 1);
		dirfd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd_ < 0)
			return Error{-errno, "cannot open the directory of the pid file " + path +
						     ": " + std::strerror(errno)};
		int fd = ::openat(dirfd_, name_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
							  O_NOFOLLOW, 0644);
		if (fd < 0)
			return Error{-errno, "cannot write the pid file " + path + ": " +
						     std::strerror(errno)};
		const std::string pid = std::to_string(::getpid());
		ssize_t n = ::write(fd, pid.data(), pid.size());
		::close(fd);
		if (n != static_cast<ssize_t>(pid.size()))
			return Error{-EIO, "cannot write the pid file " + path};
		return Ok{};
	}
	~PidFile()
	{
		if (dirfd_ >= 0) {
			::unlinkat(dirfd_, name_.c_str(), 0);
			::close(dirfd_);
		}
	}

private:
	int dirfd_ = -1;
	std::string name_;
};

Status daemonize()
{
	pid_t pid = ::fork();
	if (pid < 0)
		return Error{-errno, std::string("fork: ") + std::strerror(errno)};
	if (pid > 0)
		::_exit(0);
	if (::setsid() < 0)
		return Error{-errno, std::string("setsid: ") + std::strerror(errno)};
	pid = ::fork();
	if (pid < 0)
		return Error{-errno, std::string("fork: ") + std::strerror(errno)};
	if (pid > 0)
		::_exit(0);
	::umask(027);
	if (::chdir("/") != 0)
		return Error{-errno, std::string("chdir /: ") + std::strerror(errno)};
	int null = ::open("/dev/null", O_RDWR);
	if (null < 0)
		return Error{-errno, std::string("/dev/null: ") + std::strerror(errno)};
	for (int fd = 0; fd < 3; ++fd)
		::dup2(null, fd);
	if (null > 2)
		::close(null);
	return Ok{};
}

} // namespace

int main(int argc, char **argv)
{
	const auto args = cli::parse(kCmd, argc, argv);
	const std::string pidfile = args.value('p') ? args.value('p') : "";
	const std::string chroot_dir = args.value('C') ? args.value('C') : "";
	const std::string prompt_prog = args.value('R') ? args.value('R') : "";
	const bool stay = args.has('f');
	openlog("ecryptfsd", LOG_PID, LOG_DAEMON);
	g_foreground = true; /* errors before daemonising go to the terminal too */

	rlimit core{0, 0};
	(void)::setrlimit(RLIMIT_CORE, &core);

	if (auto mask = kernel_feature_mask(); mask) {
		if (!(mask.value() & kFeatureDevMisc)) {
			log_line(LOG_ERR, "Current kernel does not have support for /dev/ecryptfs; "
					  "public-key mode needs an ecryptfs module with messaging");
			return 1;
		}
	} else {
		log_line(LOG_WARNING, "cannot read the eCryptfs kernel feature mask (" +
					      mask.error().reason + "); trying /dev/ecryptfs anyway");
	}
	if (const char *tty = ::ttyname(STDIN_FILENO))
		::setenv("TERM_DEVICE", tty, 1);

	auto loaded = keymod::load_all(keymod::module_dir());
	for (const auto &p : loaded.problems)
		log_line(LOG_WARNING, p);
	if (loaded.modules.empty())
		log_line(LOG_WARNING, "no key module in " + keymod::module_dir() +
					      ": every request will fail");

	const uid_t uid = ::geteuid();
	auto listener = secrets::listen_socket(uid);
	if (!listener) {
		log_line(LOG_ERR, listener.error().reason);
		return 1;
	}
	secrets::Fd dev(::open("/dev/ecryptfs", O_RDWR | O_CLOEXEC));
	if (!dev)
		dev = secrets::Fd(::open("/dev/misc/ecryptfs", O_RDWR | O_CLOEXEC));
	if (!dev) {
		int err = errno;
		const char *hint = " (is the ecryptfs module loaded?)";
		if (err == EINVAL || err == EBUSY)
			hint = " (another ecryptfsd already serves this user?)";
		else if (err == EACCES || err == EPERM)
			hint = " (the device is root's: let this user open it, e.g. a udev rule "
			       "KERNEL==\"ecryptfs\", GROUP=\"<group>\", MODE=\"0660\")";
		log_line(LOG_ERR, std::string("cannot open /dev/ecryptfs: ") + std::strerror(err) + hint);
		return 1;
	}
	/* Keys of @u must be possessed to be read: link @u into the session keyring. */
	(void)keyctl_link(KEY_SPEC_USER_KEYRING, KEY_SPEC_SESSION_KEYRING);

	if (!stay) {
		if (auto st = daemonize(); !st) {
			log_line(LOG_ERR, st.error().reason);
			return 1;
		}
	}
	g_foreground = stay;

	PidFile pf;
	if (!pidfile.empty()) {
		if (auto st = pf.create(pidfile); !st) {
			log_line(LOG_ERR, st.error().reason);
			return 1;
		}
	}
	if (!chroot_dir.empty()) {
		if (::chroot(chroot_dir.c_str()) != 0 || ::chdir("/") != 0) {
			log_line(LOG_ERR, "cannot chroot to " + chroot_dir + ": " + std::strerror(errno));
			return 1;
		}
	}

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, nullptr);
	::signal(SIGPIPE, SIG_IGN);
	secrets::Fd sfd(::signalfd(-1, &set, SFD_CLOEXEC));
	if (!sfd) {
		log_line(LOG_ERR, std::string("signalfd: ") + std::strerror(errno));
		return 1;
	}

	secrets::Store store;
	daemon::Hooks hooks;
	hooks.lookup_key = daemon::lookup_user_key;
	hooks.log = log_line;
	if (!prompt_prog.empty())
		hooks.ask_secret = [&](const std::string &prompt)
			-> std::optional<Result<SecureBytes>> {
			return daemon::run_prompt_program(prompt_prog, prompt);
		};
	daemon::RequestHandler handler(loaded.modules, store, hooks);

	if (auto st = daemon::send_bare(dev.get(), ECRYPTFS_MSG_HELO); !st) {
		log_line(LOG_ERR, "HELO to the kernel failed: " + st.error().reason);
		return 1;
	}
	log_line(LOG_INFO, "serving uid " + std::to_string(uid) + " with " +
				   std::to_string(loaded.modules.size()) + " key module(s)");

	const int status = daemon::serve({dev.get(), listener.value().get(), sfd.get()}, uid, store,
					 handler);
	closelog();
	return status;
}
