/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfPolicy: the operator's configuration, read from
 * /etc/affinityd/affinityd.conf and the "*.conf" files of
 * affinityd.conf.d/ (GKeyFile INI, drop-ins in name order, later keys
 * override earlier ones). A bad file is
 * refused as a whole with "PATH:LINE: reason". Pure parsing: no defaults
 * come from the machine.
 *
 * The syntax is a strict subset of GKeyFile's: '#' comments, [group]
 * headers, key=value lines, GKeyFile escapes (\s \t \n \\) in values.
 * Unknown groups and keys, a group or key given twice in one file, and
 * values that do not parse are errors. [rule:NAME] sections keep their file
 * order; a later file's rule of the same NAME replaces the earlier one in
 * place, as a whole.
 */

#include <glib.h>

#include "cpuset.h"

typedef enum {
	AF_PLACEMENT_SPREAD, /* one IRQ per core while cores last */
	AF_PLACEMENT_PACK,   /* fill the fewest housekeeping CPUs up to the cap */
} AfPlacementMode;

typedef enum {
	AF_NUMA_LOCAL_PREFER, /* the device's node first, spill to the nearest nodes, not stack */
	AF_NUMA_LOCAL_STRICT, /* the device's node only, while it has housekeeping CPUs */
	AF_NUMA_LOCAL_OFF,    /* any housekeeping CPU */
} AfNumaLocal;

typedef enum {
	AF_RULE_PIN, /* place matching IRQs on the rule's CPUs (within housekeeping) */
	AF_RULE_BAN, /* never write matching IRQs; report them as skipped */
} AfRuleAction;

typedef struct AfRule {
	char *name;            /* the section's name, "rule:NAME" -> "NAME" */
	AfRuleAction action;
	int match_irq;         /* IRQ number, -1 any */
	char *match_driver;    /* glob on the driver, NULL any */
	char *match_interface; /* glob on the network interface, NULL any */
	char *match_name;      /* glob on the IRQ's action name, NULL any */
	AfCpuSet *cpus;        /* AF_RULE_PIN target, NULL otherwise */
} AfRule;

/* [network] rps=: what affinityd does with each rx queue's rps_cpus. */
typedef enum {
	AF_RPS_STRIP_ISOLATED, /* take isolated CPUs out of masks that hold them */
	AF_RPS_CACHE,	       /* RPS over the housekeeping CPUs sharing the queue IRQ's cache */
	AF_RPS_OFF,	       /* never written */
} AfRpsMode;

/* [network] xps=: what affinityd does with each tx queue's xps_cpus. */
typedef enum {
	AF_XPS_FOLLOW, /* every online CPU sends on the queue whose IRQ is on it, or the nearest */
	AF_XPS_OFF,    /* never written */
} AfXpsMode;

/* [network] arfs_refresh=: re-write aRFS queue IRQs after CPU hotplug. */
typedef enum {
	AF_ARFS_REFRESH_AUTO, /* when the kernel lacks the hotplug notifier fix (rmapfix.h) */
	AF_ARFS_REFRESH_ON,   /* always */
	AF_ARFS_REFRESH_OFF,  /* never */
} AfArfsRefresh;

/* [network] napi_threads=: threaded NAPI kthreads and their queue's IRQ. */
typedef enum {
	AF_NAPI_FOLLOW, /* the kthread runs on its queue IRQ's CPU */
	AF_NAPI_OFF,	/* left alone */
} AfNapiMode;

/* The network steering settings, of [network] or resolved for one interface. */
typedef struct AfNetPolicy {
	AfRpsMode rps;
	AfXpsMode xps;
	AfArfsRefresh arfs_refresh;
	guint rfs_flow_entries; /* 0: RFS tables left alone */
	AfNapiMode napi_threads;
} AfNetPolicy;

/* An [interface:GLOB] section: the keys it sets override [network] for matching names. */
typedef struct AfInterfacePolicy {
	char *glob;	    /* "GLOB" of [interface:GLOB] */
	guint set;	    /* 1 << AfNetKey of each key the section sets */
	AfNetPolicy values; /* the keys set; the others are unused */
} AfInterfacePolicy;

typedef struct AfPolicy {
	AfCpuSet *isolated;           /* [cpus] isolated: extra CPUs kept free of IRQs */
	AfCpuSet *banned;             /* [cpus] banned: also never given IRQs */
	GStrv irqbalance_env;	      /* [cpus] irqbalance_env: absolute paths, may be empty */
	AfPlacementMode mode;         /* [placement] mode */
	AfNumaLocal numa_local;       /* [placement] numa_local: the device's node */
	guint fallback_cpus;          /* [placement] fallback_cpus: extra CPUs of a placed mask */
	gboolean fallback_any_arch;   /* [placement] fallback_arch=any (default x86 only) */
	guint max_irqs_per_cpu;       /* [placement] max_irqs_per_cpu */
	guint hysteresis_percent;     /* [placement] hysteresis_percent: load gain needed to move */
	guint min_load_rate;          /* [placement] min_load_rate: interrupts/s before load counts */
	guint interval_ms;            /* [daemon] interval_ms: /proc/interrupts scan */
	guint min_move_interval_ms;   /* [daemon] min_move_interval_ms: per IRQ */
	guint debounce_ms;            /* [daemon] debounce_ms: events -> one replan */
	gboolean restore_on_exit;     /* [daemon] restore_on_exit */
	char *state_dir;              /* [daemon] state_dir */
	char *irqbalance_socket;      /* [compat] irqbalance_socket: the directory of
					 irqbalance's socket, NULL (empty value): none */
	char *metrics_file; /* [daemon] metrics_file: NULL node_exporter's directory, "" off */
	GPtrArray *rules;             /* AfRule*, in file order */
	AfNetPolicy network;	      /* [network] */
	GPtrArray *interfaces;	      /* AfInterfacePolicy*, in file order ([interface:GLOB]) */
	char *arfs_fixed_in;	      /* [network] arfs_fixed_in: NULL for the built-in table */
} AfPolicy;

