// SPDX-License-Identifier: GPL-2.0-only
/*
 * Offline reading of eCryptfs lower files (see libecryptfs/lower_file.h).
 */
#include "libecryptfs/lower_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ecryptfs/fname.h"
#include "ecryptfs/header.h"

namespace ecryptfs {

namespace {

std::string num(std::uint64_t v)
{
	return std::to_string(v);
}

/* pread until @len bytes or end of file; -errno on error. */
long long pread_full(int fd, std::uint8_t *buf, std::size_t len, std::uint64_t off)
{
	std::size_t got = 0;
	while (got < len) {
		ssize_t n = ::pread(fd, buf + got, len - got, static_cast<off_t>(off + got));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += static_cast<std::size_t>(n);
	}
	return static_cast<long long>(got);
}

std::uint32_t be32(const std::uint8_t *p)
{
	return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) |
	       (std::uint32_t(p[2]) << 8) | p[3];
}

/*
 * Why ecryptfs_hdr_next_key() refused the packet at @pos: the shared parser
 * only says EINVAL/EIO/ENOSYS, the user wants to know which field.
 */
std::string describe_packet_error(const std::uint8_t *buf, std::size_t len, std::size_t pos, int rc)
{
	std::string where = " at header offset " + num(pos);
	std::uint8_t type = buf[pos];
	const char *name = type == ECRYPTFS_TAG_3_PACKET ? "tag 3 (passphrase key) packet"
			   : type == ECRYPTFS_TAG_1_PACKET ? "tag 1 (public key) packet"
							   : "tag 11 packet";
	if (type == ECRYPTFS_TAG_11_PACKET)
		return "a tag 11 packet without its tag 3 packet" + where;
	std::size_t body = 0, ls = 0;
	if (pos + 1 >= len)
		return std::string(name) + where + " is cut off by the end of the header";
	if (ecryptfs_parse_packet_length(buf + pos + 1, len - pos - 1, &body, &ls))
		return std::string(name) + where +
		       " has a malformed length field (partial or five-byte lengths do not exist in eCryptfs)";
	if (body > len - pos - 1 - ls)
		return std::string(name) + where + " claims " + num(body) + " bytes, only " +
		       num(len - pos - 1 - ls) + " follow in the header (a lying length)";
	const std::uint8_t *b = buf + pos + 1 + ls;
	if (type == ECRYPTFS_TAG_3_PACKET) {
		if (body < 13)
			return std::string(name) + where + " claims " + num(body) +
			       " bytes, less than its 13 fixed bytes (a lying length)";
		if (b[0] != 4)
			return std::string(name) + where + " has version " + num(b[0]) + " (only 4 exists)";
		if (!ecryptfs_cipher_name(b[1]))
			return std::string(name) + where + " names the unknown cipher code " + num(b[1]);
		if (b[2] != 3 || b[3] != 1)
			return std::string(name) + where + " has an unsupported S2K or hash id";
		std::size_t t11 = pos + 1 + ls + body;
		if (t11 >= len || buf[t11] != ECRYPTFS_TAG_11_PACKET)
			return std::string(name) + where + " is not followed by its tag 11 (key signature) packet";
		return "the tag 11 (key signature) packet at header offset " + num(t11) +
		       " is malformed (wrong length, format or name length)";
	}
	if (body < 10)
		return std::string(name) + where + " claims " + num(body) + " bytes, less than its 10 fixed bytes";
	if (b[0] != 3)
		return std::string(name) + where + " has version " + num(b[0]) + " (only 3 exists)";
	return std::string(name) + where + " is malformed (" + std::strerror(-rc) + ")";
}

void extent_iv(const SecretArray<16> &root, std::uint64_t n, std::uint8_t iv[16])
{
	std::uint8_t in[32];
	ecryptfs_extent_iv_input(root.data(), n, in);
	(void)md5({in, sizeof(in)}, iv);
}

} // namespace

/* ---- keys ---------------------------------------------------------- */

