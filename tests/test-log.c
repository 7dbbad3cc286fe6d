/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "log.h"

typedef struct {
	const char *env;
	gboolean journal; /* against device 8:1 = 2049, inode 12345 */
} StreamCase;

static const StreamCase stream_cases[] = {
	{ NULL, FALSE },
	{ "", FALSE },
	{ "2049:12345", TRUE },
	{ "2049:12346", FALSE },
	{ "2050:12345", FALSE },
	{ "2049:", FALSE },
	{ ":12345", FALSE },
	{ "2049:12345x", FALSE },
	{ "2049 12345", FALSE },
	{ "-2049:12345", FALSE },
};

static void test_stream_is_journal(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(stream_cases); i++) {
		g_test_message("case \"%s\"", stream_cases[i].env);
		g_assert_cmpint(af_log_stream_is_journal(stream_cases[i].env, 2049, 12345), ==,
				stream_cases[i].journal);
	}
}

static void test_stderr_lines(void)
{
	if (g_test_subprocess()) {
		g_autoptr(AfCpuSet) from = af_cpuset_new_range(0, 1);
		g_autoptr(AfCpuSet) to = af_cpuset_new_range(1, 1);

		/* Even under a journal stream, --foreground means stderr. */
		af_log_init(TRUE, FALSE);
		af_log_move(30, "virtio0-requests", "0000:00:04.0", from, to, "spread");
		af_log_write_failed(42, "mlx5_comp3", to, -EIO);
		af_log_unmovable(27, "virtio2-request", NULL, -EPERM);
		af_log_debug("hidden without --debug");
		af_log_info("state kept in memory");
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_passed();
	g_test_trap_assert_stderr("affinityd: Moved IRQ 30 (virtio0-requests) from 0-1 to 1: spread\n"
				  "affinityd: Failed to set affinity of IRQ 42 (mlx5_comp3), "
				  "ignoring: Input/output error\n"
				  "affinityd: IRQ 27 (virtio2-request) cannot be moved (Operation "
				  "not permitted): it will not be written again\n"
				  "affinityd: state kept in memory\n");
}

static void test_debug(void)
{
	if (g_test_subprocess()) {
		af_log_init(TRUE, TRUE);
		af_log_debug("shown with --debug");
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_passed();
	g_test_trap_assert_stderr("affinityd: shown with --debug\n");
}

/* The event loop logs with GLib's functions: they must read like the rest. */
static void test_glib_messages(void)
{
	if (g_test_subprocess()) {
		/* g_test_init() made warnings fatal; the daemon's are not. */
		g_log_set_always_fatal(G_LOG_FATAL_MASK);
		af_log_init(TRUE, FALSE);
		g_message("Started: %u IRQs placed", 3u);
		g_debug("hidden without --debug");
		g_warning("Failed to plan: %s", "No such file or directory");
		af_log_init(TRUE, TRUE); /* a second init must not set GLib's writer again */
		g_debug("shown with --debug");
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_passed();
	g_test_trap_assert_stderr("affinityd: Started: 3 IRQs placed\n"
				  "affinityd: Failed to plan: No such file or directory\n"
				  "affinityd: shown with --debug\n");
}

/* Every journal entry names the program (journalctl -t affinityd) beside its own fields. */
static void test_journal_entry(void)
{
	g_autoptr(GPtrArray) entry = af_log_journal_entry(
		6, "Moved IRQ 44", (const char *const[]){ "AFFINITYD_IRQ=44", NULL, "X=y" }, 3);
	const char *expected[] = { "MESSAGE=Moved IRQ 44", "PRIORITY=6",
				   "SYSLOG_IDENTIFIER=affinityd", "AFFINITYD_IRQ=44", "X=y" };

	g_assert_cmpuint(entry->len, ==, G_N_ELEMENTS(expected));
	for (guint i = 0; i < entry->len && i < G_N_ELEMENTS(expected); i++)
		g_assert_cmpstr(entry->pdata[i], ==, expected[i]);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/log/stream_is_journal/table", test_stream_is_journal);
	g_test_add_func("/log/move/stderr_lines", test_stderr_lines);
	g_test_add_func("/log/debug/enabled", test_debug);
	g_test_add_func("/log/glib/stderr_lines", test_glib_messages);
	g_test_add_func("/log/journal_entry/fields", test_journal_entry);
	return g_test_run();
}
