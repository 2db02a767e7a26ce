// SPDX-License-Identifier: GPL-2.0-only
/*
 * Key module "tpm": an RSA 2048 decryption key held by a TPM 2.0 (tss2-esys).
 *
 * The key is created (generate, ecryptfs-manager option 3) as a child of a
 * primary storage key that the TPM re-derives on every use from a fixed
 * template in the owner hierarchy (ECC P-256, AES-128-CFB: deriving it takes
 * milliseconds, unlike an RSA primary).  The key's public and private areas
 * (the private one encrypted by the TPM, useless without that TPM) are kept
 * in a key file (mode 0600):
 *   "ETK2", version 1, u16le-length fields: TPM2B_PUBLIC, TPM2B_PRIVATE
 *   (both in TPM marshalled form), flags (one byte; 1 = made with an auth
 *   value).
 * An optional auth value (auth=, SECRET) protects the key; it is subject to
 * the TPM's dictionary-attack protection, so a missing or unexpected auth
 * value is refused before the TPM counts a failure.
 *
 * Blob (version 1, no secret): "ETPM", 1, fields: key-file path (for
 * messages), TCTI configuration, TPM2B_PUBLIC, TPM2B_PRIVATE, flags.  The key
 * material is copied into the blob so ecryptfsd needs no access to the file.
 *
 * Encryption: software RSA-OAEP with SHA-256 from the public area.
 * Decryption: TPM2_RSA_Decrypt with the OAEP/SHA-256 scheme after loading the
 * key under the re-created primary.  Signature: the public-key signature of
 * libecryptfs pubkey.h over the key's modulus and exponent.
 */
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include "keymod_support.h"
#include "libecryptfs/atomic_file.h"
#include "libecryptfs/crypto.h"
#include "libecryptfs/pubkey.h"
#include "libecryptfs/secure.h"

namespace {

using namespace ecryptfs;
using namespace ecryptfs::keymod;

constexpr std::string_view kFileMagic = "ETK2";
constexpr std::string_view kBlobMagic = "ETPM";
constexpr std::uint8_t kVersion = 1;
constexpr const char *kDefaultTcti = "device:/dev/tpmrm0";
constexpr std::size_t kMaxKeyFile = 2048;

std::mutex g_lock;

std::string rc_text(TSS2_RC rc)
{
	std::string s = Tss2_RC_Decode(rc);
	TSS2_RC base = rc & 0xfff;
	if (base & TPM2_RC_FMT1)
		base &= TPM2_RC_FMT1 | 0x3f;
	if (base == TPM2_RC_AUTH_FAIL || base == TPM2_RC_BAD_AUTH)
		s += " (wrong auth value)";
	else if (base == TPM2_RC_LOCKOUT)
		s += " (the TPM is locked out after too many wrong auth values; wait or reset its "
		     "dictionary-attack counter)";
	return s;
}

/* The key: its two TPM areas. */
struct TpmKey {
	TPM2B_PUBLIC pub{};
	TPM2B_PRIVATE priv{};
	bool has_auth = false; /* made with an auth value */
};

constexpr std::uint8_t kFlagAuth = 0x1;

/* The flags field of the key file and blob. */
bool parse_flags(const std::optional<std::span<const std::uint8_t>> &f, TpmKey &k)
{
	if (!f || f->size() != 1 || ((*f)[0] & ~kFlagAuth))
		return false;
	k.has_auth = (*f)[0] & kFlagAuth;
	return true;
}

/*
 * Checked before the TPM sees an authorisation: every wrong try at a key
 * with an auth value counts towards the TPM's dictionary-attack lockout.
 */
bool auth_matches_key(const TpmKey &k, const char *auth, std::string &why)
{
	bool given = auth && *auth;
	if (k.has_auth && !given) {
		why = "this TPM key has an auth value: give it (auth=)";
		return false;
	}
	if (!k.has_auth && given) {
		why = "this TPM key has no auth value: leave auth= empty";
		return false;
	}
	return true;
}

bool marshal(const TpmKey &k, std::vector<std::uint8_t> &pub, std::vector<std::uint8_t> &priv)
{
	std::uint8_t buf[sizeof(TPM2B_PUBLIC) + sizeof(TPM2B_PRIVATE)];
	size_t off = 0;
	if (Tss2_MU_TPM2B_PUBLIC_Marshal(&k.pub, buf, sizeof(buf), &off) != TSS2_RC_SUCCESS)
		return false;
	pub.assign(buf, buf + off);
	off = 0;
	if (Tss2_MU_TPM2B_PRIVATE_Marshal(&k.priv, buf, sizeof(buf), &off) != TSS2_RC_SUCCESS)
		return false;
	priv.assign(buf, buf + off);
	return true;
}

bool unmarshal(std::span<const std::uint8_t> pub, std::span<const std::uint8_t> priv, TpmKey &k)
{
	size_t off = 0;
	if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(pub.data(), pub.size(), &off, &k.pub) != TSS2_RC_SUCCESS ||
	    off != pub.size())
		return false;
	off = 0;
	if (Tss2_MU_TPM2B_PRIVATE_Unmarshal(priv.data(), priv.size(), &off, &k.priv) !=
		    TSS2_RC_SUCCESS ||
	    off != priv.size())
		return false;
	return k.pub.publicArea.type == TPM2_ALG_RSA;
}