Result<std::pair<std::string, std::string>> OfflineKeys::add_passphrase(const Passphrase &passphrase,
									const Salt &salt)
{
	auto file = derive_key(passphrase.view(), salt);
	if (!file)
		return file.error();
	auto fnek = derive_key(passphrase.view(), kFnekSalt);
	if (!fnek)
		return fnek.error();
	keys_[file.value().sig] = file.value().kek;
	keys_[fnek.value().sig] = fnek.value().kek;
	return std::make_pair(file.value().sig, fnek.value().sig);
}

void OfflineKeys::add(const std::string &sig, const Kek &kek)
{
	keys_[sig] = kek;
}

const Kek *OfflineKeys::find(const std::string &sig)
{
	auto it = keys_.find(sig);
	if (it != keys_.end())
		return &it->second;
	if (!keyring_ || keyring_misses_.count(sig))
		return nullptr;
	auto k = kek_from_user_keyring(sig);
	if (!k) {
		std::string why = k.error().reason;
		if (k.error().code == -EACCES)
			why += " (the key is there but not possessed: link the user keyring into the session "
			       "keyring, e.g. keyctl link @u @s)";
		keyring_misses_[sig] = why;
		return nullptr;
	}
	return &(keys_[sig] = k.value());
}

std::string OfflineKeys::keyring_error(const std::string &sig) const
{
	auto it = keyring_misses_.find(sig);
	return it == keyring_misses_.end() ? std::string() : it->second;
}

std::vector<std::string> OfflineKeys::known() const
{
	std::vector<std::string> out;
	for (const auto &kv : keys_)
		out.push_back(kv.first);
	return out;
}

/* ---- header -------------------------------------------------------- */

Status LowerFile::parse(std::span<const std::uint8_t> buf, bool from_xattr)
{
	const char *src = from_xattr ? "the user.ecryptfs xattr" : "the header";
	const std::size_t len = buf.size();
	if (len < ECRYPTFS_MIN_PROBE_BYTES || !ecryptfs_hdr_marker_valid(buf.data(), len)) {
		if (!from_xattr && len == kExtentSize &&
		    std::all_of(buf.begin(), buf.end(), [](std::uint8_t b) { return b == 0; }))
			return Error{-ENODATA, "the header is all zeros (zeroed blocks: the file key is lost)"};
		if (len >= ECRYPTFS_MIN_PROBE_BYTES || (!from_xattr && lower_size_ >= ECRYPTFS_MIN_PROBE_BYTES))
			return Error{-ENODATA, std::string("no eCryptfs marker in ") + src +
						       " (not an eCryptfs file)"};
		return Error{-ENODATA, std::string(src) + " is " + num(len) +
					       " bytes, too short for an eCryptfs marker (not an eCryptfs file)"};
	}
	if (len < 20)
		return Error{-EIO, std::string("truncated header: ") + src + " ends after " + num(len) +
					   " bytes, before its flags word"};
	unsigned version = buf[16];
	if (version > ECRYPTFS_FILE_VERSION)
		return Error{-EINVAL, "file format version " + num(version) + " in " + src +
					      " (versions 0 to 3 exist)"};
	if (version > 0 && len < ECRYPTFS_FIXED_HEADER_BYTES)
		return Error{-EIO, std::string("truncated header: ") + src + " ends after " + num(len) +
					   " bytes, inside its fixed 26-byte part"};
	ecryptfs_hdr hdr{};
	if (ecryptfs_hdr_parse(buf.data(), len, from_xattr, &hdr)) {
		std::uint64_t total = std::uint64_t(be32(buf.data() + 20)) * ((buf[24] << 8) | buf[25]);
		if (total > ECRYPTFS_MAX_HEADER_SIZE)
			return Error{-EINVAL, "header size field says " + num(total) + " bytes (" +
						      num(be32(buf.data() + 20)) + " x " +
						      num((buf[24] << 8) | buf[25]) + "), more than 1 MiB"};
		return Error{-EINVAL, "header size field says " + num(total) + " bytes (" +
					      num(be32(buf.data() + 20)) + " x " +
					      num((buf[24] << 8) | buf[25]) +
					      "), below the 8192-byte minimum"};
	}
	if (!from_xattr && lower_size_ < hdr.metadata_size)
		return Error{-EIO, "truncated header: the lower file is " + num(lower_size_) +
					   " bytes, its header region alone is " + num(hdr.metadata_size)};
	/* The kernel parses packets in the first 4096 bytes only. */
	std::size_t plen = std::min<std::size_t>(len, kExtentSize);
	std::size_t pos = hdr.packets_offset;
	std::vector<HeaderKey> keys;
	std::vector<std::vector<std::uint8_t>> efeks;
	for (;;) {
		ecryptfs_hdr_key key{};
		std::size_t at = pos;
		int rc = ecryptfs_hdr_next_key(buf.data(), plen, &pos, &key);
		if (rc == 0)
			break;
		if (rc < 0)
			return Error{rc == -ENOSYS ? -EINVAL : rc,
				     describe_packet_error(buf.data(), plen, at, rc) + " in " + src};
		HeaderKey hk;
		hk.tag = key.tag == ECRYPTFS_TAG_1_PACKET ? 1 : 3;
		char hex[ECRYPTFS_SIG_HEX_BYTES + 1];
		ecryptfs_sig_to_hex(key.sig, hex);
		hk.sig = hex;
		if (hk.tag == 3) {
			const char *c = ecryptfs_cipher_name(key.cipher_code);
			hk.cipher = c ? c : "?";
			hk.key_bytes = key.key_bytes;
		}
		keys.push_back(std::move(hk));
		efeks.emplace_back(key.efek, key.efek + key.efek_len);
	}
	if (keys.empty())
		return Error{-EINVAL, std::string(src) +
					      " holds no key packet (the kernel calls this a non-encrypted eCryptfs file)"};
	size_ = hdr.size;
	version_ = hdr.version;
	flags_ = hdr.flags;
	in_xattr_ = from_xattr;
	data_offset_ = from_xattr ? 0 : hdr.metadata_size;
	keys_ = std::move(keys);
	efeks_ = std::move(efeks);
	return Ok{};
}

