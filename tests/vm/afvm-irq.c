/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest-side probe of the VM tests: reads /proc/irq and /proc/interrupts and
 * writes kernel files, reporting the errno by name, in one process (starting
 * programs from 9p under emulation is slow, so scenarios call this once per
 * sample, not once per file). Plain libc: fewer libraries to load over 9p.
 *
 *   afvm-irq table          one line per IRQ row of /proc/interrupts:
 *                           IRQ ACTIONS AFFINITY EFFECTIVE NODE COUNT
 *                           (ACTIONS from /sys/kernel/irq/N/actions, comma
 *                           separated; cpulists; "-" for empty or unreadable;
 *                           COUNT: its interrupts summed over online CPUs)
 *   afvm-irq cpus           the CPU columns of /proc/interrupts' header
 *   afvm-irq threads        one line per IRQ thread (kthread "irq/N-name",
 *                           every device IRQ on PREEMPT_RT):
 *                           IRQ PID CPU ALLOWED SWITCHES COMM
 *                           (CPU: where it last ran, field 39 of
 *                           /proc/PID/stat; ALLOWED: Cpus_allowed_list;
 *                           SWITCHES: its context switches so far, which
 *                           grow each time it runs)
 *   afvm-irq set FILE TEXT  writes TEXT to FILE with one write(2); prints
 *                           "ok" or the errno's name (EIO, EPERM, EINVAL, ...)
 *   afvm-irq rewrite        writes each IRQ's own smp_affinity_list back to
 *                           it: the kernel's word on which IRQs user space
 *                           may move, without moving any. One line per IRQ
 *                           row of /proc/interrupts: IRQ ok|ERRNO-NAME
 *   afvm-irq nvme-identify DEV   one Identify Controller admin command: the
 *                           admin queue's IRQ fires
 *   afvm-irq udp ADDR       one datagram to ADDR port 9 (ARP out, reply in):
 *                           a NIC's tx and rx IRQs fire
 *   The last two print "ok" or the errno's name. On x86 without interrupt
 *   remapping an affinity write takes effect at the IRQ's next interrupt
 *   (KERNEL.md): they make that interrupt happen.
 *
 * Exits 0 when it could report, 1 on a usage error or an unreadable table.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <arpa/inet.h>
#include <linux/nvme_ioctl.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* Reads the first line of FILE into buf without its newline; "-" if none. */
static void read_line(const char *file, char *buf, size_t size)
{
	FILE *f = fopen(file, "re");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, (int)size, f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	/* Action names may hold spaces: keep one field per column. */
	for (char *p = buf; *p; p++)
		if (*p == ' ')
			*p = '_';
	if (buf[0] == '\0')
		snprintf(buf, size, "-");
}

/*
 * Calls row(irq, counts) for each numbered row of /proc/interrupts, counts
 * pointing just past the "N:"; architecture rows (NMI:, LOC:, ...) and the
 * header are skipped.
 */
static int for_each_irq(void (*row)(long irq, char *counts))
{
	FILE *f = fopen("/proc/interrupts", "re");
	char line[4096];

	if (!f) {
		perror("afvm-irq: /proc/interrupts");
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *end;
		const char *p = line + strspn(line, " ");
		long irq = strtol(p, &end, 10);

		if (end != p && *end == ':')
			row(irq, end + 1);
	}
	fclose(f);
	return 0;
}

static void print_row(long irq, char *counts)
{
	char path[128], actions[1024], aff[1024], eff[1024], node[32];
	unsigned long long count = 0;

	/* The counts come first, one per online CPU; the chip name ends them. */
	for (char *q = counts, *next;; q = next) {
		unsigned long long n = strtoull(q, &next, 10);
		if (next == q || (*next != ' ' && *next != '\n'))
			break;
		count += n;
	}
	snprintf(path, sizeof(path), "/sys/kernel/irq/%ld/actions", irq);
	read_line(path, actions, sizeof(actions));
	snprintf(path, sizeof(path), "/proc/irq/%ld/smp_affinity_list", irq);
	read_line(path, aff, sizeof(aff));
	snprintf(path, sizeof(path), "/proc/irq/%ld/effective_affinity_list", irq);
	read_line(path, eff, sizeof(eff));
	snprintf(path, sizeof(path), "/proc/irq/%ld/node", irq);
	read_line(path, node, sizeof(node));
	printf("%ld %s %s %s %s %llu\n", irq, actions, aff, eff, node, count);
}

static int print_cpus(void)
{
	FILE *f = fopen("/proc/interrupts", "re");
	char line[4096];

	if (!f || !fgets(line, sizeof(line), f)) {
		perror("afvm-irq: /proc/interrupts");
		if (f)
			fclose(f);
		return 1;
	}
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	const char *sep = "";
	for (char *tok = strtok(line, " "); tok; tok = strtok(NULL, " ")) {
		printf("%s%s", sep, tok);
		sep = " ";
	}
	printf("\n");
	return 0;
}

