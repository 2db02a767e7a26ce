// SPDX-License-Identifier: GPL-2.0-only
/*
 * Key module "pkcs11": an RSA key pair on any PKCS#11 token.
 *
 * The provider library (module=) is loaded with dlopen; the token is found by
 * its label (token=), the key by its CKA_ID (id=, hex) and/or CKA_LABEL
 * (label=).  The PIN (pin=) is a SECRET parameter: it is used to log in and
 * never stored in the blob.
 *
 * Blob (version 1, no secret): "EP11", 1, then length-prefixed fields:
 * library path, token label, key id (raw bytes), key label, the public key
 * (SubjectPublicKeyInfo DER), the padding (one byte: 1 = OAEP SHA-1,
 * 2 = PKCS#1 v1.5).
 *
 * Encryption happens in software with the stored public key (no token
 * needed).  Decryption happens on the token: CKM_RSA_PKCS_OAEP with SHA-1 and
 * MGF1-SHA-1 when the token offers it for decryption (SoftHSM 2 does), the
 * same padding the openssl module uses; only a token without OAEP falls back
 * to CKM_RSA_PKCS (PKCS#1 v1.5, the reference's choice, which is exposed to
 * padding-oracle attacks).  The choice is made when the key is added and kept
 * in the blob.
 *
 * The signature is the one of every public-key module (libecryptfs pubkey.h).
 */
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "keymod_support.h"
#include "libecryptfs/crypto.h"
#include "libecryptfs/pubkey.h"
#include "libecryptfs/secure.h"

