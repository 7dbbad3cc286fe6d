/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Logging: one place where affinityd speaks. Under journald (stderr is the
 * stream named by $JOURNAL_STREAM) every message goes through
 * sd_journal_send with structured fields; otherwise, or with --foreground,
 * plain "affinityd: message" lines go to stderr. GLib's g_message(),
 * g_warning() and g_debug() take the same way once af_log_init() ran. Each kind of event has a
 * function of its own with a fixed MESSAGE_ID, so that
 * `journalctl MESSAGE_ID=...` or `journalctl AFFINITYD_IRQ=44` finds them.
 * Errors passed in are negative errnos, as the functions returned them.
 */

#include <sys/types.h>
#include <glib.h>

#include "cpuset.h"

#define AF_LOG_MESSAGE_ID_MOVE "71a1e1ad062a4de1b96cf3c235260ed4"
#define AF_LOG_MESSAGE_ID_UNMOVABLE "656a2232a4974db6a4a11fbf25175a45"
#define AF_LOG_MESSAGE_ID_WRITE_FAILED "4648157a14f34aa2a902963c07f7d381"
#define AF_LOG_MESSAGE_ID_RESTORE "b4bc69ae1b9c4226939cf7c38e1bcb57"
#define AF_LOG_MESSAGE_ID_RMAP_REFRESH "fe9715ae63ca441191c9c83a5e9fa0e9"
#define AF_LOG_MESSAGE_ID_STEER "df2c952de51d4302bc9106545f897423"

/*
 * Chooses the journal or stderr (stderr always with foreground); debug (or
 * G_MESSAGES_DEBUG=all) enables debug messages. Routes GLib's log functions
 * here too.
 */
void af_log_init(gboolean foreground, gboolean debug);
/* TRUE when messages go to the journal. */
gboolean af_log_to_journal(void);
/*
 * TRUE when journal_stream ($JOURNAL_STREAM, "DEV:INO" in decimal, may be
 * NULL) names the file with this device and inode (stderr's fstat).
 */
gboolean af_log_stream_is_journal(const char *journal_stream, dev_t dev, ino_t ino);

void af_log_error(const char *format, ...) G_GNUC_PRINTF(1, 2);
void af_log_warning(const char *format, ...) G_GNUC_PRINTF(1, 2);
void af_log_info(const char *format, ...) G_GNUC_PRINTF(1, 2);
/* Dropped unless af_log_init had debug. */
void af_log_debug(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* An IRQ's affinity changed from -> to, and why. device and reason may be NULL. */
void af_log_move(guint irq, const char *name, const char *device, const AfCpuSet *from,
		 const AfCpuSet *to, const char *reason);
/* The kernel refused to move an IRQ (error: -EIO, -EPERM, or 0 for a read-only file). Once per IRQ. */
void af_log_unmovable(guint irq, const char *name, const char *device, int error);
/* "Failed to set affinity of IRQ 42 (mlx5_comp3), ignoring: Input/output error". */
void af_log_write_failed(guint irq, const char *name, const AfCpuSet *to, int error);
/* An IRQ got its original affinity back. */
void af_log_restore(guint irq, const char *name, const AfCpuSet *from, const AfCpuSet *to);
/*
 * An aRFS queue IRQ's affinity written again (mask unchanged or not) so that
 * the kernel's affinity notifier refreshes the NIC's cpu_rmap after CPU
 * hotplug: AFFINITYD_REASON=rmap-refresh. interface may be NULL.
 */
void af_log_rmap_refresh(guint irq, const char *name, const char *interface, const AfCpuSet *mask);
/*
 * A steering value changed: kind "rps", "xps", "rps_flow_cnt",
 * "rps_sock_flow_entries" or "napi"; what is the queue ("rx-0"), the NAPI
 * thread, or NULL; interface NULL for machine-wide values.
 */
void af_log_steer(const char *interface, const char *what, const char *kind, const char *from,
		  const char *to, const char *reason);