Result<LowerFile> LowerFile::open(Fd fd)
{
	LowerFile f;
	struct stat st;
	if (::fstat(fd.get(), &st))
		return Error{-errno, std::string("cannot stat the lower file: ") + std::strerror(errno)};
	if (!S_ISREG(st.st_mode))
		return Error{-EINVAL, "not a regular file"};
	f.lower_size_ = static_cast<std::uint64_t>(st.st_size);
	f.fd_ = std::move(fd);

	std::vector<std::uint8_t> buf(kExtentSize);
	long long n = pread_full(f.fd_.get(), buf.data(), buf.size(), 0);
	if (n < 0)
		return Error{static_cast<int>(n), std::string("cannot read the lower file: ") +
							   std::strerror(static_cast<int>(-n))};
	buf.resize(static_cast<std::size_t>(n));
	auto in_file = f.parse(buf, false);
	if (in_file)
		return f;
	/* As the kernel: a file whose own header fails is tried through the xattr. */
	std::vector<std::uint8_t> x(kExtentSize);
	ssize_t xn = ::fgetxattr(f.fd_.get(), kHeaderXattr, x.data(), x.size());
	if (xn < 0) {
		if (errno == ENODATA || errno == ENOTSUP)
			return in_file.error();
		return Error{-errno, in_file.error().reason + "; reading the user.ecryptfs xattr failed: " +
					     std::strerror(errno)};
	}
	x.resize(static_cast<std::size_t>(xn));
	auto in_xattr = f.parse(x, true);
	if (!in_xattr) {
		Error e = in_xattr.error();
		if (e.code == -ENODATA && in_file.error().code != -ENODATA)
			e = in_file.error();
		return e;
	}
	return f;
}

