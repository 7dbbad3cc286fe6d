// SPDX-License-Identifier: GPL-2.0
/*
 * afvm_rmap: a test-only kernel module of the VM tests (tests/vm/README,
 * "The cpu_rmap module"). It never ships and is never loaded on a host:
 * the harness builds it against the headers of the kernel a guest boots and
 * the guest loads it.
 *
 * It holds a cpu_rmap over the IRQs named by irqs= exactly as an aRFS
 * driver does (alloc_irq_cpu_rmap, irq_cpu_rmap_add: the kernel's own glue
 * keeps the map from the IRQ affinity notifier), and shows it in
 * /proc/afvm_rmap:
 *
 *   irq IRQ index I mask CPULIST fed CPULIST|- notifies N last_ns NS
 *   cpu CPU index I dist D
 *   now_ns NS
 *
 * "mask" is the IRQ's requested affinity now, as /proc/irq/IRQ/smp_affinity
 * shows it (on x86 without interrupt remapping a write only marks a move
 * pending until the next interrupt: then the pending mask, which is also
 * what the notifier hands on); "fed" the mask the notifier
 * last handed to the rmap ("-": never), "notifies" how many times it ran
 * and "last_ns" when (CLOCK_MONOTONIC, ns; 0: never). The map is fresh for
 * an IRQ when fed equals mask: the rmap was computed from the affinity the
 * IRQ has. A "cpu" line per possible CPU gives the map itself (rmap->near:
 * the index of the nearest IRQ, at distance 0 when the CPU is in the mask
 * the rmap was fed, CPU_RMAP_DIST_INF when never computed).
 *
 * To see each notification, the module wraps the notify callback of the
 * glue the kernel attached: the cpu_rmap's obj[] holds the kernel's struct
 * irq_glue, whose first member is the struct irq_affinity_notify (the same
 * in 6.1 and 6.12, lib/cpu_rmap.c). The module checks that layout (the
 * notify's irq field must name the IRQ) before it touches anything, and
 * refuses to load when it does not hold. The wrapper records the mask and
 * calls the kernel's callback, which updates the map as it always does.
 *
 * With ntuple=IFNAME it also turns on the ntuple-filters feature
 * (NETIF_F_NTUPLE) of that interface, in its hw, wanted and active
 * features, the way an aRFS driver shows it to ethtool: no emulated NIC has
 * aRFS, and user space (affinityd) tells an aRFS NIC by that feature. The
 * driver never sees it (no ndo_set_features call); the module takes back
 * what it added when it is unloaded.
 *
 * The module does not feed the map at load: until the first notification
 * the map is the allocator's rota, as in a driver right after probe.
 * Use IRQs without a notifier of their own (e1000e's rx/tx vectors: a
 * notifier already set would be replaced) and keep them requested while
 * the module is loaded (free_irq warns about a notifier left behind).
 */
#include <linux/cpu_rmap.h>
#include <linux/cpumask.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/proc_fs.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#define AFVM_MAX_IRQS 16

static int irqs[AFVM_MAX_IRQS];
static unsigned int n_irqs;
module_param_array(irqs, int, &n_irqs, 0444);
MODULE_PARM_DESC(irqs, "IRQs the cpu_rmap covers, in rmap index order");
static char *ntuple;
module_param(ntuple, charp, 0444);
MODULE_PARM_DESC(ntuple, "interface whose ntuple-filters feature to turn on, as an aRFS NIC has it");

struct afvm_watch {
	int irq;
	u16 index;
	struct irq_affinity_notify *notify;
	void (*kernel_notify)(struct irq_affinity_notify *, const cpumask_t *);
	cpumask_var_t fed;
	bool ever_fed;
	unsigned long notifies;
	u64 last_ns;
};

static struct cpu_rmap *rmap;
/* afvm_show's buffer for a requested mask, under record_lock. */
static struct cpumask shown;
/* The interface of ntuple= (held) and the feature bits the module added. */
static struct net_device *ntuple_dev;
static netdev_features_t ntuple_hw_added, ntuple_wanted_added, ntuple_added;
static struct afvm_watch watches[AFVM_MAX_IRQS];
static unsigned int n_watches;
/* Guards the watches' records: notifications run in a workqueue. */
static DEFINE_MUTEX(record_lock);

