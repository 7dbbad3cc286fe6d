/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The names of affinityd's D-Bus API, shared by the service (dbus.c) and
 * affinityctl: bus name, object, interface, and the errors of its own
 * beyond org.freedesktop.DBus.Error.* (InvalidArgs for a bad argument,
 * AccessDenied for a caller other than root, NotSupported).
 */

#include <gio/gio.h>

#define AF_DBUS_NAME "org.affinityd1"
#define AF_DBUS_PATH "/org/affinityd1"
#define AF_DBUS_INTERFACE "org.affinityd1.Manager"

#define AF_DBUS_ERROR (af_dbus_error_quark())
typedef enum {
	AF_DBUS_ERROR_NO_PLAN,	   /* org.affinityd1.Error.NoPlan: the last replan failed */
	AF_DBUS_ERROR_NO_SUCH_IRQ, /* org.affinityd1.Error.NoSuchIrq */
	AF_DBUS_ERROR_BAD_CONFIG,  /* org.affinityd1.Error.BadConfig: Reload refused the files */
	AF_DBUS_ERROR_FAILED,	   /* org.affinityd1.Error.Failed: the replan of a change failed */
} AfDbusError;

/* The error domain, its D-Bus names registered (both sides call it). */
GQuark af_dbus_error_quark(void);
