/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest side of `make bench-vm` (bench/vm-compare.sh): times how fast an IRQ
 * balancer running in the guest reacts to CPU hotplug, and makes the steady
 * background traffic it balances. One long-lived process with its own clock:
 * a program started from 9p costs ~300 ms under emulation, so timing from
 * the shell is useless.
 *
 *   afvm-react [-p CPU] settle HK IRQS TIMEOUT_MS
 *       waits until every IRQ of IRQS is placed within HK (see "placed");
 *       prints "settle MS" (from the call) or "settle timeout".
 *   afvm-react [-p CPU] hotplug HK IRQS REPS TIMEOUT_MS SETTLE_MS
 *       REPS times: picks the housekeeping CPU N (not 0) serving the most
 *       IRQs of IRQS, writes 0 to cpuN/online itself, polls about every ms
 *       until every IRQ of IRQS is placed within HK without N (held for
 *       CONFIRM_MS), then writes 1 and polls until they are placed within HK
 *       again (held) and, at one sample, placed with N serving one of them
 *       (its effective CPU, or for a quiet IRQ its mask alone); then sleeps
 *       SETTLE_MS. Times
 *       count from the return of the write (the kernel's offline or online is
 *       done, its uevent sent); the write's own duration is printed apart.
 *       Prints one "rep ..." line per repetition, then "result KEY VALUE"
 *       lines (medians and maxima; a value ">T" is a bounded wait that ran
 *       out at T ms).
 *   afvm-react load NETIF IPV4 NVME-DEV
 *       until killed, every 20 ms: one raw Ethernet frame out of NETIF (a
 *       transmit completion), one ICMP echo request to IPV4 (transmit and
 *       the reply), and every 10th round one Identify command to NVME-DEV
 *       (its admin queue). Steady, small, the same for every balancer.
 *
 * HK is a cpulist, IRQS a comma-separated list of IRQ numbers (the movable
 * ones, from `affinityd --dry-run --json` before any balancer ran). -p pins
 * this process to CPU (an isolated one: the poller then does not compete
 * with the balancer for housekeeping CPUs).
 *
 * "Placed": smp_affinity within the allowed CPUs, and effective_affinity
 * too, unless the IRQ has not fired since its mask became right. On x86
 * without interrupt remapping a move is applied at the IRQ's next interrupt
 * (KERNEL.md): a quiet IRQ's effective CPU is stale until then, and that is
 * the kernel's delay, not the balancer's. An IRQ that vanished is ignored.
 *
 * Exits 0 when it could measure (a timeout is a result), 1 on a usage or
 * system error.
 */
#define _GNU_SOURCE
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
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/nvme_ioctl.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#define MAX_IRQS 256
#define MAX_REPS 64
#define POLL_US 1000
/* Placed must hold this long: a balancer that moves an IRQ back onto the
 * wrong CPU right after has not reacted yet. */
#define CONFIRM_MS 300.0

struct irq_watch {
	int irq;
	uint64_t smp, eff;
	bool gone;
	/* Mask right, effective stale: the interrupt count when first seen so. */
	bool pending;
	unsigned long long count_at_fix;
};