static struct afvm_watch *watch_of(unsigned int irq)
{
	unsigned int i;

	for (i = 0; i < n_watches; i++)
		if (watches[i].irq == (int)irq)
			return &watches[i];
	return NULL;
}

/* Runs in the workqueue the IRQ core schedules after an affinity change
 * that fires the notifier, with the mask it hands to every notifier. */
/* The IRQ's requested affinity into @out, a pending move's mask while it
 * waits (kernel/irq/proc.c show_irq_affinity and the notifier's work do the
 * same). */
static void requested_mask(int irq, struct cpumask *out)
{
	struct irq_data *d = irq_get_irq_data(irq);
	struct irq_desc *desc;
	unsigned long flags;

	cpumask_clear(out);
	if (!d)
		return;
	desc = container_of(d->common, struct irq_desc, irq_common_data);
	raw_spin_lock_irqsave(&desc->lock, flags);
#ifdef CONFIG_GENERIC_PENDING_IRQ
	if (irqd_is_setaffinity_pending(d))
		cpumask_copy(out, desc->pending_mask);
	else
#endif
		cpumask_copy(out, irq_data_get_affinity_mask(d));
	raw_spin_unlock_irqrestore(&desc->lock, flags);
}

static void afvm_notify(struct irq_affinity_notify *notify,
			const cpumask_t *mask)
{
	struct afvm_watch *w = watch_of(notify->irq);

	if (!w)
		return;
	mutex_lock(&record_lock);
	cpumask_copy(w->fed, mask);
	w->ever_fed = true;
	w->notifies++;
	w->last_ns = ktime_get_ns();
	mutex_unlock(&record_lock);
	w->kernel_notify(notify, mask);
}

static int afvm_show(struct seq_file *m, void *v)
{
	unsigned int i, cpu;

	mutex_lock(&record_lock);
	for (i = 0; i < n_watches; i++) {
		struct afvm_watch *w = &watches[i];

		requested_mask(w->irq, &shown);
		seq_printf(m, "irq %d index %u mask %*pbl fed ", w->irq,
			   w->index, cpumask_pr_args(&shown));
		if (w->ever_fed)
			seq_printf(m, "%*pbl", cpumask_pr_args(w->fed));
		else
			seq_puts(m, "-");
		seq_printf(m, " notifies %lu last_ns %llu\n", w->notifies,
			   w->last_ns);
	}
	mutex_unlock(&record_lock);
	for_each_possible_cpu(cpu)
		seq_printf(m, "cpu %u index %u dist %u\n", cpu,
			   rmap->near[cpu].index, rmap->near[cpu].dist);
	seq_printf(m, "now_ns %llu\n", ktime_get_ns());
	return 0;
}

/* Turns on NETIF_F_NTUPLE of ntuple= and tells the netdev notifiers (an
 * ethtool features notification), as a feature change by ethtool would. */
static int ntuple_on(void)
{
	struct net_device *dev;

	if (!ntuple || !*ntuple)
		return 0;
	rtnl_lock();
	dev = __dev_get_by_name(&init_net, ntuple);
	if (!dev) {
		rtnl_unlock();
		pr_err("afvm_rmap: no interface %s\n", ntuple);
		return -ENODEV;
	}
	dev_hold(dev);
	ntuple_dev = dev;
	ntuple_hw_added = NETIF_F_NTUPLE & ~dev->hw_features;
	ntuple_wanted_added = NETIF_F_NTUPLE & ~dev->wanted_features;
	ntuple_added = NETIF_F_NTUPLE & ~dev->features;
	dev->hw_features |= NETIF_F_NTUPLE;
	dev->wanted_features |= NETIF_F_NTUPLE;
	dev->features |= NETIF_F_NTUPLE;
	netdev_features_change(dev);
	rtnl_unlock();
	return 0;
}

