// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs: module init and exit, module parameters, mount options,
 * mounting, sysfs.
 */

#include <linux/module.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/fs_stack.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/parser.h>
#include <linux/namei.h>
#include <linux/mount.h>
#include <linux/slab.h>
#include <linux/cred.h>
#include <linux/backing-dev.h>
#include <linux/fs_context.h>

#include "ecryptfs_kernel.h"
#include "messaging.h"

/* Spec §7.1: registered with permission 0 (load time only). */
static int ecryptfs_verbosity;
module_param(ecryptfs_verbosity, int, 0);
MODULE_PARM_DESC(ecryptfs_verbosity,
		 "Initial verbosity level (0 or 1; key material is never logged by this implementation)");

/*
 * ecryptfs_message_buf_len, ecryptfs_message_wait_timeout and
 * ecryptfs_number_of_users are registered in messaging.c.
 */

struct kmem_cache *ecryptfs_inode_cachep;

enum {
	opt_sig, opt_ecryptfs_sig, opt_cipher, opt_ecryptfs_cipher,
	opt_ecryptfs_key_bytes, opt_passthrough, opt_xattr_metadata,
	opt_encrypted_view, opt_fnek_sig, opt_fn_cipher, opt_fn_cipher_key_bytes,
	opt_unlink_sigs, opt_mount_auth_tok_only, opt_check_dev_ruid,
	opt_err,
};

static const match_table_t tokens = {
	{ opt_sig, "sig=%s" },
	{ opt_ecryptfs_sig, "ecryptfs_sig=%s" },
	{ opt_cipher, "cipher=%s" },
	{ opt_ecryptfs_cipher, "ecryptfs_cipher=%s" },
	{ opt_ecryptfs_key_bytes, "ecryptfs_key_bytes=%u" },
	{ opt_passthrough, "ecryptfs_passthrough" },
	{ opt_xattr_metadata, "ecryptfs_xattr_metadata" },
	{ opt_encrypted_view, "ecryptfs_encrypted_view" },
	{ opt_fnek_sig, "ecryptfs_fnek_sig=%s" },
	{ opt_fn_cipher, "ecryptfs_fn_cipher=%s" },
	{ opt_fn_cipher_key_bytes, "ecryptfs_fn_key_bytes=%u" },
	{ opt_unlink_sigs, "ecryptfs_unlink_sigs" },
	{ opt_mount_auth_tok_only, "ecryptfs_mount_auth_tok_only" },
	{ opt_check_dev_ruid, "ecryptfs_check_dev_ruid" },
	{ opt_err, NULL },
};