#define AF_DEFAULT_MAX_IRQS_PER_CPU 200u /* x86: about 200 device vectors per CPU */
#define AF_DEFAULT_FALLBACK_CPUS 2u      /* on x86 only unless fallback_arch=any */
#define AF_POLICY_MAX_FALLBACK_CPUS 16u
#define AF_DEFAULT_HYSTERESIS_PERCENT 25u
#define AF_DEFAULT_MIN_LOAD_RATE 1000u
#define AF_DEFAULT_INTERVAL_MS 10000u
#define AF_DEFAULT_MIN_MOVE_INTERVAL_MS 60000u
#define AF_DEFAULT_DEBOUNCE_MS 20u
#define AF_DEFAULT_STATE_DIR AF_LOCALSTATEDIR "/lib/affinityd"
/* irqbalance's environment files: Red Hat's and SUSE's (CRI-O's default), Debian's. */
#define AF_DEFAULT_IRQBALANCE_ENV "/etc/sysconfig/irqbalance /etc/default/irqbalance"
/* [daemon] metrics_file's default: this file when its directory exists (Debian's
 * prometheus-node-exporter reads its textfile collector from there, whatever our prefix). */
#define AF_DEFAULT_METRICS_DIR "/var/lib/prometheus/node-exporter"
#define AF_DEFAULT_METRICS_FILE AF_DEFAULT_METRICS_DIR "/affinityd.prom"
#define AF_DEFAULT_RFS_FLOW_ENTRIES 0u
/* Upper bound of rfs_flow_entries: the kernel rounds to a power of two, 2^26 at most here. */
#define AF_POLICY_MAX_RFS_FLOW_ENTRIES (1u << 26)
/* Upper bound of interval_ms and min_move_interval_ms: one day. */
#define AF_POLICY_MAX_PERIOD_MS 86400000u
/* A config file larger than this is refused (-EFBIG). */
#define AF_POLICY_MAX_FILE_BYTES (1024u * 1024u)

/* The built-in defaults. */
AfPolicy *af_policy_new(void);
/* Frees; accepts NULL. */
void af_policy_free(AfPolicy *policy);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfPolicy, af_policy_free)
void af_policy_rule_free(AfRule *rule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfRule, af_policy_rule_free)
/* A deep copy; NULL gives NULL. */
AfPolicy *af_policy_copy(const AfPolicy *policy);
/* TRUE when every field and every rule, in order, are the same. */
gboolean af_policy_equal(const AfPolicy *a, const AfPolicy *b);

/*
 * Parses one file's text into policy (keys it sets override); origin names
 * the file in errors. On error policy is left unchanged and error holds
 * "ORIGIN:LINE: reason" (G_KEY_FILE_ERROR domain) and -EINVAL is returned.
 * Codes: PARSE (syntax, duplicates), GROUP_NOT_FOUND (unknown group),
 * KEY_NOT_FOUND (unknown key), INVALID_VALUE (bad value, incomplete rule).
 */
int af_policy_merge_data(AfPolicy *policy, const char *data, const char *origin, GError **error);
/*
 * Loads main_path (a missing file means defaults) and then every *.conf of
 * dropin_dir in name order. All or nothing: a bad file fails the whole load.
 * Either may be NULL (skipped); a missing dropin_dir is empty. Drop-ins are
 * the names ending in ".conf" not starting with '.', in strcmp() order. A
 * file that cannot be read gives its -errno and "PATH: reason"
 * (G_FILE_ERROR domain); a bad file gives -EINVAL as in merge_data.
 */
int af_policy_load(const char *main_path, const char *dropin_dir, AfPolicy **ret_policy,
		   GError **error);
/* "prefer", "strict", "off". */
const char *af_policy_numa_local_to_string(AfNumaLocal numa_local);
/*
 * The network settings for one interface: [network], overridden key by key
 * by every [interface:GLOB] whose GLOB matches ifname, in file order (a
 * later section wins). ifname NULL gives [network].
 */
void af_policy_network_for(const AfPolicy *policy, const char *ifname, AfNetPolicy *ret_net);
/*
 * TRUE when the policy may write queue files that need CAP_NET_ADMIN
 * (rps_cpus, xps_cpus, rps_flow_cnt) for some interface: [network] or an
 * [interface:GLOB] section leaves rps or xps on, or asks for RFS tables.
 */
gboolean af_policy_network_writes_queues(const AfPolicy *policy);
/* "strip-isolated", "cache", "off" and the like: the config's spellings. */
const char *af_policy_rps_to_string(AfRpsMode mode);
const char *af_policy_xps_to_string(AfXpsMode mode);
const char *af_policy_arfs_refresh_to_string(AfArfsRefresh mode);
const char *af_policy_napi_to_string(AfNapiMode mode);

/* The first rule matching an IRQ's attributes, or NULL. Any may be NULL/-1. */
const AfRule *af_policy_match(const AfPolicy *policy, guint irq, const char *name,
			      const char *driver, const char *interface);
