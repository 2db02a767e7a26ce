// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/key_module.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libecryptfs/auth_tok.h"
#include "libecryptfs/mount_options.h"
#include "libecryptfs/paths.h"
#include "libecryptfs/rc.h"
#include "libecryptfs/secret_channel.h"

namespace ecryptfs::keymod {

std::string module_dir()
{
	if (const char *env = secure_getenv("ECRYPTFS_KEYMOD_DIR"); env && *env)
		return env;
	return paths::kKeymodDir;
}

std::string expand_home(std::string_view path)
{
	if (!path.starts_with("~/"))
		return std::string(path);
	auto home = user_home_dir();
	if (!home)
		return std::string(path);
	return home.value() + std::string(path.substr(1));
}

/* ---- Values ---- */

void Values::set(std::string_view name, std::string_view value)
{
	std::erase_if(entries_, [&](const Entry &e) { return e.name == name; });
	Entry e{std::string(name), SecureBytes(value.begin(), value.end())};
	e.value.push_back(0);
	entries_.push_back(std::move(e));
}

const char *Values::get(std::string_view name) const
{
	for (const auto &e : entries_)
		if (e.name == name)
			return reinterpret_cast<const char *>(e.value.data());
	return nullptr;
}

std::vector<ecryptfs_keymod_value> Values::c_values() const
{
	std::vector<ecryptfs_keymod_value> out;
	for (const auto &e : entries_)
		out.push_back({e.name.c_str(), reinterpret_cast<const char *>(e.value.data())});
	return out;
}

/* ---- Module ---- */

namespace {

constexpr std::size_t kErrLen = 512;

std::string err_text(const char *buf, const std::string &fallback)
{
	std::string s(buf, strnlen(buf, kErrLen));
	return s.empty() ? fallback : s;
}

int neg(int rc)
{
	return rc < 0 ? rc : -EIO;
}

bool valid_params(const ecryptfs_keymod_param *p, std::size_t n)
{
	if (n && !p)
		return false;
	for (std::size_t i = 0; i < n; ++i)
		if (!p[i].name || !*p[i].name)
			return false;
	return true;
}

/* PATH parameters with "~/" expanded, the rest as given. */
Values expanded(std::span<const ecryptfs_keymod_param> params, const Values &vals)
{
	Values out;
	for (const auto &v : vals.c_values()) {
		bool is_path = false;
		for (const auto &p : params)
			if (std::strcmp(p.name, v.name) == 0 && (p.flags & ECRYPTFS_KEYMOD_PATH))
				is_path = true;
		out.set(v.name, is_path ? expand_home(v.value) : std::string_view(v.value));
	}
	return out;
}

} // namespace

Result<Module> Module::load(const std::string &path)
{
	struct stat st;
	if (::stat(path.c_str(), &st) != 0)
		return Error{-errno, "key module " + path + ": " + std::strerror(errno)};
	if (!S_ISREG(st.st_mode))
		return Error{-EINVAL, "key module " + path + " is not a regular file"};
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return Error{-EPERM, "key module " + path + " is writable by others: not "
							     "loaded (chmod go-w it)"};
	/* ecryptfs-utils names its modules so; they need its libecryptfs: never load them. */
	if (std::filesystem::path(path).filename().string().starts_with("libecryptfs_key_mod_"))
		return Error{kForeignModule, "key module " + path + " is a module of ecryptfs-utils "
							    "(another ABI): not loaded"};
	dlerror();
	void *h = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		return Error{-ENOEXEC, "key module " + path + " cannot be loaded: " +
					       (e ? e : "dlopen failed")};
	}
	std::shared_ptr<void> handle(h, [](void *p) { ::dlclose(p); });
	void *sym = ::dlsym(h, ECRYPTFS_KEYMOD_ENTRY);
	if (!sym && ::dlsym(h, "get_key_mod_ops"))
		return Error{kForeignModule, "key module " + path + " is a module of ecryptfs-utils "
							    "(another ABI): not loaded"};
	if (!sym)
		return Error{-ENOEXEC, "key module " + path + " has no " ECRYPTFS_KEYMOD_ENTRY
				       "() (a module of another eCryptfs?): not loaded"};
	auto get = reinterpret_cast<ecryptfs_keymod_get_fn>(sym);
	const ecryptfs_keymod_ops *ops = get();
	if (!ops)
		return Error{-ENOEXEC, "key module " + path + " returned no operations"};
	if (ops->abi_version != ECRYPTFS_KEYMOD_ABI_VERSION)
		return Error{-ENOEXEC, "key module " + path + " was built for key-module ABI " +
					       std::to_string(ops->abi_version) + ", this eCryptfs has " +
					       std::to_string(ECRYPTFS_KEYMOD_ABI_VERSION) +
					       ": rebuild or remove it"};
	if (!ops->alias || !*ops->alias || std::strlen(ops->alias) > kMaxAliasLen ||
	    std::strchr(ops->alias, ':') || std::strchr(ops->alias, ','))
		return Error{-ENOEXEC, "key module " + path + " has an invalid alias (1 to 16 "
							     "characters, no ':' or ',')"};
	if (!ops->make_key || !ops->encrypt || !ops->decrypt ||
	    !valid_params(ops->params, ops->n_params) ||
	    !valid_params(ops->gen_params, ops->n_gen_params))
		return Error{-ENOEXEC, "key module " + path + " lacks make_key, encrypt or "
							     "decrypt, or has a nameless parameter"};
	return Module(std::move(handle), ops, path);
}

