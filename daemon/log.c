/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>
#include <systemd/sd-journal.h>

#include "log.h"

/* Set once at start-up by af_log_init, read by every message after. */
static struct {
	gboolean journal;
	gboolean debug;
} log_config;

gboolean af_log_stream_is_journal(const char *journal_stream, dev_t dev, ino_t ino)
{
	guint64 stream_dev, stream_ino;
	char *end;

	if (!journal_stream || !g_ascii_isdigit(journal_stream[0]))
		return FALSE;
	stream_dev = g_ascii_strtoull(journal_stream, &end, 10);
	if (*end != ':' || !g_ascii_isdigit(end[1]))
		return FALSE;
	stream_ino = g_ascii_strtoull(end + 1, &end, 10);
	if (*end)
		return FALSE;
	return stream_dev == (guint64)dev && stream_ino == (guint64)ino;
}

/* GLib's convention: G_MESSAGES_DEBUG=all shows every debug message. */
static gboolean glib_debug_all(void)
{
	const char *value = g_getenv("G_MESSAGES_DEBUG");
	g_auto(GStrv) words = g_strsplit_set(value ? value : "", " ,:", -1);

	return g_strv_contains((const char *const *)words, "all");
}

static void log_fields(int priority, const char *message, const char *const *fields,
		       guint n_fields);

static int priority_of(GLogLevelFlags level)
{
	if (level & G_LOG_LEVEL_ERROR)
		return LOG_ERR;
	if (level & G_LOG_LEVEL_CRITICAL)
		return LOG_CRIT;
	if (level & G_LOG_LEVEL_WARNING)
		return LOG_WARNING;
	if (level & G_LOG_LEVEL_MESSAGE)
		return LOG_NOTICE;
	if (level & G_LOG_LEVEL_INFO)
		return LOG_INFO;
	return LOG_DEBUG;
}

/* g_message(), g_warning(), g_debug() (the event loop, lib/) speak as af_log_*() do. */
static GLogWriterOutput write_glib(GLogLevelFlags level, const GLogField *fields, gsize n_fields,
				   gpointer user_data)
{
	for (gsize i = 0; i < n_fields; i++) {
		g_autofree char *message = NULL;

		if (!g_str_equal(fields[i].key, "MESSAGE"))
			continue;
		message = fields[i].length < 0 ? g_strdup(fields[i].value)
					       : g_strndup(fields[i].value, fields[i].length);
		log_fields(priority_of(level), message, NULL, 0);
		return G_LOG_WRITER_HANDLED;
	}
	return G_LOG_WRITER_UNHANDLED;
}

void af_log_init(gboolean foreground, gboolean debug)
{
	static gboolean writer_set;
	struct stat st;

	log_config.debug = debug || glib_debug_all();
	/* systemd sets $JOURNAL_STREAM when it connects stderr to journald;
	 * a redirected stderr (a shell, a test) no longer matches it. */
	log_config.journal = !foreground && fstat(STDERR_FILENO, &st) == 0 &&
			     af_log_stream_is_journal(g_getenv("JOURNAL_STREAM"), st.st_dev,
						      st.st_ino);
	/* GLib allows one writer per process, set once. */
	if (!writer_set) {
		g_log_set_writer_func(write_glib, NULL, NULL);
		writer_set = TRUE;
	}
}

gboolean af_log_to_journal(void)
{
	return log_config.journal;
}

/*
 * Sends message with priority and the extra "FIELD=value" strings (NULL
 * entries are skipped), or prints it to stderr.
 */
static void log_fields(int priority, const char *message, const char *const *fields,
		       guint n_fields)
{
	g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func(g_free);
	g_autofree struct iovec *iov = NULL;

	if (priority == LOG_DEBUG && !log_config.debug)
		return;
	if (!log_config.journal) {
		fprintf(stderr, "affinityd: %s\n", message);
		return;
	}
	g_ptr_array_add(strings, g_strdup_printf("MESSAGE=%s", message));
	g_ptr_array_add(strings, g_strdup_printf("PRIORITY=%d", priority));
	for (guint i = 0; i < n_fields; i++)
		if (fields[i])
			g_ptr_array_add(strings, g_strdup(fields[i]));
	iov = g_new0(struct iovec, strings->len);
	for (guint i = 0; i < strings->len; i++) {
		iov[i].iov_base = strings->pdata[i];
		iov[i].iov_len = strlen(strings->pdata[i]);
	}
	/* The journal may be gone (stopped, or restarting): stderr still is. */
	if (sd_journal_sendv(iov, (int)strings->len) < 0)
		fprintf(stderr, "affinityd: %s\n", message);
}

