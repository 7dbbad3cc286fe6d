/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include <string.h>

#include "interrupts.h"
#include "testutil.h"

static const AfInterruptsRow *find_row(const AfInterrupts *in, guint irq)
{
	for (guint i = 0; i < in->rows->len; i++)
		if (((AfInterruptsRow *)in->rows->pdata[i])->irq == irq)
			return in->rows->pdata[i];
	return NULL;
}

/* One row after a two-CPU header: how its tail splits. */
static void test_parse_row_table(void)
{
	static const struct {
		const char *line;
		const char *chip, *hwirq, *trigger, *name;
		guint64 cpu0, cpu1;
	} cases[] = {
		/* x86: hwirq and handler name in one token */
		{ " 27:  256  0   PCI-MSI 98307-edge      virtio2-request", "PCI-MSI", "98307", "edge", "virtio2-request", 256, 0 },
		{ "  0:   87  0   IO-APIC   2-edge      timer", "IO-APIC", "2", "edge", "timer", 87, 0 },
		{ "  9:    0  1   IO-APIC   9-fasteoi   acpi", "IO-APIC", "9", "fasteoi", "acpi", 0, 1 },
		/* the chip can carry the device address */
		{ " 36:    0  72816 PCI-MSIX-0000:00:02.0   1-edge      virtio1-req.0", "PCI-MSIX-0000:00:02.0", "1", "edge", "virtio1-req.0", 0, 72816 },
		/* shared line: action names joined by ", ", spaces kept */
		{ " 11:    4  5   IO-APIC  11-fasteoi   uhci_hcd:usb1, ehci hcd", "IO-APIC", "11", "fasteoi", "uhci_hcd:usb1, ehci hcd", 4, 5 },
		/* arm64 (GENERIC_IRQ_SHOW_LEVEL): trigger as its own word */
		{ " 11:  123  456     GICv3  27 Level     arch_timer", "GICv3", "27", "Level", "arch_timer", 123, 456 },
		{ " 40:    1  2   ITS-MSI 524288 Edge      nvme0q0", "ITS-MSI", "524288", "Edge", "nvme0q0", 1, 2 },
		/* no action (a count kept after free_irq) */
		{ "  3:    5  0   IO-APIC   3-edge", "IO-APIC", "3", "edge", "", 5, 0 },
		/* no hwirq */
		{ " 50:    0  0   dummy  foo bar", "dummy", NULL, NULL, "foo bar", 0, 0 },
		/* row that ends after the counts */
		{ " 51:    7  8", NULL, NULL, NULL, "", 7, 8 },
		/* short row: kept, the missing count 0, the tail still split */
		{ " 53:    9   IO-APIC   1-edge   y", "IO-APIC", "1", "edge", "y", 9, 0 },
		/* largest 64-bit count */
		{ " 52:    18446744073709551615  0   PCI-MSI 1-edge   x", "PCI-MSI", "1", "edge", "x", G_MAXUINT64, 0 },
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *text = g_strdup_printf("  CPU0  CPU1\n%s\n", cases[i].line);
		g_autoptr(AfInterrupts) in = NULL;
		const AfInterruptsRow *row;

		g_test_message("case %zu: %s", i, cases[i].line);
		g_assert_cmpint(af_interrupts_parse(text, 2, &in), ==, 0);
		g_assert_cmpuint(in->rows->len, ==, 1);
		g_assert_cmpuint(in->n_skipped, ==, 0);
		row = in->rows->pdata[0];
		g_assert_cmpstr(row->chip, ==, cases[i].chip);
		g_assert_cmpstr(row->hwirq, ==, cases[i].hwirq);
		g_assert_cmpstr(row->trigger, ==, cases[i].trigger);
		g_assert_cmpstr(row->name, ==, cases[i].name);
		g_assert_cmpuint(row->counts[0], ==, cases[i].cpu0);
		g_assert_cmpuint(row->counts[1], ==, cases[i].cpu1);
	}
}

