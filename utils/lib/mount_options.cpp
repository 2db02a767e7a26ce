// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/mount_options.h"

#include <algorithm>
#include <array>
#include <cerrno>

#include <sys/mount.h>

#include <openssl/crypto.h>

namespace ecryptfs::mount {

NameValue::~NameValue()
{
	if (value)
		wipe(*value);
}

void wipe(std::string &s) noexcept
{
	if (!s.empty())
		OPENSSL_cleanse(s.data(), s.size());
	s.clear();
}

namespace {

Error bad_token(const std::string &why)
{
	return Error{-EINVAL, why};
}

/* Adds one token (already split at ':' for key=) as a pair. */
void add_pair(std::vector<NameValue> &out, std::string_view tok)
{
	auto eq = tok.rfind('=');
	if (eq == std::string_view::npos) {
		out.emplace_back(std::string(tok), std::nullopt);
		return;
	}
	std::string_view value = tok.substr(eq + 1);
	out.emplace_back(std::string(tok.substr(0, eq)),
			 value.empty() ? std::nullopt : std::optional<std::string>(std::string(value)));
}

} // namespace

Result<std::vector<NameValue>> parse_name_values(std::string_view text)
{
	std::vector<NameValue> out;
	std::size_t i = 0;
	while (i <= text.size()) {
		std::size_t j = text.find_first_of(",\n", i);
		if (j == std::string_view::npos)
			j = text.size();
		std::string_view tok = text.substr(i, j - i);
		i = j + 1;
		if (!tok.empty() && tok.back() == '\r')
			tok.remove_suffix(1);
		if (tok.empty())
			continue;
		if (tok.size() > kMaxTokenLength)
			return bad_token("an option is longer than 128 characters");
		if (tok.front() == '=' || tok.front() == ':')
			return bad_token("an option starts with '" + std::string(1, tok.front()) +
					 "': write name=value");
		if (tok.starts_with("key=") && tok.find(':') != std::string_view::npos) {
			std::size_t k = 0;
			while (k <= tok.size()) {
				std::size_t c = tok.find(':', k);
				if (c == std::string_view::npos)
					c = tok.size();
				std::string_view part = tok.substr(k, c - k);
				k = c + 1;
				if (part.empty())
					continue;
				if (part.front() == '=')
					return bad_token("an option inside key=... starts with '='");
				add_pair(out, part);
			}
			continue;
		}
		add_pair(out, tok);
	}
	return out;
}

namespace {

constexpr std::array kHelperNames = {
	"key", "sig", "passphrase_passwd", "passwd", "passphrase_passwd_file", "passfile",
	"passwd_file", "passphrase_passwd_fd", "passfd", "passphrase_salt", "salt",
	"passphrase_type", "ecryptfs_cipher", "ecryptfs_key_bytes", "ecryptfs_passthrough",
	"ecryptfs_xattr", "ecryptfs_encrypted_view", "ecryptfs_hmac",
	"ecryptfs_enable_filename_crypto", "ecryptfs_fnek_sig", "verbosity", "verbose",
	"no_sig_cache", "no_prompt", "wild_ass_guess", "remount",
};

constexpr std::array kKernelNames = {
	"ecryptfs_sig", "ecryptfs_fn_cipher", "ecryptfs_fn_key_bytes", "ecryptfs_xattr_metadata",
	"ecryptfs_unlink_sigs", "ecryptfs_mount_auth_tok_only", "ecryptfs_check_dev_ruid",
};

constexpr std::array kUserspaceNames = {
	"defaults", "user", "users", "nouser", "owner", "group", "noauto", "auto", "nofail",
	"_netdev", "comment", "loud", "silent", "nosymfollow", "symfollow",
};

/* A generic mount flag: the name that sets its bit and the name that clears it. */
struct FlagDef {
	const char *on;
	const char *off;
	unsigned long bit;
};

constexpr std::array kFlags = {
	FlagDef{"ro", "rw", MS_RDONLY},
	FlagDef{"nosuid", "suid", MS_NOSUID},
	FlagDef{"nodev", "dev", MS_NODEV},
	FlagDef{"noexec", "exec", MS_NOEXEC},
	FlagDef{"sync", "async", MS_SYNCHRONOUS},
	FlagDef{"dirsync", "nodirsync", MS_DIRSYNC},
	FlagDef{"noatime", "atime", MS_NOATIME},
	FlagDef{"nodiratime", "diratime", MS_NODIRATIME},
	FlagDef{"relatime", "norelatime", MS_RELATIME},
	FlagDef{"strictatime", "nostrictatime", MS_STRICTATIME},
	FlagDef{"lazytime", "nolazytime", MS_LAZYTIME},
	FlagDef{"mand", "nomand", MS_MANDLOCK},
};

template <class A>
bool in(const A &arr, std::string_view name)
{
	return std::any_of(arr.begin(), arr.end(),
			   [&](const char *n) { return name == n; });
}

} // namespace

Kind classify(std::string_view name)
{
	if (in(kHelperNames, name))
		return Kind::helper;
	if (in(kKernelNames, name))
		return Kind::kernel;
	unsigned long set, clear;
	if (flag_bits(name, set, clear))
		return Kind::flag;
	if (in(kUserspaceNames, name) || name.starts_with("x-"))
		return Kind::userspace;
	return Kind::unknown;
}

bool kernel_accepts(const NameValue &nv)
{
	if (classify(nv.name) == Kind::kernel)
		return true;
	static constexpr std::array kWithValue = {"ecryptfs_cipher", "ecryptfs_key_bytes",
						  "ecryptfs_fnek_sig"};
	static constexpr std::array kBare = {"ecryptfs_passthrough", "ecryptfs_encrypted_view"};
	if (nv.value)
		return in(kWithValue, nv.name);
	return in(kBare, nv.name);
}

std::string printable_name(const NameValue &nv)
{
	std::string_view n = nv.name;
	auto eq = n.find('=');
	if (eq != std::string_view::npos)
		return std::string(n.substr(0, eq)) + "=...";
	return std::string(n);
}

bool is_repeatable(std::string_view name)
{
	static constexpr std::array kRepeatable = {
		"key", "passphrase_passwd", "passwd", "passphrase_passwd_file", "passfile",
		"passwd_file", "passphrase_passwd_fd", "passfd", "passphrase_salt", "salt",
		"passphrase_type",
	};
	return in(kRepeatable, name);
}

std::vector<NameValue> merge_rc_and_command_line(std::vector<NameValue> rc,
						 const std::vector<NameValue> &cmd)
{
	for (const auto &nv : cmd) {
		if (!is_repeatable(nv.name))
			std::erase_if(rc, [&](const NameValue &r) { return r.name == nv.name; });
	}
	for (const auto &nv : cmd)
		rc.push_back(nv);
	return rc;
}

bool flag_bits(std::string_view name, unsigned long &set, unsigned long &clear)
{
	for (const auto &f : kFlags) {
		if (name == f.on || name == f.off) {
			set = name == f.on ? f.bit : 0;
			clear = name == f.on ? 0 : f.bit;
			return true;
		}
	}
	return false;
}

std::string join_kernel_options(const std::vector<std::string> &generated,
				const std::vector<std::string> &kept)
{
	std::vector<std::string> all;
	for (const auto *list : {&generated, &kept})
		for (const auto &o : *list)
			if (std::find(all.begin(), all.end(), o) == all.end())
				all.push_back(o);
	std::string s;
	for (const auto &o : all) {
		if (!s.empty())
			s += ',';
		s += o;
	}
	return s;
}

namespace {

template <class F>
void for_each_token(std::string_view options, F f)
{
	std::size_t i = 0;
	while (i <= options.size()) {
		std::size_t j = options.find(',', i);
		if (j == std::string_view::npos)
			j = options.size();
		std::string_view tok = options.substr(i, j - i);
		i = j + 1;
		if (!tok.empty())
			f(tok);
	}
}

} // namespace

std::vector<std::string> option_values(std::string_view options, std::string_view name)
{
	std::vector<std::string> out;
	for_each_token(options, [&](std::string_view tok) {
		if (tok.size() > name.size() && tok.starts_with(name) && tok[name.size()] == '=')
			out.emplace_back(tok.substr(name.size() + 1));
	});
	return out;
}

bool has_option(std::string_view options, std::string_view name)
{
	bool found = false;
	for_each_token(options, [&](std::string_view tok) {
		if (tok == name || (tok.starts_with(name) && tok.size() > name.size() &&
				    tok[name.size()] == '='))
			found = true;
	});
	return found;
}

bool is_valid_sig(std::string_view sig)
{
	return sig.size() == 16 && std::all_of(sig.begin(), sig.end(), [](char c) {
		       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			      (c >= 'A' && c <= 'F');
	       });
}

} // namespace ecryptfs::mount