const ecryptfs_keymod_param *Module::secret_param() const
{
	for (const auto &p : params())
		if (p.flags & ECRYPTFS_KEYMOD_SECRET)
			return &p;
	return nullptr;
}

Result<MadeKey> Module::make_key(const Values &vals) const
{
	Values v = expanded(params(), vals);
	auto cv = v.c_values();
	std::vector<std::uint8_t> blob(ECRYPTFS_KEYMOD_MAX_BLOB);
	std::size_t len = blob.size();
	char sig[17] = {};
	char err[kErrLen] = {};
	int rc = ops_->make_key(cv.data(), cv.size(), blob.data(), &len, sig, err, sizeof(err));
	if (rc != ECRYPTFS_KEYMOD_OK)
		return Error{neg(rc), err_text(err, std::string(alias()) + ": cannot make the key")};
	if (len > ECRYPTFS_KEYMOD_MAX_BLOB || !mount::is_valid_sig(std::string_view(sig, 16)) ||
	    sig[16] != 0)
		return Error{-EIO, "key module " + path_ + " returned a bad blob size or signature"};
	blob.resize(len);
	std::string s(sig, 16);
	std::transform(s.begin(), s.end(), s.begin(), [](char c) {
		return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
	});
	return MadeKey{s, std::move(blob)};
}

Status Module::generate(const Values &vals) const
{
	if (!ops_->generate)
		return Error{-EOPNOTSUPP, "the " + std::string(alias()) +
						  " key module cannot generate keys"};
	Values v = expanded(gen_params(), vals);
	auto cv = v.c_values();
	char err[kErrLen] = {};
	int rc = ops_->generate(cv.data(), cv.size(), err, sizeof(err));
	if (rc != ECRYPTFS_KEYMOD_OK)
		return Error{neg(rc), err_text(err, std::string(alias()) + ": key generation failed")};
	return Ok{};
}

Result<std::vector<std::uint8_t>> Module::encrypt(std::span<const std::uint8_t> blob,
						  std::span<const std::uint8_t> in) const
{
	std::vector<std::uint8_t> out(ECRYPTFS_KEYMOD_MAX_WRAPPED);
	std::size_t len = out.size();
	char err[kErrLen] = {};
	int rc = ops_->encrypt(blob.data(), blob.size(), in.data(), in.size(), out.data(), &len,
			       err, sizeof(err));
	if (rc != ECRYPTFS_KEYMOD_OK)
		return Error{neg(rc), err_text(err, std::string(alias()) + ": encryption failed")};
	if (len > ECRYPTFS_KEYMOD_MAX_WRAPPED)
		return Error{-EIO, "key module " + path_ + " returned too many bytes"};
	out.resize(len);
	return out;
}

Result<SecureBytes> Module::decrypt(std::span<const std::uint8_t> blob, const char *secret,
				    std::span<const std::uint8_t> in) const
{
	/* Room for more than the payload limit: some modules decrypt before checking size. */
	SecureBytes out(ECRYPTFS_KEYMOD_MAX_WRAPPED);
	std::size_t len = out.size();
	char err[kErrLen] = {};
	int rc = ops_->decrypt(blob.data(), blob.size(), secret, in.data(), in.size(), out.data(),
			       &len, err, sizeof(err));
	if (rc != ECRYPTFS_KEYMOD_OK)
		return Error{neg(rc), err_text(err, std::string(alias()) + ": decryption failed")};
	if (len > ECRYPTFS_KEYMOD_MAX_PLAIN)
		return Error{-EIO, "key module " + path_ + " returned more than " +
					   std::to_string(ECRYPTFS_KEYMOD_MAX_PLAIN) + " bytes"};
	out.resize(len);
	return out;
}

std::size_t Module::max_key_bytes(std::span<const std::uint8_t> blob) const
{
	if (!ops_->max_key_bytes)
		return 64;
	return std::min<std::size_t>(64, ops_->max_key_bytes(blob.data(), blob.size()));
}

LoadedModules load_all(const std::string &dir)
{
	LoadedModules out;
	std::error_code ec;
	std::vector<std::string> files;
	for (const auto &e : std::filesystem::directory_iterator(dir, ec)) {
		const std::string name = e.path().filename().string();
		if (name.size() > 3 && name.ends_with(".so"))
			files.push_back(e.path().string());
	}
	std::sort(files.begin(), files.end());
	for (const auto &f : files) {
		auto m = Module::load(f);
		if (!m && m.error().code == kForeignModule)
			continue; /* ecryptfs-utils' own modules may share the directory */
		if (!m) {
			out.problems.push_back(m.error().reason);
			continue;
		}
		if (find(out.modules, m.value().alias())) {
			out.problems.push_back("key module " + f + ": alias " +
					       std::string(m.value().alias()) +
					       " is already taken by another module: not loaded");
			continue;
		}
		out.modules.push_back(std::move(m.value()));
	}
	return out;
}