/* The header names online CPUs only: CPU2 offline means column 3 is CPU3. */
static void test_parse_offline_columns(void)
{
	const char *text = "           CPU0       CPU1       CPU3\n"
			   " 10:          1          2          3   IO-APIC  10-edge      alpha\n";
	g_autoptr(AfInterrupts) in = NULL;
	const AfInterruptsRow *row;

	g_assert_cmpint(af_interrupts_parse(text, 4, &in), ==, 0);
	g_assert_cmpuint(in->n_columns, ==, 3);
	g_assert_cmpuint(in->column_cpus[2], ==, 3);
	row = find_row(in, 10);
	g_assert_cmpuint(row->n_counts, ==, 4);
	g_assert_cmpuint(row->counts[2], ==, 0);
	g_assert_cmpuint(row->counts[3], ==, 3);
	g_assert_cmpuint(row->total, ==, 6);
}

/* Columns of CPUs at or above nr_cpu_ids are dropped, not written out of bounds. */
static void test_parse_narrow(void)
{
	const char *text = "  CPU0  CPU63  CPU64\n 5:  1  2  4  chip 5-edge  x\n";
	g_autoptr(AfInterrupts) in = NULL;
	const AfInterruptsRow *row;

	g_assert_cmpint(af_interrupts_parse(text, 64, &in), ==, 0);
	row = find_row(in, 5);
	g_assert_cmpuint(row->counts[0], ==, 1);
	g_assert_cmpuint(row->counts[63], ==, 2);
	g_assert_cmpuint(row->total, ==, 3);
	g_assert_cmpstr(row->name, ==, "x");
}

/* Architecture rows are skipped quietly, garbage is skipped and counted. */
static void test_parse_skips(void)
{
	const char *text = "\n  CPU0  CPU1\n"
			   "  1:   1   2   IO-APIC   1-edge   i8042\n"
			   "NMI:   0   0   Non-maskable interrupts\n"
			   "ERR:   0\n"
			   "MIS:   0\n"
			   "this line is garbage\n"
			   "  x y:  1  2\n"
			   "  2:   nonsense here\n"
			   "  1:   9   9   IO-APIC   1-edge   again\n"
			   "  4:   3   4   IO-APIC   4-edge   ttyS0\n";
	g_autoptr(AfInterrupts) in = NULL;

	g_assert_cmpint(af_interrupts_parse(text, 2, &in), ==, 0);
	g_assert_cmpuint(in->rows->len, ==, 2);
	g_assert_nonnull(find_row(in, 1));
	g_assert_cmpstr(find_row(in, 1)->name, ==, "i8042");
	g_assert_nonnull(find_row(in, 4));
	g_assert_null(find_row(in, 2));
	/* garbage, "x y:", "2: nonsense"; the duplicate 1 is left out apart */
	g_assert_cmpuint(in->n_skipped, ==, 3);
	g_assert_cmpuint(in->notes.first_skipped_line, ==, 7);
	g_assert_cmpuint(in->notes.n_duplicate, ==, 1);
	g_assert_cmpuint(in->notes.first_duplicate_line, ==, 10);
	g_assert_cmpuint(in->notes.header_line, ==, 2);
	g_assert_cmpuint(in->notes.n_rows, ==, 2);
}

static void test_parse_bad_header(void)
{
	const char *cases[] = {
		"", "\n\n", " 1: 1 2 IO-APIC 1-edge x\n", "CPU0 CPUx\n", "CPU\n", "CPU0 GPU1\n",
		/* the kernel names each online CPU once, ascending */
		"CPU0 CPU0\n", "CPU1 CPU0\n",
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		AfInterrupts *in = NULL;

		g_assert_cmpint(af_interrupts_parse(cases[i], 8, &in), ==, -EINVAL);
		g_assert_null(in);
	}
}

