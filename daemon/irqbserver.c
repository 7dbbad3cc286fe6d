/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "context.h"
#include "irqbsock.h"

/*
 * irqbalance's UNIX socket, for programs written for irqbalance
 * (intel-lpmd): DIR/irqbalance<PID>.sock, where such a program looks for
 * it ([compat] irqbalance_socket=DIR, /run/irqbalance). One request per
 * connection (lib/irqbsock.h): "settings cpus LIST" is a ban held by the
 * client's program, named "socket:COMM" after its /proc/PID/comm, never
 * persistent (irqbalance forgets it on restart too); "setup" and "stats"
 * are answered from the last look and plan. Only root's clients are
 * served, as irqbalance serves them. A client that sends nothing is
 * dropped after a second; the event loop never blocks on one.
 */

#define CLIENT_TIMEOUT_MS 1000u
#define MAX_CLIENTS 16u
#define SEND_TIMEOUT_S 1

struct AfIrqbServer {
	AfDaemon *daemon;
	char *dir;  /* as configured */
	char *path; /* DIR/irqbalance<PID>.sock */
	int fd;
	guint source;
	GHashTable *clients;	 /* Client* (owned) */
	GHashTable *warned_uids; /* uids refused and said so */
};

typedef struct {
	AfIrqbServer *server;
	int fd;
	guint io_source;
	guint timeout_source;
	struct ucred peer;
} Client;

static void client_free(Client *client)
{
	g_clear_handle_id(&client->io_source, g_source_remove);
	g_clear_handle_id(&client->timeout_source, g_source_remove);
	if (client->fd >= 0)
		close(client->fd);
	g_free(client);
}

static void drop_client(Client *client)
{
	g_hash_table_remove(client->server->clients, client);
}

/* "socket:" and the client's program name, as a ban owner: "socket:intel_lpmd". */
static char *client_owner(const Client *client)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/comm", (int)client->peer.pid);
	g_autofree char *comm = NULL;

	if (!g_file_get_contents(path, &comm, NULL, NULL) || !*g_strstrip(comm))
		return g_strdup_printf("socket:pid%d", (int)client->peer.pid);
	for (char *p = comm; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr("_.@-", *p))
			*p = '_';
	return g_strconcat("socket:", comm, NULL);
}

static void ban_cpus(Client *client, const AfCpuSet *cpus)
{
	AfDaemon *daemon = client->server->daemon;
	g_autofree char *owner = client_owner(client);
	g_autoptr(GError) error = NULL;
	int r;

	if (af_cpuset_is_empty(cpus)) {
		r = af_daemon_unban(daemon, owner, &error);
		if (r == -ENOENT) /* "NULL" without a ban: nothing to lift */
			return;
	} else {
		r = af_daemon_ban(daemon, owner, cpus, FALSE, &error);
	}
	if (r < 0)
		g_warning("irqbalance socket: refused the request of %s (pid %d): %s", owner,
			  (int)client->peer.pid, error->message);
}

/* The answer in full, or as much as a second lets a slow reader take. */
static void send_answer(Client *client, const char *text)
{
	const struct timeval timeout = {.tv_sec = SEND_TIMEOUT_S};
	gsize length = strlen(text), sent = 0;

	if (!g_unix_set_fd_nonblocking(client->fd, FALSE, NULL) ||
	    setsockopt(client->fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)) < 0)
		return;
	while (sent < length) {
		ssize_t n = send(client->fd, text + sent, length - sent, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		sent += (gsize)n;
	}
}

static void serve(Client *client, const char *data, gsize length)
{
	AfDaemon *daemon = client->server->daemon;
	const AfEngine *engine = daemon->engine;
	g_autoptr(AfIrqbsockRequest) request = NULL;
	g_autofree char *answer = NULL;
	int r;

	r = af_irqbsock_parse_request(data, length, &request);
	if (r < 0) {
		g_autofree char *text = g_strndup(data, MIN(length, 64u));
		g_autofree char *escaped = g_strescape(text, NULL);

		g_debug("irqbalance socket: ignoring \"%s\" from pid %d: %s", escaped,
			(int)client->peer.pid, g_strerror(-r));
		return;
	}
	switch (request->kind) {
	case AF_IRQBSOCK_BAN_CPUS:
		ban_cpus(client, request->cpus);
		return;
	case AF_IRQBSOCK_SETUP:
		if (engine->hk && engine->snapshot)
			answer = af_irqbsock_format_setup(engine->policy->interval_ms, engine->hk,
							  engine->plan, daemon->load,
							  engine->snapshot->nr_cpu_ids);
		break;
	case AF_IRQBSOCK_STATS:
		if (engine->snapshot)
			answer = af_irqbsock_format_stats(engine->snapshot, daemon->load);
		break;
	case AF_IRQBSOCK_IGNORED:
		g_debug("irqbalance socket: irqbalance's own setting ignored (pid %d)",
			(int)client->peer.pid);
		return;
	}
	if (answer)
		send_answer(client, answer);
}