namespace {

using namespace ecryptfs;
using namespace ecryptfs::keymod;

constexpr std::string_view kMagic = "EP11";
constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kPadOaepSha1 = 1;
constexpr std::uint8_t kPadPkcs1 = 2;

std::mutex g_lock; /* PKCS#11 initialise/finalise is per process */

const char *rv_name(CK_RV rv)
{
	switch (rv) {
	case CKR_PIN_INCORRECT: return "CKR_PIN_INCORRECT: the PIN is wrong";
	case CKR_PIN_LOCKED: return "CKR_PIN_LOCKED: the PIN is locked after too many wrong tries";
	case CKR_PIN_EXPIRED: return "CKR_PIN_EXPIRED: the PIN has expired";
	case CKR_PIN_LEN_RANGE: return "CKR_PIN_LEN_RANGE: the PIN is too short or too long";
	case CKR_USER_PIN_NOT_INITIALIZED: return "CKR_USER_PIN_NOT_INITIALIZED: the token has no user PIN yet";
	case CKR_TOKEN_NOT_PRESENT: return "CKR_TOKEN_NOT_PRESENT: the token is not present";
	case CKR_TOKEN_NOT_RECOGNIZED: return "CKR_TOKEN_NOT_RECOGNIZED: the token is not recognised";
	case CKR_DEVICE_REMOVED: return "CKR_DEVICE_REMOVED: the token was removed";
	case CKR_DEVICE_ERROR: return "CKR_DEVICE_ERROR: the token failed";
	case CKR_MECHANISM_INVALID: return "CKR_MECHANISM_INVALID: the token does not offer this mechanism";
	case CKR_MECHANISM_PARAM_INVALID: return "CKR_MECHANISM_PARAM_INVALID: the token rejects the padding parameters";
	case CKR_KEY_TYPE_INCONSISTENT: return "CKR_KEY_TYPE_INCONSISTENT: the key is not an RSA key";
	case CKR_KEY_FUNCTION_NOT_PERMITTED: return "CKR_KEY_FUNCTION_NOT_PERMITTED: the key may not decrypt";
	case CKR_ENCRYPTED_DATA_INVALID: return "CKR_ENCRYPTED_DATA_INVALID: the data was not encrypted with this key";
	case CKR_ENCRYPTED_DATA_LEN_RANGE: return "CKR_ENCRYPTED_DATA_LEN_RANGE: the data was not encrypted with this key";
	case CKR_USER_NOT_LOGGED_IN: return "CKR_USER_NOT_LOGGED_IN: a PIN is needed";
	case CKR_SESSION_COUNT: return "CKR_SESSION_COUNT: the token has too many open sessions";
	case CKR_TEMPLATE_INCONSISTENT: return "CKR_TEMPLATE_INCONSISTENT: the token refused the key attributes";
	case CKR_HOST_MEMORY: return "CKR_HOST_MEMORY: out of memory";
	case CKR_GENERAL_ERROR: return "CKR_GENERAL_ERROR";
	case CKR_FUNCTION_FAILED: return "CKR_FUNCTION_FAILED";
	case CKR_ARGUMENTS_BAD: return "CKR_ARGUMENTS_BAD";
	default: return nullptr;
	}
}

std::string rv_text(CK_RV rv)
{
	if (const char *n = rv_name(rv))
		return n;
	char buf[32];
	std::snprintf(buf, sizeof(buf), "PKCS#11 error 0x%lx", static_cast<unsigned long>(rv));
	return buf;
}

/* "abc   " (blank padded, not terminated) -> "abc" */
std::string padded(const unsigned char *p, std::size_t n)
{
	std::string s(reinterpret_cast<const char *>(p), n);
	while (!s.empty() && (s.back() == ' ' || s.back() == '\0'))
		s.pop_back();
	return s;
}

bool parse_hex(std::string_view hex, std::vector<std::uint8_t> &out)
{
	if (hex.size() % 2)
		return false;
	out.clear();
	for (std::size_t i = 0; i < hex.size(); i += 2) {
		auto nib = [](char c) -> int {
			if (c >= '0' && c <= '9') return c - '0';
			if (c >= 'a' && c <= 'f') return c - 'a' + 10;
			if (c >= 'A' && c <= 'F') return c - 'A' + 10;
			return -1;
		};
		int hi = nib(hex[i]), lo = nib(hex[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
	}
	return true;
}

/* Provider libraries stay loaded once opened (many providers do not survive dlclose). */
CK_FUNCTION_LIST_PTR load_provider(const std::string &path, std::string &why)
{
	static std::map<std::string, CK_FUNCTION_LIST_PTR> cache;
	if (auto it = cache.find(path); it != cache.end())
		return it->second;
	void *h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		why = "cannot load the PKCS#11 library '" + path + "' (" + (e ? e : "unknown error") +
		      "); install it or give module=<path of your token's PKCS#11 library>";
		return nullptr;
	}
	auto get = reinterpret_cast<CK_C_GetFunctionList>(dlsym(h, "C_GetFunctionList"));
	CK_FUNCTION_LIST_PTR fl = nullptr;
	if (!get || get(&fl) != CKR_OK || !fl) {
		why = "'" + path + "' is not a PKCS#11 library (no C_GetFunctionList); check module=";
		dlclose(h);
		return nullptr;
	}
	cache[path] = fl;
	return fl;
}

/*
 * One use of a token: library initialised, a session on the slot whose token
 * has the wanted label, optionally logged in.  Everything is undone in
 * reverse order on destruction.
 */
class Token {
public:
	Token() = default;
	Token(const Token &) = delete;
	Token &operator=(const Token &) = delete;
	~Token()
	{
		if (logged_in_)
			fl_->C_Logout(session_);
		if (have_session_)
			fl_->C_CloseSession(session_);
		if (initialized_)
			fl_->C_Finalize(nullptr);
	}

	bool open(const std::string &library, const std::string &label, bool rw, std::string &why)
	{
		fl_ = load_provider(library, why);
		if (!fl_)
			return false;
		CK_C_INITIALIZE_ARGS args{};
		args.flags = CKF_OS_LOCKING_OK;
		CK_RV rv = fl_->C_Initialize(&args);
		if (rv == CKR_OK)
			initialized_ = true;
		else if (rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
			why = "the PKCS#11 library '" + library + "' failed to start (" + rv_text(rv) +
			      "); check its configuration (for SoftHSM: SOFTHSM2_CONF)";
			return false;
		}
		CK_ULONG n = 0;
		rv = fl_->C_GetSlotList(CK_TRUE, nullptr, &n);
		std::vector<CK_SLOT_ID> slots(n);
		if (rv == CKR_OK && n)
			rv = fl_->C_GetSlotList(CK_TRUE, slots.data(), &n);
		if (rv != CKR_OK) {
			why = "cannot list the PKCS#11 slots (" + rv_text(rv) + ")";
			return false;
		}
		slots.resize(n);
		std::string seen;
		bool found = false;
		for (CK_SLOT_ID s : slots) {
			CK_TOKEN_INFO ti{};
			if (fl_->C_GetTokenInfo(s, &ti) != CKR_OK)
				continue;
			std::string l = padded(ti.label, sizeof(ti.label));
			if (!(ti.flags & CKF_TOKEN_INITIALIZED))
				continue;
			seen += (seen.empty() ? "'" : ", '") + l + "'";
			if (label.empty() || l == label) {
				slot_ = s;
				label_ = l;
				protected_path_ = ti.flags & CKF_PROTECTED_AUTHENTICATION_PATH;
				found = true;
				break;
			}
		}
		if (!found) {
			if (label.empty())
				why = "no initialised token is present in '" + library +
				      "'; insert the token";
			else
				why = "no token labelled '" + label + "' is present" +
				      (seen.empty() ? std::string(" (no token found)") : " (found: " + seen + ")") +
				      "; insert the token or check token=";
			return false;
		}
		CK_FLAGS f = CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0);
		rv = fl_->C_OpenSession(slot_, f, nullptr, nullptr, &session_);
		if (rv != CKR_OK) {
			why = "cannot open a session on token '" + label_ + "' (" + rv_text(rv) + ")";
			return false;
		}
		have_session_ = true;
		return true;
	}

	/* @pin may be null only for tokens with a protected authentication path. */
	bool login(const char *pin, std::string &why)
	{
		if (!pin && !protected_path_) {
			why = "the PIN of token '" + label_ + "' is needed (pin=)";
			return false;
		}
		CK_RV rv = fl_->C_Login(session_, CKU_USER,
					reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char *>(pin)),
					pin ? std::strlen(pin) : 0);
		if (rv == CKR_USER_ALREADY_LOGGED_IN)
			return true;
		if (rv != CKR_OK) {
			why = "login to token '" + label_ + "' failed (" + rv_text(rv) + ")" +
			      (rv == CKR_PIN_INCORRECT ? "; give the token's user PIN" : "");
			return false;
		}
		logged_in_ = true;
		return true;
	}