/* The public key as OpenSSL sees it (exponent 0 means 65537). */
Result<Pkey> public_key(const TpmKey &k)
{
	const auto &area = k.pub.publicArea;
	std::uint32_t e = area.parameters.rsaDetail.exponent ? area.parameters.rsaDetail.exponent : 65537;
	std::vector<std::uint8_t> eb;
	for (int s = 24; s >= 0; s -= 8)
		if (e >> s || !eb.empty())
			eb.push_back(static_cast<std::uint8_t>(e >> s));
	return rsa_public_from_n_e({area.unique.rsa.buffer, area.unique.rsa.size}, eb);
}

/* What TPM2_CreatePrimary and TPM2_Create hand back, freed with the ESYS allocator. */
struct CreationOutputs {
	TPM2B_PRIVATE *priv = nullptr;
	TPM2B_PUBLIC *pub = nullptr;
	TPM2B_CREATION_DATA *data = nullptr;
	TPM2B_DIGEST *hash = nullptr;
	TPMT_TK_CREATION *ticket = nullptr;
	CreationOutputs() = default;
	CreationOutputs(const CreationOutputs &) = delete;
	CreationOutputs &operator=(const CreationOutputs &) = delete;
	~CreationOutputs()
	{
		Esys_Free(priv);
		Esys_Free(pub);
		Esys_Free(data);
		Esys_Free(hash);
		Esys_Free(ticket);
	}
};

/*
 * One connection to a TPM: TCTI and ESYS context, the primary key and the
 * loaded child key; released in reverse order.
 */
class Tpm {
public:
	Tpm() = default;
	Tpm(const Tpm &) = delete;
	Tpm &operator=(const Tpm &) = delete;
	~Tpm()
	{
		if (key_ != ESYS_TR_NONE)
			Esys_FlushContext(esys_, key_);
		if (primary_ != ESYS_TR_NONE)
			Esys_FlushContext(esys_, primary_);
		if (esys_)
			Esys_Finalize(&esys_);
		if (tcti_)
			Tss2_TctiLdr_Finalize(&tcti_);
	}

	bool connect(const std::string &tcti, std::string &why)
	{
		/* The TSS logs every failure on stderr; the module reports them itself. */
		setenv("TSS2_LOG", "all+NONE", 0);
		TSS2_RC rc = Tss2_TctiLdr_Initialize(tcti.c_str(), &tcti_);
		if (rc == TSS2_RC_SUCCESS)
			rc = Esys_Initialize(&esys_, tcti_, nullptr);
		if (rc != TSS2_RC_SUCCESS) {
			why = "cannot reach the TPM through '" + tcti + "' (" + rc_text(rc) +
			      "); check that the TPM (or swtpm) runs and tcti= names it";
			return false;
		}
		return true;
	}

