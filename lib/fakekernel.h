/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The fake kernel: the kernel's side of an IRQ affinity write, played in a
 * copied tree (--sysroot, tests), where no kernel keeps smp_affinity,
 * smp_affinity_list and effective_affinity in step. It is a write filter
 * (sysroot.h): it carries out or refuses writes of
 * /proc/irq/N/smp_affinity(_list) as the kernel would, through raw writes,
 * and lets every other write go on.
 *
 * Who installs it: af_sysroot_open() never does (the sysroot knows nothing
 * of this module, which sits on top of it); the modes that write open
 * their --sysroot with af_fakekernel_open_sysroot(), which installs it in
 * any tree but the live "/". Dry-run, which writes nothing, has its own
 * refusing filter. Tests install it themselves, or end their own filter in
 * af_fakekernel_filter().
 */

#include <glib.h>

#include "sysroot.h"

/*
 * Opens path as af_sysroot_open() does; a tree other than "/" gets the
 * fake kernel as its write filter, the live machine none (its kernel does
 * the work).
 */
int af_fakekernel_open_sysroot(const char *path, AfSysroot **ret_sysroot);
/*
 * Faults on demand: while the tree holds the file AF_FAKEKERNEL_FAULTS at
 * its top, each of its lines "read|write GLOB ERRNO" (GLOB as
 * g_pattern_match_simple, on the path without its leading slash; ERRNO one
 * of ENOENT EIO EBUSY ENOMEM EACCES EAGAIN EINVAL ENOSPC EPERM) fails every
 * read or write of a matching path with that errno, as a kernel would
 * (e.g. "read proc/interrupts EIO", "write proc/irq/44/smp_affinity* ENOENT"). Read at
 * every access: tests change it while the program runs.
 */
#define AF_FAKEKERNEL_FAULTS "fake-kernel-faults"

/* Makes the fake kernel the write and read filter of sysroot, a tree (never the live "/"). */
void af_fakekernel_install(AfSysroot *sysroot);
/*
 * The filter itself (an AfSysrootWriteFilter whose user_data is the
 * AfSysroot written): AF_SYSROOT_WRITE_HANDLED for an IRQ affinity write
 * carried out, the kernel's errno for one refused, 0 for any other path.
 */
int af_fakekernel_filter(const char *path, const char *data, gpointer sysroot);
/* The read filter (an AfSysrootReadFilter, user_data the AfSysroot): the fault file's errno or 0. */
int af_fakekernel_read_filter(const char *path, gpointer sysroot);