Result<LowerFile> LowerFile::open_at(int dirfd, const std::string &name)
{
	int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return Error{-errno, std::string("cannot open: ") + std::strerror(errno)};
	return open(Fd(fd));
}

std::uint64_t LowerFile::extents_needed() const noexcept
{
	return size_ / kExtentSize + (size_ % kExtentSize != 0);
}

std::uint64_t LowerFile::extents_present() const noexcept
{
	return lower_size_ > data_offset_ ? (lower_size_ - data_offset_) / kExtentSize : 0;
}

std::uint64_t LowerFile::partial_extent_bytes() const noexcept
{
	return lower_size_ > data_offset_ ? (lower_size_ - data_offset_) % kExtentSize : 0;
}

/* ---- keys and data ------------------------------------------------- */

Status LowerFile::unlock(OfflineKeys &keys)
{
	std::string needed;
	Error other{0, {}};
	for (std::size_t i = 0; i < keys_.size(); i++) {
		const HeaderKey &hk = keys_[i];
		if (!needed.empty())
			needed += ", ";
		needed += hk.sig;
		if (hk.tag == 1) {
			other = {-EOPNOTSUPP, "the file key is wrapped by the public key " + hk.sig +
						      " (only ecryptfsd can unwrap it; offline tools read passphrase keys only)"};
			continue;
		}
		const Kek *kek = keys.find(hk.sig);
		if (!kek)
			continue;
		if (hk.key_bytes == 0 || hk.key_bytes > ECRYPTFS_MAX_KEY_BYTES) {
			other = {-EINVAL, "the tag 3 packet of " + hk.sig + " holds a " +
						  num(efeks_[i].size()) + "-byte file key (at most 64 exist)"};
			continue;
		}
		if (!cipher_available(hk.cipher)) {
			other = {-EOPNOTSUPP, "the file cipher " + hk.cipher +
						      " has no implementation here (OpenSSL lacks twofish and cast6)"};
			continue;
		}
		auto ecb = BlockCipher::create(hk.cipher, BlockCipher::Mode::ecb,
					       kek->span().first(hk.key_bytes));
		if (!ecb) {
			other = ecb.error();
			continue;
		}
		const auto &efek = efeks_[i];
		if (efek.size() % ecb.value().block_size() != 0 || efek.size() < hk.key_bytes) {
			other = {-EINVAL, "the encrypted file key of " + hk.sig + " is " + num(efek.size()) +
						  " bytes, not whole " + hk.cipher + " blocks holding a " +
						  num(hk.key_bytes) + "-byte key"};
			continue;
		}
		SecureBytes fek(efek.size());
		auto dec = ecb.value().crypt(false, {}, efek, fek.data());
		if (!dec) {
			other = dec.error();
			continue;
		}
		fek.resize(hk.key_bytes);
		auto cbc = BlockCipher::create(hk.cipher, BlockCipher::Mode::cbc, fek);
		if (!cbc) {
			other = cbc.error();
			continue;
		}
		std::uint8_t digest[16];
		auto h = md5(fek, digest);
		if (!h)
			return h.error();
		std::memcpy(root_iv_.data(), digest, 16);
		OPENSSL_cleanse(digest, sizeof(digest));
		cipher_.emplace(std::move(cbc.value()));
		sig_ = hk.sig;
		cipher_name_ = hk.cipher;
		key_bytes_ = hk.key_bytes;
		return Ok{};
	}
	if (other.code)
		return other;
	std::string have;
	for (const auto &s : keys.known())
		have += (have.empty() ? "" : ", ") + s;
	return Error{-ENOKEY, "needs the key " + needed + "; " +
				      (have.empty() ? std::string("no passphrase key was given")
						    : "the keys given are " + have) +
				      (keys.uses_keyring() ? "; the user keyring: " + keys.keyring_error(keys_.front().sig)
							    : std::string())};
}

Status LowerFile::read_extent(std::uint64_t n, std::uint8_t *out)
{
	return read_extents(n, 1, out);
}