	/* The storage primary of the owner hierarchy, re-derived from its fixed template. */
	bool primary(std::string &why)
	{
		TPM2B_SENSITIVE_CREATE sens{};
		TPM2B_PUBLIC tmpl{};
		auto &a = tmpl.publicArea;
		a.type = TPM2_ALG_ECC;
		a.nameAlg = TPM2_ALG_SHA256;
		a.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
				     TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
				     TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT | TPMA_OBJECT_NODA;
		a.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_AES;
		a.parameters.eccDetail.symmetric.keyBits.aes = 128;
		a.parameters.eccDetail.symmetric.mode.aes = TPM2_ALG_CFB;
		a.parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
		a.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
		a.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
		TPM2B_DATA outside{};
		TPML_PCR_SELECTION pcrs{};
		CreationOutputs o;
		TSS2_RC rc = Esys_CreatePrimary(esys_, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD, ESYS_TR_NONE,
						ESYS_TR_NONE, &sens, &tmpl, &outside, &pcrs, &primary_,
						&o.pub, &o.data, &o.hash, &o.ticket);
		if (rc != TSS2_RC_SUCCESS) {
			primary_ = ESYS_TR_NONE;
			why = "the TPM could not create its storage key (" + rc_text(rc) +
			      "); the owner hierarchy must have an empty auth value";
			return false;
		}
		return true;
	}

	/* A new RSA 2048 decryption key under the primary. */
	bool create(std::string_view auth, TpmKey &k, std::string &why)
	{
		TPM2B_SENSITIVE_CREATE sens{};
		if (auth.size() > sizeof(sens.sensitive.userAuth.buffer)) {
			why = "the auth value is too long (at most 32 bytes)";
			return false;
		}
		sens.sensitive.userAuth.size = static_cast<UINT16>(auth.size());
		std::copy(auth.begin(), auth.end(), sens.sensitive.userAuth.buffer);
		TPM2B_PUBLIC tmpl{};
		auto &a = tmpl.publicArea;
		a.type = TPM2_ALG_RSA;
		a.nameAlg = TPM2_ALG_SHA256;
		a.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
				     TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
				     TPMA_OBJECT_DECRYPT;
		a.parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
		a.parameters.rsaDetail.scheme.scheme = TPM2_ALG_NULL;
		a.parameters.rsaDetail.keyBits = 2048;
		a.parameters.rsaDetail.exponent = 0;
		TPM2B_DATA outside{};
		TPML_PCR_SELECTION pcrs{};
		CreationOutputs o;
		TSS2_RC rc = Esys_Create(esys_, primary_, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
					 &sens, &tmpl, &outside, &pcrs, &o.priv, &o.pub, &o.data, &o.hash,
					 &o.ticket);
		OPENSSL_cleanse(&sens, sizeof(sens));
		if (rc == TSS2_RC_SUCCESS) {
			k.pub = *o.pub;
			k.priv = *o.priv;
		}
		if (rc != TSS2_RC_SUCCESS) {
			why = "the TPM could not create an RSA key (" + rc_text(rc) + ")";
			return false;
		}
		return true;
	}

	bool load(const TpmKey &k, const std::string &file, const char *auth, std::string &why)
	{
		TSS2_RC rc = Esys_Load(esys_, primary_, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
				       &k.priv, &k.pub, &key_);
		if (rc != TSS2_RC_SUCCESS) {
			key_ = ESYS_TR_NONE;
			why = "the TPM cannot load the key of '" + file + "' (" + rc_text(rc) +
			      "): it was made by another TPM, or this TPM was cleared since";
			return false;
		}
		TPM2B_AUTH a{};
		std::size_t n = auth ? std::strlen(auth) : 0;
		if (n > sizeof(a.buffer)) {
			why = "the auth value is too long (at most 32 bytes)";
			return false;
		}
		a.size = static_cast<UINT16>(n);
		std::memcpy(a.buffer, auth ? auth : "", n);
		rc = Esys_TR_SetAuth(esys_, key_, &a);
		OPENSSL_cleanse(&a, sizeof(a));
		if (rc != TSS2_RC_SUCCESS) {
			why = "cannot set the key's auth value (" + rc_text(rc) + ")";
			return false;
		}
		return true;
	}

