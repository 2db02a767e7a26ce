// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs: requests to the userspace daemon (ecryptfsd) and their replies
 * (spec kernel.md §6.1, §7.1).
 *
 * One mutex protects the daemon hash, the fixed pool of message contexts
 * and every daemon's queue.  A context goes FREE -> QUEUED (on the daemon's
 * out queue) -> SENT (read by the daemon) -> DONE (reply stored) or FAILED
 * (daemon closed), and back to FREE only by the requester, which alone
 * frees the request and reply buffers.  A reply is accepted only for a SENT
 * context of the same daemon with the same counter, so late, duplicate,
 * unsolicited and cross-user replies are refused with EINVAL.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/hash.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

#include "ecryptfs/msg.h"
#include "messaging.h"

/* Spec §7.1: same names, types and defaults as the reference; load time only. */
static unsigned int ecryptfs_message_buf_len = 32;
module_param(ecryptfs_message_buf_len, uint, 0);
MODULE_PARM_DESC(ecryptfs_message_buf_len, "Number of message buffer elements");

static long ecryptfs_message_wait_timeout = 3;
module_param(ecryptfs_message_wait_timeout, long, 0);
MODULE_PARM_DESC(ecryptfs_message_wait_timeout,
		 "Maximum number of seconds that an operation will sleep while waiting for a message response from userspace");

static unsigned int ecryptfs_number_of_users = 4;
module_param(ecryptfs_number_of_users, uint, 0);
MODULE_PARM_DESC(ecryptfs_number_of_users,
		 "An estimate of the number of concurrent users of eCryptfs");

#define ECRYPTFS_MAX_NUM_USERS 32768
#define ECRYPTFS_MAX_MSG_CTX 65536
/* A day: keeps seconds * HZ far from overflow. */
#define ECRYPTFS_MAX_WAIT_SECONDS 86400

enum ecryptfs_ctx_state {
	CTX_FREE,
	CTX_QUEUED,
	CTX_SENT,
	CTX_DONE,
	CTX_FAILED,
};

struct ecryptfs_msg_ctx {
	enum ecryptfs_ctx_state state;
	u32 index;
	u32 counter;
	struct ecryptfs_daemon *daemon;
	struct list_head out_list;
	u8 *packet;
	size_t packet_len;
	u8 *resp;
	size_t resp_len;
	wait_queue_head_t wq;
};

static DEFINE_MUTEX(msg_mutex);
static struct hlist_head *daemon_hash;
static unsigned int hash_bits;
static struct ecryptfs_msg_ctx *msg_ctxs;
static unsigned int n_msg_ctxs;
static u32 msg_counter;
static long wait_jiffies;

static struct hlist_head *daemon_bucket(kuid_t euid)
{
	return &daemon_hash[hash_32(from_kuid(&init_user_ns, euid), hash_bits)];
}

/* msg_mutex held */
static struct ecryptfs_daemon *find_daemon(kuid_t euid)
{
	struct ecryptfs_daemon *d;

	hlist_for_each_entry(d, daemon_bucket(euid), euid_chain)
		if (uid_eq(d->euid, euid))
			return d;
	return NULL;
}

/**
 * ecryptfs_daemon_register() - bind a new daemon to the caller's euid
 * @out: the daemon, to be kept in the file's private data
 *
 * Return: 0, -EINVAL when the euid already has a daemon, or -ENOMEM.
 */
int ecryptfs_daemon_register(struct ecryptfs_daemon **out)
{
	struct ecryptfs_daemon *d;
	kuid_t euid = current_euid();

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->euid = euid;
	INIT_LIST_HEAD(&d->out_queue);
	init_waitqueue_head(&d->wait);
	mutex_init(&d->read_mutex);
	mutex_lock(&msg_mutex);
	if (find_daemon(euid)) {
		mutex_unlock(&msg_mutex);
		kfree(d);
		pr_warn_ratelimited("ecryptfs: a daemon is already registered for euid %u\n",
				    from_kuid(&init_user_ns, euid));
		return -EINVAL;
	}
	hlist_add_head(&d->euid_chain, daemon_bucket(euid));
	mutex_unlock(&msg_mutex);
	*out = d;
	return 0;
}

/**
 * ecryptfs_daemon_unregister() - the daemon's file is closed
 * @daemon: the daemon; freed here
 *
 * Every request queued for or read by the daemon fails: its requester is
 * woken and gets -EIO.
 */
