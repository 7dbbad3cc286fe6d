/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "dbus-api.h"

GQuark af_dbus_error_quark(void)
{
	static const GDBusErrorEntry entries[] = {
		{AF_DBUS_ERROR_NO_PLAN, "org.affinityd1.Error.NoPlan"},
		{AF_DBUS_ERROR_NO_SUCH_IRQ, "org.affinityd1.Error.NoSuchIrq"},
		{AF_DBUS_ERROR_BAD_CONFIG, "org.affinityd1.Error.BadConfig"},
		{AF_DBUS_ERROR_FAILED, "org.affinityd1.Error.Failed"},
	};
	static gsize quark;

	g_dbus_error_register_error_domain("af-dbus-error-quark", &quark, entries,
					   G_N_ELEMENTS(entries));
	return (GQuark)quark;
}
