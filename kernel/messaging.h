/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * eCryptfs public-key mode: the /dev/ecryptfs daemon interface
 * (messaging.c, miscdev.c) and what keystore.c needs from keyring.c for
 * private-key auth tokens (spec kernel.md §4.1, §6.1).
 */
#ifndef ECRYPTFS_MESSAGING_H
#define ECRYPTFS_MESSAGING_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/wait.h>
#include <linux/mutex.h>
#include <linux/uidgid.h>

#include "ecryptfs/header.h"

struct ecryptfs_mount_crypt_stat;

/**
 * struct ecryptfs_daemon - one open /dev/ecryptfs, bound to an euid
 * @euid: effective uid of the process that opened the device
 * @euid_chain: entry in the daemon hash
 * @out_queue: requests not yet read, oldest first
 * @wait: readers and pollers wait here for @out_queue
 * @read_mutex: one reader at a time
 *
 * Lives exactly as long as the open file; everything but @wait and
 * @read_mutex is protected by the messaging mutex.
 */
struct ecryptfs_daemon {
	kuid_t euid;
	struct hlist_node euid_chain;
	struct list_head out_queue;
	wait_queue_head_t wait;
	struct mutex read_mutex;
};

/* messaging.c */
int ecryptfs_init_messaging(void);
void ecryptfs_destroy_messaging(void);
int ecryptfs_daemon_register(struct ecryptfs_daemon **out);
void ecryptfs_daemon_unregister(struct ecryptfs_daemon *daemon);
bool ecryptfs_daemon_has_queued(struct ecryptfs_daemon *daemon);
ssize_t ecryptfs_daemon_read(struct ecryptfs_daemon *daemon, char __user *buf,
			     size_t count);
int ecryptfs_daemon_response(struct ecryptfs_daemon *daemon, u32 counter,
			     u32 index, const u8 *data, size_t data_len);
int ecryptfs_send_and_wait(const u8 *data, size_t data_len, u8 **resp,
			   size_t *resp_len);

/* miscdev.c */
int ecryptfs_init_miscdev(void);
void ecryptfs_destroy_miscdev(void);

/* Private-key token fields (token union at 628, spec §4.1). */
#define ECRYPTFS_TOK_PKI_SIG_OFF 636
#define ECRYPTFS_TOK_PKI_SIG_BYTES 17

/**
 * struct ecryptfs_tok_info - what the kernel uses of an auth token
 * @type: ECRYPTFS_TOK_TYPE_PASSWORD or ECRYPTFS_TOK_TYPE_PRIVATE
 * @kek: password tokens: the session key encryption key
 * @salt: password tokens: the salt
 * @pki_sig: private-key tokens: the token's signature (16 hex + NUL)
 */
struct ecryptfs_tok_info {
	u16 type;
	u8 kek[64];
	u8 salt[ECRYPTFS_SALT_BYTES];
	char pki_sig[ECRYPTFS_TOK_PKI_SIG_BYTES];
};

/* keyring.c */
int ecryptfs_get_auth_tok(struct ecryptfs_mount_crypt_stat *mcs,
			  const char *sig, struct ecryptfs_tok_info *info);

#endif /* ECRYPTFS_MESSAGING_H */
