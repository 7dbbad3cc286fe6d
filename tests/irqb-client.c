/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A client of irqbalance's socket that speaks as intel-lpmd does
 * (src/lpmd_irq.c irq_init(), src/lpmd_socket.c socket_send_cmd()): it
 * finds the daemon's pid from the first "irqbalance<PID>.sock" entry of the
 * directory, connects to DIR/irqbalance<PID>.sock, sends the request with
 * sendmsg() and SCM_CREDENTIALS, then reads the answer until the server
 * closes (intel-lpmd reads once and closes; the tests want all of it).
 *
 *   irqb-client DIR REQUEST      prints the answer, exit 0; 1 when no
 *                                socket was found or connect failed
 *   irqb-client DIR --idle MS    connects and sends nothing for MS ms
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int find_pid(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *entry;
	int pid = -1;

	if (!d)
		return -1;
	while (pid == -1 && (entry = readdir(d))) {
		if (strncmp(entry->d_name, "irqbalance", 10) == 0 &&
		    sscanf(entry->d_name, "irqbalance%d.sock", &pid) != 1)
			pid = -1;
	}
	closedir(d);
	return pid;
}

static int connect_to(const char *dir, int pid)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	int fd = socket(AF_LOCAL, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	snprintf(address.sun_path, sizeof(address.sun_path), "%s/irqbalance%d.sock", dir, pid);
	if (connect(fd, (struct sockaddr *)&address, sizeof(address)) < 0) {
		fprintf(stderr, "irqb-client: connect %s: %s\n", address.sun_path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* sendmsg() with the sender's credentials, as intel-lpmd's create_credentials_msg(). */
static int send_request(int fd, const char *request)
{
	struct ucred credentials = {.pid = getpid(), .uid = geteuid(), .gid = getegid()};
	char control[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = {.iov_base = (void *)request, .iov_len = strlen(request)};
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	memset(control, 0, sizeof(control));
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_CREDENTIALS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(struct ucred));
	memcpy(CMSG_DATA(cmsg), &credentials, sizeof(credentials));
	return sendmsg(fd, &msg, 0) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	char buffer[4096];
	ssize_t n;
	int pid, fd;

	if (argc < 3) {
		fprintf(stderr, "usage: irqb-client DIR REQUEST | DIR --idle MS\n");
		return 2;
	}
	pid = find_pid(argv[1]);
	if (pid < 0) {
		fprintf(stderr, "irqb-client: no irqbalance<PID>.sock in %s\n", argv[1]);
		return 1;
	}
	fd = connect_to(argv[1], pid);
	if (fd < 0)
		return 1;
	if (strcmp(argv[2], "--idle") == 0) {
		usleep((useconds_t)atoi(argc > 3 ? argv[3] : "1000") * 1000);
		close(fd);
		return 0;
	}
	if (send_request(fd, argv[2]) < 0) {
		perror("irqb-client: sendmsg");
		return 1;
	}
	while ((n = read(fd, buffer, sizeof(buffer))) > 0)
		fwrite(buffer, 1, (size_t)n, stdout);
	close(fd);
	return 0;
}
