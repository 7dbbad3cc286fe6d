/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "context.h"

/*
 * The Prometheus text file ([daemon] metrics_file=): written after each
 * replan to a temporary file beside it and renamed over it, so that
 * node_exporter's textfile collector (which reads only "*.prom") never sees
 * half of one. Readable by all (0644 whatever the umask): the collector
 * runs as its own user. A failing write is warned once, until one succeeds.
 */

void af_daemon_open_metrics(AfDaemon *daemon)
{
	const char *configured = daemon->engine->policy->metrics_file;
	char *path = NULL;

	/* The default only on the live machine: a --sysroot tree's daemon
	 * must not write into this machine's collector directory. */
	if (!configured) {
		if (af_sysroot_is_live(daemon->engine->sysroot) &&
		    g_file_test(AF_DEFAULT_METRICS_DIR, G_FILE_TEST_IS_DIR))
			path = g_strdup(AF_DEFAULT_METRICS_FILE);
	} else if (*configured) {
		path = g_strdup(configured);
	}
	if (g_strcmp0(path, daemon->metrics_path) != 0)
		daemon->metrics_warned = FALSE;
	g_free(daemon->metrics_path);
	daemon->metrics_path = path;
	if (!daemon->metrics)
		daemon->metrics = af_metrics_new();
	if (path)
		g_debug("Writing metrics to %s", path);
}

void af_daemon_close_metrics(AfDaemon *daemon)
{
	g_clear_pointer(&daemon->metrics_path, g_free);
	g_clear_pointer(&daemon->metrics, af_metrics_free);
}

static int write_all(int fd, const char *text, size_t length)
{
	while (length > 0) {
		ssize_t n = write(fd, text, length);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		text += n;
		length -= (size_t)n;
	}
	return 0;
}

/* text into path by a temporary file and rename(). */
static int write_atomically(const char *path, const char *text)
{
	g_autofree char *temp = g_strconcat(path, ".XXXXXX", NULL);
	int fd, r;

	fd = g_mkstemp_full(temp, O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	r = write_all(fd, text, strlen(text));
	if (r == 0 && fchmod(fd, 0644) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(temp, path) < 0)
		r = -errno;
	if (r < 0)
		(void)unlink(temp);
	return r;
}

void af_daemon_write_metrics(AfDaemon *daemon)
{
	g_autofree char *text = NULL;
	int r;

	if (!daemon->metrics_path)
		return;
	text = af_metrics_format(daemon->metrics, daemon->engine->plan, daemon->engine->hk);
	r = write_atomically(daemon->metrics_path, text);
	if (r < 0 && !daemon->metrics_warned) {
		g_warning("Failed to write the metrics to %s, trying again after each replan: %s",
			  daemon->metrics_path, g_strerror(-r));
		daemon->metrics_warned = TRUE;
	} else if (r == 0 && daemon->metrics_warned) {
		g_message("Metrics written to %s again", daemon->metrics_path);
		daemon->metrics_warned = FALSE;
	}
}
