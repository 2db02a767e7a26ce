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

void usage(std::FILE *out)
{
	std::fprintf(out,
		     "Usage: ecryptfs-fname [options] encrypt|decrypt PATH...\n"
		     "\n"
		     "Prints, one per line, the lower (encrypted) path of each plaintext PATH\n"
		     "(encrypt) or the plaintext path of each lower PATH (decrypt), every\n"
		     "component translated on its own, as a filename-encrypting eCryptfs mount\n"
		     "would.  Unless --key is given, the mount passphrase is read from\n"
		     "standard input (one line);\n"
		     "it is the passphrase given to ecryptfs-add-passphrase --fnek, i.e. the\n"
		     "one ecryptfs-unwrap-passphrase prints for a private directory.\n"
		     "\n"
		     "Options:\n"
		     "  --cipher=NAME     filename cipher (ecryptfs_fn_cipher; default aes)\n"
		     "  --key-bytes=N     filename key size (ecryptfs_fn_key_bytes; default 16)\n"
		     "  --file-key        the filename key is the file key (salt from\n"
		     "                    ~/.ecryptfsrc or the default), as when mount.ecryptfs\n"
		     "                    was given the file key's signature as ecryptfs_fnek_sig;\n"
		     "                    default: the FNEK of ecryptfs-add-passphrase --fnek\n"
		     "  --symlink         each argument is a symlink target: translated as one\n"
		     "                    string, slashes included (eCryptfs stores targets so)\n"
		     "  --key=SIG         use the key SIG from the user keyring (as added by\n"
		     "                    ecryptfs-add-passphrase --fnek or ecryptfs-mount-private)\n"
		     "                    instead of reading a passphrase\n"
		     "  --sig             print the filename key signature first\n"
		     "  -h, --help        this help\n");
}

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
	PassphraseRead in = read_passphrase(nullptr);
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
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		std::string_view a = argv[i];
		if (a == "-h" || a == "--help") {
			usage(stdout);
			return 0;
		} else if (a.starts_with("--cipher=")) {
			cipher = std::string(a.substr(9));
		} else if (a.starts_with("--key-bytes=")) {
			if (!parse_size(argv[i] + 12, &key_bytes)) {
				std::fprintf(stderr, "Error: --key-bytes needs a number from 1 to %zu\n",
					     kMaxKeyBytes);
				return 1;
			}
		} else if (a.starts_with("--key=")) {
			key_sig = std::string(a.substr(6));
		} else if (a == "--file-key") {
			file_key = true;
		} else if (a == "--symlink") {
			whole = true;
		} else if (a == "--sig") {
			print_sig = true;
		} else if (a == "--") {
			i++;
			break;
		} else {
			std::fprintf(stderr, "Error: unknown option %s\n", argv[i]);
			usage(stderr);
			return 1;
		}
	}
	if (argc - i < 2 || (std::strcmp(argv[i], "encrypt") && std::strcmp(argv[i], "decrypt"))) {
		usage(stderr);
		return 1;
	}
	bool encrypt = std::strcmp(argv[i], "encrypt") == 0;
	if (!fname_cipher_available(cipher)) {
		std::fprintf(stderr,
			     "Error: filename cipher \"%s\" is not available here (use aes, "
			     "blowfish, des3_ede or cast5; twofish and cast6 work only in the "
			     "kernel)\n",
			     cipher.c_str());
		return 1;
	}
	auto key = key_sig.empty() ? key_from_passphrase(file_key) : key_from_keyring(key_sig);
	if (!key) {
		std::fprintf(stderr, "Error: %s\n", key.error().reason.c_str());
		return 1;
	}
	auto fc = FilenameCipher::create(cipher, key_bytes, key.value().kek, key.value().sig);
	if (!fc) {
		std::fprintf(stderr, "Error: %s\n", fc.error().reason.c_str());
		return 1;
	}
	if (print_sig)
		std::printf("%s\n", fc.value().sig().c_str());
	int rc = 0;
	for (i++; i < argc; i++) {
		auto r = whole ? (encrypt ? fc.value().encrypt(argv[i]) : fc.value().decrypt(argv[i]))
			       : translate(fc.value(), encrypt, argv[i]);
		if (!r) {
			std::fprintf(stderr, "Error: %s\n", r.error().reason.c_str());
			rc = 1;
			continue;
		}
		std::printf("%s\n", r.value().c_str());
	}
	return rc;
}