/* What a streamed parse handed on, copied at each call. */
typedef struct {
	guint n_headers;
	guint n_columns_at_header;
	guint rows_before_header;
	GString *seen; /* "irq:c0,c1,c2,c3:chip:hwirq:trigger:name;" per row */
	const AfInterruptsRow *first_row;
	gboolean same_row; /* every row was handed in the same (reused) struct */
} Stream;

static void stream_header(const guint *column_cpus, guint n_columns, gpointer user_data)
{
	Stream *st = user_data;

	st->n_headers++;
	st->n_columns_at_header = n_columns;
	g_assert_cmpuint(column_cpus[n_columns - 1], ==, 3);
}

static void stream_row(const AfInterruptsRow *row, gpointer user_data)
{
	Stream *st = user_data;

	if (st->n_headers == 0)
		st->rows_before_header++;
	if (!st->first_row)
		st->first_row = row;
	else if (st->first_row != row)
		st->same_row = FALSE;
	g_assert_cmpuint(row->n_counts, ==, 4);
	g_string_append_printf(st->seen,
			       "%u:%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
			       ",%" G_GUINT64_FORMAT "=%" G_GUINT64_FORMAT ":%s:%s:%s:%s;",
			       row->irq, row->counts[0], row->counts[1], row->counts[2],
			       row->counts[3], row->total, row->chip ? row->chip : "-",
			       row->hwirq ? row->hwirq : "-", row->trigger ? row->trigger : "-",
			       row->name);
}

/*
 * One row reused for every row: a short row after a full one has its
 * missing counts 0 again, a tail without hwirq has none, CPU 2 (offline,
 * no column) stays 0; the header comes first, once.
 */
static void test_parse_each_reused_row(void)
{
	static const AfInterruptsHandler handler = {.header = stream_header, .row = stream_row};
	const char *text = "      CPU0  CPU1  CPU3\n"
			   " 24:   100   200   300   PCI-MSI 1-edge   alpha\n"
			   "NMI:     1     1     1   Non-maskable interrupts\n"
			   " 25:     5   IO-APIC   2-fasteoi   beta\n"
			   " 26:     7     8     9   dummy  gamma\n"
			   " 27:\n"
			   " 28:     1     2\n";
	Stream st = {.seen = g_string_new(NULL), .same_row = TRUE};
	AfInterruptsNotes notes = {0};

	g_assert_cmpint(af_interrupts_parse_each(text, 4, &handler, &st, &notes), ==, 0);
	g_assert_cmpuint(st.n_headers, ==, 1);
	g_assert_cmpuint(st.n_columns_at_header, ==, 3);
	g_assert_cmpuint(st.rows_before_header, ==, 0);
	g_assert_true(st.same_row);
	g_assert_cmpstr(st.seen->str, ==,
			"24:100,200,0,300=600:PCI-MSI:1:edge:alpha;"
			"25:5,0,0,0=5:IO-APIC:2:fasteoi:beta;"
			"26:7,8,0,9=24:dummy:-:-:gamma;"
			"28:1,2,0,0=3:-:-:-:;");
	g_assert_cmpuint(notes.n_skipped, ==, 1); /* 27: without a count */
	g_assert_cmpuint(notes.first_skipped_line, ==, 6);
	g_assert_cmpuint(notes.n_short, ==, 2); /* 25 and 28 */
	g_assert_cmpuint(notes.first_short_line, ==, 4);
	g_string_free(st.seen, TRUE);
}

/* Without a header nothing is handed on, and the count is not written. */
static void test_parse_each_no_header(void)
{
	static const AfInterruptsHandler handler = {.header = stream_header, .row = stream_row};
	Stream st = {.seen = g_string_new(NULL), .same_row = TRUE};
	AfInterruptsNotes notes = {0};

	g_assert_cmpint(af_interrupts_parse_each("\n 24: 1 2 PCI-MSI 1-edge x\n CPU0\n", 4,
						 &handler, &st, &notes),
			==, -EINVAL);
	g_assert_cmpuint(st.n_headers, ==, 0);
	g_assert_cmpstr(st.seen->str, ==, "");
	g_assert_cmpuint(notes.bad_header_line, ==, 2);
	g_assert_cmpuint(notes.header_line, ==, 0);
	g_string_free(st.seen, TRUE);
}