/* Field 39 of /proc/PID/stat, the CPU the task last ran on; -1 if unreadable. */
static long stat_cpu(const char *pid)
{
	char path[300], line[1024];
	FILE *f;
	char *p;
	long cpu = -1;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f) && (p = strrchr(line, ')'))) {
		/* Fields from 3 (state) on follow the command's closing ')'. */
		strtok(p + 1, " ");
		for (int field = 4; field <= 39 && (p = strtok(NULL, " ")); field++)
			if (field == 39)
				cpu = strtol(p, NULL, 10);
	}
	fclose(f);
	return cpu;
}

/* Cpus_allowed_list and the context switches of /proc/PID/status. */
static void status_fields(const char *pid, char *allowed, size_t size, unsigned long long *switches)
{
	char path[300], line[1024];
	FILE *f;

	snprintf(allowed, size, "-");
	*switches = 0;
	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "Cpus_allowed_list:", 18) == 0)
			snprintf(allowed, size, "%s", line + 18 + strspn(line + 18, " \t"));
		else if (strstr(line, "ctxt_switches:"))
			*switches += strtoull(strchr(line, ':') + 1, NULL, 10);
	}
	fclose(f);
}

static int print_threads(void)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;

	if (!proc) {
		perror("afvm-irq: /proc");
		return 1;
	}
	while ((d = readdir(proc))) {
		char path[300], comm[64], allowed[1024];
		unsigned long long switches;
		char *end;
		long irq;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		read_line(path, comm, sizeof(comm));
		if (strncmp(comm, "irq/", 4) != 0)
			continue;
		irq = strtol(comm + 4, &end, 10);
		if (end == comm + 4 || *end != '-')
			continue;
		status_fields(d->d_name, allowed, sizeof(allowed), &switches);
		printf("%ld %s %ld %s %llu %s\n", irq, d->d_name, stat_cpu(d->d_name), allowed,
		       switches, comm);
	}
	closedir(proc);
	return 0;
}

/* Prints "ok" for 0, else the name of errno value r. */
static int report(int r)
{
	if (r == 0)
		printf("ok\n");
	else
		printf("%s\n", strerrorname_np(r) ? strerrorname_np(r) : strerror(r));
	return 0;
}

static int set_file(const char *file, const char *text)
{
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		r = errno;
	else if (write(fd, text, strlen(text)) < 0)
		r = errno;
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = errno;
	return report(r);
}

static int nvme_identify(const char *dev)
{
	static unsigned char data[4096];
	struct nvme_admin_cmd cmd = {
		.opcode = 0x06, /* Identify */
		.addr = (unsigned long)data,
		.data_len = sizeof(data),
		.cdw10 = 1, /* CNS 1: the controller */
	};
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return report(errno);
	if (ioctl(fd, NVME_IOCTL_ADMIN_CMD, &cmd) < 0)
		r = errno;
	close(fd);
	return report(r);
}

static int send_udp(const char *addr)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
	int fd, r = 0;

	if (inet_pton(AF_INET, addr, &to.sin_addr) != 1)
		return report(EINVAL);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return report(errno);
	if (sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		r = errno;
	/* The reply to the ARP request comes back within this. */
	usleep(200 * 1000);
	close(fd);
	return report(r);
}

/* Writes the IRQ's requested mask back to it, reporting the kernel's answer. */
static void rewrite_row(long irq, char *counts)
{
	char path[128], aff[1024];

	snprintf(path, sizeof(path), "/proc/irq/%ld/smp_affinity_list", irq);
	read_line(path, aff, sizeof(aff));
	printf("%ld ", irq);
	set_file(path, aff);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "table") == 0)
		return for_each_irq(print_row);
	if (argc == 2 && strcmp(argv[1], "cpus") == 0)
		return print_cpus();
	if (argc == 2 && strcmp(argv[1], "threads") == 0)
		return print_threads();
	if (argc == 4 && strcmp(argv[1], "set") == 0)
		return set_file(argv[2], argv[3]);
	if (argc == 2 && strcmp(argv[1], "rewrite") == 0)
		return for_each_irq(rewrite_row);
	if (argc == 3 && strcmp(argv[1], "nvme-identify") == 0)
		return nvme_identify(argv[2]);
	if (argc == 3 && strcmp(argv[1], "udp") == 0)
		return send_udp(argv[2]);
	fprintf(stderr, "usage: afvm-irq table | cpus | threads | set FILE TEXT | rewrite | "
			"nvme-identify DEV | udp ADDR\n");
	return 1;
}
