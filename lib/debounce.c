/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "debounce.h"

void af_debounce_init(AfDebounce *debounce, guint delay_ms)
{
	*debounce = (AfDebounce){.delay_us = (gint64)delay_ms * 1000};
}

void af_debounce_set_delay(AfDebounce *debounce, guint delay_ms)
{
	debounce->delay_us = (gint64)delay_ms * 1000;
}

gboolean af_debounce_is_urgent(AfEventFlags flags)
{
	return (flags & AF_EVENT_CPU_OFFLINE) != 0;
}

static gint64 urgent_delay_us(const AfDebounce *debounce)
{
	return MIN(debounce->delay_us, AF_DEBOUNCE_URGENT_US);
}

gboolean af_debounce_mark(AfDebounce *debounce, AfEventFlags flags, gint64 now_us)
{
	gint64 deadline_us;

	if (flags == 0)
		return FALSE;
	if (!debounce->pending) {
		debounce->pending = flags;
		debounce->first_us = now_us;
		debounce->urgent = af_debounce_is_urgent(flags);
		debounce->deadline_us = now_us + (debounce->urgent ? urgent_delay_us(debounce)
								   : debounce->delay_us);
		return TRUE;
	}
	debounce->pending |= flags;
	if (af_debounce_is_urgent(flags)) {
		deadline_us = MIN(debounce->deadline_us, now_us + urgent_delay_us(debounce));
		debounce->urgent = TRUE;
	} else if (debounce->urgent) {
		/* An urgent deadline is never pushed back. */
		return FALSE;
	} else {
		deadline_us = MIN(now_us + debounce->delay_us,
				  debounce->first_us + AF_DEBOUNCE_MAX_FACTOR * debounce->delay_us);
	}
	if (deadline_us == debounce->deadline_us)
		return FALSE;
	debounce->deadline_us = deadline_us;
	return TRUE;
}

gboolean af_debounce_pending(const AfDebounce *debounce)
{
	return debounce->pending != 0;
}

gint64 af_debounce_deadline_us(const AfDebounce *debounce)
{
	return debounce->deadline_us;
}

gboolean af_debounce_take(AfDebounce *debounce, gint64 now_us, AfEventFlags *ret_flags)
{
	if (!debounce->pending || now_us < debounce->deadline_us)
		return FALSE;
	*ret_flags = debounce->pending;
	debounce->pending = 0;
	debounce->urgent = FALSE;
	return TRUE;
}