/*
 * What a kernel never prints is noted with its first line: rows longer or
 * shorter than the header, a last line cut short (left out), a header
 * without rows; and each kind becomes one warning naming the file and line.
 */
static void test_parse_notes(void)
{
	static const struct {
		const char *text;
		guint n_rows, n_short, short_line, n_long, long_line, cut_line;
		const char *warning; /* the first one described, or NULL */
	} cases[] = {
		{"  CPU0 CPU1\n", 0, 0, 0, 0, 0, 0,
		 "/proc/interrupts: no IRQ rows after the header: no IRQ is seen there"},
		{"  CPU0 CPU1\n 1: 1 2 IO-APIC 1-edge a\n 2: 3 IO-APIC 2-edge b\n", 2, 1, 3, 0, 0,
		 0,
		 "/proc/interrupts:3: fewer counts than the header's 2 CPU columns (1 such rows): "
		 "the missing counts taken as 0"},
		{"  CPU0 CPU1\n 1: 1 2 3 IO-APIC 1-edge a\n 2: 1 2 4 5 IO-APIC 1-edge a\n", 2, 0, 0,
		 2, 2, 0,
		 "/proc/interrupts:2: more counts than the header's 2 CPU columns (2 such rows): "
		 "the "
		 "extra counts dropped"},
		{"  CPU0 CPU1\n 1: 1 2 IO-APIC 1-edge a\n 2: 1 2 IO-APIC 2-ed", 1, 0, 0, 0, 0, 3,
		 "/proc/interrupts:3: the last line has no newline (the file was cut short?): left "
		 "out"},
		{"  CPU0 CPU1\n 1: 1 2 IO-APIC 1-edge a\n", 1, 0, 0, 0, 0, 0, NULL},
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(AfInterrupts) in = NULL;
		g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
		const AfInterruptsNotes *n;

		g_test_message("case %zu", i);
		g_assert_cmpint(af_interrupts_parse(cases[i].text, 2, &in), ==, 0);
		n = &in->notes;
		g_assert_cmpuint(in->rows->len, ==, cases[i].n_rows);
		g_assert_cmpuint(n->n_rows, ==, cases[i].n_rows);
		g_assert_cmpuint(n->n_short, ==, cases[i].n_short);
		g_assert_cmpuint(n->first_short_line, ==, cases[i].short_line);
		g_assert_cmpuint(n->n_long, ==, cases[i].n_long);
		g_assert_cmpuint(n->first_long_line, ==, cases[i].long_line);
		g_assert_cmpuint(n->cut_line, ==, cases[i].cut_line);
		af_interrupts_notes_describe(n, "/proc/interrupts", in->n_columns, warnings);
		if (!cases[i].warning) {
			g_assert_cmpuint(warnings->len, ==, 0);
			continue;
		}
		g_assert_cmpuint(warnings->len, ==, 1);
		g_assert_cmpstr(warnings->pdata[0], ==, cases[i].warning);
	}
}

/* A long row's extra counts never become its chip or name. */
static void test_parse_long_row(void)
{
	g_autoptr(AfInterrupts) in = NULL;
	const AfInterruptsRow *row;

	g_assert_cmpint(af_interrupts_parse("CPU0 CPU1\n 7: 1 2 3 4 IO-APIC 7-edge beta\n", 2, &in),
			==, 0);
	row = find_row(in, 7);
	g_assert_nonnull(row);
	g_assert_cmpuint(row->total, ==, 3);
	g_assert_cmpstr(row->chip, ==, "IO-APIC");
	g_assert_cmpstr(row->name, ==, "beta");
}

