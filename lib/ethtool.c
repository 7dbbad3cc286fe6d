/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ethtool.h"

/* The feature string of NETIF_F_NTUPLE (net/ethtool/common.c netdev_features_strings). */
#define NTUPLE_FEATURE "rx-ntuple-filter"

void af_ethtool_info_free(AfEthtoolInfo *info)
{
	if (!info)
		return;
	g_free(info->driver);
	g_free(info->bus_info);
	g_free(info);
}

static AfEthtoolInfo *info_new(void)
{
	AfEthtoolInfo *info = g_new0(AfEthtoolInfo, 1);

	info->ntuple = -1;
	return info;
}

AfEthtoolInfo *af_ethtool_info_copy(const AfEthtoolInfo *info)
{
	AfEthtoolInfo *copy;

	if (!info)
		return NULL;
	copy = g_new0(AfEthtoolInfo, 1);
	*copy = *info;
	copy->driver = g_strdup(info->driver);
	copy->bus_info = g_strdup(info->bus_info);
	return copy;
}

/* The live side: SIOCETHTOOL. */

static int ethtool_ioctl(int fd, const char *ifname, void *cmd)
{
	struct ifreq ifr = {0};

	g_strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
}

static int query_drvinfo(int fd, const char *ifname, AfEthtoolInfo *info)
{
	struct ethtool_drvinfo drv = {.cmd = ETHTOOL_GDRVINFO};
	int r = ethtool_ioctl(fd, ifname, &drv);

	if (r < 0)
		return r;
	drv.driver[sizeof(drv.driver) - 1] = '\0';
	drv.bus_info[sizeof(drv.bus_info) - 1] = '\0';
	info->driver = *drv.driver ? g_strdup(drv.driver) : NULL;
	info->bus_info = *drv.bus_info ? g_strdup(drv.bus_info) : NULL;
	return 0;
}

static void query_channels(int fd, const char *ifname, AfEthtoolInfo *info)
{
	struct ethtool_channels ch = {.cmd = ETHTOOL_GCHANNELS};

	/* EOPNOTSUPP: the driver has no channel API (e1000e); no channels then. */
	if (ethtool_ioctl(fd, ifname, &ch) < 0)
		return;
	info->has_channels = TRUE;
	info->channels = (AfEthtoolChannels){
		.rx = ch.rx_count,
		.tx = ch.tx_count,
		.other = ch.other_count,
		.combined = ch.combined_count,
		.max_rx = ch.max_rx,
		.max_tx = ch.max_tx,
		.max_other = ch.max_other,
		.max_combined = ch.max_combined,
	};
}

/* The index of the ntuple feature in the kernel's feature strings, or -1. */
static int find_ntuple_bit(int fd, const char *ifname, guint32 *ret_count)
{
	/* The answer's one length follows the header (data[], a flexible array). */
	g_autofree struct ethtool_sset_info *sset = g_malloc0(sizeof(*sset) + sizeof(guint32));
	g_autofree struct ethtool_gstrings *strings = NULL;
	guint32 count;

	sset->cmd = ETHTOOL_GSSET_INFO;
	sset->sset_mask = 1ull << ETH_SS_FEATURES;
	if (ethtool_ioctl(fd, ifname, sset) < 0 || !(sset->sset_mask & (1ull << ETH_SS_FEATURES)))
		return -1;
	count = sset->data[0];
	if (count == 0 || count > 4096)
		return -1;
	strings = g_malloc0(sizeof(*strings) + (gsize)count * ETH_GSTRING_LEN);
	strings->cmd = ETHTOOL_GSTRINGS;
	strings->string_set = ETH_SS_FEATURES;
	strings->len = count;
	if (ethtool_ioctl(fd, ifname, strings) < 0)
		return -1;
	for (guint32 i = 0; i < MIN(count, strings->len); i++) {
		const char *name = (const char *)strings->data + (gsize)i * ETH_GSTRING_LEN;

		if (strncmp(name, NTUPLE_FEATURE, ETH_GSTRING_LEN) == 0) {
			*ret_count = count;
			return (int)i;
		}
	}
	return -1;
}

static void query_ntuple(int fd, const char *ifname, AfEthtoolInfo *info)
{
	struct ethtool_value flags = {.cmd = ETHTOOL_GFLAGS};
	g_autofree struct ethtool_gfeatures *features = NULL;
	guint32 count = 0;
	int bit = find_ntuple_bit(fd, ifname, &count);
	guint32 blocks;

	if (bit >= 0) {
		blocks = (count + 31) / 32;
		features = g_malloc0(sizeof(*features) +
				     blocks * sizeof(struct ethtool_get_features_block));
		features->cmd = ETHTOOL_GFEATURES;
		features->size = blocks;
		if (ethtool_ioctl(fd, ifname, features) == 0) {
			info->ntuple = (features->features[bit / 32].active >> (bit % 32)) & 1;
			return;
		}
	}
	/* Older interface, same bit: ETH_FLAG_NTUPLE of the legacy flags. */
	if (ethtool_ioctl(fd, ifname, &flags) == 0)
		info->ntuple = (flags.data & ETH_FLAG_NTUPLE) != 0;
}