static void log_message(int priority, const char *format, va_list ap) G_GNUC_PRINTF(2, 0);

static void log_message(int priority, const char *format, va_list ap)
{
	g_autofree char *message = g_strdup_vprintf(format, ap);

	log_fields(priority, message, NULL, 0);
}

#define DEFINE_LOG_LEVEL(function, priority)               \
	void function(const char *format, ...)              \
	{                                                    \
		va_list ap;                                  \
                                                             \
		va_start(ap, format);                        \
		log_message(priority, format, ap);           \
		va_end(ap);                                  \
	}

DEFINE_LOG_LEVEL(af_log_error, LOG_ERR)
DEFINE_LOG_LEVEL(af_log_warning, LOG_WARNING)
DEFINE_LOG_LEVEL(af_log_info, LOG_INFO)
DEFINE_LOG_LEVEL(af_log_debug, LOG_DEBUG)

static char *format_set(const AfCpuSet *set)
{
	return set ? af_cpuset_format_list(set) : g_strdup("unknown");
}

static char *field_or_null(const char *key, const char *value)
{
	return value ? g_strdup_printf("%s=%s", key, value) : NULL;
}

void af_log_move(guint irq, const char *name, const char *device, const AfCpuSet *from,
		 const AfCpuSet *to, const char *reason)
{
	g_autofree char *from_list = format_set(from), *to_list = format_set(to);
	g_autofree char *message = NULL, *f_irq = NULL, *f_name = NULL, *f_device = NULL;
	g_autofree char *f_from = NULL, *f_to = NULL, *f_reason = NULL;

	message = g_strdup_printf("Moved IRQ %u (%s) from %s to %s%s%s", irq, name, from_list,
				  to_list, reason ? ": " : "", reason ? reason : "");
	f_irq = g_strdup_printf("AFFINITYD_IRQ=%u", irq);
	f_name = field_or_null("AFFINITYD_NAME", name);
	f_device = field_or_null("AFFINITYD_DEVICE", device);
	f_from = field_or_null("AFFINITYD_FROM", from_list);
	f_to = field_or_null("AFFINITYD_TO", to_list);
	f_reason = field_or_null("AFFINITYD_REASON", reason);
	log_fields(LOG_INFO, message,
		   (const char *const[]){ "MESSAGE_ID=" AF_LOG_MESSAGE_ID_MOVE, f_irq, f_name,
					  f_device, f_from, f_to, f_reason },
		   7);
}

void af_log_unmovable(guint irq, const char *name, const char *device, int error)
{
	g_autofree char *message = NULL, *f_irq = NULL, *f_name = NULL, *f_device = NULL;
	g_autofree char *f_errno = NULL;

	if (error < 0) {
		message = g_strdup_printf("IRQ %u (%s) cannot be moved (%s): it will not be "
					  "written again",
					  irq, name, g_strerror(-error));
		f_errno = g_strdup_printf("ERRNO=%d", -error);
	} else {
		message = g_strdup_printf("IRQ %u (%s) cannot be moved (its affinity file is "
					  "read-only): it will not be written again",
					  irq, name);
	}
	f_irq = g_strdup_printf("AFFINITYD_IRQ=%u", irq);
	f_name = field_or_null("AFFINITYD_NAME", name);
	f_device = field_or_null("AFFINITYD_DEVICE", device);
	log_fields(LOG_NOTICE, message,
		   (const char *const[]){ "MESSAGE_ID=" AF_LOG_MESSAGE_ID_UNMOVABLE, f_irq,
					  f_name, f_device, f_errno },
		   5);
}

