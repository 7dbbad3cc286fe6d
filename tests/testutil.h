/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Test helpers shared by the unit tests: fixture paths, unpacking fixture
 * tarballs into temporary directories, copying and removing trees. Those
 * that make or remove test data abort the program on any failure
 * (g_error): no case can go on without its tree. The plan comparison is a
 * check: it fails the case and goes on.
 */

#include <glib.h>

#include "planner.h"

/*
 * Fails the current test case and goes on: the text is logged (as a failed
 * g_assert_*() logs its own) and ends the case's "not ok" line, unless a
 * later failure replaces it there.
 */
void af_test_fail(const char *format, ...) G_GNUC_PRINTF(1, 2);
/* Absolute path of a file under tests/fixtures/ (needs G_TEST_SRCDIR or srcdir). */
char *af_test_fixture(const char *relative);
/*
 * Unpacks tarball (.tar.bz2, .tar.gz, .tar.xz: tar guesses) into a new
 * g_dir_make_tmp directory and returns that directory (the tarball's
 * contents sit inside it as stored, e.g. DIR/8em64t-2s2ca2c/sys/...).
 * Remove it with af_test_rm_rf().
 */
void af_test_extract(const char *tarball, char **ret_dir);
/* Unpacks a tarball whose contents are one top-level directory and returns
 * that directory's path in *ret_root; *ret_dir is the temporary parent to remove. */
void af_test_extract_root(const char *tarball, char **ret_dir, char **ret_root);
/* rm -rf dir; NULL is fine. */
void af_test_rm_rf(const char *dir);
/* cp -a src/. dst (dst is created if missing); keeps links as links. */
void af_test_copy_tree(const char *src, const char *dst);
/* Writes a file below root, creating parent directories. */
void af_test_write_file(const char *root, const char *relative, const char *contents);
/*
 * Applies a plan to a snapshot as the kernel would show it: each IRQ of s
 * with a planned mask gets it as affinity and effective affinity. Returns
 * the plan as a previous placement (af_plan_placement).
 */
AfPlacement *af_test_apply_plan(AfSnapshot *s, const AfPlan *plan);
/* Asserts two plans are the same: entries (IRQ, action, mask, reason,
 * warning count) and the plan's warnings, in order. */
void af_test_assert_plans_equal(const AfPlan *a, const AfPlan *b);
/*
 * With AF_TEST_DUMP_PLANS=DIR in the environment, appends the plan as text
 * (every entry's IRQ, action, planned mask, reason and warnings, then the
 * plan's warnings and counts) to DIR/<the test path, '/' as '_'>.txt; does
 * nothing otherwise. Run the suites before and after a change that must
 * not change plans and diff the two directories.
 */
void af_test_dump_plan(const AfPlan *plan);