static void ntuple_off(void)
{
	struct net_device *dev = ntuple_dev;

	if (!dev)
		return;
	rtnl_lock();
	dev->features &= ~ntuple_added;
	dev->wanted_features &= ~ntuple_wanted_added;
	dev->hw_features &= ~ntuple_hw_added;
	netdev_features_change(dev);
	rtnl_unlock();
	dev_put(dev);
	ntuple_dev = NULL;
}

static void afvm_unwrap(void)
{
	unsigned int i;

	for (i = 0; i < n_watches; i++)
		if (watches[i].notify)
			WRITE_ONCE(watches[i].notify->notify,
				   watches[i].kernel_notify);
}

static void afvm_free(void)
{
	unsigned int i;

	afvm_unwrap();
	/* Clears each IRQ's notifier and waits for a notification running. */
	free_irq_cpu_rmap(rmap);
	for (i = 0; i < AFVM_MAX_IRQS; i++)
		free_cpumask_var(watches[i].fed);
}

/* The glue irq_cpu_rmap_add just made for index @index, as the notify it
 * starts with (lib/cpu_rmap.c: struct irq_glue { struct
 * irq_affinity_notify notify; ... }), or NULL when that does not hold. */
static struct irq_affinity_notify *glue_notify(u16 index, int irq)
{
	struct irq_affinity_notify *notify = rmap->obj[index];

	if (!notify || notify->irq != (unsigned int)irq || !notify->notify)
		return NULL;
	return notify;
}

static int __init afvm_init(void)
{
	unsigned int i;
	int r;

	if (n_irqs == 0) {
		pr_err("afvm_rmap: irqs= names no IRQ\n");
		return -EINVAL;
	}
	for (i = 0; i < AFVM_MAX_IRQS; i++)
		if (!zalloc_cpumask_var(&watches[i].fed, GFP_KERNEL)) {
			while (i--)
				free_cpumask_var(watches[i].fed);
			return -ENOMEM;
		}
	rmap = alloc_irq_cpu_rmap(n_irqs);
	if (!rmap) {
		r = -ENOMEM;
		goto fail_masks;
	}
	for (i = 0; i < n_irqs; i++) {
		struct afvm_watch *w = &watches[n_watches];

		if (!irq_get_irq_data(irqs[i])) {
			pr_err("afvm_rmap: no IRQ %d\n", irqs[i]);
			r = -ENOENT;
			goto fail;
		}
		w->irq = irqs[i];
		w->index = i;
		r = irq_cpu_rmap_add(rmap, irqs[i]);
		if (r < 0) {
			pr_err("afvm_rmap: irq_cpu_rmap_add(%d): %d\n", irqs[i],
			       r);
			goto fail;
		}
		w->notify = glue_notify(i, irqs[i]);
		if (!w->notify) {
			pr_err("afvm_rmap: the rmap's object %u is not the glue of IRQ %d this module knows\n",
			       i, irqs[i]);
			n_watches++;
			r = -EPROTO;
			goto fail;
		}
		w->kernel_notify = w->notify->notify;
		n_watches++;
		WRITE_ONCE(w->notify->notify, afvm_notify);
	}
	r = ntuple_on();
	if (r < 0)
		goto fail;
	if (!proc_create_single("afvm_rmap", 0444, NULL, afvm_show)) {
		ntuple_off();
		r = -ENOMEM;
		goto fail;
	}
	pr_info("afvm_rmap: cpu_rmap over %u IRQs%s%s\n", n_watches,
		ntuple_dev ? ", ntuple-filters on " : "",
		ntuple_dev ? ntuple : "");
	return 0;

fail:
	afvm_free();
	return r;
fail_masks:
	for (i = 0; i < AFVM_MAX_IRQS; i++)
		free_cpumask_var(watches[i].fed);
	return r;
}

static void __exit afvm_exit(void)
{
	remove_proc_entry("afvm_rmap", NULL);
	ntuple_off();
	afvm_free();
}

module_init(afvm_init);
module_exit(afvm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("affinityd VM tests: a cpu_rmap over chosen IRQs, shown in /proc");