/* Copy at most @max chars of @src (the reference keeps only that many). */
static void copy_opt(char *dst, size_t max, const char *src)
{
	size_t n = strnlen(src, max);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int parse_num(substring_t *arg, size_t *out)
{
	char *s = match_strdup(arg);
	unsigned long v;
	int rc;

	if (!s)
		return -ENOMEM;
	rc = kstrtoul(s, 0, &v);
	kfree(s);
	if (rc)
		return rc;
	*out = v;
	return 0;
}

static int ecryptfs_parse_options(struct ecryptfs_sb_info *sbi, char *options,
				  bool *check_ruid)
{
	struct ecryptfs_mount_crypt_stat *mcs = &sbi->mcs;
	substring_t args[MAX_OPT_ARGS];
	bool sig_set = false, cipher_set = false, fn_cipher_set = false;
	bool fn_key_bytes_set = false;
	char sig[ECRYPTFS_SIG_HEX_BYTES + 1];
	char *p;
	int rc, token;

	*check_ruid = false;
	if (!options)
		return -EINVAL;

	while ((p = strsep(&options, ",")) != NULL) {
		if (!*p)
			continue;
		token = match_token(p, tokens, args);
		switch (token) {
		case opt_sig:
		case opt_ecryptfs_sig:
			copy_opt(sig, ECRYPTFS_SIG_HEX_BYTES, args[0].from);
			rc = ecryptfs_add_global_auth_tok(mcs, sig, 0);
			if (rc)
				return rc;
			sig_set = true;
			break;
		case opt_cipher:
		case opt_ecryptfs_cipher:
			copy_opt(mcs->cipher, ECRYPTFS_MAX_CIPHER_NAME,
				 args[0].from);
			cipher_set = true;
			break;
		case opt_ecryptfs_key_bytes:
			if (parse_num(&args[0], &mcs->key_bytes))
				pr_warn("ecryptfs: unrecognized option [%s]\n", p);
			break;
		case opt_passthrough:
			mcs->flags |= ECRYPTFS_PLAINTEXT_PASSTHROUGH_ENABLED;
			break;
		case opt_xattr_metadata:
			mcs->flags |= ECRYPTFS_XATTR_METADATA_ENABLED;
			break;
		case opt_encrypted_view:
			mcs->flags |= ECRYPTFS_XATTR_METADATA_ENABLED |
				      ECRYPTFS_ENCRYPTED_VIEW_ENABLED;
			break;
		case opt_fnek_sig:
			copy_opt(mcs->fnek_sig, ECRYPTFS_SIG_HEX_BYTES,
				 args[0].from);
			rc = ecryptfs_add_global_auth_tok(mcs, mcs->fnek_sig,
							  ECRYPTFS_AUTH_TOK_FNEK);
			if (rc)
				return rc;
			mcs->flags |= ECRYPTFS_GLOBAL_ENCRYPT_FILENAMES |
				      ECRYPTFS_GLOBAL_ENCFN_USE_MOUNT_FNEK;
			break;
		case opt_fn_cipher:
			copy_opt(mcs->fn_cipher, ECRYPTFS_MAX_CIPHER_NAME,
				 args[0].from);
			fn_cipher_set = true;
			break;
		case opt_fn_cipher_key_bytes:
			if (parse_num(&args[0], &mcs->fn_key_bytes))
				pr_warn("ecryptfs: unrecognized option [%s]\n", p);
			else
				fn_key_bytes_set = true;
			break;
		case opt_unlink_sigs:
			mcs->flags |= ECRYPTFS_UNLINK_SIGS;
			break;
		case opt_mount_auth_tok_only:
			mcs->flags |= ECRYPTFS_GLOBAL_MOUNT_AUTH_TOK_ONLY;
			break;
		case opt_check_dev_ruid:
			*check_ruid = true;
			break;
		default:
			pr_warn("ecryptfs: unrecognized option [%s]\n", p);
		}
	}

	if (!sig_set) {
		pr_err("ecryptfs: You must supply at least one valid auth tok signature as a mount parameter\n");
		return -EINVAL;
	}
	if (!cipher_set)
		strscpy(mcs->cipher, "aes", sizeof(mcs->cipher));
	if ((mcs->flags & ECRYPTFS_GLOBAL_ENCRYPT_FILENAMES) && !fn_cipher_set)
		strscpy(mcs->fn_cipher, mcs->cipher, sizeof(mcs->fn_cipher));
	if ((mcs->flags & ECRYPTFS_GLOBAL_ENCRYPT_FILENAMES) &&
	    !fn_key_bytes_set)
		mcs->fn_key_bytes = mcs->key_bytes;

	if (!ecryptfs_cipher_code(mcs->cipher, mcs->key_bytes)) {
		pr_err("ecryptfs: eCryptfs doesn't support cipher: %s\n",
		       mcs->cipher);
		return -EINVAL;
	}
	rc = ecryptfs_test_cipher(mcs->cipher, mcs->key_bytes);
	if (rc) {
		pr_err("ecryptfs: cannot initialize cipher [%s] with key size [%zu]; rc = [%d]\n",
		       mcs->cipher, mcs->key_bytes, rc);
		return -EINVAL;
	}
	if (mcs->flags & ECRYPTFS_GLOBAL_ENCRYPT_FILENAMES) {
		rc = ecryptfs_test_cipher(mcs->fn_cipher, mcs->fn_key_bytes);
		if (rc) {
			pr_err("ecryptfs: cannot initialize filename cipher [%s] with key size [%zu]; rc = [%d]\n",
			       mcs->fn_cipher, mcs->fn_key_bytes, rc);
			return -EINVAL;
		}
	}
	mcs->flags |= ECRYPTFS_MOUNT_CRYPT_STAT_INITIALIZED;
	return 0;
}

static struct ecryptfs_sb_info *ecryptfs_alloc_sbi(void)
{
	struct ecryptfs_sb_info *sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);

	if (!sbi)
		return NULL;
	INIT_LIST_HEAD(&sbi->mcs.auth_toks);
	mutex_init(&sbi->mcs.auth_toks_mutex);
	spin_lock_init(&sbi->prep_lock);
	INIT_LIST_HEAD(&sbi->prepared);
	INIT_WORK(&sbi->prep_work, ecryptfs_prepare_work);
	return sbi;
}

static void ecryptfs_free_sbi(struct ecryptfs_sb_info *sbi)
{
	if (!sbi)
		return;
	ecryptfs_drop_prepared(sbi);
	ecryptfs_put_auth_toks(&sbi->mcs);
	kfree_sensitive(sbi);
}

/*
 * A mount goes through the file system context API (fs_context, the only
 * one from 7.x on, there since 5.1): the option string of mount(2)
 * arrives whole in ->parse_monolithic, the lower directory as the source.
 */
