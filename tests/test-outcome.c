/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "outcome.h"

typedef struct {
	int r;
	AfOutcome outcome;
	gboolean replan;
} ErrnoCase;

/* KERNEL.md "Write errors", one row per errno a write can give. */
static const ErrnoCase errno_cases[] = {
	{ 0, AF_OUTCOME_WRITTEN, FALSE },
	{ -EIO, AF_OUTCOME_REFUSED, FALSE },       /* managed, before 6.12 */
	{ -EPERM, AF_OUTCOME_REFUSED, FALSE },     /* managed, from 6.12 */
	{ -ENOSPC, AF_OUTCOME_NO_SPACE, TRUE },    /* x86 vectors full */
	{ -EINVAL, AF_OUTCOME_INVALID, TRUE },     /* no online CPU in the mask */
	{ -ENOENT, AF_OUTCOME_GONE, FALSE },       /* IRQ freed */
	{ -EBUSY, AF_OUTCOME_FAILED, FALSE },
	{ -ENOMEM, AF_OUTCOME_FAILED, FALSE },
	{ -ERANGE, AF_OUTCOME_FAILED, FALSE },     /* CPU >= nr_cpu_ids: our bug, not the IRQ's */
	{ -EOVERFLOW, AF_OUTCOME_FAILED, FALSE },
	{ -EACCES, AF_OUTCOME_FAILED, FALSE },     /* no privilege: says nothing about the IRQ */
};

static void test_from_errno(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(errno_cases); i++) {
		const ErrnoCase *c = &errno_cases[i];
		AfOutcome outcome = af_outcome_from_errno(c->r);

		g_test_message("case %d", c->r);
		g_assert_cmpint(outcome, ==, c->outcome);
		g_assert_cmpint(af_outcome_needs_replan(outcome), ==, c->replan);
	}
}

static void test_to_string(void)
{
	g_assert_cmpstr(af_outcome_to_string(AF_OUTCOME_WRITTEN), ==, "written");
	g_assert_cmpstr(af_outcome_to_string(AF_OUTCOME_NO_SPACE), ==, "no-space");
	g_assert_cmpstr(af_outcome_to_string(AF_OUTCOME_DEFERRED), ==, "deferred");
	g_assert_false(af_outcome_needs_replan(AF_OUTCOME_DEFERRED));
}

typedef struct {
	AfAction action;
	const char *planned; /* cpulist, NULL for none */
	const char *current; /* cpulist, NULL for unknown */
	gboolean write;
} WriteCase;

static const WriteCase write_cases[] = {
	{ AF_ACTION_MOVE, "0", "0-1", TRUE },
	{ AF_ACTION_MOVE, "0", "0", FALSE },       /* the kernel already has it */
	{ AF_ACTION_MOVE, "0-1", "1,0", FALSE },   /* same set, other spelling */
	{ AF_ACTION_MOVE, "1", "0", TRUE },
	{ AF_ACTION_MOVE, "63", "64", TRUE },
	{ AF_ACTION_MOVE, "1023", "1023", FALSE },
	{ AF_ACTION_MOVE, "0", NULL, TRUE },       /* unknown current: write */
	{ AF_ACTION_MOVE, "", "0", FALSE },        /* empty mask: never written */
	{ AF_ACTION_MOVE, NULL, "0", FALSE },
	{ AF_ACTION_KEEP, "0", "0-1", FALSE },     /* keep never writes, even if they differ */
	{ AF_ACTION_SKIP, NULL, "0-7", FALSE },
	{ AF_ACTION_SKIP, "0", "0-7", FALSE },
};

static AfCpuSet *parse_or_null(const char *text)
{
	AfCpuSet *set = NULL;

	if (text)
		g_assert_cmpint(af_cpuset_parse_list(text, &set), ==, 0);
	return set;
}

static void test_needs_write(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(write_cases); i++) {
		const WriteCase *c = &write_cases[i];
		g_autoptr(AfCpuSet) planned = parse_or_null(c->planned);
		g_autoptr(AfCpuSet) current = parse_or_null(c->current);

		g_test_message("case %u: %s over %s", i, c->planned, c->current);
		g_assert_cmpint(af_outcome_needs_write(c->action, planned, current), ==, c->write);
	}
}

static void test_backoff_delay(void)
{
	/* 0 failures: no delay; then 1 s doubling: 1, 2, 4, ... up to 5 min. */
	static const struct {
		guint failures;
		guint delay_ms;
	} cases[] = {
		{ 0, 0 },         { 1, 1000 },       { 2, 2000 },      { 3, 4000 },
		{ 8, 128000 },    { 9, 256000 },     { 10, 300000 },   { 11, 300000 },
		{ 64, 300000 },   { G_MAXUINT, 300000 },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("case %u failures", cases[i].failures);
		g_assert_cmpuint(af_outcome_backoff_delay_ms(cases[i].failures), ==,
				 cases[i].delay_ms);
	}
}

static void test_backoff_sequence(void)
{
	AfBackoff backoff = { 0 };

	g_assert_true(af_outcome_backoff_is_ready(&backoff, 0));
	af_outcome_backoff_record_failure(&backoff, 10000);
	g_assert_cmpuint(backoff.failures, ==, 1);
	g_assert_false(af_outcome_backoff_is_ready(&backoff, 10000));
	g_assert_false(af_outcome_backoff_is_ready(&backoff, 10999));
	g_assert_true(af_outcome_backoff_is_ready(&backoff, 11000));
	af_outcome_backoff_record_failure(&backoff, 11000);
	g_assert_false(af_outcome_backoff_is_ready(&backoff, 12999));
	g_assert_true(af_outcome_backoff_is_ready(&backoff, 13000));

	/* The count saturates instead of wrapping back to "no failure". */
	backoff.failures = G_MAXUINT;
	af_outcome_backoff_record_failure(&backoff, 0);
	g_assert_cmpuint(backoff.failures, ==, G_MAXUINT);
	g_assert_cmpint(backoff.retry_at_ms, ==, AF_BACKOFF_MAX_MS);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/outcome/from_errno/table", test_from_errno);
	g_test_add_func("/outcome/to_string/names", test_to_string);
	g_test_add_func("/outcome/needs_write/table", test_needs_write);
	g_test_add_func("/outcome/backoff_delay_ms/doubling", test_backoff_delay);
	g_test_add_func("/outcome/backoff_record_failure/sequence", test_backoff_sequence);
	return g_test_run();
}
