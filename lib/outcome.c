/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "outcome.h"

AfOutcome af_outcome_from_errno(int r)
{
	switch (r) {
	case 0:
		return AF_OUTCOME_WRITTEN;
	/* The kernel will not let user space set this IRQ's affinity
	 * (managed, per-CPU, no-balancing, or the chip cannot): EIO before
	 * 6.12, EPERM from 6.12. */
	case -EIO:
	case -EPERM:
		return AF_OUTCOME_REFUSED;
	/* x86: no free vector left on any CPU of the mask. */
	case -ENOSPC:
		return AF_OUTCOME_NO_SPACE;
	/* No online CPU in the mask: the CPUs changed under the plan. */
	case -EINVAL:
		return AF_OUTCOME_INVALID;
	/* /proc/irq/N goes when the descriptor is freed. */
	case -ENOENT:
		return AF_OUTCOME_GONE;
	default:
		return AF_OUTCOME_FAILED;
	}
}

gboolean af_outcome_needs_replan(AfOutcome outcome)
{
	switch (outcome) {
	case AF_OUTCOME_NO_SPACE:
	case AF_OUTCOME_INVALID:
		return TRUE;
	case AF_OUTCOME_WRITTEN:
	case AF_OUTCOME_UNCHANGED:
	case AF_OUTCOME_REFUSED:
	case AF_OUTCOME_GONE:
	case AF_OUTCOME_FAILED:
	case AF_OUTCOME_DEFERRED:
		return FALSE;
	}
	g_assert_not_reached();
}

const char *af_outcome_to_string(AfOutcome outcome)
{
	switch (outcome) {
	case AF_OUTCOME_WRITTEN:
		return "written";
	case AF_OUTCOME_UNCHANGED:
		return "unchanged";
	case AF_OUTCOME_REFUSED:
		return "refused";
	case AF_OUTCOME_NO_SPACE:
		return "no-space";
	case AF_OUTCOME_INVALID:
		return "invalid";
	case AF_OUTCOME_GONE:
		return "gone";
	case AF_OUTCOME_FAILED:
		return "failed";
	case AF_OUTCOME_DEFERRED:
		return "deferred";
	}
	g_assert_not_reached();
}

gboolean af_outcome_needs_write(AfAction action, const AfCpuSet *planned, const AfCpuSet *current)
{
	switch (action) {
	case AF_ACTION_MOVE:
		break;
	case AF_ACTION_KEEP:
	case AF_ACTION_SKIP:
		return FALSE;
	}
	/* An empty mask is never written: the kernel would say EINVAL. */
	if (af_cpuset_is_empty(planned))
		return FALSE;
	if (!current)
		return TRUE;
	return !af_cpuset_equal(planned, current);
}

guint af_outcome_backoff_delay_ms(guint failures)
{
	guint delay_ms = AF_BACKOFF_FIRST_MS;

	if (failures == 0)
		return 0;
	/* Double per failure, stopping at the cap before any overflow. */
	for (guint i = 1; i < failures && delay_ms < AF_BACKOFF_MAX_MS; i++)
		delay_ms *= 2;
	return MIN(delay_ms, AF_BACKOFF_MAX_MS);
}

void af_outcome_backoff_record_failure(AfBackoff *backoff, gint64 now_ms)
{
	if (backoff->failures < G_MAXUINT)
		backoff->failures++;
	backoff->retry_at_ms = now_ms + af_outcome_backoff_delay_ms(backoff->failures);
}

gboolean af_outcome_backoff_is_ready(const AfBackoff *backoff, gint64 now_ms)
{
	return backoff->failures == 0 || now_ms >= backoff->retry_at_ms;
}