Status LowerFile::read_extents(std::uint64_t first, std::size_t count, std::uint8_t *out)
{
	if (!cipher_)
		return Error{-ENOKEY, "the file is not unlocked"};
	if (first > (UINT64_MAX - data_offset_) / kExtentSize - count) {
		std::memset(out, 0, count * kExtentSize);
		return Error{-EFBIG, "data extent " + num(first) + " lies beyond any possible file"};
	}
	/* One read for the run, then each extent on its own. */
	long long got = pread_full(fd_.get(), out, count * kExtentSize, data_offset_ + first * kExtentSize);
	if (got < 0) {
		std::memset(out, 0, count * kExtentSize);
		return Error{static_cast<int>(got), "reading data extent " + num(first) + " failed: " +
							     std::strerror(static_cast<int>(-got))};
	}
	for (std::size_t i = 0; i < count; i++) {
		auto r = decrypt_extent(first + i, out + i * kExtentSize,
					std::min<long long>(std::max<long long>(got - static_cast<long long>(i * kExtentSize), 0),
							    kExtentSize));
		if (!r) {
			std::memset(out + i * kExtentSize, 0, (count - i) * kExtentSize);
			return r;
		}
	}
	return Ok{};
}

Status LowerFile::decrypt_extent(std::uint64_t n, std::uint8_t *out, long long got)
{
	if (got < static_cast<long long>(kExtentSize)) {
		std::memset(out, 0, kExtentSize);
		if (got == 0)
			return Error{-EIO, "data extent " + num(n) + " is missing: the lower file ends at " +
						   num(lower_size_) + " bytes"};
		return Error{-EIO, "the lower file ends inside data extent " + num(n) + " (" + num(got) +
					   " of 4096 bytes)"};
	}
	if (std::all_of(out, out + kExtentSize, [](std::uint8_t b) { return b == 0; }))
		return Error{-EIO, "data extent " + num(n) +
					   " is all zeros in the lower file (zeroed blocks or a hole): its plaintext is lost"};
	std::uint8_t iv[16];
	extent_iv(root_iv_, n, iv);
	return cipher_->crypt(false, {iv, sizeof(iv)}, {out, kExtentSize}, out);
}

Result<std::size_t> LowerFile::read(std::uint64_t off, std::span<std::uint8_t> out)
{
	if (off >= size_ || out.empty())
		return std::size_t{0};
	std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), size_ - off));
	std::size_t done = 0;
	std::uint8_t tmp[kExtentSize];
	while (done < len) {
		std::uint64_t pos = off + done;
		std::uint64_t n = pos / kExtentSize;
		std::size_t in = static_cast<std::size_t>(pos % kExtentSize);
		std::size_t take = std::min(kExtentSize - in, len - done);
		if (in == 0 && take == kExtentSize) {
			std::size_t run = (len - done) / kExtentSize;
			auto r = read_extents(n, run, out.data() + done);
			if (!r)
				return r.error();
			take = run * kExtentSize;
		} else {
			auto r = read_extent(n, tmp);
			if (!r)
				return r.error();
			std::memcpy(out.data() + done, tmp + in, take);
		}
		done += take;
	}
	return done;
}

std::optional<bool> LowerFile::padding_is_zero()
{
	std::size_t tail = static_cast<std::size_t>(size_ % kExtentSize);
	std::uint64_t last = size_ / kExtentSize;
	if (tail == 0 || last >= extents_present() || !cipher_)
		return std::nullopt;
	std::uint8_t buf[kExtentSize];
	if (!read_extent(last, buf))
		return std::nullopt;
	return std::all_of(buf + tail, buf + kExtentSize, [](std::uint8_t b) { return b == 0; });
}

/* ---- names --------------------------------------------------------- */

