// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/private_dir.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

namespace ecryptfs::priv {

namespace {

Result<User> from_pw(int err, struct passwd *res, const std::string &who)
{
	if (!res) {
		if (err == 0)
			err = ENOENT;
		return Error{-err, "cannot find user " + who + " in the passwd database"};
	}
	return User{res->pw_name, res->pw_uid, res->pw_gid, res->pw_dir};
}

std::vector<char> pw_buffer()
{
	long sz = sysconf(_SC_GETPW_R_SIZE_MAX);
	return std::vector<char>(sz > 0 ? static_cast<std::size_t>(sz) : 16384);
}

bool is_hex(char c)
{
	return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::vector<std::string_view> split_fields(std::string_view line)
{
	std::vector<std::string_view> out;
	std::size_t i = 0;
	while (i < line.size()) {
		while (i < line.size() && is_space(line[i]))
			i++;
		std::size_t j = i;
		while (j < line.size() && !is_space(line[j]))
			j++;
		if (j > i)
			out.push_back(line.substr(i, j - i));
		i = j;
	}
	return out;
}

template <class T>
bool parse_number(std::string_view s, T &out)
{
	auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
	return ec == std::errc() && p == s.data() + s.size();
}

} // namespace

Result<User> lookup_user(uid_t uid)
{
	auto buf = pw_buffer();
	struct passwd pw, *res = nullptr;
	int err = getpwuid_r(uid, &pw, buf.data(), buf.size(), &res);
	return from_pw(err, res, "with uid " + std::to_string(uid));
}

Result<User> lookup_user(const std::string &name)
{
	auto buf = pw_buffer();
	struct passwd pw, *res = nullptr;
	int err = getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &res);
	return from_pw(err, res, "'" + name + "'");
}

Paths paths_for_home(const std::string &home)
{
	Paths p;
	p.home = home;
	p.config_dir = home + "/.ecryptfs";
	p.wrapped_passphrase = p.config_dir + "/wrapped-passphrase";
	p.sig_file = p.config_dir + "/" + kDefaultAlias + ".sig";
	p.mnt_file = p.config_dir + "/" + kDefaultAlias + ".mnt";
	p.auto_mount = p.config_dir + "/auto-mount";
	p.auto_umount = p.config_dir + "/auto-umount";
	p.wrapping_independent = p.config_dir + "/wrapping-independent";
	p.crypt_dir = home + "/." + kDefaultAlias;
	p.default_mountpoint = home + "/" + kDefaultAlias;
	return p;
}

bool valid_username(std::string_view name)
{
	if (name.empty())
		return false;
	auto ok = [](char c, bool first) {
		if (std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 0x80)
			return true;
		if (c == '_' || c == '.' || c == '@')
			return true;
		return !first && c == '-';
	};
	std::string_view body = name;
	if (body.size() > 1 && body.back() == '$')
		body.remove_suffix(1);
	for (std::size_t i = 0; i < body.size(); i++)
		if (!ok(body[i], i == 0))
			return false;
	return true;
}

bool valid_alias(std::string_view alias)
{
	if (alias.empty() || alias.size() > 64 || alias.find("..") != std::string_view::npos)
		return false;
	for (char c : alias) {
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '_' || c == '.' || c == '@' || c == '-';
		if (!ok)
			return false;
	}
	return alias[0] != '-' && alias[0] != '.';
}

Result<Sigs> parse_sig_file(std::string_view text)
{
	std::vector<std::string> sigs;
	std::size_t pos = 0;
	while (sigs.size() < 2 && pos < text.size()) {
		std::size_t nl = text.find('\n', pos);
		std::string_view line =
			text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
		pos = nl == std::string_view::npos ? text.size() : nl + 1;
		for (char c : line)
			if (!is_hex(c) && !is_space(c))
				return Error{-EINVAL, "Invalid hex signature"};
		std::size_t end = 0;
		while (end < line.size() && !is_space(line[end]))
			end++;
		std::string_view sig = line.substr(0, end);
		if (sig.size() != 16)
			return Error{-EINVAL, "Invalid hex signature length"};
		sigs.emplace_back(sig);
	}
	if (sigs.empty())
		return Error{-EINVAL, "Missing file encryption signature"};
	Sigs out;
	out.fekek = sigs[0];
	if (sigs.size() > 1)
		out.fnek = sigs[1];
	return out;
}

std::string format_sig_file(const Sigs &sigs)
{
	std::string s = sigs.fekek + "\n";
	if (sigs.fnek)
		s += *sigs.fnek + "\n";
	return s;
}

std::string mountpoint_from_mnt_text(std::string_view text, const std::string &fallback)
{
	std::string_view line = text.substr(0, text.find('\n'));
	if (line.empty())
		return fallback;
	return std::string(line);
}

Result<AliasConf> parse_alias_conf(std::string_view text)
{
	std::size_t pos = 0;
	while (pos < text.size()) {
		std::size_t nl = text.find('\n', pos);
		std::string_view line =
			text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
		pos = nl == std::string_view::npos ? text.size() : nl + 1;
		auto f = split_fields(line);
		if (f.empty() || f[0].starts_with("#"))
			continue;
		if (f.size() < 3)
			return Error{-EINVAL, "Error reading configuration file"};
		if (f[2] != "ecryptfs")
			return Error{-EINVAL, "Bad fs type"};
		if (f.size() > 3 && f[3] != "none")
			return Error{-EINVAL, "Mount options are not supported here"};
		return AliasConf{std::string(f[0]), std::string(f[1])};
	}
	return Error{-EINVAL, "Error reading configuration file"};
}

std::string mount_options(const Sigs &sigs)
{
	std::string o = "ecryptfs_check_dev_ruid,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,"
			"ecryptfs_unlink_sigs,ecryptfs_sig=" +
			sigs.fekek;
	if (sigs.fnek)
		o += ",ecryptfs_fnek_sig=" + *sigs.fnek;
	return o;
}

bool options_have_sig(std::string_view options, std::string_view sig)
{
	const std::string want = "ecryptfs_sig=" + std::string(sig);
	std::size_t pos = 0;
	while (pos <= options.size()) {
		std::size_t comma = options.find(',', pos);
		std::string_view opt = options.substr(
			pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
		if (opt == want)
			return true;
		if (comma == std::string_view::npos)
			break;
		pos = comma + 1;
	}
	return false;
}

std::string counter_name(std::string_view user, std::string_view alias)
{
	return std::string(user) + "-" + std::string(alias);
}

Counter parse_counter(std::string_view text)
{
	Counter c;
	long total = 0;
	std::size_t pos = 0;
	bool first = true;
	while (pos < text.size()) {
		std::size_t nl = text.find('\n', pos);
		std::string_view line =
			text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
		pos = nl == std::string_view::npos ? text.size() : nl + 1;
		auto f = split_fields(line);
		if (first) {
			first = false;
			/* The reference reads the count with sscanf("%d"). */
			if (!f.empty()) {
				std::string_view n = f[0];
				std::size_t k = (n.starts_with("-") || n.starts_with("+")) ? 1 : 0;
				while (k < n.size() && n[k] >= '0' && n[k] <= '9')
					k++;
				if (!parse_number(n.substr(0, k), total) || total < 0)
					total = 0;
			}
			continue;
		}
		Session s;
		if (f.size() == 3 && f[0] == "session" && parse_number(f[1], s.pid) && s.pid > 0 &&
		    parse_number(f[2], s.start)) {
			if (std::find(c.sessions.begin(), c.sessions.end(), s) == c.sessions.end())
				c.sessions.push_back(s);
		}
	}
	/* Session lines only count when the total still accounts for them. */
	if (static_cast<long>(c.sessions.size()) > total)
		c.sessions.resize(static_cast<std::size_t>(total));
	c.anonymous = total - static_cast<long>(c.sessions.size());
	return c;
}

std::string format_counter(const Counter &c)
{
	std::string s = std::to_string(c.total()) + "\n";
	for (const auto &x : c.sessions)
		s += "session " + std::to_string(x.pid) + " " + std::to_string(x.start) + "\n";
	return s;
}

void counter_acquire(Counter &c, const std::optional<Session> &who)
{
	if (who) {
		if (std::find(c.sessions.begin(), c.sessions.end(), *who) == c.sessions.end())
			c.sessions.push_back(*who);
		return;
	}
	c.anonymous++;
}

void counter_release(Counter &c, const std::optional<Session> &who)
{
	if (who) {
		auto it = std::find(c.sessions.begin(), c.sessions.end(), *who);
		if (it != c.sessions.end()) {
			c.sessions.erase(it);
			return;
		}
	}
	if (c.anonymous > 0) {
		c.anonymous--;
		return;
	}
	if (!who && !c.sessions.empty())
		c.sessions.erase(c.sessions.begin());
}

std::optional<std::uint64_t> process_start_time(pid_t pid)
{
	char path[64];
	std::snprintf(path, sizeof(path), "/proc/%d/stat", static_cast<int>(pid));
	int fd = ::open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH ? std::nullopt
							 : std::optional<std::uint64_t>(0);
	char buf[1024];
	ssize_t n = ::read(fd, buf, sizeof(buf) - 1);
	::close(fd);
	if (n <= 0)
		return std::optional<std::uint64_t>(0);
	std::string_view st(buf, static_cast<std::size_t>(n));
	/* The command name may hold spaces and parentheses: skip to the last ')'. */
	std::size_t rp = st.rfind(')');
	if (rp == std::string_view::npos)
		return std::optional<std::uint64_t>(0);
	auto f = split_fields(st.substr(rp + 1));
	/* Fields after the name start at field 3 (state); starttime is field 22. */
	std::uint64_t start = 0;
	if (f.size() < 20 || !parse_number(f[19], start))
		return std::optional<std::uint64_t>(0);
	return start;
}

bool session_alive(const Session &s)
{
	auto t = process_start_time(s.pid);
	if (!t)
		return false;
	/* Unreadable: keep it rather than unmount under a live session. */
	return *t == 0 || *t == s.start;
}

bool status_has_uid(std::string_view text, uid_t uid)
{
	for (std::size_t pos = 0; pos < text.size();) {
		std::size_t nl = text.find('\n', pos);
		std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
		pos = nl == std::string_view::npos ? text.size() : nl + 1;
		if (!line.starts_with("Uid:"))
			continue;
		const std::string want = std::to_string(uid);
		for (const auto &f : split_fields(line.substr(4)))
			if (f == want)
				return true;
		return false;
	}
	return false;
}

namespace {

bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* The kernel escapes space, tab, newline and backslash as \ooo (show_mountinfo). */
std::string unescape_mount_path(std::string_view s)
{
	std::string out;
	for (std::size_t i = 0; i < s.size(); i++) {
		if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    is_octal(s[i + 2]) && is_octal(s[i + 3])) {
			out.push_back(static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
							(s[i + 3] - '0')));
			i += 3;
		} else {
			out.push_back(s[i]);
		}
	}
	return out;
}

} // namespace

