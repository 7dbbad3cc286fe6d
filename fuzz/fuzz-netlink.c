/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rtnetlink link messages as the link watch receives them
 * (af_link_watch_dispatch: libnl-route's parse of RTM_NEWLINK/DELLINK and
 * their attributes). Properties: every event is a new or del event, and
 * its name, when it has one, is a C string.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "linkwatch.h"

static void on_link(const AfLinkEvent *event, gpointer user_data)
{
	guint *n = user_data;

	fuzz_check(event->change == AF_LINK_NEW || event->change == AF_LINK_DEL);
	if (event->name)
		fuzz_check(strlen(event->name) < 4096);
	(*n)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	guint n = 0;

	af_link_watch_dispatch(data, size, on_link, &n);
	return 0;
}
