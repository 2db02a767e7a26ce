// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/mount_dialog.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <istream>
#include <ostream>

#include <fcntl.h>
#include <unistd.h>

#include "libecryptfs/keymod_prompt.h"
#include "libecryptfs/passphrase_input.h"
#include "libecryptfs/sig_cache.h"
#include "libecryptfs/wrapped.h"

namespace ecryptfs::mount {

/* ---- DialogIo implementations ---- */

void StreamDialogIo::out(std::string_view text)
{
	out_ << text;
	out_.flush();
}

void StreamDialogIo::err(std::string_view text)
{
	err_ << text;
	err_.flush();
}

std::optional<std::string> StreamDialogIo::read_line()
{
	std::string line;
	if (!std::getline(in_, line))
		return std::nullopt;
	return line;
}

Result<Passphrase> StreamDialogIo::read_secret()
{
	std::string line;
	if (!std::getline(in_, line))
		return Error{-EIO, "end of input while reading a passphrase"};
	Passphrase p{std::string_view(line)};
	wipe(line);
	if (p.size() > kMaxPassphraseBytes)
		return Error{-EINVAL, "the passphrase is longer than 64 characters"};
	return p;
}

void TerminalDialogIo::out(std::string_view text)
{
	std::fwrite(text.data(), 1, text.size(), stdout);
	std::fflush(stdout);
}

void TerminalDialogIo::err(std::string_view text)
{
	std::fflush(stdout);
	std::fwrite(text.data(), 1, text.size(), stderr);
	std::fflush(stderr);
}

std::optional<std::string> TerminalDialogIo::read_line()
{
	/* Unbuffered, so that secrets read later from fd 0 never sit in a stdio buffer. */
	return keymod::read_plain_line(std::string::npos);
}

Result<Passphrase> TerminalDialogIo::read_secret()
{
	std::fflush(stdout);
	PassphraseRead r = read_passphrase(nullptr);
	if (!r) {
		if (r.failure == ReadFailure::too_long)
			return Error{-EINVAL, "the passphrase is longer than 64 characters"};
		return Error{-EIO, "end of input while reading a passphrase"};
	}
	return std::move(*r.passphrase);
}

/* ---- tables ---- */

const std::vector<CipherInfo> &cipher_table()
{
	static const std::vector<CipherInfo> table = {
		{"aes", 16, 16, 32, {16, 32, 24}},
		{"blowfish", 8, 16, 56, {16, 32, 56}},
		{"des3_ede", 8, 24, 24, {24}},
		{"twofish", 16, 16, 32, {16, 32}},
		{"cast6", 16, 16, 32, {16, 32}},
		{"cast5", 8, 5, 16, {16}},
	};
	return table;
}

namespace {

/* Key types of the reference's menu on Debian, in its order. */
const std::vector<std::string> kKeyTypes = {"tspi", "passphrase"};

Error eio()
{
	return Error{-EIO, "end of input: the dialog needs an answer (give the value with -o)"};
}

/* Options with first-unconsumed-wins lookups, as the reference's decision graph. */
class Bag {
public:
	explicit Bag(const std::vector<NameValue> &v) : v_(v), used_(v.size(), false) {}

	const NameValue *take(std::initializer_list<std::string_view> names)
	{
		for (std::size_t i = 0; i < v_.size(); ++i) {
			if (used_[i])
				continue;
			for (auto n : names) {
				if (v_[i].name == n) {
					used_[i] = true;
					return &v_[i];
				}
			}
		}
		return nullptr;
	}
	const NameValue *take(const std::vector<std::string> &names)
	{
		for (std::size_t i = 0; i < v_.size(); ++i) {
			if (used_[i])
				continue;
			if (std::find(names.begin(), names.end(), v_[i].name) != names.end()) {
				used_[i] = true;
				return &v_[i];
			}
		}
		return nullptr;
	}
	bool has(std::initializer_list<std::string_view> names) const
	{
		for (std::size_t i = 0; i < v_.size(); ++i)
			for (auto n : names)
				if (!used_[i] && v_[i].name == n)
					return true;
		return false;
	}

private:
	const std::vector<NameValue> &v_;
	std::vector<bool> used_;
};

class Dialog {
public:
	Dialog(DialogIo &io, const Options &opts, const DialogConfig &cfg)
		: io_(io), opts_(opts), cfg_(cfg), bag_(opts.merged) {}