const Module *find(const std::vector<Module> &mods, std::string_view alias)
{
	for (const auto &m : mods)
		if (m.alias() == alias)
			return &m;
	return nullptr;
}

std::vector<std::string> option_names(const Module &mod)
{
	std::vector<std::string> out;
	for (const auto &p : mod.params()) {
		for (const char *n : {p.name, p.alias}) {
			if (!n)
				continue;
			out.emplace_back(n);
			if (p.flags & ECRYPTFS_KEYMOD_SECRET) {
				out.push_back(std::string(n) + "_file");
				out.push_back(std::string(n) + "_fd");
			}
		}
	}
	return out;
}

/* ---- token ---- */

Result<SecureBytes> build_private_key_token(std::string_view alias, std::string_view sig,
					    std::span<const std::uint8_t> blob)
{
	if (alias.empty() || alias.size() > kMaxAliasLen)
		return Error{-EINVAL, "a key module alias has 1 to 16 characters"};
	if (!mount::is_valid_sig(sig))
		return Error{-EINVAL, "a key signature is 16 hex digits"};
	if (blob.size() > ECRYPTFS_KEYMOD_MAX_BLOB)
		return Error{-EINVAL, "the key module blob is too large"};
	SecureBytes tok(auth_tok::kSize + blob.size(), 0);
	auto put32 = [&](std::size_t off, std::uint32_t v) { std::memcpy(tok.data() + off, &v, 4); };
	const std::uint16_t version = auth_tok::kVersion, type = auth_tok::kTypePrivateKey;
	std::memcpy(tok.data() + auth_tok::kOffVersion, &version, 2);
	std::memcpy(tok.data() + auth_tok::kOffTokenType, &type, 2);
	put32(kOffKeySize, 16);
	put32(kOffDataLen, static_cast<std::uint32_t>(blob.size()));
	std::memcpy(tok.data() + kOffPkSignature, sig.data(), sig.size());
	std::memcpy(tok.data() + kOffAlias, alias.data(), alias.size());
	if (!blob.empty())
		std::memcpy(tok.data() + kOffData, blob.data(), blob.size());
	return tok;
}

Result<PrivateKeyToken> parse_private_key_token(std::span<const std::uint8_t> payload)
{
	if (payload.size() < auth_tok::kSize)
		return Error{-EINVAL, "the key payload is shorter than an auth token (740 bytes)"};
	std::uint16_t version, type;
	std::memcpy(&version, payload.data() + auth_tok::kOffVersion, 2);
	std::memcpy(&type, payload.data() + auth_tok::kOffTokenType, 2);
	if (version != auth_tok::kVersion)
		return Error{-EINVAL, "the key is not an eCryptfs auth token of version 0.4"};
	if (type != auth_tok::kTypePrivateKey)
		return Error{-EINVAL, "the key is a passphrase key, not a key-module key"};
	std::uint32_t data_len;
	std::memcpy(&data_len, payload.data() + kOffDataLen, 4);
	if (data_len > ECRYPTFS_KEYMOD_MAX_BLOB || kOffData + data_len > payload.size())
		return Error{-EINVAL, "the key's blob length exceeds the payload"};
	auto cstr = [&](std::size_t off, std::size_t max) {
		const char *p = reinterpret_cast<const char *>(payload.data() + off);
		return std::string(p, strnlen(p, max));
	};
	PrivateKeyToken t;
	t.sig = cstr(kOffPkSignature, 16);
	t.alias = cstr(kOffAlias, kMaxAliasLen);
	if (!mount::is_valid_sig(t.sig) || t.alias.empty())
		return Error{-EINVAL, "the key token has a bad signature or module alias"};
	t.blob.assign(payload.begin() + kOffData, payload.begin() + kOffData + data_len);
	return t;
}

/* ---- adding ---- */

Result<AddedModuleKey> add_module_key(const Module &mod, const Values &vals, uid_t uid)
{
	/* First the daemon: without it the key would be useless, so add nothing. */
	if (auto st = secrets::ping_daemon(uid); !st)
		return st.error();
	auto made = mod.make_key(vals);
	if (!made)
		return made.error();
	auto tok = build_private_key_token(mod.alias(), made.value().sig, made.value().blob);
	if (!tok)
		return tok.error();
	if (const ecryptfs_keymod_param *sp = mod.secret_param()) {
		const char *secret = vals.get(sp->name);
		if (!secret && sp->alias)
			secret = vals.get(sp->alias);
		if (secret && *secret) {
			if (auto st = secrets::hand_secret(uid, made.value().sig, secret); !st)
				return st.error();
		}
	}
	auto added = add_auth_tok_to_user_keyring(made.value().sig, tok.value());
	if (!added)
		return added.error();
	return AddedModuleKey{made.value().sig, added.value(), mod.max_key_bytes(made.value().blob)};
}

Result<AddedModuleKey> add_module_key(const Module &mod, const Values &vals)
{
	return add_module_key(mod, vals, getuid());
}

} // namespace ecryptfs::keymod