	bool decrypt(std::span<const std::uint8_t> in, SecureBytes &out, std::string &why)
	{
		TPM2B_PUBLIC_KEY_RSA ct{};
		if (in.size() > sizeof(ct.buffer)) {
			why = "the wrapped key is larger than the TPM key";
			return false;
		}
		ct.size = static_cast<UINT16>(in.size());
		std::memcpy(ct.buffer, in.data(), in.size());
		TPMT_RSA_DECRYPT scheme{};
		scheme.scheme = TPM2_ALG_OAEP;
		scheme.details.oaep.hashAlg = TPM2_ALG_SHA256;
		TPM2B_DATA label{};
		TPM2B_PUBLIC_KEY_RSA *msg = nullptr;
		TSS2_RC rc = Esys_RSA_Decrypt(esys_, key_, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
					      &ct, &scheme, &label, &msg);
		if (rc != TSS2_RC_SUCCESS) {
			why = "the TPM could not decrypt (" + rc_text(rc) + ")";
			return false;
		}
		out.assign(msg->buffer, msg->buffer + msg->size);
		OPENSSL_cleanse(msg, sizeof(*msg));
		Esys_Free(msg);
		return true;
	}

private:
	TSS2_TCTI_CONTEXT *tcti_ = nullptr;
	ESYS_CONTEXT *esys_ = nullptr;
	ESYS_TR primary_ = ESYS_TR_NONE;
	ESYS_TR key_ = ESYS_TR_NONE;
};

bool read_key_file(const std::string &path, TpmKey &k, std::string &why)
{
	std::ifstream f(path, std::ios::binary);
	if (!f) {
		why = "cannot open the TPM key file '" + path + "' (" + std::strerror(errno) +
		      "); create one with ecryptfs-manager (option 3, tpm)";
		return false;
	}
	std::vector<std::uint8_t> data(kMaxKeyFile + 1);
	f.read(reinterpret_cast<char *>(data.data()), static_cast<std::streamsize>(data.size()));
	data.resize(static_cast<std::size_t>(f.gcount()));
	BlobReader r(data.data(), data.size(), kFileMagic, kVersion);
	auto pub = r.bytes();
	auto priv = r.bytes();
	auto flags = r.bytes();
	if (data.size() > kMaxKeyFile || !r.ok() || !unmarshal(*pub, *priv, k) ||
	    !parse_flags(flags, k)) {
		why = "'" + path + "' is not a TPM key file of this version";
		return false;
	}
	return true;
}

struct BlobKey {
	std::string file, tcti;
	TpmKey key;
};

bool parse_blob(const std::uint8_t *blob, std::size_t len, BlobKey &b)
{
	BlobReader r(blob, len, kBlobMagic, kVersion);
	auto file = r.str(), tcti = r.str();
	auto pub = r.bytes(), priv = r.bytes();
	auto flags = r.bytes();
	if (!r.ok() || !unmarshal(*pub, *priv, b.key) || !parse_flags(flags, b.key))
		return false;
	b.file = *file;
	b.tcti = *tcti;
	return true;
}

std::string tcti_param(std::string_view v)
{
	return v.empty() ? kDefaultTcti : std::string(v);
}

/* Load and decrypt: the shared path of make_key's check and decrypt. */
bool tpm_decrypt(const std::string &tcti, const TpmKey &k, const std::string &file,
		 const char *auth, std::span<const std::uint8_t> in, SecureBytes &out, std::string &why)
{
	if (!auth_matches_key(k, auth, why))
		return false;
	Tpm tpm;
	return tpm.connect(tcti, why) && tpm.primary(why) && tpm.load(k, file, auth, why) &&
	       tpm.decrypt(in, out, why);
}