struct ecryptfs_fs_ctx {
	struct ecryptfs_sb_info *sbi;	/* NULL once the superblock owns it */
	bool parsed;
	bool check_ruid;
};

static int ecryptfs_parse_monolithic(struct fs_context *fc, void *data)
{
	struct ecryptfs_fs_ctx *ctx = fc->fs_private;
	int rc;

	/* A remount changes only the generic flags; options are ignored. */
	if (fc->purpose == FS_CONTEXT_FOR_RECONFIGURE)
		return 0;
	rc = ecryptfs_parse_options(ctx->sbi, data, &ctx->check_ruid);
	if (rc) {
		pr_err("ecryptfs: Error parsing options; rc = [%d]\n", rc);
		return rc;
	}
	ctx->parsed = true;
	return 0;
}

static int ecryptfs_get_tree(struct fs_context *fc)
{
	struct ecryptfs_fs_ctx *ctx = fc->fs_private;
	const char *dev_name = fc->source;
	struct ecryptfs_sb_info *sbi;
	struct super_block *s;
	struct path path;
	struct inode *inode;
	bool check_ruid;
	const char *err = "Getting sb failed";
	int rc;

	if (!dev_name) {
		rc = -EINVAL;
		err = "Device name cannot be null";
		goto out;
	}
	if (!ctx->parsed) {
		rc = -EINVAL;
		err = "Error parsing options";
		goto out;
	}
	check_ruid = ctx->check_ruid;

	s = sget_fc(fc, NULL, set_anon_super_fc);
	if (IS_ERR(s)) {
		rc = PTR_ERR(s);
		goto out;
	}
	rc = super_setup_bdi(s);
	if (rc)
		goto out_super;
	/*
	 * Read ahead up to 1 MiB: the batches of one window are read from the
	 * lower file at once while the first ones are decrypted.
	 */
	s->s_bdi->ra_pages = max_t(unsigned long, s->s_bdi->ra_pages,
				   SZ_1M / PAGE_SIZE);
	sbi = ctx->sbi;
	ctx->sbi = NULL;
	s->s_fs_info = sbi;
	s->s_op = &ecryptfs_sops;
	s->s_xattr = ecryptfs_xattr_handlers;
	ecryptfs_set_d_op(s, &ecryptfs_dops);

	err = "Reading sb failed";
	rc = kern_path(dev_name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path);
	if (rc)
		goto out_super;
	if (path.dentry->d_sb->s_type == &ecryptfs_fs_type) {
		rc = -EINVAL;
		pr_err("ecryptfs: Mount on filesystem of type eCryptfs explicitly disallowed due to known incompatibilities\n");
		goto out_path;
	}
	if (is_idmapped_mnt(path.mnt)) {
		rc = -EINVAL;
		pr_err("ecryptfs: Mounting on idmapped mounts currently disallowed\n");
		goto out_path;
	}
	if (check_ruid &&
	    !uid_eq(d_inode(path.dentry)->i_uid, current_uid())) {
		rc = -EPERM;
		pr_err("ecryptfs: Mount of device (uid: %d) not owned by requested user (uid: %d)\n",
		       i_uid_read(d_inode(path.dentry)),
		       from_kuid(&init_user_ns, current_uid()));
		goto out_path;
	}

	ecryptfs_sb(s)->lower_sb = path.dentry->d_sb;
	/* Read-only lower or ciphertext view: read-only upper. */
	if (sb_rdonly(path.dentry->d_sb) ||
	    (ecryptfs_mcs(s)->flags & ECRYPTFS_ENCRYPTED_VIEW_ENABLED))
		s->s_flags |= SB_RDONLY;
	s->s_flags |= path.dentry->d_sb->s_flags & SB_POSIXACL;
	s->s_maxbytes = path.dentry->d_sb->s_maxbytes;
	s->s_blocksize = path.dentry->d_sb->s_blocksize;
	s->s_magic = ECRYPTFS_SUPER_MAGIC;
	s->s_stack_depth = path.dentry->d_sb->s_stack_depth + 1;
	rc = -EINVAL;
	if (s->s_stack_depth > FILESYSTEM_MAX_STACK_DEPTH) {
		pr_err("ecryptfs: maximum fs stacking depth exceeded\n");
		goto out_path;
	}

	inode = ecryptfs_get_inode(d_inode(path.dentry), s);
	rc = PTR_ERR(inode);
	if (IS_ERR(inode))
		goto out_path;
	s->s_root = d_make_root(inode);
	if (!s->s_root) {
		rc = -ENOMEM;
		goto out_path;
	}
	rc = ecryptfs_init_dentry_info(s->s_root, &path);
	path_put(&path);
	if (rc)
		goto out_super;
	s->s_flags |= SB_ACTIVE;
	fc->root = dget(s->s_root);
	return 0;

out_path:
	path_put(&path);
out_super:
	deactivate_locked_super(s);
out:
	pr_err("ecryptfs: %s; rc = [%d]\n", err, rc);
	return rc;
}

