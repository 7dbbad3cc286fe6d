/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <unistd.h>

#include "inotify.h"

struct AfInotify {
	int fd;
	guint source;
	AfInotifyEventFunc on_event;
	AfInotifyOverflowFunc on_overflow;
	gpointer user_data;
};

static gboolean on_readable(int fd, GIOCondition condition, gpointer user_data)
{
	AfInotify *inotify = user_data;
	/* Aligned as inotify(7) asks. */
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	/* Nonblocking: read until EAGAIN, so one wake-up takes all that queued. */
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (ev->mask & IN_Q_OVERFLOW)
				inotify->on_overflow(inotify->user_data);
			else
				inotify->on_event(ev, inotify->user_data);
			p += sizeof(struct inotify_event) + ev->len;
		}
	}
	return G_SOURCE_CONTINUE;
}

int af_inotify_new(AfInotifyEventFunc on_event, AfInotifyOverflowFunc on_overflow,
		   gpointer user_data, AfInotify **ret_inotify)
{
	g_autoptr(AfInotify) inotify = g_new0(AfInotify, 1);

	inotify->on_event = on_event;
	inotify->on_overflow = on_overflow;
	inotify->user_data = user_data;
	inotify->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (inotify->fd < 0)
		return -errno;
	inotify->source = g_unix_fd_add(inotify->fd, G_IO_IN, on_readable, inotify);
	*ret_inotify = g_steal_pointer(&inotify);
	return 0;
}

void af_inotify_free(AfInotify *inotify)
{
	if (!inotify)
		return;
	if (inotify->source)
		g_source_remove(inotify->source);
	if (inotify->fd >= 0)
		close(inotify->fd);
	g_free(inotify);
}

int af_inotify_add_watch(AfInotify *inotify, const char *path, uint32_t mask)
{
	int wd = inotify_add_watch(inotify->fd, path, mask);

	return wd < 0 ? -errno : wd;
}
