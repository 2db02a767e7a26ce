// SPDX-License-Identifier: GPL-2.0-only
/* 6.17: system_dfl_wq replaces system_unbound_wq (7.x says the latter is deprecated). */
#include <linux/workqueue.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	struct workqueue_struct *w = system_dfl_wq;

	return w != NULL;
}
