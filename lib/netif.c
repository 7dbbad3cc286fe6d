/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "netif.h"

#define SYS_CLASS_NET "/sys/class/net"
#define SOCK_FLOW_ENTRIES "/proc/sys/net/core/rps_sock_flow_entries"

static void queue_free(AfNetQueue *queue)
{
	if (!queue)
		return;
	g_free(queue->name);
	af_cpuset_free(queue->mask);
	g_free(queue);
}

static void napi_free(AfNapiThread *napi)
{
	if (!napi)
		return;
	g_free(napi->comm);
	af_cpuset_free(napi->allowed);
	g_free(napi);
}

static void netif_free(AfNetif *netif)
{
	if (!netif)
		return;
	g_free(netif->name);
	af_ethtool_info_free(netif->ethtool);
	g_ptr_array_unref(netif->rx);
	g_ptr_array_unref(netif->tx);
	g_ptr_array_unref(netif->napi);
	g_free(netif);
}

AfNetifs *af_netifs_new(void)
{
	AfNetifs *netifs = g_new0(AfNetifs, 1);

	netifs->interfaces = g_ptr_array_new_with_free_func((GDestroyNotify)netif_free);
	netifs->sock_flow_entries = -1;
	return netifs;
}

void af_netifs_free(AfNetifs *netifs)
{
	if (!netifs)
		return;
	g_ptr_array_unref(netifs->interfaces);
	g_free(netifs);
}

AfNetif *af_netifs_add(AfNetifs *netifs, const char *name)
{
	AfNetif *netif = g_new0(AfNetif, 1);

	netif->name = g_strdup(name);
	netif->threaded = -1;
	netif->rx = g_ptr_array_new_with_free_func((GDestroyNotify)queue_free);
	netif->tx = g_ptr_array_new_with_free_func((GDestroyNotify)queue_free);
	netif->napi = g_ptr_array_new_with_free_func((GDestroyNotify)napi_free);
	g_ptr_array_add(netifs->interfaces, netif);
	return netif;
}

AfNetQueue *af_netif_add_queue(AfNetif *netif, gboolean tx, guint index, const AfCpuSet *mask)
{
	AfNetQueue *queue = g_new0(AfNetQueue, 1);

	queue->name = g_strdup_printf("%s-%u", tx ? "tx" : "rx", index);
	queue->tx = tx;
	queue->index = index;
	queue->irq = -1;
	queue->mask = af_cpuset_copy(mask);
	queue->flow_cnt = -1;
	g_ptr_array_add(tx ? netif->tx : netif->rx, queue);
	return queue;
}

static AfNapiThread *napi_copy(const AfNapiThread *napi)
{
	AfNapiThread *copy = g_memdup2(napi, sizeof(*napi));

	copy->comm = g_strdup(napi->comm);
	copy->allowed = af_cpuset_copy(napi->allowed);
	return copy;
}

AfNetifs *af_netifs_copy(const AfNetifs *netifs)
{
	AfNetifs *copy = af_netifs_new();

	copy->sock_flow_entries = netifs->sock_flow_entries;
	for (guint i = 0; i < netifs->interfaces->len; i++) {
		const AfNetif *netif = netifs->interfaces->pdata[i];
		AfNetif *c = af_netifs_add(copy, netif->name);
		const GPtrArray *lists[] = {netif->rx, netif->tx};

		c->ethtool = af_ethtool_info_copy(netif->ethtool);
		c->arfs = netif->arfs;
		c->threaded = netif->threaded;
		c->napi_guessed = netif->napi_guessed;
		for (guint l = 0; l < G_N_ELEMENTS(lists); l++) {
			for (guint j = 0; j < lists[l]->len; j++) {
				const AfNetQueue *q = lists[l]->pdata[j];
				AfNetQueue *cq = af_netif_add_queue(c, q->tx, q->index, q->mask);

				cq->irq = q->irq;
				cq->flow_cnt = q->flow_cnt;
			}
		}
		for (guint j = 0; j < netif->napi->len; j++)
			g_ptr_array_add(c->napi, napi_copy(netif->napi->pdata[j]));
	}
	return copy;
}