	Result<MountPlan> run();

private:
	bool may_prompt() const { return plan_.verbosity != 0; }

	Result<std::string> menu(const std::string &title, const std::vector<std::string> &values,
				 const std::vector<std::string> &pretty,
				 const std::optional<std::string> &suggestion);
	Result<bool> yes_no(const std::string &prompt);
	Result<bool> yes_no_value(const NameValue &nv);
	Status keys();
	const keymod::Module *module_named(std::string_view alias) const
	{
		for (const keymod::Module *m : cfg_.modules)
			if (m->alias() == alias)
				return m;
		return nullptr;
	}
	Status passphrase_key();
	Status module_key(const keymod::Module &mod, bool from_menu);
	Result<std::optional<std::string>> module_secret_from_source(const ecryptfs_keymod_param &p);
	Result<Passphrase> passphrase_from_source();
	Result<Passphrase> passphrase_from_options_text(std::string_view text, const std::string &what);
	Status cipher_and_key_bytes();
	Status passthrough();
	Status xattr();
	Status filename_crypto();
	void kept_options();

	DialogIo &io_;
	const Options &opts_;
	const DialogConfig &cfg_;
	Bag bag_;
	MountPlan plan_;
	std::string cipher_;
	std::size_t max_key_bytes_ = kMaxKeyBytes; /* lowered by public keys */
};

Result<std::string> Dialog::menu(const std::string &title, const std::vector<std::string> &values,
				 const std::vector<std::string> &pretty,
				 const std::optional<std::string> &suggestion)
{
	for (;;) {
		/* The reference shows the whole menu again after an unusable answer. */
		io_.out(title + ": \n");
		/*
		 * Appended, not "x" + std::string: GCC 12 warns falsely
		 * (-Wrestrict) on a short literal prepended to a temporary with
		 * -O3 or _FORTIFY_SOURCE.
		 */
		for (std::size_t i = 0; i < pretty.size(); ++i) {
			std::string line = " ";
			line.append(std::to_string(i + 1)).append(") ").append(pretty[i]).append("\n");
			io_.out(line);
		}
		std::string prompt = "Selection";
		if (suggestion)
			prompt.append(" [").append(*suggestion).append("]");
		io_.out(prompt + ": ");
		auto line = io_.read_line();
		if (!line)
			return eio();
		if (line->empty()) {
			if (suggestion)
				return *suggestion;
			continue;
		}
		if (std::all_of(line->begin(), line->end(), [](char c) { return c >= '0' && c <= '9'; }) &&
		    line->size() < 6) {
			std::size_t n = std::stoul(*line);
			if (n >= 1 && n <= values.size())
				return values[n - 1];
		}
		if (std::find(values.begin(), values.end(), *line) != values.end())
			return *line;
	}
}

Result<bool> Dialog::yes_no(const std::string &prompt)
{
	for (int tries = 0; tries < 5; ++tries) {
		io_.out(prompt + " (y/n) [n]: ");
		auto line = io_.read_line();
		if (!line)
			return eio();
		if (*line == "y" || *line == "yes")
			return true;
		if (line->empty() || *line == "n" || *line == "no")
			return false;
	}
	return Error{-EINVAL, "five answers that were not y, yes, n or no"};
}

Result<bool> Dialog::yes_no_value(const NameValue &nv)
{
	if (!nv.value || *nv.value == "y" || *nv.value == "yes")
		return true;
	if (*nv.value == "n" || *nv.value == "no")
		return false;
	return Error{-EINVAL, "option " + nv.name + "=" + *nv.value +
				      ": write " + nv.name + "=y or " + nv.name + "=n"};
}

Result<Passphrase> Dialog::passphrase_from_options_text(std::string_view text, const std::string &what)
{
	auto pairs = parse_name_values(text);
	if (!pairs)
		return Error{-EINVAL, what + ": " + pairs.error().reason};
	for (auto &nv : pairs.value()) {
		if ((nv.name == "passphrase_passwd" || nv.name == "passwd") && nv.value)
			return Passphrase{std::string_view(*nv.value)};
	}
	return Error{-EINVAL, what + " holds no passphrase_passwd=<passphrase> line"};
}

namespace {

Result<std::string> read_fd_all(int fd, const std::string &what)
{
	std::string data;
	char buf[512];
	for (;;) {
		ssize_t n = ::read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			OPENSSL_cleanse(buf, sizeof(buf));
			wipe(data);
			return Error{-err, "cannot read " + what + ": " + std::strerror(err)};
		}
		if (n == 0)
			break;
		data.append(buf, static_cast<std::size_t>(n));
		if (data.size() > kMaxOptionsFileBytes) {
			OPENSSL_cleanse(buf, sizeof(buf));
			wipe(data);
			return Error{-EINVAL, what + " is larger than 40960 bytes"};
		}
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return data;
}

} // namespace

Result<Passphrase> Dialog::passphrase_from_source()
{
	if (const NameValue *nv = bag_.take({"passphrase_passwd", "passwd"}); nv && nv->value)
		return Passphrase{std::string_view(*nv->value)};
	if (const NameValue *nv = bag_.take({"passphrase_passwd_file", "passfile", "passwd_file"});
	    nv && nv->value) {
		const std::string path = *nv->value;
		int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			int err = errno;
			return Error{-err, "cannot open the passphrase file " + path + ": " +
						   std::strerror(err)};
		}
		auto data = read_fd_all(fd, "the passphrase file " + path);
		::close(fd);
		if (!data)
			return data.error();
		std::string text = std::move(data.value());
		if (text.size() >= 2 && text[0] == static_cast<char>(wrapped::kMagic) &&
		    text[1] == static_cast<char>(wrapped::kVersion2) && cfg_.allow_wrapped_passwd_file) {
			/* A keyfile written by ecryptfs-wrap-passphrase (the Gentoo wiki's form). */
			wipe(text);
			if (!may_prompt())
				return Error{-EINVAL, path + " is a wrapped passphrase: its wrapping "
							     "passphrase is needed and prompting is off"};
			io_.out("Wrapping passphrase: ");
			auto wrapping = io_.read_secret();
			io_.out("\n");
			if (!wrapping)
				return wrapping.error();
			auto p = wrapped::unwrap_file(path, wrapping.value(), kDefaultSalt);
			if (!p)
				return Error{p.error().code, "cannot unwrap " + path +
								     " (wrong wrapping passphrase?): " +
								     p.error().reason};
			return p;
		}
		auto p = passphrase_from_options_text(text, "the passphrase file " + path);
		wipe(text);
		return p;
	}
	if (const NameValue *nv = bag_.take({"passphrase_passwd_fd", "passfd"}); nv && nv->value) {
		char *end = nullptr;
		long fd = std::strtol(nv->value->c_str(), &end, 0);
		if (!end || *end || fd < 0 || fd > 1 << 20)
			return Error{-EINVAL, "passphrase_passwd_fd=" + *nv->value +
						      ": give the number of an open file descriptor"};
		auto data = read_fd_all(static_cast<int>(fd), "file descriptor " + *nv->value);
		if (!data)
			return data.error();
		auto p = passphrase_from_options_text(data.value(), "file descriptor " + *nv->value);
		wipe(data.value());
		return p;
	}
	if (!may_prompt())
		return Error{-EINVAL, "no passphrase given and prompting is off: add "
				      "key=passphrase:passphrase_passwd_file=FILE or passphrase_passwd_fd=N"};
	for (int tries = 0; tries < 3; ++tries) {
		io_.out("Passphrase: ");
		auto p = io_.read_secret();
		io_.out("\n");
		if (!p)
			return p.error();
		if (!p.value().empty())
			return p;
		io_.err("Wrong input, non-empty value required!\n");
	}
	return Error{-EINVAL, "no passphrase entered"};
}

Status Dialog::passphrase_key()
{
	auto pass = passphrase_from_source();
	if (!pass)
		return pass.error();
	if (pass.value().empty())
		return Error{-EINVAL, "the passphrase is empty"};
	Salt salt = kDefaultSalt;
	if (const NameValue *nv = bag_.take({"passphrase_salt", "salt"}); nv && nv->value) {
		const std::string &hex = *nv->value;
		if (hex.size() != 2 * kSaltSize ||
		    !std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(
								      static_cast<unsigned char>(c)); }))
			return Error{-EINVAL, "salt=" + hex + ": the salt is 16 hex digits"};
		salt = salt_from_hex(hex);
	}
	if (!cfg_.add_key)
		return Error{-EINVAL, "no keyring to add the key to"};
	auto sig = cfg_.add_key(pass.value(), salt);
	if (!sig)
		return sig.error();
	plan_.generated.push_back("ecryptfs_sig=" + sig.value());
	plan_.new_sigs.push_back(sig.value());
	return Ok{};
}