void ecryptfs_daemon_unregister(struct ecryptfs_daemon *daemon)
{
	unsigned int i;

	mutex_lock(&msg_mutex);
	hlist_del(&daemon->euid_chain);
	for (i = 0; i < n_msg_ctxs; i++) {
		struct ecryptfs_msg_ctx *ctx = &msg_ctxs[i];

		if (ctx->daemon != daemon)
			continue;
		if (ctx->state == CTX_QUEUED) {
			pr_warn_ratelimited("ecryptfs: dropping a request queued for a closing daemon\n");
			list_del_init(&ctx->out_list);
		}
		if (ctx->state == CTX_QUEUED || ctx->state == CTX_SENT) {
			ctx->state = CTX_FAILED;
			wake_up(&ctx->wq);
		}
		ctx->daemon = NULL;
	}
	mutex_unlock(&msg_mutex);
	kfree(daemon);
}

/**
 * ecryptfs_daemon_has_queued() - a request waits to be read
 * @daemon: the daemon
 *
 * Return: true when a read would not block.
 */
bool ecryptfs_daemon_has_queued(struct ecryptfs_daemon *daemon)
{
	bool ret;

	mutex_lock(&msg_mutex);
	ret = !list_empty(&daemon->out_queue);
	mutex_unlock(&msg_mutex);
	return ret;
}

/* Condition for wait_event: no lock, may be stale, re-checked under it. */
static bool queue_nonempty(struct ecryptfs_daemon *daemon)
{
	return !list_empty_careful(&daemon->out_queue);
}

/**
 * ecryptfs_daemon_read() - hand the oldest queued request to the daemon
 * @daemon: the daemon
 * @buf: user buffer
 * @count: its size
 *
 * Blocks until a request is queued.  Returns 0 (and keeps the request) when
 * @count is too small, on a signal, and when another read is in progress,
 * as the reference.
 *
 * Return: bytes copied, 0, or -EFAULT (the request stays queued).
 */
ssize_t ecryptfs_daemon_read(struct ecryptfs_daemon *daemon, char __user *buf,
			     size_t count)
{
	struct ecryptfs_msg_ctx *ctx;
	u8 *copy;
	size_t len;
	u32 counter;
	ssize_t rc;

	if (!mutex_trylock(&daemon->read_mutex))
		return 0;
again:
	if (wait_event_interruptible(daemon->wait, queue_nonempty(daemon))) {
		rc = 0;
		goto out;
	}
	mutex_lock(&msg_mutex);
	if (list_empty(&daemon->out_queue)) {
		mutex_unlock(&msg_mutex);
		goto again;
	}
	ctx = list_first_entry(&daemon->out_queue, struct ecryptfs_msg_ctx,
			       out_list);
	len = ctx->packet_len;
	if (count < len) {
		mutex_unlock(&msg_mutex);
		pr_warn_ratelimited("ecryptfs: daemon read buffer of %zu bytes; the pending message needs %zu\n",
				    count, len);
		rc = 0;
		goto out;
	}
	copy = kmemdup(ctx->packet, len, GFP_KERNEL);
	if (!copy) {
		mutex_unlock(&msg_mutex);
		rc = -ENOMEM;
		goto out;
	}
	list_del_init(&ctx->out_list);
	ctx->state = CTX_SENT;
	counter = ctx->counter;
	mutex_unlock(&msg_mutex);

	rc = len;
	if (copy_to_user(buf, copy, len)) {
		rc = -EFAULT;
		/* Put it back unless the requester gave up meanwhile. */
		mutex_lock(&msg_mutex);
		if (ctx->state == CTX_SENT && ctx->daemon == daemon &&
		    ctx->counter == counter) {
			ctx->state = CTX_QUEUED;
			list_add(&ctx->out_list, &daemon->out_queue);
		}
		mutex_unlock(&msg_mutex);
	}
	kfree_sensitive(copy);
out:
	mutex_unlock(&daemon->read_mutex);
	return rc;
}

/**
 * ecryptfs_daemon_response() - a RESPONSE packet written by the daemon
 * @daemon: the daemon that wrote it
 * @counter: the packet's counter
 * @index: the message's context index
 * @data: the message data
 * @data_len: its size
 *
 * Return: 0 when a waiting requester got the reply; -EINVAL when @index is
 * out of range or the context is not waiting for a reply from this daemon
 * with this counter (late, duplicate, unread, foreign); -ENOMEM.
 */
