/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host-side traffic of the VM tests: run by run-guest.sh --ns-run inside the
 * guest's network namespace (never in the host's own), it sends datagrams
 * through the namespace's tap into the guest's NIC, so that the guest's
 * receive path runs under a steady load from outside.
 *
 *   afvm-traffic ADDR FLOWS PPS SECONDS
 *       PPS datagrams a second in all to ADDR, port 9 (discard), round
 *       robin over FLOWS sockets, each bound to a source port of its own:
 *       FLOWS flows, which a multi-queue tap spreads over its queues by
 *       their hash (the guest's rx queues), from the first datagram on.
 *       Stops by itself after SECONDS (PPS * SECONDS datagrams at most),
 *       or earlier when run-guest.sh kills it as the guest ends.
 *
 * Exits 0 after SECONDS, 1 on a usage or socket error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define MAX_FLOWS 256

int main(int argc, char **argv)
{
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(9)};
	int fds[MAX_FLOWS];
	struct timespec next;
	long flows, pps, seconds, count, gap_ns;
	char payload[64];

	if (argc != 5 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "usage: afvm-traffic ADDR FLOWS PPS SECONDS\n");
		return 1;
	}
	flows = strtol(argv[2], NULL, 10);
	pps = strtol(argv[3], NULL, 10);
	seconds = strtol(argv[4], NULL, 10);
	if (flows < 1 || flows > MAX_FLOWS || pps < 1 || pps > 100000 || seconds < 1 ||
	    seconds > 7200) {
		fprintf(stderr, "afvm-traffic: FLOWS 1..%d, PPS 1..100000, SECONDS 1..7200\n",
			MAX_FLOWS);
		return 1;
	}
	for (long i = 0; i < flows; i++) {
		/* An unbound socket gets an ephemeral port of its own at connect. */
		fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&dst, sizeof(dst)) < 0) {
			fprintf(stderr, "afvm-traffic: socket to %s: %s\n", argv[1],
				strerror(errno));
			return 1;
		}
	}
	memset(payload, 'a', sizeof(payload));
	gap_ns = 1000000000L / pps;
	clock_gettime(CLOCK_MONOTONIC, &next);
	count = pps * seconds;
	for (long n = 0, i = 0; n < count; n++, i = (i + 1) % flows) {
		/* Unanswered ARP or a full queue: the datagram is lost, go on. */
		(void)send(fds[i], payload, sizeof(payload), MSG_DONTWAIT);
		next.tv_nsec += gap_ns;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	return 0;
}
