// SPDX-License-Identifier: GPL-2.0-only
/*
 * The eCryptfs kernel feature mask (<sysfs>/fs/ecryptfs/version).  Unlike
 * ecryptfs-utils we never run modprobe: a missing file means the module is
 * not loaded, and the caller says so.
 */
#ifndef LIBECRYPTFS_KERNEL_FEATURES_H
#define LIBECRYPTFS_KERNEL_FEATURES_H

#include <cstdint>

#include "libecryptfs/result.h"

namespace ecryptfs {

Result<std::uint32_t> kernel_feature_mask();

bool supports_filename_encryption(std::uint32_t mask);

} // namespace ecryptfs

#endif
