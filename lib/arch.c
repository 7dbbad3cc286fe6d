/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/utsname.h>

#include "arch.h"

AfArch af_arch_from_machine(const char *machine)
{
	if (!machine || !*machine)
		return AF_ARCH_UNKNOWN;
	if (g_str_equal(machine, "x86_64") || g_str_equal(machine, "i386") ||
	    g_str_equal(machine, "i486") || g_str_equal(machine, "i586") ||
	    g_str_equal(machine, "i686") || g_str_equal(machine, "x86"))
		return AF_ARCH_X86;
	if (g_str_equal(machine, "aarch64") || g_str_equal(machine, "arm64"))
		return AF_ARCH_ARM64;
	return AF_ARCH_OTHER;
}

/* "cpu:type:TYPE:feature:..." (x86 writes "cpu:type:x86,venVVVVfamFFFFmodMMMM:..."). */
AfArch af_arch_from_modalias(const char *modalias)
{
	g_autofree char *type = NULL;
	size_t n;

	if (!modalias || !g_str_has_prefix(modalias, "cpu:type:"))
		return AF_ARCH_UNKNOWN;
	modalias += strlen("cpu:type:");
	n = strcspn(modalias, ",:\n");
	if (n == 0)
		return AF_ARCH_UNKNOWN;
	type = g_strndup(modalias, n);
	return af_arch_from_machine(type);
}

AfArch af_arch_from_cpuinfo(const char *cpuinfo)
{
	g_auto(GStrv) lines = NULL;

	if (!cpuinfo || !*cpuinfo)
		return AF_ARCH_UNKNOWN;
	lines = g_strsplit(cpuinfo, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		/* "key<tabs>: value": the key is what tells. */
		g_autofree char *key = g_strndup(lines[i], strcspn(lines[i], ":"));

		g_strstrip(key);
		if (g_str_equal(key, "vendor_id") || g_str_equal(key, "flags"))
			return AF_ARCH_X86;
		if (g_str_equal(key, "CPU implementer") || g_str_equal(key, "Features"))
			return AF_ARCH_ARM64;
	}
	return AF_ARCH_OTHER;
}

AfArch af_arch_read(AfSysroot *sysroot)
{
	g_autofree char *modalias = NULL, *cpuinfo = NULL;
	struct utsname uts;
	AfArch arch;

	/* The live machine: the kernel says it itself. */
	if (af_sysroot_is_live(sysroot) && uname(&uts) == 0) {
		arch = af_arch_from_machine(uts.machine);
		if (arch != AF_ARCH_UNKNOWN)
			return arch;
	}
	if (af_sysroot_read_string(sysroot, "/sys/devices/system/cpu/modalias", &modalias) == 0) {
		arch = af_arch_from_modalias(modalias);
		if (arch != AF_ARCH_UNKNOWN)
			return arch;
	}
	if (af_sysroot_read_string(sysroot, "/proc/cpuinfo", &cpuinfo) == 0)
		return af_arch_from_cpuinfo(cpuinfo);
	return AF_ARCH_UNKNOWN;
}

const char *af_arch_to_string(AfArch arch)
{
	switch (arch) {
	case AF_ARCH_UNKNOWN:
		return "unknown";
	case AF_ARCH_X86:
		return "x86";
	case AF_ARCH_ARM64:
		return "arm64";
	case AF_ARCH_OTHER:
		return "other";
	}
	return "?";
}
