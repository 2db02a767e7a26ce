// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading eCryptfs lower files without the kernel module: the header (in
 * the file or in the user.ecryptfs xattr) parsed by the shared format code
 * of include/ecryptfs/header.h, the file key (FEK) unwrapped with a
 * passphrase key found by its signature, the extents decrypted with the
 * file cipher in CBC mode (spec kernel.md §2), and lower names decoded
 * (§3).  Used by ecryptfs-fuse, ecryptfs-extract and ecryptfs-fsck; the
 * writer (build_lower_file) makes the files of the module-free tests.
 *
 * Nothing here checks integrity (eCryptfs has no MAC), but what can be
 * checked is: lengths of every header field against what the file holds,
 * the size field against the lower size, all-zero extents (eCryptfs never
 * leaves holes), and the padding after the end of the data in the last
 * extent, which must decrypt to zeros (a wrong or damaged file key does
 * not).
 */
#ifndef LIBECRYPTFS_LOWER_FILE_H
#define LIBECRYPTFS_LOWER_FILE_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libecryptfs/cipher.h"
#include "libecryptfs/crypto.h"
#include "libecryptfs/fd.h"
#include "libecryptfs/fname.h"
#include "libecryptfs/result.h"
#include "libecryptfs/secure.h"

namespace ecryptfs {

inline constexpr std::size_t kExtentSize = 4096;
inline constexpr const char *kHeaderXattr = "user.ecryptfs";

/*
 * The passphrase keys available offline, by signature: derived from
 * passphrases given by the user, and (when enabled) taken from the user
 * keyring as ecryptfs-add-passphrase or a PAM login left them.
 */
class OfflineKeys {
public:
	/*
	 * Add the file key (with @salt: the default one or ~/.ecryptfsrc's)
	 * and the filename key (the FNEK salt) of @passphrase, as
	 * ecryptfs-add-passphrase --fnek does.  Returns the two signatures.
	 */
	Result<std::pair<std::string, std::string>> add_passphrase(const Passphrase &passphrase,
								   const Salt &salt = kDefaultSalt);
	void add(const std::string &sig, const Kek &kek);
	/* Look signatures up in the user keyring when they are not known. */
	void use_keyring(bool on) noexcept { keyring_ = on; }
	bool uses_keyring() const noexcept { return keyring_; }
	/* The key of @sig, or nullptr. */
	const Kek *find(const std::string &sig);
	/* Why the keyring did not give @sig ("" when it was not asked). */
	std::string keyring_error(const std::string &sig) const;
	/* The signatures added so far (not those the keyring could give). */
	std::vector<std::string> known() const;
	bool empty() const noexcept { return keys_.empty() && !keyring_; }

private:
	std::map<std::string, Kek> keys_;
	std::map<std::string, std::string> keyring_misses_;
	bool keyring_ = false;
};

/* A key packet of a header: who can open the file. */
struct HeaderKey {
	std::uint8_t tag = 0;        /* 3 (passphrase) or 1 (public key) */
	std::string sig;             /* 16 hex digits */
	std::string cipher;          /* kernel cipher name (tag 3) */
	std::size_t key_bytes = 0;   /* FEK size (tag 3) */
};

/*
 * An open lower file.  open() reads and checks the header; unlock() finds
 * a key and sets the file up for decryption.
 */
class LowerFile {
public:
	/*
	 * Parse the header of @fd (a regular lower file opened for reading).
	 * Errors: -ENODATA when neither the file nor the xattr starts with
	 * an eCryptfs marker (a plain file), -EIO or -EINVAL for a damaged
	 * header, the reason saying what is wrong and where.
	 */
	static Result<LowerFile> open(Fd fd);
	/* The same for @name in the directory @dirfd (never following symlinks). */
	static Result<LowerFile> open_at(int dirfd, const std::string &name);

	std::uint64_t size() const noexcept { return size_; }          /* the size field */
	std::uint64_t lower_size() const noexcept { return lower_size_; }
	std::uint64_t data_offset() const noexcept { return data_offset_; } /* 0 with xattr */
	bool header_in_xattr() const noexcept { return in_xattr_; }
	unsigned version() const noexcept { return version_; }
	std::uint32_t flags() const noexcept { return flags_; }
	const std::vector<HeaderKey> &keys() const noexcept { return keys_; }
	int fd() const noexcept { return fd_.get(); }

	/* Extents the size field needs, and whole extents the lower file holds. */
	std::uint64_t extents_needed() const noexcept;
	std::uint64_t extents_present() const noexcept;
	/* Bytes of a cut-off last extent in the lower file (0 when none). */
	std::uint64_t partial_extent_bytes() const noexcept;

