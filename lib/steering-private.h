/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What steering.c (planning) and steering-check.c (the plan object and its
 * rules) share. Not for use outside steering.
 */

#include "steering.h"

/* The planner's working state for one interface at a time. */
typedef struct {
	const AfSnapshot *snapshot;
	const AfHousekeeping *hk;
	const AfPolicy *policy;
	const AfPlan *plan;
	const AfNetif *netif;	     /* the interface being planned, NULL for machine-wide */
	AfSteerInterface *iface;     /* its entries, NULL for machine-wide */
	const AfCpuSet **queue_cpus; /* XPS: online CPUs of each planned queue's IRQ (owned) */
	int *queue_irq;		     /* XPS: each planned queue's IRQ */
} Steer;

/* An empty plan. */
AfSteering *af_steering_new(void);
/* Frees one entry; accepts NULL. */
void af_steering_entry_free(AfSteerEntry *entry);
/* The topology distance from cpu to the nearest CPU of cpus: 0 same CPU .. 5 anywhere, 6 none. */
guint af_steering_distance(const AfTopology *topology, guint cpu, const AfCpuSet *cpus);