/*
 * A key module's secret given as NAME_file=F or NAME_fd=N (also with the
 * alias): F or N holds option text with a "NAME=secret" entry, so the secret
 * never appears in argv.  nullopt when no such option is there.
 */
Result<std::optional<std::string>> Dialog::module_secret_from_source(const ecryptfs_keymod_param &p)
{
	std::vector<std::string> files, fds, names;
	for (const char *n : {p.name, p.alias}) {
		if (!n)
			continue;
		names.emplace_back(n);
		files.push_back(std::string(n) + "_file");
		fds.push_back(std::string(n) + "_fd");
	}
	std::string text, what;
	if (const NameValue *nv = bag_.take(files); nv && nv->value) {
		what = "the file " + *nv->value;
		int fd = ::open(nv->value->c_str(), O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			int err = errno;
			return Error{-err, "cannot open " + what + ": " + std::strerror(err)};
		}
		auto data = read_fd_all(fd, what);
		::close(fd);
		if (!data)
			return data.error();
		text = std::move(data.value());
	} else if (const NameValue *nv = bag_.take(fds); nv && nv->value) {
		char *end = nullptr;
		long fd = std::strtol(nv->value->c_str(), &end, 0);
		if (!end || *end || fd < 0 || fd > 1 << 20)
			return Error{-EINVAL, nv->name + "=" + *nv->value +
						      ": give the number of an open file descriptor"};
		what = "file descriptor " + *nv->value;
		auto data = read_fd_all(static_cast<int>(fd), what);
		if (!data)
			return data.error();
		text = std::move(data.value());
	} else {
		return std::optional<std::string>();
	}
	auto pairs = parse_name_values(text);
	wipe(text);
	if (!pairs)
		return Error{-EINVAL, what + ": " + pairs.error().reason};
	for (auto &nv : pairs.value())
		if (nv.value && std::find(names.begin(), names.end(), nv.name) != names.end())
			return std::optional<std::string>(*nv.value);
	return Error{-EINVAL, what + " holds no " + std::string(p.name) + "=<secret> line"};
}