AfNetif *af_netifs_lookup(const AfNetifs *netifs, const char *name)
{
	for (guint i = 0; netifs && name && i < netifs->interfaces->len; i++) {
		AfNetif *netif = netifs->interfaces->pdata[i];

		if (g_str_equal(netif->name, name))
			return netif;
	}
	return NULL;
}

gboolean af_netif_parse_napi_comm(const char *comm, const char *ifname, guint *ret_napi_id)
{
	g_autofree char *prefix = g_strdup_printf("napi/%s-", ifname);
	guint64 id;

	if (!g_str_has_prefix(comm, prefix))
		return FALSE;
	/* An interface "eth0-1" would read as eth0's NAPI 1 otherwise: digits only. */
	if (!g_ascii_string_to_unsigned(comm + strlen(prefix), 10, 0, G_MAXUINT, &id, NULL))
		return FALSE;
	*ret_napi_id = (guint)id;
	return TRUE;
}

/* The IRQ of queue index among irqs for the interface, or -1. */
static int find_queue_irq(GPtrArray *irqs, const char *ifname, guint index, gboolean tx)
{
	for (guint i = 0; irqs && i < irqs->len; i++) {
		const AfIrq *irq = irqs->pdata[i];

		if (!irq->interface || !g_str_equal(irq->interface, ifname) ||
		    irq->queue != (int)index)
			continue;
		switch (irq->queue_kind) {
		case AF_QUEUE_COMBINED:
			return (int)irq->irq;
		case AF_QUEUE_RX:
			if (!tx)
				return (int)irq->irq;
			break;
		case AF_QUEUE_TX:
			if (tx)
				return (int)irq->irq;
			break;
		case AF_QUEUE_NONE:
			break;
		}
	}
	return -1;
}

void af_netifs_match_irqs(AfNetifs *netifs, GPtrArray *irqs)
{
	for (guint i = 0; i < netifs->interfaces->len; i++) {
		AfNetif *netif = netifs->interfaces->pdata[i];
		const GPtrArray *lists[] = {netif->rx, netif->tx};
		gboolean any_irq = FALSE;

		for (guint l = 0; l < G_N_ELEMENTS(lists); l++) {
			for (guint j = 0; j < lists[l]->len; j++) {
				AfNetQueue *q = lists[l]->pdata[j];

				q->irq = find_queue_irq(irqs, netif->name, q->index, q->tx);
				any_irq |= q->irq >= 0;
			}
		}
		netif->arfs = any_irq && netif->ethtool && netif->ethtool->ntuple == 1;
	}
	for (guint i = 0; irqs && i < irqs->len; i++) {
		AfIrq *irq = irqs->pdata[i];
		const AfNetif *netif = af_netifs_lookup(netifs, irq->interface);

		irq->arfs =
			netif && netif->arfs && irq->queue >= 0 && irq->queue_kind != AF_QUEUE_NONE;
	}
}

/* Reads a queue's mask file: absent (no XPS, old kernel) and unreadable give NULL. */
static AfCpuSet *read_mask(AfSysroot *sysroot, const char *ifname, const char *queue,
			   const char *file)
{
	g_autofree char *path =
		g_strdup_printf(SYS_CLASS_NET "/%s/queues/%s/%s", ifname, queue, file);
	AfCpuSet *mask = NULL;

	if (af_sysroot_read_cpumask(sysroot, path, &mask) < 0)
		return NULL;
	return mask;
}

static gint64 read_flow_cnt(AfSysroot *sysroot, const char *ifname, const char *queue)
{
	g_autofree char *path =
		g_strdup_printf(SYS_CLASS_NET "/%s/queues/%s/rps_flow_cnt", ifname, queue);
	gint64 value;

	return af_sysroot_read_int(sysroot, path, &value) == 0 ? value : -1;
}

static void read_queue_state(AfSysroot *sysroot, const char *ifname, AfNetQueue *queue)
{
	af_cpuset_free(queue->mask);
	queue->mask = read_mask(sysroot, ifname, queue->name, queue->tx ? "xps_cpus" : "rps_cpus");
	queue->flow_cnt = queue->tx ? -1 : read_flow_cnt(sysroot, ifname, queue->name);
}