int ecryptfs_daemon_response(struct ecryptfs_daemon *daemon, u32 counter,
			     u32 index, const u8 *data, size_t data_len)
{
	struct ecryptfs_msg_ctx *ctx;
	u8 *copy;
	int rc = 0;

	if (index >= n_msg_ctxs) {
		pr_warn_ratelimited("ecryptfs: response for context %u; only %u exist\n",
				    index, n_msg_ctxs);
		return -EINVAL;
	}
	/* Allocated before the lock; +1 so an empty reply is not NULL. */
	copy = kmalloc(data_len + 1, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, data_len);
	mutex_lock(&msg_mutex);
	ctx = &msg_ctxs[index];
	if (ctx->state != CTX_SENT || ctx->daemon != daemon) {
		pr_warn_ratelimited("ecryptfs: response for context %u, which is not waiting for one\n",
				    index);
		rc = -EINVAL;
	} else if (ctx->counter != counter) {
		pr_warn_ratelimited("ecryptfs: response with counter %u; context %u expects %u\n",
				    counter, index, ctx->counter);
		rc = -EINVAL;
	} else {
		ctx->resp = copy;
		ctx->resp_len = data_len;
		ctx->state = CTX_DONE;
		copy = NULL;
		wake_up(&ctx->wq);
	}
	mutex_unlock(&msg_mutex);
	kfree_sensitive(copy);
	return rc;
}

static bool ctx_finished(struct ecryptfs_msg_ctx *ctx)
{
	enum ecryptfs_ctx_state s = READ_ONCE(ctx->state);

	return s == CTX_DONE || s == CTX_FAILED;
}

/**
 * ecryptfs_send_and_wait() - one request to the caller's daemon
 * @data: the request payload (tag 64 or 66)
 * @data_len: its size
 * @resp: out: the reply data, to be freed with kfree_sensitive()
 * @resp_len: out: its size
 *
 * Sleeps up to ecryptfs_message_wait_timeout seconds (a fatal signal ends
 * the wait early).
 *
 * Return: 0; -ENOTCONN when the caller's euid has no daemon; -ENOMEM when
 * every context is busy; -ENOMSG on timeout; -EIO when the daemon closed
 * the device; -EINTR on a fatal signal; -EINVAL for an unframeable request.
 */
int ecryptfs_send_and_wait(const u8 *data, size_t data_len, u8 **resp,
			   size_t *resp_len)
{
	struct ecryptfs_daemon *daemon;
	struct ecryptfs_msg_ctx *ctx = NULL;
	size_t plen = ecryptfs_msg_packet_size(data_len), written;
	unsigned int i;
	u8 *packet;
	long left;
	int rc;

	if (!plen)
		return -EINVAL;
	packet = kmalloc(plen, GFP_KERNEL);
	if (!packet)
		return -ENOMEM;
	mutex_lock(&msg_mutex);
	daemon = find_daemon(current_euid());
	if (!daemon) {
		mutex_unlock(&msg_mutex);
		pr_err_ratelimited("ecryptfs: user %u has no daemon (ecryptfsd) registered\n",
				   from_kuid(&init_user_ns, current_euid()));
		kfree_sensitive(packet);
		return -ENOTCONN;
	}
	for (i = 0; i < n_msg_ctxs; i++) {
		if (msg_ctxs[i].state == CTX_FREE) {
			ctx = &msg_ctxs[i];
			break;
		}
	}
	if (!ctx) {
		mutex_unlock(&msg_mutex);
		pr_warn_ratelimited("ecryptfs: no free message context; consider a larger ecryptfs_message_buf_len than %u\n",
				    n_msg_ctxs);
		kfree_sensitive(packet);
		return -ENOMEM;
	}
	ctx->counter = ++msg_counter;
	rc = ecryptfs_msg_write(packet, plen, ECRYPTFS_MSG_REQUEST, ctx->counter,
				ctx->index, data, data_len, &written);
	if (rc) {
		mutex_unlock(&msg_mutex);
		kfree_sensitive(packet);
		return rc;
	}
	ctx->packet = packet;
	ctx->packet_len = written;
	ctx->daemon = daemon;
	ctx->state = CTX_QUEUED;
	list_add_tail(&ctx->out_list, &daemon->out_queue);
	wake_up_interruptible(&daemon->wait);
	mutex_unlock(&msg_mutex);

	left = wait_event_killable_timeout(ctx->wq, ctx_finished(ctx),
					   wait_jiffies);

	mutex_lock(&msg_mutex);
	if (ctx->state == CTX_DONE) {
		*resp = ctx->resp;
		*resp_len = ctx->resp_len;
		ctx->resp = NULL;
		rc = 0;
	} else if (ctx->state == CTX_FAILED) {
		rc = -EIO;
	} else {
		rc = left < 0 ? -EINTR : -ENOMSG;
	}
	if (!list_empty(&ctx->out_list))
		list_del_init(&ctx->out_list);
	kfree_sensitive(ctx->packet);
	ctx->packet = NULL;
	kfree_sensitive(ctx->resp);
	ctx->resp = NULL;
	ctx->daemon = NULL;
	ctx->state = CTX_FREE;
	mutex_unlock(&msg_mutex);
	if (rc == -ENOMSG)
		pr_warn_ratelimited("ecryptfs: no reply from the daemon within %ld s\n",
				    ecryptfs_message_wait_timeout);
	return rc;
}

