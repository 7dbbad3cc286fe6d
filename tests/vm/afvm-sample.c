/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest probe: samples IRQ masks about every millisecond, for the
 * zero-window checks (scenarios/zerowin.sh, bench/vm-compare-guest.sh).
 * A shell loop costs ~300 ms a round under emulation: this is one process
 * that keeps each IRQ's smp_affinity_list and effective_affinity_list open
 * and re-reads them in place (pread at 0 regenerates a seq_file).
 *
 *   afvm-sample [-p CPU] OUT FORBIDDEN IRQS|all
 *
 * Until SIGTERM or SIGINT, every ~1 ms: each watched IRQ's mask and
 * effective CPUs. IRQS is a comma-separated list of IRQ numbers, or "all":
 * every IRQ of /proc/irq, looked for again every 2 ms, so that IRQs that
 * appear (a driver probed; also under a number freed before) are watched
 * from their first sample: "born".
 * FORBIDDEN is a cpulist (the isolated CPUs). On the signal it writes OUT:
 *
 *   samples N elapsed_ms T max_gap_us G
 *   max_bad_masks N            most watched IRQs with a FORBIDDEN CPU in
 *                              their mask at one sample
 *   irq IRQ bad_mask N bad_eff N first_bad MASK/EFF@MS widen W moved M
 *       forbidden_count_before B after A initial_eff EFF
 *     bad_mask: samples with a FORBIDDEN CPU in the mask; bad_eff: samples
 *     with one in the effective CPUs, other than those of the first sample
 *     (initial_eff: on x86 a quiet IRQ moved earlier keeps its old
 *     effective CPU until its next interrupt; the caller judges that
 *     apart); first_bad: the first such sample ("-" none; MS from the
 *     start); widen: changes from a one-CPU mask {c} served by c to a wider
 *     mask holding c; moved: those after which the effective CPU left c
 *     while the mask stayed; forbidden_count: the IRQ's interrupts on
 *     FORBIDDEN CPUs in /proc/interrupts at the start and at the end.
 *   born IRQ MASK EFF          an IRQ that appeared, as first sampled
 *
 * CPUs up to 63. -p pins this process to CPU. Exits 0, or 1 on a usage or
 * system error.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_IRQS 512
#define POLL_US 1000
#define RESCAN_MS 2.0

struct watch {
	int irq;
	int fd_mask, fd_eff;
	bool gone, born, seen;
	uint64_t mask, eff;
	uint64_t initial_eff; /* effective at the first sample */
	unsigned long bad_mask, bad_eff, widen, moved;
	bool widened; /* the last mask change was a widening of {c}: watching c */
	int widen_cpu;
	char first_bad[64];
	unsigned long long forbidden_before, forbidden_after;
};

static struct watch watches[MAX_IRQS];
static int n_watches;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A cpulist ("0-3,6"), CPUs up to 63; -1 when it does not parse. */
static int parse_list(const char *s, uint64_t *ret)
{
	uint64_t set = 0;

	while (*s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b = a;

		if (end == s || a < 0 || a > 63)
			return -1;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || b < a || b > 63)
				return -1;
			s = end;
		}
		for (long c = a; c <= b; c++)
			set |= 1ull << c;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -1;
	}
	*ret = set;
	return 0;
}

static void format_list(uint64_t set, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int c = 0; c < 64 && len < size; c++) {
		int e = c;

		if (!(set & (1ull << c)))
			continue;
		while (e < 63 && (set & (1ull << (e + 1))))
			e++;
		len += snprintf(buf + len, size - len, e > c ? "%s%d-%d" : "%s%d", len ? "," : "",
				c, e);
		c = e;
	}
	if (!buf[0])
		snprintf(buf, size, "none");
}