static gint compare_queues(gconstpointer a, gconstpointer b)
{
	const AfNetQueue *x = *(AfNetQueue *const *)a, *y = *(AfNetQueue *const *)b;

	return x->index < y->index ? -1 : x->index > y->index;
}

static int read_queues(AfSysroot *sysroot, AfNetif *netif)
{
	g_autofree char *dir = g_strdup_printf(SYS_CLASS_NET "/%s/queues", netif->name);
	g_autoptr(GPtrArray) names = NULL;
	int r;

	r = af_sysroot_list(sysroot, dir, &names);
	if (r < 0)
		return r;
	for (guint i = 0; i < names->len; i++) {
		const char *name = names->pdata[i];
		gboolean tx = g_str_has_prefix(name, "tx-");
		guint64 index;

		if (!tx && !g_str_has_prefix(name, "rx-"))
			continue;
		if (!g_ascii_string_to_unsigned(name + 3, 10, 0, G_MAXUINT, &index, NULL))
			continue;
		read_queue_state(sysroot, netif->name,
				 af_netif_add_queue(netif, tx, (guint)index, NULL));
	}
	g_ptr_array_sort(netif->rx, compare_queues);
	g_ptr_array_sort(netif->tx, compare_queues);
	return 0;
}

/* "Cpus_allowed_list:\t0-7" of /proc/PID/status. */
static AfCpuSet *read_allowed(AfSysroot *sysroot, int pid)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/status", pid);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	AfCpuSet *set = NULL;

	if (af_sysroot_read(sysroot, path, &text, NULL) < 0)
		return NULL;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i]; i++)
		if (g_str_has_prefix(lines[i], "Cpus_allowed_list:") &&
		    af_cpuset_parse_list(lines[i] + strlen("Cpus_allowed_list:"), &set) == 0)
			return set;
	return NULL;
}

