/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-scan: what the daemon's periodic scan costs on generated machines
 * of 64, 1024 and 4096 CPUs: a tree with /proc/interrupts (every count
 * of every CPU, as the kernel prints it), /proc/stat with its cpu lines and
 * intr line, /proc/irq/N and cpu/online, written once per size under
 * $TMPDIR. Each way of scanning runs in a child process of its own (this
 * program re-executed with --one MODE DIR), so that its peak RSS is its
 * own:
 *   stat        the scan as it is (irqscan.h): /proc/stat's intr line,
 *               /proc/irq listed, cpu/online
 *   interrupts  the same without /proc/stat: /proc/interrupts streamed in
 *               chunks, totals only
 *   whole       the scan before: /proc/interrupts read whole, then parsed
 * cpu_ms is user + system CPU time per scan (getrusage, the median of
 * the repetitions), peak_MiB the child's peak RSS. The file sizes are what
 * the kernel formats at every scan. --generate DIR CPUS IRQS writes one
 * tree and exits (for a real daemon run under /usr/bin/time -v). Prints
 * numbers; asserts nothing.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "irqscan.h"
#include "sysroot.h"

typedef struct {
	guint n_cpus, n_irqs;
} Size;

static const Size sizes[] = { { 64, 1024 }, { 1024, 8192 }, { 4096, 8192 } };
static const char *const modes[] = { "stat", "interrupts", "whole" };