/*
 * One key of a key module: its parameters from the options, else asked for
 * (keymod::prompt_params, as ecryptfs-manager asks): with key=<alias> in the
 * options only a missing secret is asked, the rest takes its default; after
 * the key-type menu every missing parameter is asked.
 */
Status Dialog::module_key(const keymod::Module &mod, bool from_menu)
{
	keymod::Values vals;
	std::vector<ecryptfs_keymod_param> ask;
	for (const auto &p : mod.params()) {
		const bool secret = p.flags & ECRYPTFS_KEYMOD_SECRET;
		std::vector<std::string> names{p.name};
		if (p.alias)
			names.emplace_back(p.alias);
		std::optional<std::string> value;
		if (const NameValue *nv = bag_.take(names); nv && nv->value)
			value = *nv->value;
		if (!value && secret) {
			auto v = module_secret_from_source(p);
			if (!v)
				return v.error();
			value = std::move(v.value());
		}
		if (value) {
			vals.set(p.name, *value);
			wipe(*value);
		} else if (may_prompt() && (secret || from_menu)) {
			ask.push_back(p);
		} else if (!secret && p.default_val) {
			vals.set(p.name, p.default_val);
		} else if (!(p.flags & ECRYPTFS_KEYMOD_OPTIONAL)) {
			return Error{-EINVAL, "key=" + std::string(mod.alias()) + ": no " + p.name +
						      " given and prompting is off: add " + p.name + "=..." +
						      (secret ? std::string(" (or ") + p.name + "_file=FILE, " +
									p.name + "_fd=N)"
							      : std::string())};
		}
	}
	if (auto st = keymod::prompt_params(io_, ask, vals); !st)
		return st;
	if (!cfg_.add_module_key)
		return Error{-EINVAL, "no keyring to add the key to"};
	auto added = cfg_.add_module_key(mod, vals);
	if (!added)
		return added.error();
	plan_.generated.push_back("ecryptfs_sig=" + added.value().sig);
	plan_.new_sigs.push_back(added.value().sig);
	max_key_bytes_ = std::min(max_key_bytes_, added.value().max_key_bytes);
	return Ok{};
}