int make_key(const ecryptfs_keymod_value *vals, size_t n, uint8_t *blob, size_t *blob_len,
	     char sig[17], char *err, size_t err_len)
{
	std::lock_guard g(g_lock);
	std::string file(param(vals, n, "keyfile"));
	std::string tcti = tcti_param(param(vals, n, "tcti"));
	std::string_view auth = param(vals, n, "auth");
	if (file.empty())
		return fail(err, err_len, -EINVAL, "keyfile= (the TPM key file) is needed");
	std::string why;
	TpmKey k;
	if (!read_key_file(file, k, why))
		return fail(err, err_len, -ENOENT, why);
	auto pub = public_key(k);
	if (!pub)
		return fail(err, err_len, -EINVAL, pub.error().reason);
	/* Prove the TPM holds this key and the auth value is right. */
	SecretArray<32> probe;
	if (!random_bytes({probe.data(), probe.size()}))
		return fail(err, err_len, -EIO, "no random bytes for the key check");
	auto ct = rsa_encrypt(pub.value().get(), probe.span(), RsaPadding::oaep_sha256);
	if (!ct)
		return fail(err, err_len, -EINVAL, ct.error().reason);
	SecureBytes pt;
	if (!tpm_decrypt(tcti, k, file, auth.empty() ? nullptr : auth.data(), ct.value(), pt, why))
		return fail(err, err_len, -EACCES, why);
	if (pt.size() != probe.size() || std::memcmp(pt.data(), probe.data(), probe.size()))
		return fail(err, err_len, -EINVAL, "the TPM key does not decrypt what its public key encrypts");
	std::vector<std::uint8_t> mpub, mpriv;
	BlobWriter w(kBlobMagic, kVersion);
	std::uint8_t flags[1] = {static_cast<std::uint8_t>(k.has_auth ? kFlagAuth : 0)};
	if (!marshal(k, mpub, mpriv) || !w.field(file) || !w.field(tcti) || !w.field(mpub) ||
	    !w.field(mpriv) || !w.field(flags) || !w.emit(blob, blob_len))
		return fail(err, err_len, -E2BIG, "the key description is too large");
	auto s = rsa_pubkey_sig(pub.value().get());
	if (!s)
		return fail(err, err_len, -EINVAL, s.error().reason);
	std::snprintf(sig, 17, "%s", s.value().c_str());
	return ECRYPTFS_KEYMOD_OK;
}

int generate(const ecryptfs_keymod_value *vals, size_t n, char *err, size_t err_len)
{
	std::lock_guard g(g_lock);
	std::string file(param(vals, n, "keyfile"));
	std::string tcti = tcti_param(param(vals, n, "tcti"));
	std::string_view auth = param(vals, n, "auth");
	if (file.empty())
		return fail(err, err_len, -EINVAL, "keyfile= (where to write the TPM key) is needed");
	struct stat st;
	if (lstat(file.c_str(), &st) == 0)
		return fail(err, err_len, -EEXIST,
			    "'" + file + "' exists; files encrypted with that key need it: "
			    "choose another file name or move it away first");
	std::string why;
	TpmKey k;
	{
		Tpm tpm;
		if (!tpm.connect(tcti, why) || !tpm.primary(why) || !tpm.create(auth, k, why))
			return fail(err, err_len, -EIO, why);
	}
	std::vector<std::uint8_t> mpub, mpriv;
	BlobWriter w(kFileMagic, kVersion);
	std::uint8_t buf[kMaxKeyFile];
	std::size_t len = 0;
	k.has_auth = !auth.empty();
	std::uint8_t flags[1] = {static_cast<std::uint8_t>(k.has_auth ? kFlagAuth : 0)};
	if (!marshal(k, mpub, mpriv) || !w.field(mpub) || !w.field(mpriv) || !w.field(flags) ||
	    !w.emit(buf, &len))
		return fail(err, err_len, -EINVAL, "cannot encode the TPM key");
	/* The key's directory is private, like ~/.ecryptfs. */
	auto slash = file.rfind('/');
	if (slash != std::string::npos && slash > 0) {
		std::string dir = file.substr(0, slash);
		for (std::size_t p = 1; p <= dir.size(); p++)
			if (p == dir.size() || dir[p] == '/')
				mkdir(dir.substr(0, p).c_str(), 0700);
	}
	auto wr = replace_file_atomically(file, {buf, len});
	if (!wr)
		return fail(err, err_len, wr.error().code,
			    "cannot write '" + file + "': " + wr.error().reason);
	auto pub = public_key(k);
	auto s = pub ? rsa_pubkey_sig(pub.value().get()) : Result<std::string>(pub.error());
	std::printf("Generated a 2048-bit RSA key in the TPM (%s); key file %s%s%s\n"
		    "Add it with: key=tpm:keyfile=%s%s%s\n",
		    tcti.c_str(), file.c_str(), s ? ", signature " : "", s ? s.value().c_str() : "",
		    file.c_str(), tcti == kDefaultTcti ? "" : ",tcti=",
		    tcti == kDefaultTcti ? "" : tcti.c_str());
	return ECRYPTFS_KEYMOD_OK;
}

