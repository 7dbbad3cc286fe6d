/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The machine's architecture, as far as placement cares: on x86 a mask
 * that still holds an IRQ's serving CPU leaves it there (fallback CPUs,
 * KERNEL.md "x86 vectors"); elsewhere a wider mask may move it. Read from
 * the machine: uname(2) on the live root; in a tree (--sysroot, what
 * affinityd-capture copied) the CPU modalias
 * (/sys/devices/system/cpu/modalias, "cpu:type:x86,..." on x86,
 * "cpu:type:aarch64:..." on arm64), else /proc/cpuinfo (x86 lists
 * "vendor_id" and "flags", arm64 "CPU implementer" and "Features").
 */

#include <glib.h>

#include "sysroot.h"

typedef enum {
	AF_ARCH_UNKNOWN, /* nothing said which: treated as not x86 */
	AF_ARCH_X86,	 /* x86_64 or i386 */
	AF_ARCH_ARM64,
	AF_ARCH_OTHER,
} AfArch;

/* The architecture of the machine under sysroot; AF_ARCH_UNKNOWN when nothing tells. */
AfArch af_arch_read(AfSysroot *sysroot);
/* The architecture a modalias or uname machine string names (AF_ARCH_UNKNOWN for NULL). */
AfArch af_arch_from_modalias(const char *modalias);
AfArch af_arch_from_machine(const char *machine);
/* The architecture /proc/cpuinfo's text shows (AF_ARCH_UNKNOWN when it says nothing). */
AfArch af_arch_from_cpuinfo(const char *cpuinfo);
/* "x86", "arm64", "other", "unknown". */
const char *af_arch_to_string(AfArch arch);