std::vector<MountInfo> parse_mountinfo(std::string_view text)
{
	std::vector<MountInfo> out;
	for (std::size_t pos = 0; pos < text.size();) {
		std::size_t nl = text.find('\n', pos);
		std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
		pos = nl == std::string_view::npos ? text.size() : nl + 1;
		/* id parent major:minor root target options [optional...] - fstype source super */
		auto f = split_fields(line);
		auto dash = std::find(f.begin(), f.end(), "-");
		if (dash == f.end() || dash - f.begin() < 6 || f.end() - dash < 4)
			continue;
		MountInfo m;
		auto [p, ec] = std::from_chars(f[0].data(), f[0].data() + f[0].size(), m.id);
		if (ec != std::errc() || p != f[0].data() + f[0].size())
			continue;
		m.root = unescape_mount_path(f[3]);
		m.target = unescape_mount_path(f[4]);
		m.fstype = std::string(dash[1]);
		m.source = unescape_mount_path(dash[2]);
		m.super_opts = std::string(dash[3]);
		out.push_back(std::move(m));
	}
	return out;
}

Passphrase mount_passphrase_from_random(std::span<const std::uint8_t, 16> bytes)
{
	static const char hex[] = "0123456789abcdef";
	char out[32];
	for (std::size_t w = 0; w < 8; w++) {
		/* od -x prints host-order (little-endian) 16-bit words. */
		unsigned v = bytes[2 * w] | (static_cast<unsigned>(bytes[2 * w + 1]) << 8);
		out[4 * w + 0] = hex[(v >> 12) & 0xf];
		out[4 * w + 1] = hex[(v >> 8) & 0xf];
		out[4 * w + 2] = hex[(v >> 4) & 0xf];
		out[4 * w + 3] = hex[v & 0xf];
	}
	Passphrase p{std::string_view(out, sizeof(out))};
	OPENSSL_cleanse(out, sizeof(out));
	return p;
}

} // namespace ecryptfs::priv
