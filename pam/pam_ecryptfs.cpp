// SPDX-License-Identifier: GPL-2.0-only
/*
 * pam_ecryptfs.so: unlock the encrypted private directory at login.
 *
 *   auth     required|optional pam_ecryptfs.so unwrap
 *            unwraps ~/.ecryptfs/wrapped-passphrase with the login password
 *            (PAM_AUTHTOK: put this line after pam_unix) and adds the file
 *            and filename keys to the user keyring.  Without "unwrap" the
 *            login password itself is the mount passphrase (one key).
 *   session  optional pam_ecryptfs.so [unwrap]
 *            mounts ~/Private at login (~/.ecryptfs/auto-mount) and
 *            unmounts it when the user's last session closes (auto-umount).
 *   password optional pam_ecryptfs.so
 *            rewraps the passphrase when the login password changes.
 *
 * Every hook returns PAM_SUCCESS except chauthtok as the reference does:
 * a broken private directory never locks anybody out.  All work on the
 * user's files happens in a forked child that has fully become the user,
 * so the PAM application's own ids are never touched.
 */
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <string>

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "libecryptfs/crypto.h"
#include "libecryptfs/keyring.h"
#include "libecryptfs/private_dir.h"
#include "libecryptfs/private_ops.h"
#include "libecryptfs/rc.h"
#include "libecryptfs/wrapped.h"

using namespace ecryptfs;

#define PAM_ECRYPTFS_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

/* Bits a probe child reports through its exit status. */
constexpr int kHasAutoMount = 1;
constexpr int kHasAutoUmount = 2;
constexpr int kWrappingIndependent = 4;
constexpr int kAlreadyMounted = 8;
constexpr int kHasSigFile = 16;
constexpr int kHasWrapped = 32;
constexpr int kProbeFailed = 128;

std::optional<priv::User> pam_user(pam_handle_t *pamh)
{
	const char *name = nullptr;
	if (pam_get_user(pamh, &name, nullptr) != PAM_SUCCESS || !name || !*name)
		return std::nullopt;
	auto u = priv::lookup_user(std::string(name));
	if (!u) {
		pam_syslog(pamh, LOG_ERR, "pam_ecryptfs: unknown user %s", name);
		return std::nullopt;
	}
	return u.value();
}

/* In a child: become @u for good, or exit. */
void become(const priv::User &u)
{
	if (initgroups(u.name.c_str(), u.gid) != 0 || setresgid(u.gid, u.gid, u.gid) != 0 ||
	    setresuid(u.uid, u.uid, u.uid) != 0)
		_exit(kProbeFailed);
}

/*
 * Run @work in a child that is @u, wait for it and return its exit status
 * (kProbeFailed if it died).  SIGCHLD is reset around the wait so that an
 * application ignoring it does not make waitpid fail.
 */
int in_user_child(pam_handle_t *pamh, const priv::User &u, const std::function<int()> &work)
{
	struct sigaction dfl {}, old {};
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &old);
	pid_t pid = fork();
	if (pid < 0) {
		sigaction(SIGCHLD, &old, nullptr);
		pam_syslog(pamh, LOG_ERR, "pam_ecryptfs: fork failed: %s", std::strerror(errno));
		return kProbeFailed;
	}
	if (pid == 0) {
		become(u);
		int rc = work();
		_exit(rc & 0xff);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	sigaction(SIGCHLD, &old, nullptr);
	return WIFEXITED(status) ? WEXITSTATUS(status) : kProbeFailed;
}

/* What the user's setup looks like, checked as the user. */
int probe(pam_handle_t *pamh, const priv::User &u)
{
	return in_user_child(pamh, u, [&]() {
		const priv::Paths paths = priv::paths_for_home(u.home);
		int bits = 0;
		struct stat st;
		if (::stat(paths.auto_mount.c_str(), &st) == 0)
			bits |= kHasAutoMount;
		if (::stat(paths.auto_umount.c_str(), &st) == 0)
			bits |= kHasAutoUmount;
		if (::stat(paths.wrapping_independent.c_str(), &st) == 0)
			bits |= kWrappingIndependent;
		if (::stat(paths.sig_file.c_str(), &st) == 0 && S_ISREG(st.st_mode))
			bits |= kHasSigFile;
		if (::stat(paths.wrapped_passphrase.c_str(), &st) == 0)
			bits |= kHasWrapped;
		if (priv::ecryptfs_mounted("\n", priv::configured_mountpoint(paths)))
			bits |= kAlreadyMounted;
		return bits;
	});
}

/* Ask through the conversation, echo off. */
std::optional<Passphrase> converse_secret(pam_handle_t *pamh, const char *prompt)
{
	char *resp = nullptr;
	if (pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &resp, "%s", prompt) != PAM_SUCCESS || !resp)
		return std::nullopt;
	Passphrase p{std::string_view(resp)};
	OPENSSL_cleanse(resp, std::strlen(resp));
	std::free(resp);
	return p;
}

