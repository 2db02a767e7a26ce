// SPDX-License-Identifier: GPL-2.0-only
/*
 * The openssl key module: an RSA key pair in a PEM file.
 *
 * Blob ("OSSL", version 1): the key file path, then the public key as DER
 * SubjectPublicKeyInfo.  Encrypting a new file's key needs only the blob;
 * decrypting opens the PEM file with the passphrase ecryptfsd holds (never
 * stored in the blob, unlike the reference, whose blob carries it in clear).
 *
 * Signature and padding as the reference's openssl module: SHA-1 over the
 * OpenPGP v4 RSA public-key packet (libecryptfs pubkey.h), RSA-OAEP with
 * SHA-1, so keys and files of the reference's module keep their signature.
 * New keys: RSA 3072, PKCS#8 PEM encrypted with AES-256-CBC, mode 0600.
 */
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "keymod_support.h"
#include "libecryptfs/pubkey.h"
#include "libecryptfs/secure.h"

using namespace ecryptfs;
using namespace ecryptfs::keymod;

namespace {

constexpr char kMagic[] = "OSSL";
constexpr std::uint8_t kBlobVersion = 1;
constexpr int kNewKeyBits = 3072;
constexpr std::size_t kMaxPemBytes = 64 * 1024;

const ecryptfs_keymod_param kParams[] = {
	{"keyfile", "openssl_keyfile", "SSL key file path", "~/.ecryptfs/pki/openssl/key.pem",
	 ECRYPTFS_KEYMOD_PATH},
	{"passwd", "openssl_passwd", "Passphrase", nullptr,
	 ECRYPTFS_KEYMOD_SECRET | ECRYPTFS_KEYMOD_OPTIONAL},
};

const ecryptfs_keymod_param kGenParams[] = {
	{"keyfile", "openssl_keyfile", "SSL key file path", "~/.ecryptfs/pki/openssl/key.pem",
	 ECRYPTFS_KEYMOD_PATH},
	{"passwd", "openssl_passwd", "Passphrase", nullptr,
	 ECRYPTFS_KEYMOD_SECRET | ECRYPTFS_KEYMOD_VERIFY},
};

struct BioFree {
	void operator()(BIO *b) const noexcept { BIO_free(b); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

struct CtxFree {
	void operator()(EVP_PKEY_CTX *c) const noexcept { EVP_PKEY_CTX_free(c); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

struct PassData {
	const char *secret;
	bool asked = false;
};

/* OpenSSL asks for the PEM passphrase through this; never from the terminal. */
int pem_pass_cb(char *buf, int size, int, void *u)
{
	auto *pd = static_cast<PassData *>(u);
	pd->asked = true;
	if (!pd->secret || !*pd->secret)
		return -1;
	std::size_t n = std::strlen(pd->secret);
	if (n > static_cast<std::size_t>(size))
		return -1;
	std::memcpy(buf, pd->secret, n);
	return static_cast<int>(n);
}

/* The private key in @path, opened with @secret. */
Result<Pkey> read_private(const std::string &path, const char *secret)
{
	int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return Error{-errno, "cannot open the key file " + path + ": " + std::strerror(errno)};
	SecureBytes pem(kMaxPemBytes + 1);
	std::size_t got = 0;
	for (;;) {
		ssize_t n = ::read(fd, pem.data() + got, pem.size() - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			::close(fd);
			return Error{-err, "cannot read the key file " + path + ": " +
						   std::strerror(err)};
		}
		if (n == 0 || (got += static_cast<std::size_t>(n)) == pem.size())
			break;
	}
	::close(fd);
	if (got > kMaxPemBytes)
		return Error{-EINVAL, "the key file " + path + " is larger than 64 KiB: not a PEM key"};
	Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(got)));
	if (!bio)
		return Error{-ENOMEM, "out of memory"};
	PassData pd{secret};
	EVP_PKEY *k = PEM_read_bio_PrivateKey(bio.get(), nullptr, pem_pass_cb, &pd);
	if (!k) {
		ERR_clear_error();
		if (pd.asked && (!secret || !*secret))
			return Error{-EACCES, "the key file " + path + " is encrypted: give its "
							     "passphrase (passwd=, passwd_file= or passwd_fd=)"};
		if (pd.asked)
			return Error{-EACCES, "cannot open the key file " + path +
						      ": wrong passphrase"};
		return Error{-EINVAL, "the key file " + path + " holds no PEM private key"};
	}
	Pkey key(k);
	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA)
		return Error{-EINVAL, "the key in " + path + " is not an RSA key"};
	return key;
}

struct Blob {
	std::string path;
	std::vector<std::uint8_t> der;
};

std::optional<Blob> parse_blob(const std::uint8_t *blob, std::size_t len)
{
	BlobReader r(blob, len, std::string_view(kMagic, 4), kBlobVersion);
	auto path = r.str();
	auto der = r.bytes();
	if (!r.ok() || !path || !der || path->empty())
		return std::nullopt;
	return Blob{*path, std::vector<std::uint8_t>(der->begin(), der->end())};
}

int openssl_make_key(const ecryptfs_keymod_value *vals, std::size_t n, std::uint8_t *blob,
		     std::size_t *blob_len, char sig[17], char *err, std::size_t err_len)
{
	std::string path(param(vals, n, "keyfile", "openssl_keyfile"));
	if (path.empty())
		return fail(err, err_len, -EINVAL, "no key file: give keyfile=PATH");
	if (path.front() != '/')
		return fail(err, err_len, -EINVAL, "the key file " + path + " must be an absolute path");
	std::string secret(param(vals, n, "passwd", "openssl_passwd"));
	auto key = read_private(path, secret.c_str());
	OPENSSL_cleanse(secret.data(), secret.size());
	if (!key)
		return fail(err, err_len, key.error().code, key.error().reason);
	auto s = rsa_pubkey_sig(key.value().get());
	auto der = rsa_public_to_der(key.value().get());
	if (!s || !der)
		return fail(err, err_len, -EINVAL, "cannot read the public part of " + path);
	BlobWriter w(std::string_view(kMagic, 4), kBlobVersion);
	if (!w.field(path) || !w.field(der.value()) || !w.emit(blob, blob_len))
		return fail(err, err_len, -ENAMETOOLONG, "the key file path is too long");
	std::snprintf(sig, 17, "%s", s.value().c_str());
	return ECRYPTFS_KEYMOD_OK;
}

int openssl_encrypt(const std::uint8_t *blob, std::size_t blob_len, const std::uint8_t *in,
		    std::size_t in_len, std::uint8_t *out, std::size_t *out_len, char *err,
		    std::size_t err_len)
{
	auto b = parse_blob(blob, blob_len);
	if (!b)
		return fail(err, err_len, -EINVAL, "the openssl key's blob is damaged");
	auto pub = rsa_public_from_der(b->der);
	if (!pub)
		return fail(err, err_len, pub.error().code, pub.error().reason);
	auto c = rsa_encrypt(pub.value().get(), {in, in_len}, RsaPadding::oaep_sha1);
	if (!c)
		return fail(err, err_len, c.error().code, c.error().reason);
	if (c.value().size() > *out_len)
		return fail(err, err_len, -ENOSPC, "the RSA key is too large for the kernel "
						  "(at most 4096 bits)");
	std::memcpy(out, c.value().data(), c.value().size());
	*out_len = c.value().size();
	return ECRYPTFS_KEYMOD_OK;
}

/*
 * Opened private keys, so that only the first file of a session pays for
 * reading the PEM file and its PBKDF2 (about 0.6 s per open under QEMU/TCG,
 * against the kernel's 3 s wait).  An entry is used only for the same public
 * key, the same secret (compared as a SHA-256) and the same key file
 * (device, inode, size, mtime): a replaced or removed file is read again.
 * It lives in the process that decrypts (ecryptfsd), which holds the secret
 * anyway; EVP_PKEY_free clears the key when the process ends.
 */
struct CacheEntry {
	std::string id;
	Pkey key;
};

Result<EVP_PKEY *> cached_private(const Blob &b, const char *secret)
{
	static std::mutex lock;
	static std::vector<CacheEntry> cache;
	struct stat st;
	if (::stat(b.path.c_str(), &st) != 0)
		return Error{-errno, "cannot open the key file " + b.path + ": " + std::strerror(errno)};
	unsigned char h[32];
	const char *sv = secret ? secret : "";
	SHA256(reinterpret_cast<const unsigned char *>(sv), std::strlen(sv), h);
	std::string id(reinterpret_cast<const char *>(h), sizeof(h));
	id.append(reinterpret_cast<const char *>(b.der.data()), b.der.size());
	for (auto v : {std::uint64_t(st.st_dev), std::uint64_t(st.st_ino), std::uint64_t(st.st_size),
		       std::uint64_t(st.st_mtim.tv_sec), std::uint64_t(st.st_mtim.tv_nsec)})
		id.append(reinterpret_cast<const char *>(&v), sizeof(v));
	OPENSSL_cleanse(h, sizeof(h));
	std::lock_guard<std::mutex> g(lock);
	for (auto &e : cache)
		if (e.id == id)
			return e.key.get();
	auto key = read_private(b.path, secret);
	if (!key)
		return key.error();
	auto der = rsa_public_to_der(key.value().get());
	if (!der || der.value() != b.der)
		return Error{-EKEYREJECTED, "the key file " + b.path + " no longer holds the key "
								 "this signature names: restore the file"};
	if (cache.size() >= 16)
		cache.clear();
	cache.push_back({std::move(id), std::move(key.value())});
	return cache.back().key.get();
}

int openssl_decrypt(const std::uint8_t *blob, std::size_t blob_len, const char *secret,
		    const std::uint8_t *in, std::size_t in_len, std::uint8_t *out,
		    std::size_t *out_len, char *err, std::size_t err_len)
{
	auto b = parse_blob(blob, blob_len);
	if (!b)
		return fail(err, err_len, -EINVAL, "the openssl key's blob is damaged");
	auto key = cached_private(*b, secret);
	if (!key)
		return fail(err, err_len, key.error().code, key.error().reason);
	PkeyCtx ctx(EVP_PKEY_CTX_new(key.value(), nullptr));
	std::size_t len = *out_len;
	if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha1()) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha1()) <= 0)
		return fail(err, err_len, -EIO, "RSA setup failed: " + openssl_error_text("setup"));
	/* Decrypt into a buffer as large as the modulus, then copy what fits. */
	SecureBytes tmp(static_cast<std::size_t>(EVP_PKEY_get_size(key.value())));
	std::size_t tlen = tmp.size();
	if (EVP_PKEY_decrypt(ctx.get(), tmp.data(), &tlen, in, in_len) <= 0)
		return fail(err, err_len, -EBADMSG, "RSA-OAEP decryption with " + b->path +
							 " failed: " + openssl_error_text("bad data"));
	if (tlen > len)
		return fail(err, err_len, -ENOSPC, "the decrypted key is too long");
	std::memcpy(out, tmp.data(), tlen);
	*out_len = tlen;
	return ECRYPTFS_KEYMOD_OK;
}