	/* The one object of @cls matching @id/@label; 0 and @why when none or ambiguous. */
	CK_OBJECT_HANDLE find(CK_OBJECT_CLASS cls, const std::vector<std::uint8_t> &id,
			      const std::string &label, std::string &why)
	{
		CK_KEY_TYPE kt = CKK_RSA;
		std::vector<CK_ATTRIBUTE> t{{CKA_CLASS, &cls, sizeof(cls)}, {CKA_KEY_TYPE, &kt, sizeof(kt)}};
		if (!id.empty())
			t.push_back({CKA_ID, const_cast<std::uint8_t *>(id.data()), id.size()});
		if (!label.empty())
			t.push_back({CKA_LABEL, const_cast<char *>(label.data()), label.size()});
		CK_RV rv = fl_->C_FindObjectsInit(session_, t.data(), t.size());
		if (rv != CKR_OK) {
			why = "cannot search token '" + label_ + "' (" + rv_text(rv) + ")";
			return 0;
		}
		CK_OBJECT_HANDLE h[2];
		CK_ULONG n = 0;
		rv = fl_->C_FindObjects(session_, h, 2, &n);
		fl_->C_FindObjectsFinal(session_);
		std::string what = std::string(cls == CKO_PRIVATE_KEY ? "RSA private key" : "RSA public key") +
				   (id.empty() ? "" : " with id " + to_hex(id)) +
				   (label.empty() ? "" : " labelled '" + label + "'");
		if (rv != CKR_OK || n == 0) {
			why = "token '" + label_ + "' has no " + what + "; check id= and label=";
			return 0;
		}
		if (n > 1) {
			why = "token '" + label_ + "' has more than one " + what +
			      "; give id= or label= to choose one";
			return 0;
		}
		return h[0];
	}

