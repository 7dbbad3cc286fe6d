/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest-side timer of the cpu_rmap test module (tests/vm/rmap/afvm_rmap.c,
 * /proc/afvm_rmap): how long after a CPU goes offline the rmap over a NIC's
 * IRQs is fresh again, that is, fed by the IRQ affinity notifier with the
 * mask each IRQ has. One long-lived process with its own clock (a program
 * started from 9p costs ~300 ms under emulation). Used by the steering
 * scenario (a failure bound) and by `make bench-vm` (the numbers).
 *
 *   afvm-rmap offline CPU TIMEOUT_MS
 *       writes 0 to /sys/devices/system/cpu/cpuCPU/online, then polls
 *       /proc/afvm_rmap about every millisecond until every IRQ of the map
 *       is fresh (its "fed" mask equals its "mask") and stays so for
 *       CONFIRM_MS, or TIMEOUT_MS ran out. Prints
 *         offline_write_ms MS        how long the write took
 *         irq IRQ broken 0|1 stale 0|1 notifies N fresh_ms MS|-
 *             notify_ms MS|-         per IRQ of the map
 *         result fresh_ms MS|>TIMEOUT
 *       "broken": the offline changed the IRQ's requested mask (its only
 *       CPU went); "stale": the map was stale for it at the first sample;
 *       "notifies": notifier runs since the write; "fresh_ms": first sample
 *       at which it was fresh (and stayed so); "notify_ms": the kernel's
 *       time of its last notifier run (the module's CLOCK_MONOTONIC
 *       stamp), all from the return of the offline write. "result" is the
 *       latest fresh_ms.
 *
 * Exits 0 when it could measure (a timeout is a result), 1 on a usage or
 * system error (no module loaded, the write refused).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RMAP_PROC "/proc/afvm_rmap"
#define MAX_IRQS 16
#define POLL_US 1000
/* Fresh must hold this long: a write that lands right after another one
 * (the balancer's move, then the driver's own) has not settled yet. */
#define CONFIRM_MS 200.0

struct rmap_irq {
	int irq;
	char mask[256];
	char fed[256];
	unsigned long notifies;
	unsigned long long last_ns;
};

struct watch {
	struct rmap_irq at_start;
	bool broken, stale_first;
	double fresh_ms; /* < 0: not fresh (yet) */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double ms_since(uint64_t t0, uint64_t t)
{
	return ((double)t - (double)t0) / 1e6;
}

/* Reads the "irq" lines of /proc/afvm_rmap; returns how many, -1 on error. */
static int read_rmap(struct rmap_irq *irqs)
{
	char line[1024];
	FILE *f = fopen(RMAP_PROC, "re");
	int n = 0;

	if (!f)
		return -1;
	while (n < MAX_IRQS && fgets(line, sizeof(line), f)) {
		struct rmap_irq *r = &irqs[n];
		unsigned index;

		if (sscanf(line, "irq %d index %u mask %255s fed %255s notifies %lu last_ns %llu",
			   &r->irq, &index, r->mask, r->fed, &r->notifies, &r->last_ns) == 6)
			n++;
	}
	fclose(f);
	return n;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t w;
	int e;

	if (fd < 0)
		return -errno;
	w = write(fd, text, strlen(text));
	e = errno;
	close(fd);
	return w < 0 ? -e : 0;
}

static int cmd_offline(int cpu, long timeout_ms)
{
	struct rmap_irq now[MAX_IRQS];
	struct watch w[MAX_IRQS];
	char path[128];
	uint64_t t0, t1, fresh_since = 0;
	double last_fresh = -1;
	int n, i, r;
	bool done = false;

	n = read_rmap(now);
	if (n <= 0) {
		fprintf(stderr, "afvm-rmap: no IRQ in %s (is afvm_rmap loaded?)\n", RMAP_PROC);
		return 1;
	}
	memset(w, 0, sizeof(w));
	for (i = 0; i < n; i++) {
		w[i].at_start = now[i];
		w[i].fresh_ms = -1;
	}
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	t0 = now_ns();
	r = write_file(path, "0");
	t1 = now_ns();
	if (r < 0) {
		fprintf(stderr, "afvm-rmap: writing 0 to %s: %s\n", path, strerror(-r));
		return 1;
	}
	printf("offline_write_ms %.1f\n", ms_since(t0, t1));

	for (bool first = true;; first = false) {
		uint64_t t = now_ns();
		bool all_fresh = true;

		if (read_rmap(now) != n) {
			fprintf(stderr, "afvm-rmap: %s changed its IRQs\n", RMAP_PROC);
			return 1;
		}
		for (i = 0; i < n; i++) {
			bool fresh = strcmp(now[i].fed, now[i].mask) == 0;

			if (first) {
				w[i].broken = strcmp(now[i].mask, w[i].at_start.mask) != 0;
				w[i].stale_first = !fresh;
			}
			if (!fresh) {
				w[i].fresh_ms = -1;
				all_fresh = false;
			} else if (w[i].fresh_ms < 0) {
				w[i].fresh_ms = ms_since(t1, t);
			}
		}
		if (!all_fresh) {
			fresh_since = 0;
		} else if (!fresh_since) {
			fresh_since = t;
		} else if (ms_since(fresh_since, t) >= CONFIRM_MS) {
			done = true;
			break;
		}
		if (ms_since(t1, t) > (double)timeout_ms)
			break;
		usleep(POLL_US);
	}

	for (i = 0; i < n; i++) {
		unsigned long notifies = now[i].notifies - w[i].at_start.notifies;

		printf("irq %d broken %d stale %d notifies %lu fresh_ms ", now[i].irq, w[i].broken,
		       w[i].stale_first, notifies);
		if (w[i].fresh_ms >= 0)
			printf("%.1f", w[i].fresh_ms);
		else
			printf("-");
		printf(" notify_ms ");
		if (notifies)
			printf("%.1f\n", ms_since(t1, now[i].last_ns));
		else
			printf("-\n");
		if (w[i].fresh_ms > last_fresh)
			last_fresh = w[i].fresh_ms;
	}
	if (done)
		printf("result fresh_ms %.1f\n", last_fresh);
	else
		printf("result fresh_ms >%ld\n", timeout_ms);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "offline") == 0)
		return cmd_offline(atoi(argv[2]), atol(argv[3]));
	fprintf(stderr, "usage: afvm-rmap offline CPU TIMEOUT_MS\n");
	return 1;
}