namespace {

struct Tag70 {
	ecryptfs_tag70 pkt{};
	std::vector<std::uint8_t> buf;
};

Result<Tag70> decode_tag70(std::string_view lower)
{
	Tag70 t;
	t.buf.resize(ecryptfs_fname_max_decoded_len(lower.size() - ECRYPTFS_FNEK_PREFIX_LEN));
	if (ecryptfs_fname_decode_lower(lower.data(), lower.size(), t.buf.data(), t.buf.size(), &t.pkt))
		return Error{-EINVAL, "malformed encrypted name (its tag 70 packet does not parse)"};
	return t;
}

/* Key sizes a filename key of @cipher may have, the likeliest first. */
std::vector<std::size_t> fn_key_sizes(std::uint8_t code)
{
	switch (code) {
	case ECRYPTFS_CIPHER_AES_128: return {16};
	case ECRYPTFS_CIPHER_AES_192: return {24};
	case ECRYPTFS_CIPHER_AES_256: return {32};
	case ECRYPTFS_CIPHER_DES3_EDE: return {24};
	case ECRYPTFS_CIPHER_BLOWFISH: return {16, 32, 56, 8, 24, 40, 48};
	case ECRYPTFS_CIPHER_CAST5: return {16, 8, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15};
	default: return {16, 32, 24, 20, 28};
	}
}

} // namespace

std::optional<std::string> NameDecoder::sig_of(std::string_view lower_name)
{
	if (!ecryptfs_fname_is_encrypted(lower_name.data(), lower_name.size()))
		return std::nullopt;
	auto t = decode_tag70(lower_name);
	if (!t)
		return std::string();
	return to_hex({t.value().pkt.sig, kSigSize});
}

Result<std::string> NameDecoder::decode(std::string_view lower_name, bool link_target)
{
	auto r = decrypt(lower_name);
	if (r && !link_target &&
	    (r.value() == "." || r.value() == ".." || r.value().find('/') != std::string::npos))
		return Error{-EINVAL, "the name decrypts to \"" + r.value() +
					      "\", which is not a file name (a crafted or damaged name): refused"};
	return r;
}

Result<std::string> NameDecoder::decrypt(std::string_view lower_name)
{
	if (!ecryptfs_fname_is_encrypted(lower_name.data(), lower_name.size()))
		return std::string(lower_name);
	auto t = decode_tag70(lower_name);
	if (!t)
		return t.error();
	const ecryptfs_tag70 &pkt = t.value().pkt;
	std::string sig = to_hex({pkt.sig, kSigSize});
	auto key = std::make_pair(sig, pkt.cipher_code);
	auto it = ciphers_.find(key);
	if (it != ciphers_.end()) {
		auto r = it->second.decrypt(lower_name);
		if (r)
			return r;
	}
	const Kek *kek = keys_->find(sig);
	if (!kek)
		return Error{-ENOKEY, "the name is encrypted with the filename key " + sig +
					      ", which was not given"};
	const char *cipher = ecryptfs_cipher_name(pkt.cipher_code);
	if (!cipher)
		return Error{-EINVAL, "the encrypted name names an unknown cipher"};
	Error last{-EINVAL, "the name does not decrypt with the filename key " + sig + " (damaged name)"};
	for (std::size_t kb : fn_key_sizes(pkt.cipher_code)) {
		auto fc = FilenameCipher::create(cipher, kb, *kek, sig);
		if (!fc) {
			if (fc.error().code == -EOPNOTSUPP)
				return fc.error();
			continue;
		}
		auto plain = fc.value().decrypt(lower_name);
		if (!plain)
			continue;
		/* Encryption is deterministic: the right key size gives the name back. */
		auto again = fc.value().encrypt(plain.value());
		if (!again || again.value() != lower_name)
			continue;
		ciphers_.insert_or_assign(key, std::move(fc.value()));
		return plain;
	}
	return last;
}

/* ---- writer -------------------------------------------------------- */