static gint compare_napi(gconstpointer a, gconstpointer b)
{
	const AfNapiThread *x = *(AfNapiThread *const *)a, *y = *(AfNapiThread *const *)b;

	if (x->napi_id != y->napi_id)
		return x->napi_id < y->napi_id ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* The threads with an ID, in ID order, poll the receive queues in index order. */
static void match_napi_queues(AfNetif *netif)
{
	guint next = 0;

	g_ptr_array_sort(netif->napi, compare_napi);
	for (guint i = 0; i < netif->napi->len; i++) {
		AfNapiThread *napi = netif->napi->pdata[i];

		napi->queue = -1;
		if (napi->napi_id == 0 || next >= netif->rx->len)
			continue;
		napi->queue = (int)((AfNetQueue *)netif->rx->pdata[next++])->index;
		netif->napi_guessed = TRUE;
	}
}

/* The napi/IF-ID kernel threads of the interfaces with threaded NAPI on, from /proc. */
static void read_napi_threads(AfSysroot *sysroot, AfNetifs *netifs)
{
	g_autoptr(GPtrArray) pids = NULL;
	gboolean any = FALSE;

	for (guint i = 0; i < netifs->interfaces->len; i++)
		any |= ((AfNetif *)netifs->interfaces->pdata[i])->threaded == 1;
	if (!any || af_sysroot_list(sysroot, "/proc", &pids) < 0)
		return;
	for (guint i = 0; i < pids->len; i++) {
		const char *name = pids->pdata[i];
		g_autofree char *path = NULL, *comm = NULL;
		guint64 pid;

		if (!g_ascii_string_to_unsigned(name, 10, 1, G_MAXINT, &pid, NULL))
			continue;
		path = g_strdup_printf("/proc/%s/comm", name);
		if (af_sysroot_read_string(sysroot, path, &comm) < 0 ||
		    !g_str_has_prefix(comm, "napi/"))
			continue;
		for (guint j = 0; j < netifs->interfaces->len; j++) {
			AfNetif *netif = netifs->interfaces->pdata[j];
			AfNapiThread *napi;
			guint id;

			if (netif->threaded != 1 ||
			    !af_netif_parse_napi_comm(comm, netif->name, &id))
				continue;
			napi = g_new0(AfNapiThread, 1);
			napi->pid = (int)pid;
			napi->comm = g_strdup(comm);
			napi->napi_id = id;
			napi->allowed = read_allowed(sysroot, (int)pid);
			napi->queue = -1;
			g_ptr_array_add(netif->napi, napi);
		}
	}
	for (guint i = 0; i < netifs->interfaces->len; i++)
		match_napi_queues(netifs->interfaces->pdata[i]);
}

static void read_interface(AfSysroot *sysroot, AfNetifs *netifs, const char *name,
			   GPtrArray *warnings)
{
	g_autofree char *threaded = g_strdup_printf(SYS_CLASS_NET "/%s/threaded", name);
	AfNetif *netif;
	gint64 value;
	int r;

	netif = af_netifs_add(netifs, name);
	r = read_queues(sysroot, netif);
	if (r < 0 && r != -ENOENT && warnings)
		g_ptr_array_add(warnings, g_strdup_printf("cannot list the queues of %s (%s): its "
							  "steering is left alone",
							  name, g_strerror(-r)));
	if (af_sysroot_read_int(sysroot, threaded, &value) == 0)
		netif->threaded = value != 0;
	/* A virtual device answers too (veth: its queues as channels). */
	if (af_ethtool_query(sysroot, name, &netif->ethtool) < 0)
		netif->ethtool = NULL;
}

int af_netifs_read(AfSysroot *sysroot, GPtrArray *irqs, GPtrArray *warnings, AfNetifs **ret_netifs)
{
	g_autoptr(AfNetifs) netifs = af_netifs_new();
	g_autoptr(GPtrArray) names = NULL;
	gint64 value;
	int r;

	r = af_sysroot_list(sysroot, SYS_CLASS_NET, &names);
	if (r < 0 && r != -ENOENT)
		return r;
	for (guint i = 0; names && i < names->len; i++) {
		const char *name = names->pdata[i];

		/* Loopback has no device and no IRQ; RPS on it is the kernel's business. */
		if (g_str_equal(name, "lo"))
			continue;
		read_interface(sysroot, netifs, name, warnings);
	}
	if (af_sysroot_read_int(sysroot, SOCK_FLOW_ENTRIES, &value) == 0)
		netifs->sock_flow_entries = value;
	read_napi_threads(sysroot, netifs);
	af_netifs_match_irqs(netifs, irqs);
	*ret_netifs = g_steal_pointer(&netifs);
	return 0;
}

int af_netifs_refresh(AfSysroot *sysroot, const AfNetifs *previous, GPtrArray *irqs,
		      AfNetifs **ret_netifs)
{
	g_autoptr(AfNetifs) netifs = af_netifs_copy(previous);
	gint64 value;

	for (guint i = 0; i < netifs->interfaces->len; i++) {
		AfNetif *netif = netifs->interfaces->pdata[i];
		GPtrArray *lists[] = {netif->rx, netif->tx};

		for (guint l = 0; l < G_N_ELEMENTS(lists); l++) {
			for (guint j = 0; j < lists[l]->len; j++) {
				AfNetQueue *q = lists[l]->pdata[j];
				g_autofree char *dir = g_strdup_printf(
					SYS_CLASS_NET "/%s/queues/%s", netif->name, q->name);

				if (af_sysroot_exists(sysroot, dir) < 0)
					return -ESTALE;
				read_queue_state(sysroot, netif->name, q);
			}
		}
		for (guint j = 0; j < netif->napi->len; j++) {
			AfNapiThread *napi = netif->napi->pdata[j];

			af_cpuset_free(napi->allowed);
			napi->allowed = read_allowed(sysroot, napi->pid);
		}
	}
	netifs->sock_flow_entries = -1;
	if (af_sysroot_read_int(sysroot, SOCK_FLOW_ENTRIES, &value) == 0)
		netifs->sock_flow_entries = value;
	af_netifs_match_irqs(netifs, irqs);
	*ret_netifs = g_steal_pointer(&netifs);
	return 0;
}