Status Dialog::keys()
{
	/* sig= (and, unlike the reference, ecryptfs_sig=) name a key already in the keyring. */
	bool given = false;
	for (const auto &nv : opts_.merged) {
		if ((nv.name == "sig" || nv.name == "ecryptfs_sig")) {
			if (!nv.value || !is_valid_sig(*nv.value))
				return Error{-EINVAL, nv.name + "=" + nv.value.value_or("") +
							      ": a signature is 16 hex digits"};
			std::string opt = "ecryptfs_sig=" + *nv.value;
			if (std::find(plan_.generated.begin(), plan_.generated.end(), opt) ==
			    plan_.generated.end()) {
				plan_.generated.push_back(opt);
				plan_.new_sigs.push_back(*nv.value);
			}
			given = true;
		}
	}
	if (given && !bag_.has({"key"}))
		return Ok{};
	bool first = true;
	for (;;) {
		bool from_menu = false;
		const NameValue *key = bag_.take({"key"});
		std::string type;
		if (key && key->value) {
			type = *key->value;
		} else if (!first) {
			break;
		} else {
			if (!may_prompt())
				return Error{-EINVAL, "no key given and prompting is off: add "
						      "key=passphrase:... or sig=<signature>"};
			/* As the seed's transcript: passphrase first, then the modules. */
			std::vector<std::string> types;
			if (cfg_.kernel_mask & kFeaturePubkey)
				for (const keymod::Module *m : cfg_.modules)
					types.emplace_back(m->alias());
			if (types.empty())
				types = kKeyTypes;
			else if (cfg_.kernel_mask & kFeaturePassphrase)
				types.insert(types.begin(), "passphrase");
			from_menu = true;
			for (;;) {
				auto t = types.size() == 1 && types != kKeyTypes ?
						 Result<std::string>(types.front()) :
						 menu("Select key type to use for newly created files",
						      types, types, std::nullopt);
				if (!t)
					return t.error();
				if (t.value() == "passphrase" || module_named(t.value())) {
					type = t.value();
					break;
				}
				io_.err("The " + t.value() + " key type (TPM 1.2 through trousers) is not "
					"supported by this mount.ecryptfs; choose passphrase.\n");
			}
		}
		if (const keymod::Module *mod = module_named(type)) {
			if (!(cfg_.kernel_mask & kFeaturePubkey))
				return Error{-EINVAL, "key=" + type + ": the loaded ecryptfs kernel module "
						      "has no public-key support (/dev/ecryptfs)"};
			auto st = module_key(*mod, from_menu);
			if (!st)
				return st;
			first = false;
			continue;
		}
		if (type != "passphrase") {
			if (type == "tspi" || type == "openssl" || type == "pkcs11-helper" ||
			    type == "gpg")
				return Error{-EINVAL, "key=" + type + " is not supported by this "
						      "mount.ecryptfs: use key=passphrase or sig=<signature>"};
			return Error{-EINVAL, "key=" + type + ": unknown key type (use key=passphrase)"};
		}
		if (!(cfg_.kernel_mask & kFeaturePassphrase))
			return Error{-EINVAL, "the kernel does not offer passphrase keys"};
		auto st = passphrase_key();
		if (!st)
			return st;
		first = false;
	}
	return Ok{};
}

