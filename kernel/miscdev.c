// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs: the /dev/ecryptfs misc device through which ecryptfsd serves
 * the kernel (spec kernel.md §6.1).  The protocol state lives in
 * messaging.c; the byte format in include/ecryptfs/msg.c.
 */

#include <linux/module.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "ecryptfs/msg.h"
#include "messaging.h"

static int ecryptfs_miscdev_open(struct inode *inode, struct file *file)
{
	struct ecryptfs_daemon *daemon;
	int rc;

	rc = ecryptfs_daemon_register(&daemon);
	if (rc)
		return rc;
	file->private_data = daemon;
	return 0;
}

static int ecryptfs_miscdev_release(struct inode *inode, struct file *file)
{
	ecryptfs_daemon_unregister(file->private_data);
	file->private_data = NULL;
	return 0;
}

static __poll_t ecryptfs_miscdev_poll(struct file *file, poll_table *pt)
{
	struct ecryptfs_daemon *daemon = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &daemon->wait, pt);
	if (ecryptfs_daemon_has_queued(daemon))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static ssize_t ecryptfs_miscdev_read(struct file *file, char __user *buf,
				     size_t count, loff_t *ppos)
{
	return ecryptfs_daemon_read(file->private_data, buf, count);
}

static ssize_t ecryptfs_miscdev_write(struct file *file, const char __user *buf,
				      size_t count, loff_t *ppos)
{
	struct ecryptfs_msg m;
	u8 *data;
	int rc;

	if (count == 0)
		return 0;
	if (count > ECRYPTFS_MSG_MAX_WRITE ||
	    (count != ECRYPTFS_MSG_BARE_BYTES && count < ECRYPTFS_MSG_MIN_BYTES)) {
		pr_warn_ratelimited("ecryptfs: daemon wrote %zu bytes; packets are 5 or %d..%d bytes\n",
				    count, ECRYPTFS_MSG_MIN_BYTES,
				    ECRYPTFS_MSG_MAX_WRITE);
		return -EINVAL;
	}
	data = memdup_user(buf, count);
	if (IS_ERR(data))
		return PTR_ERR(data);
	rc = ecryptfs_msg_parse_from_daemon(data, count, &m);
	if (rc) {
		pr_warn_ratelimited("ecryptfs: malformed or unknown packet (type %u, %zu bytes) from the daemon\n",
				    data[0], count);
		goto out;
	}
	if (m.type == ECRYPTFS_MSG_RESPONSE)
		rc = ecryptfs_daemon_response(file->private_data, m.counter,
					      m.index, m.data, m.data_len);
	/* HELO and QUIT: accepted and ignored, as the reference. */
out:
	kfree_sensitive(data);
	return rc ? rc : (ssize_t)count;
}

static const struct file_operations ecryptfs_miscdev_fops = {
	.owner = THIS_MODULE,
	.open = ecryptfs_miscdev_open,
	.release = ecryptfs_miscdev_release,
	.poll = ecryptfs_miscdev_poll,
	.read = ecryptfs_miscdev_read,
	.write = ecryptfs_miscdev_write,
	.llseek = noop_llseek,
};

static struct miscdevice ecryptfs_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ecryptfs",
	.fops = &ecryptfs_miscdev_fops,
};

/**
 * ecryptfs_init_miscdev() - register /dev/ecryptfs
 *
 * Return: 0 or a negative errno.
 */
int ecryptfs_init_miscdev(void)
{
	int rc;

	rc = misc_register(&ecryptfs_miscdev);
	if (rc)
		pr_err("ecryptfs: cannot register the misc device; rc = [%d]\n",
		       rc);
	return rc;
}

/**
 * ecryptfs_destroy_miscdev() - unregister /dev/ecryptfs
 */
void ecryptfs_destroy_miscdev(void)
{
	misc_deregister(&ecryptfs_miscdev);
}