static int query_live(const char *ifname, AfEthtoolInfo **ret_info)
{
	g_autoptr(AfEthtoolInfo) info = info_new();
	int fd, r;

	if (strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	r = query_drvinfo(fd, ifname, info);
	if (r == 0) {
		query_channels(fd, ifname, info);
		query_ntuple(fd, ifname, info);
	}
	close(fd);
	if (r < 0)
		return r;
	*ret_info = g_steal_pointer(&info);
	return 0;
}

/* The recorded side. */

static gboolean parse_u32(const char *text, guint32 *ret)
{
	guint64 n;

	if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT32, &n, NULL))
		return FALSE;
	*ret = (guint32)n;
	return TRUE;
}

/* "CURRENT/MAX" */
static gboolean parse_channel(const char *value, guint32 *ret_current, guint32 *ret_max)
{
	g_auto(GStrv) parts = g_strsplit(value, "/", -1);

	return g_strv_length(parts) == 2 && parse_u32(parts[0], ret_current) &&
	       parse_u32(parts[1], ret_max);
}

static gboolean parse_line(AfEthtoolInfo *info, const char *key, const char *value)
{
	AfEthtoolChannels *ch = &info->channels;

	if (g_str_equal(key, "driver")) {
		g_free(info->driver);
		info->driver = *value ? g_strdup(value) : NULL;
	} else if (g_str_equal(key, "bus_info")) {
		g_free(info->bus_info);
		info->bus_info = *value ? g_strdup(value) : NULL;
	} else if (g_str_equal(key, "ntuple")) {
		if (g_str_equal(value, "on"))
			info->ntuple = 1;
		else if (g_str_equal(value, "off"))
			info->ntuple = 0;
		else if (g_str_equal(value, "unknown"))
			info->ntuple = -1;
		else
			return FALSE;
	} else if (g_str_equal(key, "rx_channels")) {
		info->has_channels = parse_channel(value, &ch->rx, &ch->max_rx);
		return info->has_channels;
	} else if (g_str_equal(key, "tx_channels")) {
		info->has_channels = parse_channel(value, &ch->tx, &ch->max_tx);
		return info->has_channels;
	} else if (g_str_equal(key, "other_channels")) {
		info->has_channels = parse_channel(value, &ch->other, &ch->max_other);
		return info->has_channels;
	} else if (g_str_equal(key, "combined_channels")) {
		info->has_channels = parse_channel(value, &ch->combined, &ch->max_combined);
		return info->has_channels;
	}
	return TRUE;
}

int af_ethtool_parse(const char *text, AfEthtoolInfo **ret_info)
{
	g_autoptr(AfEthtoolInfo) info = info_new();
	g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);

	for (guint i = 0; lines[i]; i++) {
		char *line = g_strstrip(lines[i]);
		char *equals;

		if (!*line || *line == '#')
			continue;
		equals = strchr(line, '=');
		if (!equals)
			return -EINVAL;
		*equals = '\0';
		if (!parse_line(info, g_strstrip(line), g_strstrip(equals + 1)))
			return -EINVAL;
	}
	*ret_info = g_steal_pointer(&info);
	return 0;
}

char *af_ethtool_format(const AfEthtoolInfo *info)
{
	GString *s = g_string_new("# ethtool answers, recorded by affinityd-capture\n");
	const AfEthtoolChannels *ch = &info->channels;

	g_string_append_printf(s, "driver=%s\n", info->driver ? info->driver : "");
	g_string_append_printf(s, "bus_info=%s\n", info->bus_info ? info->bus_info : "");
	if (info->has_channels)
		g_string_append_printf(s,
				       "rx_channels=%u/%u\ntx_channels=%u/%u\n"
				       "other_channels=%u/%u\ncombined_channels=%u/%u\n",
				       ch->rx, ch->max_rx, ch->tx, ch->max_tx, ch->other,
				       ch->max_other, ch->combined, ch->max_combined);
	g_string_append_printf(s, "ntuple=%s\n",
			       info->ntuple < 0 ? "unknown"
			       : info->ntuple	? "on"
						: "off");
	return g_string_free(s, FALSE);
}

char *af_ethtool_describe_channels(const AfEthtoolInfo *info)
{
	const AfEthtoolChannels *ch;
	GString *s;

	if (!info || !info->has_channels)
		return NULL;
	ch = &info->channels;
	s = g_string_new(NULL);
	if (ch->combined)
		g_string_append_printf(s, "%u combined", ch->combined);
	if (ch->rx)
		g_string_append_printf(s, "%s%u rx", s->len ? ", " : "", ch->rx);
	if (ch->tx)
		g_string_append_printf(s, "%s%u tx", s->len ? ", " : "", ch->tx);
	if (ch->other)
		g_string_append_printf(s, "%s%u other", s->len ? ", " : "", ch->other);
	if (!s->len)
		g_string_append(s, "none");
	return g_string_free(s, FALSE);
}

int af_ethtool_query(AfSysroot *sysroot, const char *ifname, AfEthtoolInfo **ret_info)
{
	g_autofree char *path = NULL, *text = NULL;
	int r;

	if (!ifname || !*ifname || strchr(ifname, '/'))
		return -EINVAL;
	if (af_sysroot_is_live(sysroot))
		return query_live(ifname, ret_info);
	path = g_strdup_printf(AF_ETHTOOL_TREE_DIR "/%s", ifname);
	r = af_sysroot_read(sysroot, path, &text, NULL);
	if (r < 0)
		return r;
	return af_ethtool_parse(text, ret_info);
}