Status Dialog::cipher_and_key_bytes()
{
	const auto &table = cipher_table();
	const CipherInfo *ci = nullptr;
	if (const NameValue *nv = bag_.take({"ecryptfs_cipher"})) {
		std::string v = nv->value.value_or("");
		for (const auto &c : table)
			if (v == c.name)
				ci = &c;
		if (!ci) {
			std::string names;
			for (const auto &c : table)
				names += std::string(names.empty() ? "" : ", ") + c.name;
			return Error{-EINVAL, "ecryptfs_cipher=" + v + ": unknown cipher; use one of " +
						      names};
		}
	} else {
		if (!may_prompt())
			return Error{-EINVAL, "no ecryptfs_cipher given and prompting is off"};
		std::vector<std::string> values, pretty;
		for (const auto &c : table) {
			values.emplace_back(c.name);
			pretty.push_back(std::string(c.name) + ": blocksize = " +
					 std::to_string(c.block_size) + "; min keysize = " +
					 std::to_string(c.min_key) + "; max keysize = " +
					 std::to_string(c.max_key));
		}
		auto v = menu("Select cipher", values, pretty, std::string("aes"));
		if (!v)
			return v.error();
		for (const auto &c : table)
			if (v.value() == c.name)
				ci = &c;
	}
	cipher_ = ci->name;
	plan_.generated.push_back("ecryptfs_cipher=" + cipher_);

	std::vector<std::string> sizes;
	for (unsigned k : ci->key_sizes)
		if (k <= max_key_bytes_)
			sizes.push_back(std::to_string(k));
	if (sizes.empty())
		return Error{-EINVAL, "the public key is too small to wrap a " + cipher_ +
					      " key: use a larger key"};
	std::string kb;
	if (const NameValue *nv = bag_.take({"ecryptfs_key_bytes"})) {
		kb = nv->value.value_or("");
		if (std::find(sizes.begin(), sizes.end(), kb) == sizes.end()) {
			std::string list;
			for (const auto &s : sizes)
				list += (list.empty() ? "" : ", ") + s;
			return Error{-EINVAL, "ecryptfs_key_bytes=" + kb + ": " + cipher_ +
						      " takes key sizes " + list};
		}
	} else {
		if (!may_prompt())
			return Error{-EINVAL, "no ecryptfs_key_bytes given and prompting is off"};
		auto v = menu("Select key bytes", sizes, sizes, sizes.front());
		if (!v)
			return v.error();
		kb = v.value();
	}
	plan_.generated.push_back("ecryptfs_key_bytes=" + kb);
	return Ok{};
}

Status Dialog::passthrough()
{
	if (!(cfg_.kernel_mask & kFeaturePassthrough))
		return Ok{};
	bool on = false;
	const NameValue *nv = bag_.take({"ecryptfs_passthrough"});
	auto given = nv ? yes_no_value(*nv) : Result<bool>(Error{-EINVAL, "not given"});
	if (given) {
		on = given.value();
	} else if (nv && !may_prompt()) {
		return given.error();
	} else if (may_prompt()) {
		auto v = yes_no("Enable plaintext passthrough");
		if (!v)
			return v.error();
		on = v.value();
	}
	if (on)
		plan_.generated.push_back("ecryptfs_passthrough");
	return Ok{};
}

