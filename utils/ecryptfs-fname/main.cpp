// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-fname [options] encrypt|decrypt PATH...: translate file names
 * (and symlink targets)
 * between a filename-encrypting eCryptfs mount and its lower directory
 * without mounting, from the mount passphrase (e.g. to find a file in a
 * backup of ~/.Private).  Names are computed exactly as the kernel does.
 */
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "libecryptfs/cli.h"
#include "libecryptfs/crypto.h"
#include "libecryptfs/fname.h"
#include "libecryptfs/passphrase_input.h"
#include "libecryptfs/rc.h"

using namespace ecryptfs;

namespace {

enum { kCipher = 1, kKeyBytes, kFileKey, kSymlink, kKey, kSig };
const cli::Option kOptions[] = {
	{kCipher, "cipher", 0, "NAME", "filename cipher (ecryptfs_fn_cipher; default aes)"},
	{kKeyBytes, "key-bytes", 0, "N", "filename key size (ecryptfs_fn_key_bytes; default 16)"},
	{kFileKey, "file-key", 0, nullptr,
	 "the filename key is the file key (salt from\n"
	 "                              ~/.ecryptfsrc or the default), as when mount.ecryptfs\n"
	 "                              was given the file key's signature as ecryptfs_fnek_sig;\n"
	 "                              default: the FNEK of ecryptfs-add-passphrase --fnek"},
	{kSymlink, "symlink", 0, nullptr,
	 "each PATH is a symlink target: translated as one\n"
	 "                              string, slashes included (eCryptfs stores targets so)"},
	{kKey, "key", 0, "SIG",
	 "use the key SIG from the user keyring (as added by\n"
	 "                              ecryptfs-add-passphrase --fnek or ecryptfs-mount-private)\n"
	 "                              instead of reading a passphrase"},
	{kSig, "sig", 0, nullptr, "print the filename key signature first"},
};
const cli::Command kCmd = {
	.name = "ecryptfs-fname",
	.usage = "Usage: ecryptfs-fname [options] encrypt|decrypt PATH...\n",
	.description =
		"Prints, one per line, the lower (encrypted) path of each plaintext PATH\n"
		"(encrypt) or the plaintext path of each lower PATH (decrypt), every\n"
		"component translated on its own, as a filename-encrypting eCryptfs mount\n"
		"would.  Unless --key is given, the mount passphrase is read from\n"
		"standard input (one line; on a terminal it is asked for, echo off);\n"
		"it is the passphrase given to ecryptfs-add-passphrase --fnek, i.e. the\n"
		"one ecryptfs-unwrap-passphrase prints for a private directory.\n"
		"Options come before encrypt|decrypt.\n",
	.options = kOptions,
	.min_operands = 2,
	.options_first = true,
};

bool parse_size(const char *s, std::size_t *out)
{
	char *end = nullptr;
	errno = 0;
	unsigned long v = std::strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > kMaxKeyBytes)
		return false;
	*out = v;
	return true;
}

/* Translate every component of @path but "", "." and "..". */
Result<std::string> translate(const FilenameCipher &fc, bool encrypt, std::string_view path)
{
	std::string out;
	std::size_t pos = 0;
	while (true) {
		std::size_t slash = path.find('/', pos);
		std::string_view comp = path.substr(pos, slash == std::string_view::npos
								 ? std::string_view::npos
								 : slash - pos);
		if (comp.empty() || comp == "." || comp == "..") {
			out += comp;
		} else {
			auto r = encrypt ? fc.encrypt(comp) : fc.decrypt(comp);
			if (!r)
				return Error{r.error().code,
					     std::string(comp) + ": " + r.error().reason};
			out += r.value();
		}
		if (slash == std::string_view::npos)
			break;
		out += '/';
		pos = slash + 1;
	}
	return out;
}

Result<DerivedKey> key_from_passphrase(bool file_key)
{
	PassphraseRead in = read_passphrase(nullptr, "Mount passphrase");
	if (!in)
		return Error{-EINVAL, "no passphrase on standard input"};
	return derive_key(in.passphrase->view(), file_key ? rc_salt_or_default() : kFnekSalt);
}

Result<DerivedKey> key_from_keyring(const std::string &sig)
{
	auto kek = kek_from_user_keyring(sig);
	if (!kek)
		return kek.error();
	return DerivedKey{kek.value(), sig};
}

} // namespace

int main(int argc, char **argv)
{
	std::string cipher = "aes";
	std::size_t key_bytes = 16;
	bool file_key = false, print_sig = false, whole = false;
	std::string key_sig;
	const auto args = cli::parse(kCmd, argc, argv);
	if (const char *v = args.value(kCipher))
		cipher = v;
	if (const char *v = args.value(kKeyBytes); v && !parse_size(v, &key_bytes))
		cli::usage_error(kCmd, "--key-bytes needs a number from 1 to " +
					       std::to_string(kMaxKeyBytes));
	if (const char *v = args.value(kKey))
		key_sig = v;
	file_key = args.has(kFileKey);
	whole = args.has(kSymlink);
	print_sig = args.has(kSig);
	const std::string_view verb = args.operands[0];
	if (verb != "encrypt" && verb != "decrypt")
		cli::usage_error(kCmd, "the first operand is encrypt or decrypt, not '" +
					       std::string(verb) + "'");
	const bool encrypt = verb == "encrypt";
	if (!fname_cipher_available(cipher)) {
		cli::die(kCmd.name, "filename cipher \"" + cipher +
					    "\" is not available here (use aes, blowfish, des3_ede or "
					    "cast5; twofish and cast6 work only in the kernel)");
	}
	auto key = key_sig.empty() ? key_from_passphrase(file_key) : key_from_keyring(key_sig);
	if (!key) {
		cli::die(kCmd.name, key.error().reason);
	}
	auto fc = FilenameCipher::create(cipher, key_bytes, key.value().kek, key.value().sig);
	if (!fc) {
		cli::die(kCmd.name, fc.error().reason);
	}
	if (print_sig)
		std::printf("%s\n", fc.value().sig().c_str());
	int rc = 0;
	for (std::size_t i = 1; i < args.operands.size(); i++) {
		const char *path = args.operands[i];
		auto r = whole ? (encrypt ? fc.value().encrypt(path) : fc.value().decrypt(path))
			       : translate(fc.value(), encrypt, path);
		if (!r) {
			cli::error(kCmd.name, r.error().reason);
			rc = 1;
			continue;
		}
		std::printf("%s\n", r.value().c_str());
	}
	return rc;
}