std::optional<Passphrase> item_secret(pam_handle_t *pamh, int item)
{
	const void *v = nullptr;
	if (pam_get_item(pamh, item, &v) != PAM_SUCCESS || !v)
		return std::nullopt;
	return Passphrase{std::string_view(static_cast<const char *>(v))};
}

/*
 * The bootstrap case (setup-private -b, ecryptfs-migrate-home): the mount
 * passphrase waits in cleartext in /dev/shm/.ecryptfs-<user> until the
 * user's password wraps it.  Runs as the user.
 */
bool wrap_bootstrap_passphrase(pam_handle_t *pamh, const priv::User &u, const priv::Paths &paths,
			       const Passphrase &password)
{
	const std::string clear = "/dev/shm/.ecryptfs-" + u.name;
	struct stat st;
	if (password.empty() || ::lstat(clear.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != u.uid || ::stat(paths.wrapped_passphrase.c_str(), &st) == 0)
		return false;
	auto text = read_secret_file(clear, kMaxPassphraseBytes);
	if (!text || text->empty())
		return false;
	Passphrase pass{std::span<const std::uint8_t>(text->data(), text->size())};
	auto w = wrapped::wrap_to_file(paths.wrapped_passphrase, pass, password);
	if (!w) {
		pam_syslog(pamh, LOG_ERR, "pam_ecryptfs: cannot wrap the bootstrap passphrase: %s",
			   w.error().reason.c_str());
		return false;
	}
	::unlink(clear.c_str());
	return true;
}

/* Children's work, as the user: each returns an exit status (0 = done). */
int auth_child(pam_handle_t *pamh, const priv::User &u, const Passphrase &password, bool unwrap)
{
	const priv::Paths paths = priv::paths_for_home(u.home);
	priv::link_user_keyring_into_session();
	if (!unwrap) {
		auto k = add_passphrase_key_to_keyring(password, rc_salt_or_default());
		if (!k) {
			pam_syslog(pamh, LOG_ERR, "pam_ecryptfs: cannot add the key: %s",
				   k.error().reason.c_str());
			return 1;
		}
		return 0;
	}
	(void)wrap_bootstrap_passphrase(pamh, u, paths, password);
	const Salt salt = rc_salt_or_default();
	auto file = priv::read_small_file(paths.wrapped_passphrase, wrapped::kMaxFileSize);
	if (!file) {
		pam_syslog(pamh, LOG_ERR, "pam_ecryptfs: cannot read %s",
			   paths.wrapped_passphrase.c_str());
		return 1;
	}
	auto pass = wrapped::unwrap(
		{reinterpret_cast<const std::uint8_t *>(file->data()), file->size()}, password, salt);
	if (!pass) {
		pam_syslog(pamh, LOG_ERR, "pam_ecryptfs: cannot unwrap %s: %s",
			   paths.wrapped_passphrase.c_str(), pass.error().reason.c_str());
		return 1;
	}
	/* A version 1 file is rewrapped as version 2 with the same password. */
	if (!file->empty() && static_cast<std::uint8_t>((*file)[0]) != wrapped::kMagic) {
		auto w = wrapped::wrap_to_file(paths.wrapped_passphrase, pass.value(), password);
		if (!w)
			pam_syslog(pamh, LOG_WARNING, "pam_ecryptfs: cannot rewrap %s as v2: %s",
				   paths.wrapped_passphrase.c_str(), w.error().reason.c_str());
	}
	auto sigs = priv::add_mount_passphrase_keys(pass.value(), true);
	if (!sigs) {
		pam_syslog(pamh, LOG_ERR, "pam_ecryptfs: cannot add the keys: %s",
			   sigs.error().reason.c_str());
		return 1;
	}
	return 0;
}

int chauthtok_child(pam_handle_t *pamh, const priv::User &u, const Passphrase &old_pw,
		    const Passphrase &new_pw)
{
	const priv::Paths paths = priv::paths_for_home(u.home);
	if (wrap_bootstrap_passphrase(pamh, u, paths, new_pw))
		return 0;
	struct stat st;
	if (::stat(paths.wrapped_passphrase.c_str(), &st) != 0)
		return 0;
	if (::stat(paths.wrapping_independent.c_str(), &st) == 0)
		return 0; /* wrapped with its own passphrase, not the login password */
	auto pass = wrapped::unwrap_file(paths.wrapped_passphrase, old_pw, rc_salt_or_default());
	if (!pass) {
		pam_syslog(pamh, LOG_ERR,
			   "pam_ecryptfs: cannot unwrap %s with the old password (%s); it stays "
			   "wrapped with the old one",
			   paths.wrapped_passphrase.c_str(), pass.error().reason.c_str());
		return 1;
	}
	auto w = wrapped::wrap_to_file(paths.wrapped_passphrase, pass.value(), new_pw);
	if (!w) {
		pam_syslog(pamh, LOG_ERR, "pam_ecryptfs: cannot rewrap %s: %s",
			   paths.wrapped_passphrase.c_str(), w.error().reason.c_str());
		return 1;
	}
	return 0;
}

/* Exec the setuid helper as the user with an empty environment. */
[[noreturn]] void exec_helper(const char *path, const char *arg1, const char *arg2)
{
	clearenv();
	int null = ::open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
	}
	execl(path, path, arg1, arg2, static_cast<char *>(nullptr));
	_exit(127);
}

} // namespace