/* The text streamed from a file through chunks gives what the text in memory gives. */
static void test_read_streamed(void)
{
	g_autofree char *root = g_dir_make_tmp("af-interrupts-XXXXXX", NULL);
	g_autoptr(GString) text = g_string_new("      CPU0       CPU1       CPU3\n");
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfInterrupts) from_text = NULL, from_file = NULL;
	AfInterruptsNotes notes = {0};

	/* Longer than a few chunks, one line longer than a chunk itself. */
	for (guint irq = 0; irq < 3000; irq++)
		g_string_append_printf(text, "%4u: %10u %10u %10u  PCI-MSI %u-edge  dev%u\n", irq,
				       irq, 2 * irq, 3, irq, irq);
	g_string_append(text, "9999: 1 2 3 PCI-MSI 1-edge ");
	for (guint i = 0; i < AF_SYSROOT_CHUNK_BYTES + 100; i++)
		g_string_append_c(text, 'x');
	g_string_append(text, "\nNMI: 1 1 1 Non-maskable interrupts\n");
	af_test_write_file(root, "proc/interrupts", text->str);
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_interrupts_parse(text->str, 4, &from_text), ==, 0);
	g_assert_cmpint(af_interrupts_read(sysroot, "/proc/interrupts", 4, &from_file, &notes), ==,
			0);
	g_assert_cmpuint(from_file->rows->len, ==, 3001);
	g_assert_cmpuint(from_text->rows->len, ==, from_file->rows->len);
	for (guint i = 0; i < from_file->rows->len; i++) {
		const AfInterruptsRow *a = from_text->rows->pdata[i],
				      *b = from_file->rows->pdata[i];

		g_assert_cmpuint(a->irq, ==, b->irq);
		g_assert_cmpuint(a->total, ==, b->total);
		g_assert_cmpstr(a->name, ==, b->name);
		/* Streamed and gathered without per-CPU counts. */
		g_assert_null(b->counts);
	}
	g_assert_cmpuint(strlen(find_row(from_file, 9999)->name), ==, AF_SYSROOT_CHUNK_BYTES + 100);
	g_assert_cmpuint(notes.n_rows, ==, 3001);
	af_test_rm_rf(root);
}

/* A file that is missing or has no header: the read's errno, or -EINVAL with the line. */
static void test_read_errors(void)
{
	g_autofree char *root = g_dir_make_tmp("af-interrupts-XXXXXX", NULL);
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfInterrupts) in = NULL;
	AfInterruptsNotes notes = {0};

	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_interrupts_read(sysroot, "/proc/interrupts", 4, &in, &notes), ==,
			-ENOENT);
	af_test_write_file(root, "proc/interrupts", "\ngarbage\n 1: 1 2\n");
	g_assert_cmpint(af_interrupts_read(sysroot, "/proc/interrupts", 4, &in, &notes), ==,
			-EINVAL);
	g_assert_null(in);
	g_assert_cmpuint(notes.bad_header_line, ==, 2);
	af_test_rm_rf(root);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/interrupts/parse/row-table", test_parse_row_table);
	g_test_add_func("/interrupts/parse/offline-columns", test_parse_offline_columns);
	g_test_add_func("/interrupts/parse/narrow", test_parse_narrow);
	g_test_add_func("/interrupts/parse/skips", test_parse_skips);
	g_test_add_func("/interrupts/parse/bad-header", test_parse_bad_header);
	g_test_add_func("/interrupts/parse_each/reused-row", test_parse_each_reused_row);
	g_test_add_func("/interrupts/parse_each/no-header", test_parse_each_no_header);
	g_test_add_func("/interrupts/parse/notes", test_parse_notes);
	g_test_add_func("/interrupts/parse/long-row", test_parse_long_row);
	g_test_add_func("/interrupts/read/streamed", test_read_streamed);
	g_test_add_func("/interrupts/read/errors", test_read_errors);
	return g_test_run();
}
