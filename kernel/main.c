// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs: module init and exit, the filesystem type, sysfs.
 *
 * Skeleton: registers the "ecryptfs" filesystem type and exposes
 * /sys/fs/ecryptfs/version.  Mounting is not implemented yet.
 */

#include <linux/module.h>
#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "ecryptfs/format.h"

static struct dentry *ecryptfs_mount(struct file_system_type *fs_type,
				     int flags, const char *dev_name,
				     void *raw_data)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static struct file_system_type ecryptfs_fs_type = {
	.owner = THIS_MODULE,
	.name = "ecryptfs",
	.mount = ecryptfs_mount,
	.kill_sb = kill_anon_super,
	.fs_flags = 0,
};
MODULE_ALIAS_FS("ecryptfs");

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", ECRYPTFS_VERSIONING_MASK);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);

static struct attribute *ecryptfs_attrs[] = {
	&version_attr.attr,
	NULL,
};

static const struct attribute_group ecryptfs_attr_group = {
	.attrs = ecryptfs_attrs,
};

static struct kobject *ecryptfs_kobj;

static int __init ecryptfs_init(void)
{
	int rc;

	ecryptfs_kobj = kobject_create_and_add("ecryptfs", fs_kobj);
	if (!ecryptfs_kobj)
		return -ENOMEM;
	rc = sysfs_create_group(ecryptfs_kobj, &ecryptfs_attr_group);
	if (rc)
		goto out_put;
	rc = register_filesystem(&ecryptfs_fs_type);
	if (rc)
		goto out_group;
	return 0;

out_group:
	sysfs_remove_group(ecryptfs_kobj, &ecryptfs_attr_group);
out_put:
	kobject_put(ecryptfs_kobj);
	return rc;
}

static void __exit ecryptfs_exit(void)
{
	unregister_filesystem(&ecryptfs_fs_type);
	sysfs_remove_group(ecryptfs_kobj, &ecryptfs_attr_group);
	kobject_put(ecryptfs_kobj);
}

module_init(ecryptfs_init);
module_exit(ecryptfs_exit);

MODULE_DESCRIPTION("eCryptfs: stacked cryptographic filesystem (reimplementation)");
MODULE_LICENSE("GPL");