static int ecryptfs_reconfigure(struct fs_context *fc)
{
	return 0;
}

static void ecryptfs_free_fc(struct fs_context *fc)
{
	struct ecryptfs_fs_ctx *ctx = fc->fs_private;

	if (ctx) {
		ecryptfs_free_sbi(ctx->sbi);
		kfree(ctx);
	}
}

static const struct fs_context_operations ecryptfs_context_ops = {
	.parse_monolithic = ecryptfs_parse_monolithic,
	.get_tree = ecryptfs_get_tree,
	.reconfigure = ecryptfs_reconfigure,
	.free = ecryptfs_free_fc,
};

static int ecryptfs_init_fs_context(struct fs_context *fc)
{
	struct ecryptfs_fs_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	if (fc->purpose != FS_CONTEXT_FOR_RECONFIGURE) {
		ctx->sbi = ecryptfs_alloc_sbi();
		if (!ctx->sbi) {
			kfree(ctx);
			return -ENOMEM;
		}
	}
	fc->fs_private = ctx;
	fc->ops = &ecryptfs_context_ops;
	return 0;
}


static void ecryptfs_kill_block_super(struct super_block *sb)
{
	struct ecryptfs_sb_info *sbi = ecryptfs_sb(sb);

	/* s_fs_info is NULL when the mount failed before it was set. */
	if (sbi) {
		/* No create runs now: the key preparation ends for good. */
		cancel_work_sync(&sbi->prep_work);
		/*
		 * The root dentry's hold on the lower mount goes before
		 * kill_anon_super() syncs: no lower sync from here on.
		 */
		sbi->lower_sb = NULL;
	}
	kill_anon_super(sb);
	ecryptfs_free_sbi(sbi);
}

struct file_system_type ecryptfs_fs_type = {
	.owner = THIS_MODULE,
	.name = "ecryptfs",
	.init_fs_context = ecryptfs_init_fs_context,
	.kill_sb = ecryptfs_kill_block_super,
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

static void inode_info_init_once(void *vptr)
{
	struct ecryptfs_inode_info *ei = vptr;

	inode_init_once(&ei->vfs_inode);
}

static int __init ecryptfs_init(void)
{
	int rc;

	if (PAGE_SIZE < ECRYPTFS_DATA_EXTENT_SIZE)
		return -EINVAL;
	ecryptfs_inode_cachep = kmem_cache_create("ecryptfs_inode_cache",
						  sizeof(struct ecryptfs_inode_info),
						  0, SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT,
						  inode_info_init_once);
	if (!ecryptfs_inode_cachep)
		return -ENOMEM;
	ecryptfs_kobj = kobject_create_and_add("ecryptfs", fs_kobj);
	if (!ecryptfs_kobj) {
		rc = -ENOMEM;
		goto out_cache;
	}
	rc = sysfs_create_group(ecryptfs_kobj, &ecryptfs_attr_group);
	if (rc)
		goto out_put;
	rc = ecryptfs_init_messaging();
	if (rc)
		goto out_group;
	rc = ecryptfs_crypto_init();
	if (rc)
		goto out_messaging;
	rc = register_filesystem(&ecryptfs_fs_type);
	if (rc)
		goto out_crypto;
	return 0;

out_crypto:
	ecryptfs_crypto_exit();
out_messaging:
	ecryptfs_destroy_messaging();
out_group:
	sysfs_remove_group(ecryptfs_kobj, &ecryptfs_attr_group);
out_put:
	kobject_put(ecryptfs_kobj);
out_cache:
	kmem_cache_destroy(ecryptfs_inode_cachep);
	return rc;
}

static void __exit ecryptfs_exit(void)
{
	unregister_filesystem(&ecryptfs_fs_type);
	ecryptfs_crypto_exit();
	ecryptfs_destroy_messaging();
	sysfs_remove_group(ecryptfs_kobj, &ecryptfs_attr_group);
	kobject_put(ecryptfs_kobj);
	rcu_barrier();
	kmem_cache_destroy(ecryptfs_inode_cachep);
}

module_init(ecryptfs_init);
module_exit(ecryptfs_exit);

MODULE_DESCRIPTION("eCryptfs: stacked cryptographic filesystem (reimplementation)");
MODULE_LICENSE("GPL");
MODULE_VERSION(ECRYPTFS_VERSION);