static double cpu_ms(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0 +
	       (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

static void write_file(const char *root, const char *relative, const char *data, gsize len)
{
	g_autofree char *path = g_build_filename(root, relative, NULL);
	g_autofree char *dir = g_path_get_dirname(path);
	g_autoptr(GError) error = NULL;

	if (g_mkdir_with_parents(dir, 0755) < 0 ||
	    !g_file_set_contents(path, data, (gssize)len, &error)) {
		fprintf(stderr, "bench-scan: cannot write %s\n", path);
		exit(1);
	}
}

/* A count that looks like a real one: most CPUs served an IRQ never or a little. */
static guint64 count_of(guint irq, guint cpu)
{
	return (cpu % 8 == irq % 8) ? (guint64)irq * 1000 + cpu : (irq + cpu) % 3;
}

/*
 * The tree of a machine: every CPU online, IRQs 0..n_irqs-1, each with a
 * /proc/irq/N directory holding the files the daemon's full read needs,
 * every eighth CPU serving the IRQs of its class.
 */
static void generate(const char *root, guint n_cpus, guint n_irqs)
{
	g_autoptr(GString) text = g_string_sized_new((gsize)n_cpus * n_irqs * 11);
	g_autofree char *all = g_strdup_printf("0-%u\n", n_cpus - 1);
	guint64 grand = 0;

	write_file(root, "sys/devices/system/cpu/online", all, strlen(all));
	write_file(root, "sys/devices/system/cpu/possible", all, strlen(all));
	write_file(root, "sys/devices/system/cpu/present", all, strlen(all));
	write_file(root, "proc/cmdline", "quiet\n", 6);
	g_string_append(text, "     ");
	for (guint cpu = 0; cpu < n_cpus; cpu++)
		g_string_append_printf(text, " CPU%-7u", cpu);
	g_string_append_c(text, '\n');
	for (guint irq = 0; irq < n_irqs; irq++) {
		g_string_append_printf(text, "%4u:", irq);
		for (guint cpu = 0; cpu < n_cpus; cpu++)
			g_string_append_printf(text, " %10" G_GUINT64_FORMAT, count_of(irq, cpu));
		g_string_append_printf(text, "  PCI-MSI %u-edge      eth%u-TxRx-%u\n", 524288 + irq,
				       irq / 64, irq % 64);
	}
	g_string_append(text, " NMI:");
	for (guint cpu = 0; cpu < n_cpus; cpu++)
		g_string_append(text, "          0");
	g_string_append(text, "   Non-maskable interrupts\n");
	write_file(root, "proc/interrupts", text->str, text->len);

	g_string_truncate(text, 0);
	g_string_append(text, "cpu  1 2 3 4 5 6 7 8 9 10\n");
	for (guint cpu = 0; cpu < n_cpus; cpu++)
		g_string_append_printf(text, "cpu%u 1 2 3 4 5 6 7 8 9 10\n", cpu);
	for (guint irq = 0; irq < n_irqs; irq++)
		for (guint cpu = 0; cpu < n_cpus; cpu++)
			grand += count_of(irq, cpu);
	g_string_append_printf(text, "intr %" G_GUINT64_FORMAT, grand);
	for (guint irq = 0; irq < n_irqs; irq++) {
		guint64 total = 0;

		for (guint cpu = 0; cpu < n_cpus; cpu++)
			total += count_of(irq, cpu);
		g_string_append_printf(text, " %" G_GUINT64_FORMAT, total);
	}
	g_string_append(text, "\nctxt 1990473\nbtime 1062191376\nprocesses 2915\n");
	write_file(root, "proc/stat", text->str, text->len);

	for (guint irq = 0; irq < n_irqs; irq++) {
		g_autofree char *dir = g_strdup_printf("proc/irq/%u", irq);
		g_autofree char *list = g_strdup_printf("%u\n", (irq % 8) % n_cpus);
		g_autofree char *f = NULL;

		f = g_build_filename(dir, "smp_affinity_list", NULL);
		write_file(root, f, all, strlen(all));
		g_free(f);
		f = g_build_filename(dir, "effective_affinity_list", NULL);
		write_file(root, f, list, strlen(list));
		g_free(f);
		f = g_build_filename(dir, "node", NULL);
		write_file(root, f, "0\n", 2);
	}
}

/* The mask files, once per tree: hex masks nr_cpu_ids wide, as the kernel prints them. */
static void generate_masks(const char *root, guint n_cpus, guint n_irqs)
{
	g_autoptr(AfCpuSet) all = af_cpuset_new_range(0, n_cpus - 1);
	g_autofree char *all_mask = af_cpuset_format_mask(all, n_cpus);
	g_autofree char *all_line = g_strconcat(all_mask, "\n", NULL);

	for (guint irq = 0; irq < n_irqs; irq++) {
		g_autoptr(AfCpuSet) one = af_cpuset_new_range((irq % 8) % n_cpus, (irq % 8) % n_cpus);
		g_autofree char *one_mask = af_cpuset_format_mask(one, n_cpus);
		g_autofree char *one_line = g_strconcat(one_mask, "\n", NULL);
		g_autofree char *a = g_strdup_printf("proc/irq/%u/smp_affinity", irq);
		g_autofree char *e = g_strdup_printf("proc/irq/%u/effective_affinity", irq);

		write_file(root, a, all_line, strlen(all_line));
		write_file(root, e, one_line, strlen(one_line));
	}
}

static int scan_once(AfSysroot *sysroot, const char *mode, const char *root)
{
	g_autoptr(AfIrqSample) sample = NULL;

	if (g_str_equal(mode, "whole")) {
		g_autofree char *text = NULL;
		int r = af_sysroot_read(sysroot, "/proc/interrupts", &text, NULL);

		return r < 0 ? r : af_irqscan_parse(text, &sample);
	}
	return af_irqscan_read(sysroot, &sample, NULL);
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The child: repetitions of one mode; prints "cpu_ms peak_kib". */
static int run_one(const char *mode, const char *root)
{
	g_autoptr(AfSysroot) sysroot = NULL;
	double times[9];
	guint reps = G_N_ELEMENTS(times);
	struct rusage u;

	if (af_sysroot_open(root, &sysroot) < 0)
		return 1;
	/* Without /proc/stat the scan takes /proc/interrupts: hide it for that mode. */
	if (g_str_equal(mode, "interrupts")) {
		g_autofree char *stat = g_build_filename(root, "proc/stat", NULL);
		g_autofree char *hidden = g_build_filename(root, "proc/stat.hidden", NULL);

		if (rename(stat, hidden) < 0)
			return 1;
	}
	for (guint i = 0; i < reps; i++) {
		double before = cpu_ms();

		if (scan_once(sysroot, mode, root) < 0)
			return 1;
		times[i] = cpu_ms() - before;
	}
	if (g_str_equal(mode, "interrupts")) {
		g_autofree char *stat = g_build_filename(root, "proc/stat", NULL);
		g_autofree char *hidden = g_build_filename(root, "proc/stat.hidden", NULL);

		(void)rename(hidden, stat);
	}
	qsort(times, reps, sizeof(double), compare_doubles);
	getrusage(RUSAGE_SELF, &u);
	printf("%.2f %ld\n", times[reps / 2], u.ru_maxrss);
	return 0;
}

static gsize file_size(const char *root, const char *relative)
{
	g_autofree char *path = g_build_filename(root, relative, NULL);
	struct stat st;

	return stat(path, &st) == 0 ? (gsize)st.st_size : 0;
}

static void run_child(const char *self, const char *mode, const char *root, double *ret_ms,
		      double *ret_mib)
{
	g_autofree char *out = NULL;
	const char *argv[] = { self, "--one", mode, root, NULL };
	int status = 0;
	long kib = 0;

	*ret_ms = -1;
	*ret_mib = -1;
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
			  &status, NULL) ||
	    !g_spawn_check_wait_status(status, NULL))
		return;
	if (sscanf(out, "%lf %ld", ret_ms, &kib) == 2)
		*ret_mib = (double)kib / 1024.0;
}

int main(int argc, char **argv)
{
	g_autofree char *self = NULL;

	if (argc == 4 && g_str_equal(argv[1], "--one"))
		return run_one(argv[2], argv[3]);
	if (argc == 5 && g_str_equal(argv[1], "--generate")) {
		guint n_cpus = (guint)atoi(argv[3]), n_irqs = (guint)atoi(argv[4]);

		if (n_cpus < 1 || n_cpus > AF_CPU_MAX || n_irqs < 1)
			return 2;
		generate(argv[2], n_cpus, n_irqs);
		generate_masks(argv[2], n_cpus, n_irqs);
		return 0;
	}
	self = g_canonicalize_filename(argv[0], NULL);
	printf("# periodic scan of a generated machine, every CPU online; cpu_ms = user+system CPU "
	       "per scan (median of 9), peak = the child's peak RSS\n");
	printf("# stat = /proc/stat intr + /proc/irq + cpu/online (now); interrupts = without "
	       "/proc/stat, /proc/interrupts streamed; whole = /proc/interrupts read whole and "
	       "parsed (before)\n");
	printf("%6s %6s %13s %10s  %-10s %8s %9s\n", "CPUs", "IRQs", "interrupts_MB", "stat_KB",
	       "mode", "cpu_ms", "peak_MiB");
	for (gsize s = 0; s < G_N_ELEMENTS(sizes); s++) {
		g_autofree char *root = g_dir_make_tmp("af-bench-scan-XXXXXX", NULL);
		g_autofree char *rm = NULL;

		generate(root, sizes[s].n_cpus, sizes[s].n_irqs);
		for (gsize m = 0; m < G_N_ELEMENTS(modes); m++) {
			double ms, mib;

			run_child(self, modes[m], root, &ms, &mib);
			printf("%6u %6u %13.1f %10.1f  %-10s %8.2f %9.1f\n", sizes[s].n_cpus,
			       sizes[s].n_irqs, (double)file_size(root, "proc/interrupts") / 1e6,
			       (double)file_size(root, "proc/stat") / 1e3, modes[m], ms, mib);
			fflush(stdout);
		}
		rm = g_strdup_printf("rm -rf '%s'", root);
		if (system(rm) != 0)
			fprintf(stderr, "bench-scan: cannot remove %s\n", root);
	}
	return 0;
}