Status Dialog::xattr()
{
	const NameValue *x = bag_.take({"ecryptfs_xattr"});
	const NameValue *ev = bag_.take({"ecryptfs_encrypted_view"});
	for (auto [nv, opt] : {std::pair{x, "ecryptfs_xattr_metadata"},
			       std::pair{ev, "ecryptfs_encrypted_view"}}) {
		if (!nv)
			continue;
		auto v = yes_no_value(*nv);
		if (!v)
			return v.error();
		if (!v.value())
			continue;
		if (!(cfg_.kernel_mask & kFeatureXattr))
			return Error{-EINVAL, std::string(opt) + ": the kernel does not offer it"};
		plan_.generated.push_back(opt);
	}
	return Ok{};
}

Status Dialog::filename_crypto()
{
	const bool fnek_given = bag_.has({"ecryptfs_fnek_sig"});
	if (!(cfg_.kernel_mask & kFeatureFilenameCrypto)) {
		if (fnek_given)
			return Error{-EINVAL, "ecryptfs_fnek_sig: the kernel does not offer "
					      "filename encryption"};
		return Ok{};
	}
	bool on = false;
	const NameValue *nv = bag_.take({"ecryptfs_enable_filename_crypto"});
	auto given = nv ? yes_no_value(*nv) : Result<bool>(Error{-EINVAL, "not given"});
	if (given) {
		on = given.value();
	} else if (nv && !may_prompt()) {
		return given.error();
	} else if (fnek_given) {
		on = true;
	} else if (may_prompt()) {
		auto v = yes_no("Enable filename encryption");
		if (!v)
			return v.error();
		on = v.value();
	}
	if (!on)
		return Ok{};
	std::string first_sig = plan_.new_sigs.empty() ? std::string() : plan_.new_sigs.front();
	std::string fnek;
	if (const NameValue *fv = bag_.take({"ecryptfs_fnek_sig"})) {
		fnek = fv->value.value_or("");
		if (!is_valid_sig(fnek))
			return Error{-EINVAL, "ecryptfs_fnek_sig=" + fnek + ": a signature is 16 hex digits"};
	} else if (!may_prompt()) {
		fnek = first_sig;
	} else {
		for (;;) {
			io_.out("Filename Encryption Key (FNEK) Signature [" + first_sig + "]: ");
			auto line = io_.read_line();
			if (!line)
				return eio();
			fnek = line->empty() ? first_sig : *line;
			if (is_valid_sig(fnek))
				break;
		}
	}
	if (fnek.empty())
		return Error{-EINVAL, "no filename encryption key signature"};
	plan_.generated.push_back("ecryptfs_fnek_sig=" + fnek);
	return Ok{};
}

void Dialog::kept_options()
{
	for (const auto &nv : opts_.command_line) {
		switch (classify(nv.name)) {
		case Kind::kernel:
			if (nv.name != "ecryptfs_sig")
				plan_.kept.push_back(nv.value ? nv.name + "=" + *nv.value : nv.name);
			break;
		case Kind::flag: {
			unsigned long set = 0, clear = 0;
			flag_bits(nv.name, set, clear);
			plan_.flags_set = (plan_.flags_set & ~clear) | set;
			plan_.flags_clear = (plan_.flags_clear & ~set) | clear;
			break;
		}
		default:
			break;
		}
	}
}

Result<MountPlan> Dialog::run()
{
	for (const auto &nv : opts_.merged) {
		if (nv.name.starts_with("verbose"))
			plan_.verbose = true;
		if (nv.name == "no_sig_cache")
			plan_.sig_cache = false;
		if (nv.name == "no_prompt" || nv.name == "wild_ass_guess" ||
		    (nv.name == "verbosity" && nv.value && *nv.value == "0")) {
			plan_.verbosity = 0;
			plan_.sig_cache = false;
		}
	}
	for (auto step : {&Dialog::keys, &Dialog::cipher_and_key_bytes, &Dialog::passthrough,
			  &Dialog::xattr, &Dialog::filename_crypto}) {
		auto st = (this->*step)();
		if (!st)
			return st.error();
	}
	plan_.generated.push_back("ecryptfs_unlink_sigs");
	kept_options();
	return std::move(plan_);
}

} // namespace