struct watch {
	struct irq_watch irqs[MAX_IRQS];
	int n;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Parses a cpulist ("0-3,6") into a mask; -1 on garbage or CPU >= 64. */
static int parse_cpulist(const char *text, uint64_t *ret)
{
	uint64_t mask = 0;
	const char *p = text;

	while (*p && *p != '\n') {
		char *end;
		long lo = strtol(p, &end, 10), hi;

		if (end == p || lo < 0 || lo > 63)
			return -1;
		hi = lo;
		if (*end == '-') {
			p = end + 1;
			hi = strtol(p, &end, 10);
			if (end == p || hi < lo || hi > 63)
				return -1;
		}
		for (long c = lo; c <= hi; c++)
			mask |= UINT64_C(1) << c;
		p = end;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -1;
	}
	*ret = mask;
	return 0;
}

/* Reads a small file into buf; -errno on failure. */
static int read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int read_mask(int irq, const char *file, uint64_t *ret)
{
	char path[96], buf[512];

	snprintf(path, sizeof(path), "/proc/irq/%d/%s", irq, file);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	return parse_cpulist(buf, ret);
}

/* The IRQ's interrupts over all CPUs (per_cpu_count lists possible CPUs). */
static unsigned long long irq_count(int irq)
{
	char path[96], buf[4096];
	unsigned long long sum = 0;

	snprintf(path, sizeof(path), "/sys/kernel/irq/%d/per_cpu_count", irq);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return 0;
	for (char *p = buf, *end;; p = end + 1) {
		sum += strtoull(p, &end, 10);
		if (end == p || *end != ',')
			break;
	}
	return sum;
}

static void refresh(struct watch *w)
{
	for (int i = 0; i < w->n; i++) {
		struct irq_watch *q = &w->irqs[i];

		q->gone = read_mask(q->irq, "smp_affinity_list", &q->smp) < 0 ||
			  read_mask(q->irq, "effective_affinity_list", &q->eff) < 0;
	}
}

/* Whether IRQ i is placed within allowed (see the header); keeps the state
 * that tells a stale effective CPU from a wrong one. */
static bool placed(struct irq_watch *q, uint64_t allowed)
{
	if (q->gone)
		return true;
	if (q->smp == 0 || (q->smp & ~allowed)) {
		q->pending = false;
		return false;
	}
	if ((q->eff & ~allowed) == 0) {
		q->pending = false;
		return true;
	}
	if (!q->pending) {
		q->pending = true;
		q->count_at_fix = irq_count(q->irq);
		return true;
	}
	return irq_count(q->irq) == q->count_at_fix;
}

/* Samples every IRQ; returns whether all are placed within allowed. */
static bool all_placed(struct watch *w, uint64_t allowed)
{
	bool ok = true;

	refresh(w);
	for (int i = 0; i < w->n; i++)
		ok = placed(&w->irqs[i], allowed) && ok;
	return ok;
}

static void reset_pending(struct watch *w)
{
	for (int i = 0; i < w->n; i++)
		w->irqs[i].pending = false;
}

static int parse_irqs(const char *text, struct watch *w)
{
	const char *p = text;

	w->n = 0;
	while (*p) {
		char *end;
		long irq = strtol(p, &end, 10);

		if (end == p || irq < 0 || w->n == MAX_IRQS)
			return -1;
		w->irqs[w->n++] = (struct irq_watch){.irq = (int)irq};
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return w->n > 0 ? 0 : -1;
}

static int write_online(int cpu, const char *value)
{
	char path[96];
	int fd, r = 0;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		r = -errno;
	close(fd);
	return r;
}

static void sleep_ms(double ms)
{
	struct timespec ts = {.tv_sec = (time_t)(ms / 1000.0),
			      .tv_nsec =
				      (long)((ms - (double)(time_t)(ms / 1000.0) * 1000.0) * 1e6)};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Polls until all IRQs are placed within allowed and stay so CONFIRM_MS;
 * returns the time (ms after start) they became so, or -1 at timeout_ms. */
static double wait_placed(struct watch *w, uint64_t allowed, double start, double timeout_ms)
{
	double since = -1;

	reset_pending(w);
	for (;;) {
		bool ok = all_placed(w, allowed);
		double t = now_ms();

		if (!ok)
			since = -1;
		else if (since < 0)
			since = t;
		if (since >= 0 && t - since >= CONFIRM_MS)
			return since - start;
		if (t - start > timeout_ms)
			return -1;
		usleep(POLL_US);
	}
}

/* The housekeeping CPU other than 0 whose effective IRQs are most numerous
 * (then: in the most masks); -1 if HK has no CPU but 0. */
static int pick_cpu(struct watch *w, uint64_t hk)
{
	int best = -1, best_eff = -1, best_smp = -1;

	refresh(w);
	for (int c = 1; c < 64; c++) {
		int n_eff = 0, n_smp = 0;

		if (!(hk & (UINT64_C(1) << c)))
			continue;
		for (int i = 0; i < w->n; i++) {
			if (w->irqs[i].gone)
				continue;
			n_eff += (w->irqs[i].eff >> c) & 1;
			n_smp += (w->irqs[i].smp >> c) & 1;
		}
		if (n_eff > best_eff || (n_eff == best_eff && n_smp > best_smp)) {
			best = c;
			best_eff = n_eff;
			best_smp = n_smp;
		}
	}
	return best;
}

/* How many IRQs cpu serves: effective there, or (a quiet IRQ, see
 * "placed") requested there alone and not fired since counts[] was read. */
static int carried_by(struct watch *w, int cpu, const unsigned long long *counts)
{
	uint64_t bit = UINT64_C(1) << cpu;
	int n = 0;

	for (int i = 0; i < w->n; i++) {
		struct irq_watch *q = &w->irqs[i];

		if (q->gone || !(q->smp & bit))
			continue;
		if (q->eff == bit || (counts && q->smp == bit && irq_count(q->irq) == counts[i]))
			n++;
	}
	return n;
}

/* The wall clock as HH:MM:SS.mmm (UTC), to find the moment in a balancer's
 * log (GLib stamps its messages so). */
static const char *wall_clock(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, size, "%02d:%02d:%02d.%03ld", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 ts.tv_nsec / 1000000);
	return buf;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Prints median and max of v (a negative value: timed out). */
static void print_stats(const char *key, double *v, int n, double timeout_ms)
{
	double sorted[MAX_REPS];
	int timeouts = 0;

	for (int i = 0; i < n; i++) {
		sorted[i] = v[i] < 0 ? 1e18 : v[i];
		timeouts += v[i] < 0;
	}
	qsort(sorted, (size_t)n, sizeof(double), cmp_double);
	double median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	double max = sorted[n - 1];
	if (median >= 1e17)
		printf("result %s_median_ms >%.0f\n", key, timeout_ms);
	else
		printf("result %s_median_ms %.1f\n", key, median);
	if (max >= 1e17)
		printf("result %s_max_ms >%.0f\n", key, timeout_ms);
	else
		printf("result %s_max_ms %.1f\n", key, max);
	printf("result %s_timeouts %d\n", key, timeouts);
}

static int cmd_settle(uint64_t hk, struct watch *w, double timeout_ms)
{
	double start = now_ms();
	double t = wait_placed(w, hk, start, timeout_ms);

	if (t < 0)
		printf("settle timeout\n");
	else
		printf("settle %.1f\n", t);
	return 0;
}

static int cmd_hotplug(uint64_t hk, struct watch *w, int reps, double timeout_ms, double settle_ms)
{
	static unsigned long long counts[MAX_IRQS];
	double off[MAX_REPS], on_placed[MAX_REPS], on_serves[MAX_REPS], w_off[MAX_REPS],
		w_on[MAX_REPS];

	for (int rep = 0; rep < reps; rep++) {
		int cpu = pick_cpu(w, hk), r;
		uint64_t without = hk & ~(UINT64_C(1) << (cpu < 0 ? 0 : cpu));

		if (cpu < 0) {
			fprintf(stderr, "afvm-react: no housekeeping CPU but 0 to take offline\n");
			return 1;
		}
		int before = carried_by(w, cpu, NULL);

		char off_wall[32], on_wall[32];
		double t0 = now_ms();
		r = write_online(cpu, "0");
		double t1 = now_ms();
		wall_clock(off_wall, sizeof(off_wall));
		if (r < 0) {
			fprintf(stderr, "afvm-react: offline cpu%d: %s\n", cpu, strerror(-r));
			return 1;
		}
		/* What the kernel and the drivers left on forbidden CPUs. */
		int broken = 0;
		refresh(w);
		reset_pending(w);
		for (int i = 0; i < w->n; i++)
			broken += !placed(&w->irqs[i], without);
		w_off[rep] = t1 - t0;
		off[rep] = wait_placed(w, without, t1, timeout_ms);

		t0 = now_ms();
		r = write_online(cpu, "1");
		t1 = now_ms();
		if (r < 0) {
			fprintf(stderr, "afvm-react: online cpu%d: %s\n", cpu, strerror(-r));
			return 1;
		}
		wall_clock(on_wall, sizeof(on_wall));
		w_on[rep] = t1 - t0;
		/* Both: placed within HK (held), and CPU N serving one again while
		 * all are placed (the virtio-net driver's own re-spread on online
		 * also puts queues on N, and on isolated CPUs). */
		double placed_at = -1, serves_at = -1, since = -1;
		for (int i = 0; i < w->n; i++)
			counts[i] = irq_count(w->irqs[i].irq);
		reset_pending(w);
		for (;;) {
			bool ok = all_placed(w, hk);
			double t = now_ms();

			if (serves_at < 0 && ok && carried_by(w, cpu, counts) > 0)
				serves_at = t - t1;
			if (!ok)
				since = -1;
			else if (since < 0)
				since = t;
			if (placed_at < 0 && since >= 0 && t - since >= CONFIRM_MS)
				placed_at = since - t1;
			if ((placed_at >= 0 && serves_at >= 0) || t - t1 > timeout_ms)
				break;
			usleep(POLL_US);
		}
		on_placed[rep] = placed_at;
		on_serves[rep] = serves_at;
		printf("rep %d cpu %d served %d broken %d offline_write_ms %.1f off_placed_ms %.1f "
		       "online_write_ms %.1f on_placed_ms %.1f on_serves_ms %.1f offline_done %s "
		       "online_done %s\n",
		       rep + 1, cpu, before, broken, w_off[rep], off[rep], w_on[rep], placed_at,
		       serves_at, off_wall, on_wall);
		fflush(stdout);
		sleep_ms(settle_ms);
	}
	print_stats("off_placed", off, reps, timeout_ms);
	print_stats("on_placed", on_placed, reps, timeout_ms);
	print_stats("on_serves", on_serves, reps, timeout_ms);
	print_stats("offline_write", w_off, reps, timeout_ms);
	print_stats("online_write", w_on, reps, timeout_ms);
	return 0;
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static uint16_t checksum(const void *data, size_t len)
{
	const uint16_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	if (len)
		sum += *(const uint8_t *)p;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int cmd_load(const char *netif, const char *addr, const char *nvme)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_halen = ETH_ALEN};
	unsigned char frame[64] = {0};
	static unsigned char identify[4096];
	struct sigaction sa = {.sa_handler = on_term};
	int icmp, raw, nv;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (inet_pton(AF_INET, addr, &to.sin_addr) != 1) {
		fprintf(stderr, "afvm-react: bad address %s\n", addr);
		return 1;
	}
	icmp = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMP);
	raw = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	ll.sll_ifindex = (int)if_nametoindex(netif);
	nv = open(nvme, O_RDONLY | O_CLOEXEC);
	if (icmp < 0 || raw < 0 || ll.sll_ifindex == 0 || nv < 0) {
		fprintf(stderr, "afvm-react: load: sockets, %s or %s: %s\n", netif, nvme,
			strerror(errno));
		return 1;
	}
	/* Broadcast, the local experimental EtherType: nobody answers it. */
	memset(frame, 0xff, ETH_ALEN);
	memset(ll.sll_addr, 0xff, ETH_ALEN);
	frame[12] = 0x88;
	frame[13] = 0xb5;
	ll.sll_protocol = htons(0x88b5);
	for (unsigned round = 0; !stop; round++) {
		struct icmphdr echo = {.type = ICMP_ECHO, .un.echo.id = htons(0xafaf)};
		char reply[256];

		echo.un.echo.sequence = htons((uint16_t)round);
		echo.checksum = checksum(&echo, sizeof(echo));
		(void)sendto(icmp, &echo, sizeof(echo), 0, (struct sockaddr *)&to, sizeof(to));
		(void)sendto(raw, frame, sizeof(frame), 0, (struct sockaddr *)&ll, sizeof(ll));
		if (round % 10 == 0) {
			struct nvme_admin_cmd cmd = {
				.opcode = 0x06, /* Identify */
				.addr = (unsigned long)identify,
				.data_len = sizeof(identify),
				.cdw10 = 1, /* CNS 1: the controller */
			};
			(void)ioctl(nv, NVME_IOCTL_ADMIN_CMD, &cmd);
		}
		while (recv(icmp, reply, sizeof(reply), 0) > 0)
			;
		sleep_ms(20);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: afvm-react [-p CPU] settle HK IRQS TIMEOUT_MS\n"
			"       afvm-react [-p CPU] hotplug HK IRQS REPS TIMEOUT_MS SETTLE_MS\n"
			"       afvm-react load NETIF IPV4 NVME-DEV\n");
	return 1;
}

int main(int argc, char **argv)
{
	static struct watch w;
	uint64_t hk;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && strcmp(argv[1], "-p") == 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(atoi(argv[2]), &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0)
			fprintf(stderr, "afvm-react: cannot pin to CPU %s: %s\n", argv[2],
				strerror(errno));
		argc -= 2;
		argv += 2;
	}
	if (argc == 5 && strcmp(argv[1], "load") == 0)
		return cmd_load(argv[2], argv[3], argv[4]);
	if (argc < 4 || parse_cpulist(argv[2], &hk) < 0 || hk == 0 || parse_irqs(argv[3], &w) < 0)
		return usage();
	if (argc == 5 && strcmp(argv[1], "settle") == 0)
		return cmd_settle(hk, &w, atof(argv[4]));
	if (argc == 7 && strcmp(argv[1], "hotplug") == 0) {
		int reps = atoi(argv[4]);

		if (reps < 1 || reps > MAX_REPS)
			return usage();
		return cmd_hotplug(hk, &w, reps, atof(argv[5]), atof(argv[6]));
	}
	return usage();
}
