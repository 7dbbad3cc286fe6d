/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "cmdline.h"

/* The boot CPU, which the kernel never lets isolcpus=/nohz_full= take and
 * always adds to irqaffinity=: logical CPU 0 on x86, arm64, riscv, s390. */
#define BOOT_CPU 0u

static void add_warning(AfCmdline *cmdline, const char *param, const char *value,
			const char *reason)
{
	g_ptr_array_add(cmdline->warnings,
			g_strdup_printf("%s=%s: %s", param, value ? value : "", reason));
}

static gboolean is_list_delimiter(char c)
{
	return c == '\0' || c == ',' || c == '-' || c == ':' || c == '/';
}

/*
 * bitmap_parselist() reads "N" wherever a number may stand as the last
 * bit, so "2-N" is CPU 2 to the last CPU. Replaces each standalone N by
 * nr_cpu_ids - 1; anything else (NN, N2) is left for the parser to refuse.
 */
static char *expand_last_cpu(const char *text, guint nr_cpu_ids)
{
	GString *out = g_string_new(NULL);

	for (const char *p = text; *p; p++) {
		gboolean alone = *p == 'N' && (p == text || is_list_delimiter(p[-1])) &&
				 is_list_delimiter(p[1]);

		if (alone && nr_cpu_ids > 0)
			g_string_append_printf(out, "%u", nr_cpu_ids - 1);
		else
			g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

/*
 * Parses a kernel cpulist value; on failure adds a warning and returns
 * NULL. CPUs at or above nr_cpu_ids are dropped with a warning, as the
 * kernel's cpumask only has nr_cpu_ids bits.
 */
static AfCpuSet *parse_cpus(AfCmdline *cmdline, const char *param, const char *value,
			    const char *list, guint nr_cpu_ids)
{
	g_autofree char *expanded = expand_last_cpu(list, nr_cpu_ids);
	g_autoptr(AfCpuSet) cpus = NULL;
	int r;

	r = af_cpuset_parse_list(expanded, &cpus);
	if (r < 0) {
		add_warning(cmdline, param, value,
			    r == -ERANGE ? "CPU number out of range, ignored"
					 : "not a CPU list, ignored");
		return NULL;
	}
	if (nr_cpu_ids > 0 && af_cpuset_last(cpus) >= (int)nr_cpu_ids) {
		g_autoptr(AfCpuSet) valid = af_cpuset_new_range(0, nr_cpu_ids - 1);
		g_autoptr(AfCpuSet) beyond = af_cpuset_new_andnot(cpus, valid);
		g_autofree char *beyond_text = af_cpuset_format_list(beyond);
		g_autofree char *reason = g_strdup_printf(
			"CPUs %s are not below nr_cpu_ids (%u), ignored", beyond_text, nr_cpu_ids);

		add_warning(cmdline, param, value, reason);
		af_cpuset_and(cpus, valid);
	}
	return g_steal_pointer(&cpus);
}

/*
 * housekeeping_setup(): when a list leaves no CPU for housekeeping the
 * kernel keeps the boot CPU. Without the present mask we only know it when
 * the list holds every CPU below nr_cpu_ids.
 */
static void keep_boot_cpu(AfCmdline *cmdline, const char *param, const char *value,
			  AfCpuSet *cpus, guint nr_cpu_ids)
{
	if (nr_cpu_ids == 0 || af_cpuset_count(cpus) < nr_cpu_ids)
		return;
	af_cpuset_remove(cpus, BOOT_CPU);
	add_warning(cmdline, param, value, "takes every CPU; the kernel keeps the boot CPU 0");
}

/*
 * Accumulates a set: the kernel keeps the first list for a flag and
 * refuses a different later one, but a CPU named in either was meant to
 * be isolated, so affinityd avoids both and says so.
 */
static void merge_cpus(AfCmdline *cmdline, AfCpuSet **slot, AfCpuSet *cpus, const char *param,
		       const char *value)
{
	if (!*slot) {
		*slot = af_cpuset_copy(cpus);
		return;
	}
	if (!af_cpuset_equal(*slot, cpus))
		add_warning(cmdline, param, value,
			    "differs from an earlier list, which the kernel keeps; "
			    "avoiding the CPUs of both");
	af_cpuset_or(*slot, cpus);
}

typedef enum {
	ISOLCPUS_DOMAIN = 1 << 0,
	ISOLCPUS_MANAGED_IRQ = 1 << 1,
	ISOLCPUS_NOHZ = 1 << 2,
	ISOLCPUS_IO_QUEUE = 1 << 3,
} IsolcpusFlags;

static const struct {
	const char *prefix; /* with the comma the kernel requires */
	IsolcpusFlags flag;
} isolcpus_flags[] = {
	{ "domain,", ISOLCPUS_DOMAIN },
	{ "managed_irq,", ISOLCPUS_MANAGED_IRQ },
	{ "nohz,", ISOLCPUS_NOHZ },
	{ "io_queue,", ISOLCPUS_IO_QUEUE },
};

/*
 * Reads the flags in front of the list as housekeeping_isolcpus_setup()
 * does: words followed by a comma while the text starts with a letter;
 * an unknown word of letters and '_' is skipped, any other character
 * makes the whole parameter invalid. Returns the list, or NULL.
 */
static const char *parse_isolcpus_flags(AfCmdline *cmdline, const char *value, guint *ret_flags)
{
	const char *p = value;
	guint flags = 0;

	while (g_ascii_isalpha(*p)) {
		const char *word = p;
		gboolean known = FALSE;

		for (guint i = 0; i < G_N_ELEMENTS(isolcpus_flags); i++)
			if (g_str_has_prefix(p, isolcpus_flags[i].prefix)) {
				flags |= isolcpus_flags[i].flag;
				p += strlen(isolcpus_flags[i].prefix);
				known = TRUE;
				break;
			}
		if (known)
			continue;
		while (*p && *p != ',') {
			if (!g_ascii_isalpha(*p) && *p != '_') {
				add_warning(cmdline, "isolcpus", value, "invalid flag, ignored");
				return NULL;
			}
			p++;
		}
		if (!*p) {
			/* The kernel reads past the end here; nothing is isolated. */
			add_warning(cmdline, "isolcpus", value, "no CPU list, ignored");
			return NULL;
		}
		g_autofree char *name = g_strndup(word, (gsize)(p - word));
		g_autofree char *reason = g_strdup_printf("unknown flag %s skipped", name);
		add_warning(cmdline, "isolcpus", value, reason);
		p++;
	}
	*ret_flags = flags ? flags : ISOLCPUS_DOMAIN; /* no flag means domain */
	return p;
}

static void parse_isolcpus(AfCmdline *cmdline, const char *value, guint nr_cpu_ids)
{
	g_autoptr(AfCpuSet) cpus = NULL;
	const char *list;
	guint flags = 0;

	list = parse_isolcpus_flags(cmdline, value, &flags);
	if (!list)
		return;
	cpus = parse_cpus(cmdline, "isolcpus", value, list, nr_cpu_ids);
	if (!cpus)
		return;
	keep_boot_cpu(cmdline, "isolcpus", value, cpus, nr_cpu_ids);
	if (flags & ISOLCPUS_DOMAIN)
		merge_cpus(cmdline, &cmdline->isolcpus_domain, cpus, "isolcpus", value);
	if (flags & ISOLCPUS_MANAGED_IRQ)
		merge_cpus(cmdline, &cmdline->isolcpus_managed_irq, cpus, "isolcpus", value);
	if (flags & ISOLCPUS_IO_QUEUE)
		merge_cpus(cmdline, &cmdline->isolcpus_io_queue, cpus, "isolcpus", value);
	/* nohz: the tick only; /sys/devices/system/cpu/nohz_full shows it. */
}

static void parse_nohz_full(AfCmdline *cmdline, const char *value, guint nr_cpu_ids)
{
	g_autoptr(AfCpuSet) cpus = parse_cpus(cmdline, "nohz_full", value, value, nr_cpu_ids);

	if (!cpus)
		return;
	keep_boot_cpu(cmdline, "nohz_full", value, cpus, nr_cpu_ids);
	merge_cpus(cmdline, &cmdline->nohz_full, cpus, "nohz_full", value);
}

/* irq_affinity_setup(): each irqaffinity= replaces the previous one, and
 * the boot CPU is always added so the default mask is never empty. */
static void parse_irqaffinity(AfCmdline *cmdline, const char *value, guint nr_cpu_ids)
{
	g_autoptr(AfCpuSet) cpus = parse_cpus(cmdline, "irqaffinity", value, value, nr_cpu_ids);

	if (!cpus)
		return;
	af_cpuset_add(cpus, BOOT_CPU);
	if (cmdline->irqaffinity)
		add_warning(cmdline, "irqaffinity", value, "replaces an earlier irqaffinity=");
	af_cpuset_free(cmdline->irqaffinity);
	cmdline->irqaffinity = g_steal_pointer(&cpus);
}

/* parameqn(): the kernel matches parameter names with '-' equal to '_'. */
static gboolean name_equal(const char *name, const char *wanted)
{
	for (; *name && *wanted; name++, wanted++) {
		char a = *name == '-' ? '_' : *name;
		char b = *wanted == '-' ? '_' : *wanted;

		if (a != b)
			return FALSE;
	}
	return *name == *wanted;
}

static void handle_param(AfCmdline *cmdline, const char *name, const char *value,
			 guint nr_cpu_ids)
{
	static const struct {
		const char *name;
		void (*parse)(AfCmdline *cmdline, const char *value, guint nr_cpu_ids);
	} params[] = {
		{ "isolcpus", parse_isolcpus },
		{ "nohz_full", parse_nohz_full },
		{ "irqaffinity", parse_irqaffinity },
	};

	for (guint i = 0; i < G_N_ELEMENTS(params); i++) {
		if (!name_equal(name, params[i].name))
			continue;
		/* "isolcpus" without '=' does not match the kernel's "isolcpus=". */
		if (!value)
			add_warning(cmdline, name, NULL, "no value, ignored");
		else
			params[i].parse(cmdline, value, nr_cpu_ids);
		return;
	}
}

/*
 * Splits off the next parameter as the kernel's next_arg() does: spaces
 * separate parameters except inside double quotes; a quote may open the
 * whole parameter ("a=b c") or its value (a="b c"), and those outer quotes
 * are dropped. Returns the text after the parameter.
 */
static const char *next_param(const char *args, char **ret_name, char **ret_value)
{
	gboolean in_quote = FALSE, quoted = FALSE;
	gssize equals = -1;
	gsize len;
	g_autofree char *param = NULL;

	if (*args == '"') {
		args++;
		in_quote = quoted = TRUE;
	}
	for (len = 0; args[len]; len++) {
		if (g_ascii_isspace(args[len]) && !in_quote)
			break;
		if (equals < 0 && args[len] == '=')
			equals = (gssize)len;
		if (args[len] == '"')
			in_quote = !in_quote;
	}
	param = g_strndup(args, len);
	if (equals < 0) {
		if (quoted && len > 0 && param[len - 1] == '"')
			param[len - 1] = '\0';
		*ret_value = NULL;
	} else {
		char *value = param + equals + 1;
		gsize value_len = strlen(value);

		param[equals] = '\0';
		if (*value == '"') {
			value++;
			value_len--;
			if (value_len > 0 && value[value_len - 1] == '"')
				value[value_len - 1] = '\0';
		} else if (quoted && value_len > 0 && value[value_len - 1] == '"') {
			value[value_len - 1] = '\0';
		}
		*ret_value = g_strdup(value);
	}
	*ret_name = g_steal_pointer(&param);
	args += len;
	while (g_ascii_isspace(*args))
		args++;
	return args;
}

AfCmdline *af_cmdline_parse(const char *text, guint nr_cpu_ids)
{
	AfCmdline *cmdline = g_new0(AfCmdline, 1);
	const char *args = text ? text : "";

	cmdline->warnings = g_ptr_array_new_with_free_func(g_free);
	while (g_ascii_isspace(*args))
		args++;
	while (*args) {
		g_autofree char *name = NULL, *value = NULL;

		args = next_param(args, &name, &value);
		/* parse_args(): a bare "--" ends the kernel's parameters; the
		 * rest belongs to init. */
		if (!value && g_str_equal(name, "--"))
			break;
		handle_param(cmdline, name, value, nr_cpu_ids);
	}
	return cmdline;
}

void af_cmdline_free(AfCmdline *cmdline)
{
	if (!cmdline)
		return;
	af_cpuset_free(cmdline->isolcpus_domain);
	af_cpuset_free(cmdline->isolcpus_managed_irq);
	af_cpuset_free(cmdline->isolcpus_io_queue);
	af_cpuset_free(cmdline->nohz_full);
	af_cpuset_free(cmdline->irqaffinity);
	if (cmdline->warnings)
		g_ptr_array_unref(cmdline->warnings);
	g_free(cmdline);
}
