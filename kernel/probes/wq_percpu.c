// SPDX-License-Identifier: GPL-2.0-only
/* 6.17: per-CPU workqueues say so (WQ_PERCPU); 7.x warns when neither it nor WQ_UNBOUND is given. */
#include <linux/workqueue.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	return WQ_PERCPU;
}