	bool attr(CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type, std::vector<std::uint8_t> &out)
	{
		CK_ATTRIBUTE a{type, nullptr, 0};
		if (fl_->C_GetAttributeValue(session_, o, &a, 1) != CKR_OK ||
		    a.ulValueLen == CK_UNAVAILABLE_INFORMATION)
			return false;
		out.resize(a.ulValueLen);
		a.pValue = out.data();
		return fl_->C_GetAttributeValue(session_, o, &a, 1) == CKR_OK;
	}

	/* Which padding this token decrypts with: OAEP-SHA-1 if offered, else PKCS#1 v1.5. */
	std::uint8_t padding(std::string &why)
	{
		CK_MECHANISM_INFO mi{};
		if (fl_->C_GetMechanismInfo(slot_, CKM_RSA_PKCS_OAEP, &mi) == CKR_OK &&
		    (mi.flags & CKF_DECRYPT))
			return kPadOaepSha1;
		if (fl_->C_GetMechanismInfo(slot_, CKM_RSA_PKCS, &mi) == CKR_OK && (mi.flags & CKF_DECRYPT))
			return kPadPkcs1;
		why = "token '" + label_ + "' cannot decrypt with RSA (neither CKM_RSA_PKCS_OAEP nor CKM_RSA_PKCS)";
		return 0;
	}

	bool decrypt(CK_OBJECT_HANDLE key, std::uint8_t pad, const std::uint8_t *in, std::size_t in_len,
		     SecureBytes &out, std::string &why)
	{
		CK_RSA_PKCS_OAEP_PARAMS oaep{CKM_SHA_1, CKG_MGF1_SHA1, CKZ_DATA_SPECIFIED, nullptr, 0};
		CK_MECHANISM mech{CKM_RSA_PKCS, nullptr, 0};
		if (pad == kPadOaepSha1)
			mech = {CKM_RSA_PKCS_OAEP, &oaep, sizeof(oaep)};
		CK_RV rv = fl_->C_DecryptInit(session_, &mech, key);
		if (rv == CKR_OK) {
			out.assign(1024, 0);
			CK_ULONG n = out.size();
			rv = fl_->C_Decrypt(session_, const_cast<std::uint8_t *>(in), in_len, out.data(), &n);
			if (rv == CKR_OK)
				out.resize(n);
		}
		if (rv != CKR_OK) {
			why = "decryption on token '" + label_ + "' failed (" + rv_text(rv) + ")";
			return false;
		}
		return true;
	}

	CK_FUNCTION_LIST_PTR fl() const { return fl_; }
	CK_SESSION_HANDLE session() const { return session_; }
	const std::string &label() const { return label_; }

private:
	CK_FUNCTION_LIST_PTR fl_ = nullptr;
	CK_SLOT_ID slot_ = 0;
	CK_SESSION_HANDLE session_ = 0;
	std::string label_;
	bool initialized_ = false;
	bool have_session_ = false;
	bool logged_in_ = false;
	bool protected_path_ = false;
};

struct KeyRef {
	std::string library, token, label;
	std::vector<std::uint8_t> id;
	std::vector<std::uint8_t> pub_der;
	std::uint8_t pad = 0;
};

bool parse_blob(const std::uint8_t *blob, std::size_t len, KeyRef &k)
{
	BlobReader r(blob, len, kMagic, kVersion);
	auto lib = r.str(), tok = r.str();
	auto id = r.bytes();
	auto label = r.str();
	auto der = r.bytes();
	auto pad = r.bytes();
	if (!r.ok() || pad->size() != 1)
		return false;
	k.library = *lib;
	k.token = *tok;
	k.id.assign(id->begin(), id->end());
	k.label = *label;
	k.pub_der.assign(der->begin(), der->end());
	k.pad = (*pad)[0];
	return k.pad == kPadOaepSha1 || k.pad == kPadPkcs1;
}

RsaPadding soft_padding(std::uint8_t pad)
{
	return pad == kPadPkcs1 ? RsaPadding::pkcs1_v15 : RsaPadding::oaep_sha1;
}

std::string default_library()
{
	for (const char *p : {"/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so", "/usr/lib/p11-kit-proxy.so",
			      "/usr/lib/softhsm/libsofthsm2.so"})
		if (access(p, R_OK) == 0)
			return p;
	return "p11-kit-proxy.so";
}