int encrypt(const uint8_t *blob, size_t blob_len, const uint8_t *in, size_t in_len, uint8_t *out,
	    size_t *out_len, char *err, size_t err_len)
{
	BlobKey b;
	if (!parse_blob(blob, blob_len, b))
		return fail(err, err_len, -EINVAL, "the tpm key description is damaged; add the key again");
	return soft_encrypt(public_key(b.key), RsaPadding::oaep_sha256, in, in_len, out, out_len, err,
			    err_len);
}

int decrypt(const uint8_t *blob, size_t blob_len, const char *secret, const uint8_t *in, size_t in_len,
	    uint8_t *out, size_t *out_len, char *err, size_t err_len)
{
	std::lock_guard g(g_lock);
	BlobKey b;
	if (!parse_blob(blob, blob_len, b))
		return fail(err, err_len, -EINVAL, "the tpm key description is damaged; add the key again");
	std::string why;
	SecureBytes pt;
	if (!tpm_decrypt(b.tcti, b.key, b.file, secret, {in, in_len}, pt, why))
		return fail(err, err_len, -EIO, why);
	return copy_out(pt, out, out_len, err, err_len, "the unwrapped key");
}

size_t max_key_bytes(const uint8_t *blob, size_t blob_len)
{
	BlobKey b;
	if (!parse_blob(blob, blob_len, b))
		return 0;
	auto pub = public_key(b.key);
	return pub ? rsa_max_key_bytes(pub.value().get(), RsaPadding::oaep_sha256) : 0;
}

const ecryptfs_keymod_param kParams[] = {
	{"keyfile", nullptr, "TPM key file", "~/.ecryptfs/pki/tpm/key.tpm", ECRYPTFS_KEYMOD_PATH},
	{"tcti", nullptr, "TPM connection (TCTI)", kDefaultTcti, ECRYPTFS_KEYMOD_OPTIONAL},
	{"auth", nullptr, "Key auth value", nullptr, ECRYPTFS_KEYMOD_SECRET | ECRYPTFS_KEYMOD_OPTIONAL},
};

const ecryptfs_keymod_param kGenParams[] = {
	{"keyfile", nullptr, "TPM key file", "~/.ecryptfs/pki/tpm/key.tpm", ECRYPTFS_KEYMOD_PATH},
	{"tcti", nullptr, "TPM connection (TCTI)", kDefaultTcti, ECRYPTFS_KEYMOD_OPTIONAL},
	{"auth", nullptr, "Key auth value", nullptr,
	 ECRYPTFS_KEYMOD_SECRET | ECRYPTFS_KEYMOD_OPTIONAL | ECRYPTFS_KEYMOD_VERIFY},
};

const ecryptfs_keymod_ops g_ops = {
	ECRYPTFS_KEYMOD_ABI_VERSION,
	"tpm",
	"RSA key in a TPM 2.0",
	kParams,
	std::size(kParams),
	kGenParams,
	std::size(kGenParams),
	make_key,
	generate,
	encrypt,
	decrypt,
	max_key_bytes,
};

} // namespace

ECRYPTFS_KEYMOD_EXPORT const ecryptfs_keymod_ops *ecryptfs_keymod_get(void)
{
	return &g_ops;
}
