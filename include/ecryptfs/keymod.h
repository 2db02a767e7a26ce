/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The key-module plugin ABI.
 *
 * A key module is a shared object in the key-module directory (the build's
 * ECRYPTFS_KEYMOD_DIR, by default $libdir/ecryptfs; tests override it with the
 * environment variable of the same name, honoured only when the process is
 * not setuid).  It exports one C function, ecryptfs_keymod_get(), returning a
 * table that lives as long as the module is loaded.  The ABI is plain C so a
 * module can be built by any compiler; the tools that load modules
 * (mount.ecryptfs, ecryptfsd, ecryptfs-manager) are C++ and wrap the table.
 *
 * This is not the reference's struct ecryptfs_key_mod_ops (whose decision
 * graph and blob layouts keep secrets in the keyring payload); modules of the
 * reference are not loadable, and ours are skipped by the reference's loader
 * (no get_key_mod_ops symbol).
 *
 * Secrets.  A module's parameters may be marked ECRYPTFS_KEYMOD_SECRET (a key
 * file passphrase, a PIN).  Secret values never enter the blob, the keyring
 * payload, a kernel mount option or argv: make_key() receives them to check
 * them, and the daemon receives them separately (handed over by the tool that
 * added the key, or asked for through its prompt program) and passes them to
 * decrypt().
 */
#ifndef ECRYPTFS_KEYMOD_H
#define ECRYPTFS_KEYMOD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ECRYPTFS_KEYMOD_ABI_VERSION 1
#define ECRYPTFS_KEYMOD_ENTRY "ecryptfs_keymod_get"

/* Largest blob a module may produce (the private-key token's data area). */
#define ECRYPTFS_KEYMOD_MAX_BLOB 4096
/* Largest wrapped key (tag 1 packet body limit of the kernel). */
#define ECRYPTFS_KEYMOD_MAX_WRAPPED 512
/* Largest unwrapped payload (cipher code, key, checksum). */
#define ECRYPTFS_KEYMOD_MAX_PLAIN 67

/* Parameter flags. */
#define ECRYPTFS_KEYMOD_SECRET   0x1 /* never echoed, never stored in the blob */
#define ECRYPTFS_KEYMOD_OPTIONAL 0x2 /* may be absent (empty) */
#define ECRYPTFS_KEYMOD_VERIFY   0x4 /* ask twice when prompted (new secrets) */
#define ECRYPTFS_KEYMOD_PATH     0x8 /* a file name; ~/ is expanded by the tool */

struct ecryptfs_keymod_param {
	const char *name;        /* option name as written after key=alias: */
	const char *alias;       /* a second accepted name, or NULL */
	const char *prompt;      /* prompt text for interactive use */
	const char *default_val; /* suggested value, or NULL; may start with ~/ */
	uint32_t flags;
};

/* A parameter value handed to a module (name as in its param table). */
struct ecryptfs_keymod_value {
	const char *name;
	const char *value; /* NUL-terminated; for secrets the tool wipes it */
};

/* Return codes (negative errno values are also allowed). */
#define ECRYPTFS_KEYMOD_OK 0

struct ecryptfs_keymod_ops {
	uint32_t abi_version;    /* ECRYPTFS_KEYMOD_ABI_VERSION */
	const char *alias;       /* "openssl", "pkcs11", "tpm": key=<alias> */
	const char *description; /* one line for menus */

	const struct ecryptfs_keymod_param *params; /* for adding a key */
	size_t n_params;
	/* Parameters of key generation (ecryptfs-manager option 3); may be 0. */
	const struct ecryptfs_keymod_param *gen_params;
	size_t n_gen_params;

	/*
	 * Build the blob stored in the private-key token and compute the key's
	 * 16-hex-digit signature (sig[16] = 0).  Checks the secret values
	 * (opens the key with them) so a wrong passphrase or PIN is reported
	 * now, not at the first file open.  @blob has ECRYPTFS_KEYMOD_MAX_BLOB
	 * bytes; *blob_len receives the size used.  On failure writes a
	 * sentence for the user (what is wrong, what to do) into @err.
	 */
	int (*make_key)(const struct ecryptfs_keymod_value *vals, size_t n,
			uint8_t *blob, size_t *blob_len, char sig[17],
			char *err, size_t err_len);

	/* Generate a new key pair (NULL when the module cannot). */
	int (*generate)(const struct ecryptfs_keymod_value *vals, size_t n,
			char *err, size_t err_len);

	/*
	 * Wrap @in (the kernel's cipher code, key, checksum) with the public
	 * part; no secret needed.  *out_len: in = room, out = bytes written.
	 */
	int (*encrypt)(const uint8_t *blob, size_t blob_len,
		       const uint8_t *in, size_t in_len,
		       uint8_t *out, size_t *out_len, char *err, size_t err_len);

	/*
	 * Unwrap @in with the private part; @secret is the value of the
	 * module's SECRET parameter (NULL if it has none or none is known).
	 */
	int (*decrypt)(const uint8_t *blob, size_t blob_len, const char *secret,
		       const uint8_t *in, size_t in_len,
		       uint8_t *out, size_t *out_len, char *err, size_t err_len);

	/* Largest FEK in bytes this key can wrap (e.g. RSA size - 44 - 3). */
	size_t (*max_key_bytes)(const uint8_t *blob, size_t blob_len);
};

typedef const struct ecryptfs_keymod_ops *(*ecryptfs_keymod_get_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* ECRYPTFS_KEYMOD_H */