std::size_t openssl_max_key_bytes(const std::uint8_t *blob, std::size_t blob_len)
{
	auto b = parse_blob(blob, blob_len);
	if (!b)
		return 0;
	auto pub = rsa_public_from_der(b->der);
	if (!pub)
		return 0;
	return rsa_max_key_bytes(pub.value().get(), RsaPadding::oaep_sha1);
}

/* mkdir -p of @dir's missing components with mode 0700. */
int make_dirs(const std::string &dir)
{
	if (dir.empty())
		return 0;
	struct stat st;
	if (::stat(dir.c_str(), &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	auto slash = dir.find_last_of('/');
	if (slash != std::string::npos && slash > 0)
		if (int rc = make_dirs(dir.substr(0, slash)))
			return rc;
	if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * Write @data to a new file @path: a temporary file in the same directory
 * (0600), fsynced, then hard-linked to @path (which fails if @path exists:
 * never overwritten), the directory fsynced.
 */
int write_new_file(const std::string &path, std::span<const std::uint8_t> data, std::string &why)
{
	const std::string dir = path.substr(0, path.find_last_of('/'));
	std::string tmpl = path + ".XXXXXX";
	int fd = ::mkstemp(tmpl.data());
	if (fd < 0) {
		why = "cannot create a file in " + dir + ": " + std::strerror(errno);
		return -errno;
	}
	int rc = 0;
	std::size_t off = 0;
	if (::fchmod(fd, 0600) != 0)
		rc = -errno;
	while (!rc && off < data.size()) {
		ssize_t n = ::write(fd, data.data() + off, data.size() - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = n < 0 ? -errno : -EIO;
		else
			off += static_cast<std::size_t>(n);
	}
	if (!rc && ::fsync(fd) != 0)
		rc = -errno;
	::close(fd);
	if (!rc && ::link(tmpl.c_str(), path.c_str()) != 0)
		rc = -errno;
	::unlink(tmpl.c_str());
	if (rc == -EEXIST) {
		why = path + " already exists: not overwritten (choose another file or remove it)";
		return rc;
	}
	if (rc) {
		why = "cannot write " + path + ": " + std::strerror(-rc);
		return rc;
	}
	int dfd = ::open(dir.empty() ? "/" : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)::fsync(dfd);
		::close(dfd);
	}
	return 0;
}

int openssl_generate(const ecryptfs_keymod_value *vals, std::size_t n, char *err,
		     std::size_t err_len)
{
	std::string path(param(vals, n, "keyfile", "openssl_keyfile"));
	if (path.empty() || path.front() != '/' || path.back() == '/')
		return fail(err, err_len, -EINVAL, "give the new key file as an absolute path "
						   "(keyfile=/path/key.pem)");
	std::string_view secret = param(vals, n, "passwd", "openssl_passwd");
	if (secret.empty())
		return fail(err, err_len, -EINVAL, "a new key needs a passphrase to encrypt it");
	if (::access(path.c_str(), F_OK) == 0)
		return fail(err, err_len, -EEXIST, path + " already exists: not overwritten "
							  "(choose another file or remove it)");
	const std::string dir = path.substr(0, path.find_last_of('/'));
	if (int rc = make_dirs(dir))
		return fail(err, err_len, rc, "cannot create the directory " + dir + ": " +
						      std::strerror(-rc));
	Pkey key(EVP_RSA_gen(kNewKeyBits));
	if (!key)
		return fail(err, err_len, -EIO, "RSA key generation failed: " +
							openssl_error_text("unknown"));
	Bio mem(BIO_new(BIO_s_secmem()));
	if (!mem)
		return fail(err, err_len, -ENOMEM, "out of memory");
	if (!PEM_write_bio_PKCS8PrivateKey(mem.get(), key.get(), EVP_aes_256_cbc(),
					   const_cast<char *>(secret.data()),
					   static_cast<int>(secret.size()), nullptr, nullptr))
		return fail(err, err_len, -EIO, "cannot encode the key: " +
							openssl_error_text("PEM"));
	char *p = nullptr;
	long len = BIO_get_mem_data(mem.get(), &p);
	std::string why;
	if (int rc = write_new_file(path, {reinterpret_cast<std::uint8_t *>(p),
					   static_cast<std::size_t>(len)}, why))
		return fail(err, err_len, rc, why);
	/* Like the pkcs11 and tpm modules: say what was made and how to use it. */
	std::printf("Generated a %d-bit RSA key (AES-256 encrypted PEM) in %s\n"
		    "Add it with: key=openssl:keyfile=%s (ecryptfsd must be running)\n",
		    kNewKeyBits, path.c_str(), path.c_str());
	std::fflush(stdout);
	return ECRYPTFS_KEYMOD_OK;
}

const ecryptfs_keymod_ops kOps = {
	.abi_version = ECRYPTFS_KEYMOD_ABI_VERSION,
	.alias = "openssl",
	.description = "RSA key pair in a PEM file (OpenSSL)",
	.params = kParams,
	.n_params = std::size(kParams),
	.gen_params = kGenParams,
	.n_gen_params = std::size(kGenParams),
	.make_key = openssl_make_key,
	.generate = openssl_generate,
	.encrypt = openssl_encrypt,
	.decrypt = openssl_decrypt,
	.max_key_bytes = openssl_max_key_bytes,
};

} // namespace

ECRYPTFS_KEYMOD_EXPORT const ecryptfs_keymod_ops *ecryptfs_keymod_get(void)
{
	return &kOps;
}