	/*
	 * Find the key of one of the header's packets (in header order, as
	 * the kernel) and unwrap the file key.  -ENOKEY names the signatures
	 * needed; -EOPNOTSUPP for public-key packets or a cipher OpenSSL lacks.
	 */
	Status unlock(OfflineKeys &keys);
	bool unlocked() const noexcept { return cipher_.has_value(); }
	const std::string &unlocked_sig() const noexcept { return sig_; }
	const std::string &cipher_name() const noexcept { return cipher_name_; }
	std::size_t key_bytes() const noexcept { return key_bytes_; }

	/*
	 * Decrypt data extent @n into @out (4096 bytes).  -EIO when the lower
	 * file does not hold the whole extent or the extent is all zeros on
	 * disk (then @out is zero-filled), with the reason.
	 */
	Status read_extent(std::uint64_t n, std::uint8_t *out);
	/* read_extent() of @count extents from @first with one read of the
	 * lower file; the first failure zero-fills the rest and is returned. */
	Status read_extents(std::uint64_t first, std::size_t count, std::uint8_t *out);

	/*
	 * Plaintext bytes at @off, at most @out.size(), up to the size field.
	 * Fails like read_extent() on the first extent that cannot be read.
	 */
	Result<std::size_t> read(std::uint64_t off, std::span<std::uint8_t> out);

	/*
	 * The padding after the end of the data in the last extent decrypts
	 * to zeros (nullopt when there is no padding to check: the size is a
	 * multiple of 4096 or the extent is not there).  False means a wrong
	 * file key, a damaged key packet or a damaged last extent.
	 */
	std::optional<bool> padding_is_zero();

	LowerFile(LowerFile &&) noexcept = default;
	LowerFile &operator=(LowerFile &&) noexcept = default;

private:
	LowerFile() = default;
	Status parse(std::span<const std::uint8_t> buf, bool from_xattr);
	/* Extent @n of which @got bytes were read into @out: checked, decrypted. */
	Status decrypt_extent(std::uint64_t n, std::uint8_t *out, long long got);

	Fd fd_;
	std::uint64_t size_ = 0;
	std::uint64_t lower_size_ = 0;
	std::uint64_t data_offset_ = 0;
	bool in_xattr_ = false;
	unsigned version_ = 0;
	std::uint32_t flags_ = 0;
	std::vector<HeaderKey> keys_;
	std::vector<std::vector<std::uint8_t>> efeks_;
	std::optional<BlockCipher> cipher_;
	SecretArray<16> root_iv_;
	std::string sig_;
	std::string cipher_name_;
	std::size_t key_bytes_ = 0;
};

/*
 * Lower directory entry names to plaintext names.  Names without the
 * ECRYPTFS_FNEK_ENCRYPTED. prefix are shown as they are (as the kernel
 * does); encrypted names are decrypted with the filename key whose
 * signature the name carries.  The filename key size is not stored in the
 * name (it is a mount option): the one that re-encrypts the decrypted name
 * to exactly the lower name is used.
 */
class NameDecoder {
public:
	explicit NameDecoder(OfflineKeys &keys) : keys_(&keys) {}
	/*
	 * -EINVAL for a malformed encrypted name, -ENOKEY when its key is not
	 * available (the reason names the signature).  A directory entry
	 * (@link_target false) that decrypts to something that is not a file
	 * name ("", ".", "..", anything with a '/') is refused with -EINVAL:
	 * a crafted lower tree must not steer a copy outside its destination.
	 */
	Result<std::string> decode(std::string_view lower_name, bool link_target = false);
	/* The filename key signature a lower name needs (nullopt: plain name). */
	static std::optional<std::string> sig_of(std::string_view lower_name);

private:
	Result<std::string> decrypt(std::string_view lower_name);

	OfflineKeys *keys_;
	/* sig + cipher code -> the cipher that worked */
	std::map<std::pair<std::string, std::uint8_t>, FilenameCipher> ciphers_;
};

/* What build_lower_file() makes. */
struct NewLowerFile {
	std::string cipher = "aes";
	std::size_t key_bytes = 16;
	std::string sig;           /* of @kek */
	const Kek *kek = nullptr;
	bool header_in_xattr = false;
	bool encrypted_names = false; /* sets the ENCRYPT_FILENAMES header flag */
};
struct LowerImage {
	std::vector<std::uint8_t> data;   /* the lower file's bytes */
	std::vector<std::uint8_t> xattr;  /* user.ecryptfs, with header_in_xattr */
};

/*
 * The lower file the kernel writes for @plain (a random FEK, version 3, one
 * tag 3 packet, the 8192-byte header region unless in the xattr).
 */
Result<LowerImage> build_lower_file(std::span<const std::uint8_t> plain, const NewLowerFile &how);

} // namespace ecryptfs

#endif
