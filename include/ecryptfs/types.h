/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few basic types and functions the shared format code (include/ecryptfs/
 * *.c) may use, so that the same source compiles in the kernel module and in
 * the C++ userland: fixed-width integers, size_t, bool, memcpy/memset/memcmp.
 * Shared code does no allocation, no crypto and no I/O: callers pass buffers
 * and, where crypto is needed, do it themselves.
 */
#ifndef ECRYPTFS_TYPES_H
#define ECRYPTFS_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

#endif /* ECRYPTFS_TYPES_H */