PAM_ECRYPTFS_EXPORT int pam_sm_authenticate(pam_handle_t *pamh, int, int argc, const char **argv)
{
	const bool unwrap = argc == 1 && std::strcmp(argv[0], "unwrap") == 0;
	auto user = pam_user(pamh);
	if (!user)
		return PAM_SUCCESS;
	const int bits = probe(pamh, *user);
	if (bits & kProbeFailed || !(bits & kHasAutoMount))
		return PAM_SUCCESS;
	if (bits & kAlreadyMounted) {
		pam_syslog(pamh, LOG_DEBUG, "pam_ecryptfs: private directory already mounted");
		return PAM_SUCCESS;
	}
	std::optional<Passphrase> password =
		(bits & kWrappingIndependent) ? converse_secret(pamh, "Encryption passphrase: ")
					      : item_secret(pamh, PAM_AUTHTOK);
	if (!password) {
		pam_syslog(pamh, LOG_ERR,
			   "pam_ecryptfs: no password to unwrap the passphrase with (put "
			   "pam_ecryptfs after the module that asks for the password)");
		return PAM_SUCCESS;
	}
	in_user_child(pamh, *user, [&]() { return auth_child(pamh, *user, *password, unwrap); });
	return PAM_SUCCESS;
}

PAM_ECRYPTFS_EXPORT int pam_sm_setcred(pam_handle_t *, int, int, const char **)
{
	return PAM_SUCCESS;
}

enum class SessionEdge { open, close };

/*
 * At session open or close, when the user set up a private directory and
 * asked for it (auto-mount / auto-umount), run the setuid helper as the user:
 * mount on open, unmount (-d: only when the last session ends) on close.
 */
static int session_helper(pam_handle_t *pamh, SessionEdge edge)
{
	auto user = pam_user(pamh);
	if (!user)
		return PAM_SUCCESS;
	const bool open = edge == SessionEdge::open;
	int rc = in_user_child(pamh, *user, [&]() -> int {
		const priv::Paths paths = priv::paths_for_home(user->home);
		const std::string &marker = open ? paths.auto_mount : paths.auto_umount;
		struct stat st;
		if (::stat(paths.sig_file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
		    ::stat(marker.c_str(), &st) != 0)
			return 0;
		if (open) {
			priv::link_user_keyring_into_session();
			exec_helper(priv::kMountHelper, "--pam-session", nullptr);
		}
		exec_helper(priv::kUmountHelper, "-d", "--pam-session");
	});
	if (rc != 0)
		pam_syslog(pamh, LOG_ERR, "pam_ecryptfs: %s the private directory failed (%d)",
			   open ? "mounting" : "unmounting", rc);
	return PAM_SUCCESS;
}

PAM_ECRYPTFS_EXPORT int pam_sm_open_session(pam_handle_t *pamh, int, int, const char **)
{
	return session_helper(pamh, SessionEdge::open);
}

PAM_ECRYPTFS_EXPORT int pam_sm_close_session(pam_handle_t *pamh, int, int, const char **)
{
	return session_helper(pamh, SessionEdge::close);
}

PAM_ECRYPTFS_EXPORT int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int, const char **)
{
	auto user = pam_user(pamh);
	if (!user)
		return PAM_SUCCESS;
	if (flags & PAM_PRELIM_CHECK) {
		if (!item_secret(pamh, PAM_OLDAUTHTOK)) {
			pam_syslog(pamh, LOG_DEBUG,
				   "pam_ecryptfs: retrieved a NULL passphrase; nothing to do");
			return PAM_AUTHTOK_RECOVER_ERR;
		}
		return PAM_SUCCESS;
	}
	if (!(flags & PAM_UPDATE_AUTHTOK))
		return PAM_SUCCESS;
	auto old_pw = item_secret(pamh, PAM_OLDAUTHTOK);
	auto new_pw = item_secret(pamh, PAM_AUTHTOK);
	if (!old_pw || !new_pw || new_pw->empty()) {
		pam_syslog(pamh, LOG_ERR, "pam_ecryptfs: old or new password missing: the wrapped "
					  "passphrase keeps the old password");
		return PAM_AUTHTOK_RECOVER_ERR;
	}
	in_user_child(pamh, *user,
		      [&]() { return chauthtok_child(pamh, *user, *old_pw, *new_pw); });
	return PAM_SUCCESS;
}