/**
 * ecryptfs_init_messaging() - daemon hash and context pool, then the device
 *
 * Return: 0 or a negative errno.
 */
int ecryptfs_init_messaging(void)
{
	unsigned int i;
	int rc;

	if (ecryptfs_number_of_users > ECRYPTFS_MAX_NUM_USERS) {
		ecryptfs_number_of_users = ECRYPTFS_MAX_NUM_USERS;
		pr_warn("ecryptfs: ecryptfs_number_of_users too large; using %u\n",
			ecryptfs_number_of_users);
	}
	if (ecryptfs_message_buf_len > ECRYPTFS_MAX_MSG_CTX) {
		ecryptfs_message_buf_len = ECRYPTFS_MAX_MSG_CTX;
		pr_warn("ecryptfs: ecryptfs_message_buf_len too large; using %u\n",
			ecryptfs_message_buf_len);
	}
	if (ecryptfs_message_wait_timeout < 0)
		ecryptfs_message_wait_timeout = 0;
	if (ecryptfs_message_wait_timeout > ECRYPTFS_MAX_WAIT_SECONDS)
		ecryptfs_message_wait_timeout = ECRYPTFS_MAX_WAIT_SECONDS;
	wait_jiffies = ecryptfs_message_wait_timeout * HZ;

	hash_bits = 1;
	while (ecryptfs_number_of_users >> hash_bits)
		hash_bits++;
	daemon_hash = kcalloc(1u << hash_bits, sizeof(*daemon_hash),
			      GFP_KERNEL);
	if (!daemon_hash)
		return -ENOMEM;
	for (i = 0; i < (1u << hash_bits); i++)
		INIT_HLIST_HEAD(&daemon_hash[i]);

	n_msg_ctxs = ecryptfs_message_buf_len;
	msg_ctxs = kcalloc(max(n_msg_ctxs, 1u), sizeof(*msg_ctxs), GFP_KERNEL);
	if (!msg_ctxs) {
		rc = -ENOMEM;
		goto out_hash;
	}
	for (i = 0; i < n_msg_ctxs; i++) {
		msg_ctxs[i].index = i;
		msg_ctxs[i].state = CTX_FREE;
		INIT_LIST_HEAD(&msg_ctxs[i].out_list);
		init_waitqueue_head(&msg_ctxs[i].wq);
	}
	msg_counter = 0;
	rc = ecryptfs_init_miscdev();
	if (rc)
		goto out_ctxs;
	return 0;

out_ctxs:
	kfree(msg_ctxs);
	msg_ctxs = NULL;
out_hash:
	kfree(daemon_hash);
	daemon_hash = NULL;
	return rc;
}

/**
 * ecryptfs_destroy_messaging() - undo ecryptfs_init_messaging()
 *
 * Called at module unload: no daemon can be open (the device holds a
 * module reference) and no request can wait (every mount does).
 */
void ecryptfs_destroy_messaging(void)
{
	ecryptfs_destroy_miscdev();
	kfree(msg_ctxs);
	msg_ctxs = NULL;
	kfree(daemon_hash);
	daemon_hash = NULL;
}