std::string library_param(std::string_view v)
{
	return v.empty() ? default_library() : std::string(v);
}

/* Public key (DER) of the private key @priv: its own attributes, else the matching public object. */
bool public_der(Token &t, CK_OBJECT_HANDLE priv, const std::vector<std::uint8_t> &id,
		std::vector<std::uint8_t> &der, std::string &why)
{
	std::vector<std::uint8_t> n, e;
	if (!t.attr(priv, CKA_MODULUS, n) || !t.attr(priv, CKA_PUBLIC_EXPONENT, e) || n.empty() ||
	    e.empty()) {
		std::string ignore;
		CK_OBJECT_HANDLE pub = t.find(CKO_PUBLIC_KEY, id, "", ignore);
		if (!pub || !t.attr(pub, CKA_MODULUS, n) || !t.attr(pub, CKA_PUBLIC_EXPONENT, e)) {
			why = "cannot read the public part of the key on token '" + t.label() + "'";
			return false;
		}
	}
	auto k = rsa_public_from_n_e(n, e);
	if (!k) {
		why = k.error().reason;
		return false;
	}
	auto d = rsa_public_to_der(k.value().get());
	if (!d) {
		why = d.error().reason;
		return false;
	}
	der = std::move(d).value();
	return true;
}

int make_key(const ecryptfs_keymod_value *vals, size_t n, uint8_t *blob, size_t *blob_len,
	     char sig[17], char *err, size_t err_len)
{
	std::lock_guard g(g_lock);
	std::string why;
	KeyRef k;
	k.library = library_param(param(vals, n, "module"));
	std::string token(param(vals, n, "token"));
	std::string label(param(vals, n, "label"));
	if (!parse_hex(param(vals, n, "id"), k.id))
		return fail(err, err_len, -EINVAL, "id= must be the key's CKA_ID in hex (e.g. id=01)");
	std::string_view pin = param(vals, n, "pin");
	Token t;
	if (!t.open(k.library, token, false, why) ||
	    !t.login(pin.empty() ? nullptr : pin.data(), why))
		return fail(err, err_len, -EACCES, why);
	k.token = t.label();
	CK_OBJECT_HANDLE priv = t.find(CKO_PRIVATE_KEY, k.id, label, why);
	if (!priv)
		return fail(err, err_len, -ENOKEY, why);
	if (k.id.empty())
		t.attr(priv, CKA_ID, k.id);
	std::vector<std::uint8_t> lab;
	if (label.empty() && t.attr(priv, CKA_LABEL, lab))
		label.assign(lab.begin(), lab.end());
	k.label = label;
	if (!public_der(t, priv, k.id, k.pub_der, why))
		return fail(err, err_len, -EINVAL, why);
	k.pad = t.padding(why);
	if (!k.pad)
		return fail(err, err_len, -ENOTSUP, why);
	auto pub = rsa_public_from_der(k.pub_der);
	if (!pub)
		return fail(err, err_len, -EINVAL, pub.error().reason);
	/* Prove the pair works (and the token decrypts this padding) before it is used. */
	SecretArray<32> probe;
	if (!random_bytes({probe.data(), probe.size()}))
		return fail(err, err_len, -EIO, "no random bytes for the key check");
	auto ct = rsa_encrypt(pub.value().get(), probe.span(), soft_padding(k.pad));
	SecureBytes pt;
	if (!ct)
		return fail(err, err_len, -EINVAL, ct.error().reason);
	if (!t.decrypt(priv, k.pad, ct.value().data(), ct.value().size(), pt, why))
		return fail(err, err_len, -EIO, why);
	if (pt.size() != probe.size() || std::memcmp(pt.data(), probe.data(), probe.size()))
		return fail(err, err_len, -EINVAL,
			    "the key on token '" + k.token + "' does not decrypt what its public key encrypts");
	auto s = rsa_pubkey_sig(pub.value().get());
	if (!s)
		return fail(err, err_len, -EINVAL, s.error().reason);
	BlobWriter w(kMagic, kVersion);
	std::uint8_t pad[1] = {k.pad};
	if (!w.field(k.library) || !w.field(k.token) || !w.field(k.id) || !w.field(k.label) ||
	    !w.field(k.pub_der) || !w.field(pad) || !w.emit(blob, blob_len))
		return fail(err, err_len, -E2BIG, "the key description is too large");
	std::snprintf(sig, 17, "%s", s.value().c_str());
	return ECRYPTFS_KEYMOD_OK;
}