static int open_file(int irq, const char *name)
{
	char path[96];

	snprintf(path, sizeof(path), "/proc/irq/%d/%s", irq, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static int read_set(int fd, uint64_t *ret)
{
	char buf[256];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return parse_list(buf, ret);
}

static struct watch *find(int irq)
{
	for (int i = 0; i < n_watches; i++)
		if (watches[i].irq == irq)
			return &watches[i];
	return NULL;
}

static void add_watch(int irq, bool born)
{
	struct watch *w = find(irq);

	if (w && !w->gone)
		return;
	if (w) {
		/* Freed, and its number taken again: a new IRQ. */
		if (w->fd_eff >= 0)
			close(w->fd_eff);
		if (w->fd_mask >= 0)
			close(w->fd_mask);
	} else if (n_watches < MAX_IRQS) {
		w = &watches[n_watches++];
	} else {
		return;
	}
	memset(w, 0, sizeof(*w));
	w->irq = irq;
	w->born = born;
	w->fd_mask = open_file(irq, "smp_affinity_list");
	w->fd_eff = open_file(irq, "effective_affinity_list");
	w->gone = w->fd_mask < 0;
}

/* Every IRQ directory of /proc/irq not watched yet. */
static void scan_all(bool born)
{
	DIR *dir = opendir("/proc/irq");
	struct dirent *d;

	if (!dir)
		return;
	while ((d = readdir(dir)))
		if (isdigit((unsigned char)d->d_name[0]))
			add_watch(atoi(d->d_name), born);
	closedir(dir);
}

/*
 * Each watched IRQ's interrupts on forbidden CPUs, from /proc/interrupts
 * (columns by its header: offline CPUs have none).
 */
static void read_counts(uint64_t forbidden, bool after)
{
	FILE *f = fopen("/proc/interrupts", "re");
	char *line = NULL;
	size_t cap = 0;
	int cpus[64], n_cpus = 0;

	if (!f)
		return;
	if (getline(&line, &cap, f) > 0) {
		for (char *p = line; (p = strstr(p, "CPU")); p += 3)
			if (n_cpus < 64)
				cpus[n_cpus++] = atoi(p + 3);
	}
	while (getline(&line, &cap, f) > 0) {
		char *p = line, *end;
		long irq;
		struct watch *w;
		unsigned long long sum = 0;

		while (*p == ' ')
			p++;
		irq = strtol(p, &end, 10);
		if (end == p || *end != ':' || !(w = find((int)irq)))
			continue;
		p = end + 1;
		for (int i = 0; i < n_cpus; i++) {
			unsigned long long v = strtoull(p, &end, 10);

			if (end == p)
				break;
			p = end;
			if (cpus[i] < 64 && (forbidden & (1ull << cpus[i])))
				sum += v;
		}
		if (after)
			w->forbidden_after = sum;
		else
			w->forbidden_before = sum;
	}
	free(line);
	fclose(f);
}

/* One sample of one IRQ; returns whether its mask holds a forbidden CPU. */
static bool sample(struct watch *w, uint64_t forbidden, double t)
{
	uint64_t mask, eff = 0;
	bool bad, bad_eff;

	if (w->gone)
		return false;
	if (read_set(w->fd_mask, &mask) < 0) {
		w->gone = true;
		return false;
	}
	if (w->fd_eff < 0 || read_set(w->fd_eff, &eff) < 0)
		eff = 0;
	if (!w->seen) {
		w->seen = true;
		w->mask = mask;
		w->eff = eff;
		w->initial_eff = eff;
		if (w->born) {
			char m[64], e[64];

			format_list(mask, m, sizeof(m));
			format_list(eff, e, sizeof(e));
			printf("born %d %s %s\n", w->irq, m, e);
			fflush(stdout);
		}
	}
	if (mask != w->mask) {
		/* {c} served by c, widened to a mask that holds c. */
		w->widened = __builtin_popcountll(w->mask) == 1 && w->eff == w->mask &&
			     (mask & w->mask) && mask != w->mask;
		if (w->widened) {
			w->widen++;
			w->widen_cpu = __builtin_ctzll(w->mask);
		}
	} else if (w->widened && eff && eff != (1ull << w->widen_cpu)) {
		w->moved++;
		w->widened = false;
	}
	w->mask = mask;
	w->eff = eff;
	bad = mask & forbidden;
	w->bad_mask += bad;
	/* A quiet IRQ's effective CPU is stale until its next interrupt: one it
	 * had at the first sample is reported (initial_eff), not counted. */
	bad_eff = (eff & forbidden) && eff != w->initial_eff;
	w->bad_eff += bad_eff;
	if ((bad || bad_eff) && !w->first_bad[0]) {
		char m[24], e[24];

		format_list(mask, m, sizeof(m));
		format_list(eff, e, sizeof(e));
		snprintf(w->first_bad, sizeof(w->first_bad), "%s/%s@%.0f", m, e, t);
	}
	return bad;
}

int main(int argc, char **argv)
{
	uint64_t forbidden;
	bool all;
	unsigned long samples = 0;
	int max_bad = 0, opt;
	double start, last, last_scan, max_gap = 0;
	FILE *out;
	struct sigaction sa = {.sa_handler = on_signal};

	while ((opt = getopt(argc, argv, "p:")) != -1) {
		cpu_set_t set;

		if (opt != 'p')
			return 1;
		CPU_ZERO(&set);
		CPU_SET(atoi(optarg), &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0)
			perror("afvm-sample: sched_setaffinity");
	}
	if (argc - optind != 3 || parse_list(argv[optind + 1], &forbidden) < 0) {
		fprintf(stderr, "usage: afvm-sample [-p CPU] OUT FORBIDDEN IRQS|all\n");
		return 1;
	}
	all = strcmp(argv[optind + 2], "all") == 0;
	if (all) {
		scan_all(false);
	} else {
		for (char *s = argv[optind + 2]; *s;) {
			char *end;
			long irq = strtol(s, &end, 10);

			if (end == s)
				return 1;
			add_watch((int)irq, false);
			s = *end == ',' ? end + 1 : end;
		}
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	read_counts(forbidden, false);
	start = last = last_scan = now_ms();
	while (!stop) {
		double t = now_ms();
		int bad = 0;

		if (samples && t - last > max_gap)
			max_gap = t - last;
		last = t;
		if (all && t - last_scan >= RESCAN_MS) {
			scan_all(true);
			last_scan = t;
		}
		for (int i = 0; i < n_watches; i++)
			bad += sample(&watches[i], forbidden, t - start);
		if (bad > max_bad)
			max_bad = bad;
		samples++;
		usleep(POLL_US);
	}
	read_counts(forbidden, true);
	out = fopen(argv[optind], "we");
	if (!out) {
		perror("afvm-sample: OUT");
		return 1;
	}
	fprintf(out, "samples %lu elapsed_ms %.0f max_gap_us %.0f\n", samples, now_ms() - start,
		max_gap * 1e3);
	fprintf(out, "max_bad_masks %d\n", max_bad);
	for (int i = 0; i < n_watches; i++) {
		const struct watch *w = &watches[i];

		char initial[64];

		format_list(w->initial_eff, initial, sizeof(initial));
		fprintf(out,
			"irq %d bad_mask %lu bad_eff %lu first_bad %s widen %lu moved %lu "
			"forbidden_count_before %llu after %llu initial_eff %s\n",
			w->irq, w->bad_mask, w->bad_eff, w->first_bad[0] ? w->first_bad : "-",
			w->widen, w->moved, w->forbidden_before, w->forbidden_after, initial);
	}
	fclose(out);
	return 0;
}