static gboolean on_client_ready(int fd, GIOCondition condition, gpointer user_data)
{
	Client *client = user_data;
	g_autofree char *buffer = g_malloc(AF_IRQBSOCK_MAX_REQUEST);
	ssize_t n;

	n = recv(fd, buffer, AF_IRQBSOCK_MAX_REQUEST, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	client->io_source = 0;
	/* irqbalance refuses a request that fills its buffer: it may be cut. */
	if (n > 0 && (gsize)n < AF_IRQBSOCK_MAX_REQUEST)
		serve(client, buffer, (gsize)n);
	drop_client(client);
	return G_SOURCE_REMOVE;
}

static gboolean on_client_timeout(gpointer user_data)
{
	Client *client = user_data;

	client->timeout_source = 0;
	drop_client(client);
	return G_SOURCE_REMOVE;
}

/*
 * Root only, as irqbalance, and the daemon's own user (the same thing when
 * it runs as a service; a test run as a user talks to its own daemon). A
 * refused uid is said once.
 */
static gboolean peer_allowed(AfIrqbServer *server, int fd, struct ucred *peer)
{
	socklen_t size = sizeof(*peer);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, peer, &size) < 0)
		return FALSE;
	if (peer->uid == 0 || peer->uid == geteuid())
		return TRUE;
	if (g_hash_table_add(server->warned_uids, GUINT_TO_POINTER(peer->uid)))
		g_warning("irqbalance socket: refused a client of uid %u (pid %d): only root's "
			  "are served",
			  (guint)peer->uid, (int)peer->pid);
	return FALSE;
}

static gboolean on_accept(int fd, GIOCondition condition, gpointer user_data)
{
	AfIrqbServer *server = user_data;
	struct ucred peer;
	Client *client;
	int client_fd;

	client_fd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (client_fd < 0)
		return G_SOURCE_CONTINUE;
	if (g_hash_table_size(server->clients) >= MAX_CLIENTS ||
	    !peer_allowed(server, client_fd, &peer)) {
		close(client_fd);
		return G_SOURCE_CONTINUE;
	}
	client = g_new0(Client, 1);
	client->server = server;
	client->fd = client_fd;
	client->peer = peer;
	client->io_source =
		g_unix_fd_add(client_fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_client_ready, client);
	client->timeout_source = g_timeout_add(CLIENT_TIMEOUT_MS, on_client_timeout, client);
	g_hash_table_add(server->clients, client);
	return G_SOURCE_CONTINUE;
}

/*
 * Another irqbalance<PID>.sock in the directory: a live one is another
 * balancer (programs may find it first: say so), a dead one a leftover.
 */
static void check_others(const char *dir)
{
	g_autoptr(GDir) listing = g_dir_open(dir, 0, NULL);
	const char *name;
	int pid;

	while (listing && (name = g_dir_read_name(listing))) {
		g_autofree char *path = NULL;

		if (sscanf(name, AF_IRQBSOCK_PREFIX "%d" AF_IRQBSOCK_SUFFIX, &pid) != 1 ||
		    pid == (int)getpid())
			continue;
		path = g_build_filename(dir, name, NULL);
		if (kill(pid, 0) == 0 || errno == EPERM)
			g_warning(
				"irqbalance socket: %s belongs to a running process (irqbalance?): "
				"its clients may talk to it instead of affinityd",
				path);
		else
			(void)g_unlink(path);
	}
}

static int listen_at(AfIrqbServer *server)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(server->path) >= sizeof(address.sun_path))
		return -ENAMETOOLONG;
	if (g_mkdir_with_parents(server->dir, 0755) < 0)
		return -errno;
	check_others(server->dir);
	(void)g_unlink(server->path);
	strcpy(address.sun_path, server->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&address, sizeof(address)) < 0 || listen(fd, 16) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	server->fd = fd;
	server->source = g_unix_fd_add(fd, G_IO_IN, on_accept, server);
	return 0;
}

static void server_free(AfIrqbServer *server)
{
	if (!server)
		return;
	g_hash_table_unref(server->clients);
	g_hash_table_unref(server->warned_uids);
	g_clear_handle_id(&server->source, g_source_remove);
	if (server->fd >= 0) {
		close(server->fd);
		(void)g_unlink(server->path);
	}
	g_free(server->dir);
	g_free(server->path);
	g_free(server);
}

void af_daemon_stop_irqbsock(AfDaemon *daemon)
{
	g_clear_pointer(&daemon->irqbsock, server_free);
}

void af_daemon_update_irqbsock(AfDaemon *daemon)
{
	const char *dir = daemon->engine->policy->irqbalance_socket;
	AfIrqbServer *server;
	g_autofree char *name = NULL;
	int r;

	if (daemon->irqbsock && g_strcmp0(daemon->irqbsock->dir, dir) == 0)
		return;
	af_daemon_stop_irqbsock(daemon);
	if (!dir)
		return;
	server = g_new0(AfIrqbServer, 1);
	server->daemon = daemon;
	server->fd = -1;
	server->dir = g_strdup(dir);
	name = g_strdup_printf(AF_IRQBSOCK_PREFIX "%d" AF_IRQBSOCK_SUFFIX, (int)getpid());
	server->path = g_build_filename(dir, name, NULL);
	server->clients = g_hash_table_new_full(NULL, NULL, (GDestroyNotify)client_free, NULL);
	server->warned_uids = g_hash_table_new(NULL, NULL);
	r = listen_at(server);
	if (r < 0) {
		g_warning("Failed to listen on the irqbalance socket %s, going on without it: %s",
			  server->path, g_strerror(-r));
		server_free(server);
		return;
	}
	g_message("irqbalance socket: %s", server->path);
	daemon->irqbsock = server;
}