int encrypt(const uint8_t *blob, size_t blob_len, const uint8_t *in, size_t in_len, uint8_t *out,
	    size_t *out_len, char *err, size_t err_len)
{
	KeyRef k;
	if (!parse_blob(blob, blob_len, k))
		return fail(err, err_len, -EINVAL, "the pkcs11 key description is damaged; add the key again");
	return soft_encrypt(rsa_public_from_der(k.pub_der), soft_padding(k.pad), in, in_len, out,
			    out_len, err, err_len);
}

int decrypt(const uint8_t *blob, size_t blob_len, const char *secret, const uint8_t *in, size_t in_len,
	    uint8_t *out, size_t *out_len, char *err, size_t err_len)
{
	std::lock_guard g(g_lock);
	KeyRef k;
	if (!parse_blob(blob, blob_len, k))
		return fail(err, err_len, -EINVAL, "the pkcs11 key description is damaged; add the key again");
	std::string why;
	Token t;
	if (!t.open(k.library, k.token, false, why) || !t.login(secret, why))
		return fail(err, err_len, -EACCES, why);
	CK_OBJECT_HANDLE priv = t.find(CKO_PRIVATE_KEY, k.id, k.id.empty() ? k.label : "", why);
	if (!priv)
		return fail(err, err_len, -ENOKEY, why);
	SecureBytes pt;
	if (!t.decrypt(priv, k.pad, in, in_len, pt, why))
		return fail(err, err_len, -EIO, why);
	return copy_out(pt, out, out_len, err, err_len, "the unwrapped key");
}

size_t max_key_bytes(const uint8_t *blob, size_t blob_len)
{
	KeyRef k;
	if (!parse_blob(blob, blob_len, k))
		return 0;
	auto pub = rsa_public_from_der(k.pub_der);
	return pub ? rsa_max_key_bytes(pub.value().get(), soft_padding(k.pad)) : 0;
}

