/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfSysroot: the one way affinityd reaches the machine. A directory fd (the
 * real "/" for the daemon, a captured or copied tree for tests and
 * --sysroot) and openat2(RESOLVE_IN_ROOT) helpers, so every /proc and /sys
 * path, symbolic links included, resolves inside the tree. Paths are given
 * as the kernel names them ("/proc/irq/44/smp_affinity"); the leading slash
 * is optional. Every function returns 0 or a negative errno; ENOENT is
 * common and expected (an IRQ can vanish between two reads); EXDEV means
 * the path was not found because a link on the way leads outside the tree
 * (absolute, or more ".." than parents), which a real sysfs never does.
 */

#include <sys/types.h>
#include <glib.h>

#include "cpuset.h"

typedef struct AfSysroot AfSysroot;

/*
 * Called before every write with the path and data. Returns a negative
 * errno to fail the write without writing, 0 to let it go on to the file,
 * or AF_SYSROOT_WRITE_HANDLED when the filter did the write itself, with
 * af_sysroot_write_raw() (which does not call the filter again). Tests use
 * it to play a kernel that refuses writes; the fake kernel (fakekernel.h)
 * plays one that carries them out.
 */
typedef int (*AfSysrootWriteFilter)(const char *path, const char *data, gpointer user_data);
#define AF_SYSROOT_WRITE_HANDLED 1

/* Opens the tree rooted at path ("/" for the live machine). */
int af_sysroot_open(const char *path, AfSysroot **ret_sysroot);
/* Frees; accepts NULL. */
void af_sysroot_free(AfSysroot *sysroot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfSysroot, af_sysroot_free)

/* The root path as given, and whether it is the live machine's "/". */
const char *af_sysroot_path(const AfSysroot *sysroot);
gboolean af_sysroot_is_live(const AfSysroot *sysroot);
/* An absolute host path for a path inside the tree (for hwloc's fsroot). */
char *af_sysroot_host_path(const AfSysroot *sysroot, const char *path);

/* Installs (or with NULL removes) the write filter. */
void af_sysroot_set_write_filter(AfSysroot *sysroot, AfSysrootWriteFilter filter,
				 gpointer user_data);

/*
 * Called before every read (af_sysroot_read, _read_lines and the readers on
 * top of them, _list, _readlink) with the path: a negative errno fails the
 * read with it, as the kernel's EIO, EBUSY or ENOMEM would; 0 lets it go
 * on. Fault injection for copied trees (fakekernel.h); the live "/" has none.
 */
typedef int (*AfSysrootReadFilter)(const char *path, gpointer user_data);
/* Installs (or with NULL removes) the read filter. */
void af_sysroot_set_read_filter(AfSysroot *sysroot, AfSysrootReadFilter filter,
				gpointer user_data);

/*
 * Records every path opened, listed or read as a link from now on into
 * paths (a set of strings without the leading slash, owned by the caller),
 * or stops recording with NULL. The capture tool uses it to copy exactly
 * what affinityd reads.
 */
void af_sysroot_set_recorder(AfSysroot *sysroot, GHashTable *paths);

/* openat2() inside the tree; *ret_fd is the caller's to close. */
int af_sysroot_open_fd(AfSysroot *sysroot, const char *path, int flags, int *ret_fd);
/* Whole file contents, NUL-terminated; *ret_len may be NULL. */
int af_sysroot_read(AfSysroot *sysroot, const char *path, char **ret_data, gsize *ret_len);
/*
 * Reads a file in chunks of AF_SYSROOT_CHUNK_BYTES and hands it on line by
 * line, holding no more than the longest line (a /proc/interrupts of 1024
 * CPUs and 8192 IRQs is 92 MB): func gets each line NUL-terminated without
 * its '\n', valid during the call only, and complete FALSE for a last line
 * that has no '\n' (the file was cut short). A negative return of func
 * stops the read and is returned; else 0 or the read's negative errno.
 */
#define AF_SYSROOT_CHUNK_BYTES 65536u
typedef int (*AfSysrootLineFunc)(const char *line, gsize len, gboolean complete,
				 gpointer user_data);
int af_sysroot_read_lines(AfSysroot *sysroot, const char *path, AfSysrootLineFunc func,
			  gpointer user_data);
/* File contents with trailing whitespace removed. */
int af_sysroot_read_string(AfSysroot *sysroot, const char *path, char **ret_string);
/* A file holding one decimal integer (-EINVAL otherwise). */
int af_sysroot_read_int(AfSysroot *sysroot, const char *path, gint64 *ret_value);
/* A file holding a cpulist / a hex mask. */
int af_sysroot_read_cpulist(AfSysroot *sysroot, const char *path, AfCpuSet **ret_set);
int af_sysroot_read_cpumask(AfSysroot *sysroot, const char *path, AfCpuSet **ret_set);
/* The target of a symbolic link, as stored. */
int af_sysroot_readlink(AfSysroot *sysroot, const char *path, char **ret_target);
/* The last component of a link's target ("driver" -> "nvme"). */
int af_sysroot_readlink_basename(AfSysroot *sysroot, const char *path, char **ret_name);
/* Entry names of a directory, sorted, without "." and "..". */
int af_sysroot_list(AfSysroot *sysroot, const char *path, GPtrArray **ret_names);
/* 0 when path exists (following links), else a negative errno. */
int af_sysroot_exists(AfSysroot *sysroot, const char *path);
/* st_mode of path (following links). */
int af_sysroot_mode(AfSysroot *sysroot, const char *path, mode_t *ret_mode);
/*
 * Writes data to an existing file in one write(), as a shell's "echo >"
 * does, after the write filter (if any) let it go on; returns the filter's
 * errno, or the kernel's errno of the open or the write. A tree plays the
 * kernel's answers only with the fake kernel as its filter (fakekernel.h).
 */
int af_sysroot_write(AfSysroot *sysroot, const char *path, const char *data);
/* The same write to the file itself, past the write filter: for filters. */
int af_sysroot_write_raw(AfSysroot *sysroot, const char *path, const char *data);
