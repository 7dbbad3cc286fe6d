/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Event sources tested against the real kernel without touching the host:
 * the test program enters a network namespace of its own, makes links
 * there with ip(8), and waits on the main context for the events a watch
 * reported, kept as text ("new afv0", "net add afu0"). A failed wait or
 * command fails the test case and returns FALSE: the case can stop there,
 * the program goes on with the next.
 */

#include <glib.h>

/* Moves the process into a new, empty network namespace; FALSE when not allowed. */
gboolean af_test_netns_enter(void);
/* TRUE inside the namespace; otherwise skips the current test case and returns FALSE. */
gboolean af_test_netns_require(void);
/* ip link add NAME type veth peer name PEER; FALSE, skipping the case, when the kernel cannot. */
gboolean af_test_veth_add(const char *name, const char *peer);
/* ip link del NAME; FALSE, failing the case, when that fails. */
gboolean af_test_link_del(const char *name);

/* The events a watch reported, as text. */
typedef struct AfTestEvents AfTestEvents;

AfTestEvents *af_test_events_new(void);
/* Frees; accepts NULL. */
void af_test_events_free(AfTestEvents *events);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfTestEvents, af_test_events_free)
/* Records one event. */
void af_test_events_add(AfTestEvents *events, const char *format, ...) G_GNUC_PRINTF(2, 3);
/* TRUE when that event was recorded. */
gboolean af_test_events_has(const AfTestEvents *events, const char *text);
/*
 * Iterates the default main context until text is recorded; after 10 s
 * fails the test case with what was seen instead, and returns FALSE.
 */
gboolean af_test_events_wait(const AfTestEvents *events, const char *text);