/* A new RSA key pair on the token (ecryptfs-manager option 3). */
int generate(const ecryptfs_keymod_value *vals, size_t n, char *err, size_t err_len)
{
	std::lock_guard g(g_lock);
	std::string why;
	std::string library = library_param(param(vals, n, "module"));
	std::string token(param(vals, n, "token"));
	std::string label(param(vals, n, "label"));
	std::vector<std::uint8_t> id;
	if (!parse_hex(param(vals, n, "id"), id))
		return fail(err, err_len, -EINVAL, "id= must be a CKA_ID in hex (e.g. id=01)");
	if (label.empty())
		label = "ecryptfs";
	std::string bits_s(param(vals, n, "bits"));
	CK_ULONG bits = bits_s.empty() ? 2048 : std::strtoul(bits_s.c_str(), nullptr, 10);
	if (bits < 2048 || bits > 4096)
		return fail(err, err_len, -EINVAL, "bits= must be between 2048 and 4096");
	std::string_view pin = param(vals, n, "pin");
	Token t;
	if (!t.open(library, token, true, why) || !t.login(pin.empty() ? nullptr : pin.data(), why))
		return fail(err, err_len, -EACCES, why);
	std::string none;
	if (t.find(CKO_PRIVATE_KEY, id, id.empty() ? label : "", none))
		return fail(err, err_len, -EEXIST,
			    "token '" + t.label() + "' already has that key; choose another id= or label=");
	if (id.empty()) {
		id.resize(8);
		if (!random_bytes(id))
			return fail(err, err_len, -EIO, "no random bytes for the key id");
	}
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_BYTE exp[] = {1, 0, 1};
	CK_ATTRIBUTE pub_t[] = {
		{CKA_TOKEN, &yes, sizeof(yes)},
		{CKA_ENCRYPT, &yes, sizeof(yes)},
		{CKA_VERIFY, &no, sizeof(no)},
		{CKA_MODULUS_BITS, &bits, sizeof(bits)},
		{CKA_PUBLIC_EXPONENT, exp, sizeof(exp)},
		{CKA_LABEL, label.data(), label.size()},
		{CKA_ID, id.data(), id.size()},
	};
	CK_ATTRIBUTE priv_t[] = {
		{CKA_TOKEN, &yes, sizeof(yes)},
		{CKA_PRIVATE, &yes, sizeof(yes)},
		{CKA_SENSITIVE, &yes, sizeof(yes)},
		{CKA_EXTRACTABLE, &no, sizeof(no)},
		{CKA_DECRYPT, &yes, sizeof(yes)},
		{CKA_SIGN, &no, sizeof(no)},
		{CKA_LABEL, label.data(), label.size()},
		{CKA_ID, id.data(), id.size()},
	};
	CK_MECHANISM mech{CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
	CK_OBJECT_HANDLE hpub = 0, hpriv = 0;
	CK_RV rv = t.fl()->C_GenerateKeyPair(t.session(), &mech, pub_t, std::size(pub_t), priv_t,
					     std::size(priv_t), &hpub, &hpriv);
	if (rv != CKR_OK)
		return fail(err, err_len, -EIO,
			    "token '" + t.label() + "' could not generate an RSA key pair (" + rv_text(rv) + ")");
	std::printf("Generated a %lu-bit RSA key pair on token '%s': label '%s', id %s\n"
		    "Add it with: key=pkcs11:module=%s,token=%s,id=%s\n",
		    static_cast<unsigned long>(bits), t.label().c_str(), label.c_str(), to_hex(id).c_str(),
		    library.c_str(), t.label().c_str(), to_hex(id).c_str());
	return ECRYPTFS_KEYMOD_OK;
}

std::string g_default_library;

const ecryptfs_keymod_param kParams[] = {
	{"module", "library", "PKCS#11 library", nullptr, ECRYPTFS_KEYMOD_PATH},
	{"token", nullptr, "Token label", nullptr, ECRYPTFS_KEYMOD_OPTIONAL},
	{"id", nullptr, "Key id (hex)", nullptr, ECRYPTFS_KEYMOD_OPTIONAL},
	{"label", nullptr, "Key label", nullptr, ECRYPTFS_KEYMOD_OPTIONAL},
	{"pin", nullptr, "PIN", nullptr, ECRYPTFS_KEYMOD_SECRET},
};

const ecryptfs_keymod_param kGenParams[] = {
	{"module", "library", "PKCS#11 library", nullptr, ECRYPTFS_KEYMOD_PATH},
	{"token", nullptr, "Token label", nullptr, ECRYPTFS_KEYMOD_OPTIONAL},
	{"label", nullptr, "Key label", "ecryptfs", ECRYPTFS_KEYMOD_OPTIONAL},
	{"id", nullptr, "Key id (hex)", nullptr, ECRYPTFS_KEYMOD_OPTIONAL},
	{"bits", nullptr, "Key size in bits", "2048", ECRYPTFS_KEYMOD_OPTIONAL},
	{"pin", nullptr, "PIN", nullptr, ECRYPTFS_KEYMOD_SECRET},
};

ecryptfs_keymod_param g_params[std::size(kParams)];
ecryptfs_keymod_param g_gen_params[std::size(kGenParams)];

ecryptfs_keymod_ops g_ops = {
	ECRYPTFS_KEYMOD_ABI_VERSION,
	"pkcs11",
	"PKCS#11 token (smart card, HSM, SoftHSM)",
	g_params,
	std::size(g_params),
	g_gen_params,
	std::size(g_gen_params),
	make_key,
	generate,
	encrypt,
	decrypt,
	max_key_bytes,
};

} // namespace

ECRYPTFS_KEYMOD_EXPORT const ecryptfs_keymod_ops *ecryptfs_keymod_get(void)
{
	static std::once_flag once;
	std::call_once(once, [] {
		/* The suggested library is the first one installed. */
		g_default_library = default_library();
		std::copy(std::begin(kParams), std::end(kParams), g_params);
		std::copy(std::begin(kGenParams), std::end(kGenParams), g_gen_params);
		g_params[0].default_val = g_default_library.c_str();
		g_gen_params[0].default_val = g_default_library.c_str();
	});
	return &g_ops;
}