Status check_command_line(const std::vector<NameValue> &cmd)
{
	return check_command_line(cmd, {});
}

Status check_command_line(const std::vector<NameValue> &cmd,
			  const std::vector<std::string> &module_names)
{
	for (const auto &nv : cmd) {
		if (std::find(module_names.begin(), module_names.end(), nv.name) !=
		    module_names.end())
			continue;
		if (nv.name == "remount")
			return Error{-EINVAL, "When remounting eCryptfs, you need to pass the mount "
					      "utility the -i parameter to avoid calling the mount helper"};
		if (classify(nv.name) == Kind::unknown)
			return Error{-EINVAL, "Unknown mount option [" + printable_name(nv) +
						      "]: eCryptfs does not know it, so it is not "
						      "passed to the kernel; check its spelling "
						      "(see mount.ecryptfs --help)"};
	}
	return Ok{};
}

Result<MountPlan> run_dialog(DialogIo &io, const Options &opts, const DialogConfig &cfg)
{
	Dialog d(io, opts, cfg);
	return d.run();
}

std::string summary(const MountPlan &plan)
{
	std::string s = "Attempting to mount with the following options:\n";
	for (auto it = plan.generated.rbegin(); it != plan.generated.rend(); ++it)
		s += "  " + *it + "\n";
	return s;
}

std::string kernel_options(const MountPlan &plan)
{
	return join_kernel_options(plan.generated, plan.kept);
}

namespace {

/* "yes"/"no" only, five tries; nullopt after five other answers. */
Result<std::optional<bool>> yes_or_no(DialogIo &io, const std::string &prompt)
{
	for (int tries = 0; tries < 5; ++tries) {
		io.out(prompt);
		auto line = io.read_line();
		if (!line)
			return eio();
		if (*line == "yes")
			return std::optional<bool>(true);
		if (*line == "no")
			return std::optional<bool>(false);
	}
	return std::optional<bool>();
}

} // namespace

Result<SigDecision> confirm_sig(DialogIo &io, const std::string &cache_path, std::string_view sig,
				const std::function<Status()> &append)
{
	auto found = sig_cache::contains(cache_path, sig);
	if (found && found.value())
		return SigDecision::proceed;
	io.out("WARNING: Based on the contents of [" + cache_path + "],\n"
	       "it looks like you have never mounted with this key \n"
	       "before. This could mean that you have typed your \n"
	       "passphrase wrong.\n\n");
	auto go = yes_or_no(io, "Would you like to proceed with the mount (yes/no)? : ");
	if (!go)
		return go.error();
	if (!go.value() || !*go.value()) {
		io.out("Aborting mount.\n");
		if (!go.value())
			return Error{-EINVAL, "answer yes or no"};
		return SigDecision::abort;
	}
	auto add = yes_or_no(io, "Would you like to append sig [" + std::string(sig) + "] to\n[" +
					 cache_path + "] \nin order to avoid this warning in the "
						      "future (yes/no)? : ");
	if (!add)
		return add.error();
	if (!add.value())
		return Error{-EINVAL, "answer yes or no"};
	if (*add.value()) {
		auto st = append();
		if (!st) {
			io.out("Error appending to [" + cache_path + "]; rc = [" +
			       std::to_string(st.error().code) + "]. Aborting mount.\n");
			return st.error();
		}
		io.out("Successfully appended new sig to user sig cache file\n");
	} else {
		io.out("Not adding sig to user sig cache file; continuing with mount.\n");
	}
	return SigDecision::proceed;
}

} // namespace ecryptfs::mount