Result<LowerImage> build_lower_file(std::span<const std::uint8_t> plain, const NewLowerFile &how)
{
	std::uint8_t code = ecryptfs_cipher_code(how.cipher.c_str(), how.key_bytes);
	if (!code || !how.kek || how.key_bytes == 0 || how.key_bytes > ECRYPTFS_MAX_KEY_BYTES)
		return Error{-EINVAL, "unsupported cipher " + how.cipher + " with a " + num(how.key_bytes) +
					      "-byte key"};
	std::uint8_t sig[ECRYPTFS_SIG_BYTES];
	if (how.sig.size() != kSigSizeHex || ecryptfs_sig_from_hex(how.sig.c_str(), sig))
		return Error{-EINVAL, "the key signature must be 16 hex digits"};
	SecureBytes fek(how.key_bytes);
	auto rnd = random_bytes(fek);
	if (!rnd)
		return rnd.error();
	auto ecb = BlockCipher::create(how.cipher, BlockCipher::Mode::ecb, how.kek->span().first(how.key_bytes));
	if (!ecb)
		return ecb.error();
	/* AES-192: the FEK is zero-extended to 32 bytes before wrapping. */
	std::size_t bs = ecb.value().block_size();
	std::size_t wrapped_len = (how.key_bytes + bs - 1) / bs * bs;
	SecureBytes padded(wrapped_len);
	std::copy(fek.begin(), fek.end(), padded.begin());
	std::vector<std::uint8_t> efek(wrapped_len);
	auto w = ecb.value().crypt(true, {}, padded, efek.data());
	if (!w)
		return w.error();

	std::vector<std::uint8_t> hdr(ECRYPTFS_MIN_HEADER_SIZE);
	std::uint32_t marker = 0;
	auto mr = random_bytes({reinterpret_cast<std::uint8_t *>(&marker), sizeof(marker)});
	if (!mr)
		return mr.error();
	std::uint32_t flags = ECRYPTFS_HDR_FLAG_ENCRYPTED;
	if (how.header_in_xattr)
		flags |= ECRYPTFS_HDR_FLAG_METADATA_IN_XATTR;
	if (how.encrypted_names)
		flags |= ECRYPTFS_HDR_FLAG_ENCRYPT_FILENAMES;
	std::size_t pos = ecryptfs_hdr_write_fixed(hdr.data(), plain.size(), marker, flags,
						   ECRYPTFS_MIN_HEADER_SIZE);
	if (ecryptfs_hdr_write_tag3(hdr.data(), hdr.size(), &pos, code, kDefaultSalt.data(), efek.data(),
				    efek.size(), sig))
		return Error{-EINVAL, "cannot build the tag 3 packet"};
	LowerImage img;
	if (how.header_in_xattr)
		img.xattr.assign(hdr.begin(), hdr.begin() + static_cast<long>(pos));
	else if (ecryptfs_hdr_write_end(hdr.data(), hdr.size(), &pos))
		return Error{-EIO, "no room for the packet terminator"};
	else
		img.data = std::move(hdr);

	auto cbc = BlockCipher::create(how.cipher, BlockCipher::Mode::cbc, fek);
	if (!cbc)
		return cbc.error();
	SecretArray<16> root;
	std::uint8_t digest[16];
	auto h = md5(fek, digest);
	if (!h)
		return h.error();
	std::memcpy(root.data(), digest, 16);
	std::size_t base = img.data.size();
	std::size_t extents = plain.size() / kExtentSize + (plain.size() % kExtentSize != 0);
	img.data.resize(base + extents * kExtentSize);
	for (std::size_t n = 0; n < extents; n++) {
		std::uint8_t *dst = img.data.data() + base + n * kExtentSize;
		std::size_t take = std::min(kExtentSize, plain.size() - n * kExtentSize);
		std::memcpy(dst, plain.data() + n * kExtentSize, take);
		std::uint8_t iv[16];
		extent_iv(root, n, iv);
		auto e = cbc.value().crypt(true, {iv, sizeof(iv)}, {dst, kExtentSize}, dst);
		if (!e)
			return e.error();
	}
	return img;
}

} // namespace ecryptfs