void af_log_write_failed(guint irq, const char *name, const AfCpuSet *to, int error)
{
	g_autofree char *to_list = format_set(to);
	g_autofree char *message = NULL, *f_irq = NULL, *f_name = NULL, *f_to = NULL;
	g_autofree char *f_errno = NULL;

	message = g_strdup_printf("Failed to set affinity of IRQ %u (%s), ignoring: %s", irq, name,
				  g_strerror(-error));
	f_irq = g_strdup_printf("AFFINITYD_IRQ=%u", irq);
	f_name = field_or_null("AFFINITYD_NAME", name);
	f_to = field_or_null("AFFINITYD_TO", to_list);
	f_errno = g_strdup_printf("ERRNO=%d", -error);
	log_fields(LOG_WARNING, message,
		   (const char *const[]){ "MESSAGE_ID=" AF_LOG_MESSAGE_ID_WRITE_FAILED, f_irq,
					  f_name, f_to, f_errno },
		   5);
}

void af_log_restore(guint irq, const char *name, const AfCpuSet *from, const AfCpuSet *to)
{
	g_autofree char *from_list = format_set(from), *to_list = format_set(to);
	g_autofree char *message = NULL, *f_irq = NULL, *f_name = NULL;
	g_autofree char *f_from = NULL, *f_to = NULL;

	message = g_strdup_printf("Restored IRQ %u (%s) from %s to its original %s", irq, name,
				  from_list, to_list);
	f_irq = g_strdup_printf("AFFINITYD_IRQ=%u", irq);
	f_name = field_or_null("AFFINITYD_NAME", name);
	f_from = field_or_null("AFFINITYD_FROM", from_list);
	f_to = field_or_null("AFFINITYD_TO", to_list);
	log_fields(LOG_INFO, message,
		   (const char *const[]){ "MESSAGE_ID=" AF_LOG_MESSAGE_ID_RESTORE, f_irq, f_name,
					  f_from, f_to, "AFFINITYD_REASON=restore" },
		   6);
}

void af_log_rmap_refresh(guint irq, const char *name, const char *interface, const AfCpuSet *mask)
{
	g_autofree char *list = format_set(mask);
	g_autofree char *message = NULL, *f_irq = NULL, *f_name = NULL, *f_interface = NULL;
	g_autofree char *f_to = NULL;

	message = g_strdup_printf("Rewrote IRQ %u (%s) with %s to refresh the aRFS rmap of %s", irq,
				  name, list, interface ? interface : "its interface");
	f_irq = g_strdup_printf("AFFINITYD_IRQ=%u", irq);
	f_name = field_or_null("AFFINITYD_NAME", name);
	f_interface = field_or_null("AFFINITYD_INTERFACE", interface);
	f_to = field_or_null("AFFINITYD_TO", list);
	log_fields(LOG_INFO, message,
		   (const char *const[]){"MESSAGE_ID=" AF_LOG_MESSAGE_ID_RMAP_REFRESH, f_irq,
					 f_name, f_interface, f_to,
					 "AFFINITYD_REASON=rmap-refresh"},
		   6);
}

void af_log_steer(const char *interface, const char *what, const char *kind, const char *from,
		  const char *to, const char *reason)
{
	g_autofree char *message = NULL, *f_interface = NULL, *f_queue = NULL, *f_kind = NULL;
	g_autofree char *f_from = NULL, *f_to = NULL, *f_reason = NULL;

	message = g_strdup_printf("Set %s of %s%s%s from %s to %s%s%s", kind,
				  interface ? interface : "the machine", what ? " " : "",
				  what ? what : "", from, to, reason ? ": " : "",
				  reason ? reason : "");
	f_interface = field_or_null("AFFINITYD_INTERFACE", interface);
	f_queue = field_or_null("AFFINITYD_QUEUE", what);
	f_kind = field_or_null("AFFINITYD_STEER", kind);
	f_from = field_or_null("AFFINITYD_FROM", from);
	f_to = field_or_null("AFFINITYD_TO", to);
	f_reason = field_or_null("AFFINITYD_REASON", reason);
	log_fields(LOG_INFO, message,
		   (const char *const[]){"MESSAGE_ID=" AF_LOG_MESSAGE_ID_STEER, f_interface,
					 f_queue, f_kind, f_from, f_to, f_reason},
		   7);
}
