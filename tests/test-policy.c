/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "policy.h"
#include "rmapfix.h"
#include "testutil.h"

/* One field of a policy in text form, so that table rows can name it. */
static char *format_field(const AfPolicy *p, const char *field)
{
	if (g_str_equal(field, "isolated"))
		return af_cpuset_format_list(p->isolated);
	if (g_str_equal(field, "banned"))
		return af_cpuset_format_list(p->banned);
	if (g_str_equal(field, "irqbalance_env"))
		return g_strjoinv("|", p->irqbalance_env);
	if (g_str_equal(field, "mode"))
		return g_strdup(p->mode == AF_PLACEMENT_PACK ? "pack" : "spread");
	if (g_str_equal(field, "numa_local"))
		return g_strdup(af_policy_numa_local_to_string(p->numa_local));
	if (g_str_equal(field, "fallback_cpus"))
		return g_strdup_printf("%u", p->fallback_cpus);
	if (g_str_equal(field, "fallback_arch"))
		return g_strdup(p->fallback_any_arch ? "any" : "x86");
	if (g_str_equal(field, "max_irqs_per_cpu"))
		return g_strdup_printf("%u", p->max_irqs_per_cpu);
	if (g_str_equal(field, "hysteresis_percent"))
		return g_strdup_printf("%u", p->hysteresis_percent);
	if (g_str_equal(field, "min_load_rate"))
		return g_strdup_printf("%u", p->min_load_rate);
	if (g_str_equal(field, "interval_ms"))
		return g_strdup_printf("%u", p->interval_ms);
	if (g_str_equal(field, "min_move_interval_ms"))
		return g_strdup_printf("%u", p->min_move_interval_ms);
	if (g_str_equal(field, "debounce_ms"))
		return g_strdup_printf("%u", p->debounce_ms);
	if (g_str_equal(field, "restore_on_exit"))
		return g_strdup(p->restore_on_exit ? "true" : "false");
	if (g_str_equal(field, "state_dir"))
		return g_strdup(p->state_dir);
	if (g_str_equal(field, "irqbalance_socket"))
		return g_strdup(p->irqbalance_socket ? p->irqbalance_socket : "(off)");
	if (g_str_equal(field, "metrics_file"))
		return g_strdup(p->metrics_file ? p->metrics_file : "(default)");
	g_assert_not_reached();
}

static void test_new_defaults(void)
{
	g_autoptr(AfPolicy) p = af_policy_new();

	g_assert_true(af_cpuset_is_empty(p->isolated));
	g_assert_true(af_cpuset_is_empty(p->banned));
	g_assert_cmpuint(g_strv_length(p->irqbalance_env), ==, 2);
	g_assert_cmpstr(p->irqbalance_env[0], ==, "/etc/sysconfig/irqbalance");
	g_assert_cmpstr(p->irqbalance_env[1], ==, "/etc/default/irqbalance");
	g_assert_cmpint(p->mode, ==, AF_PLACEMENT_SPREAD);
	g_assert_cmpint(p->numa_local, ==, AF_NUMA_LOCAL_PREFER);
	g_assert_cmpuint(p->fallback_cpus, ==, 2);
	g_assert_false(p->fallback_any_arch);
	g_assert_cmpuint(p->max_irqs_per_cpu, ==, 200);
	g_assert_cmpuint(p->hysteresis_percent, ==, 25);
	g_assert_cmpuint(p->min_load_rate, ==, 1000);
	g_assert_cmpuint(p->interval_ms, ==, 10000);
	g_assert_cmpuint(p->min_move_interval_ms, ==, 60000);
	g_assert_cmpuint(p->debounce_ms, ==, 20);
	g_assert_false(p->restore_on_exit);
	g_assert_cmpstr(p->state_dir, ==, AF_LOCALSTATEDIR "/lib/affinityd");
	g_assert_null(p->irqbalance_socket);
	g_assert_null(p->metrics_file);
	g_assert_cmpuint(p->rules->len, ==, 0);
}

typedef struct {
	const char *text;
	const char *field;
	const char *value;
} GoodCase;

static const GoodCase good_cases[] = {
	{ "[cpus]\nisolated=2-5,9\n", "isolated", "2-5,9" },
	{ "[cpus]\nisolated=\n", "isolated", "" },
	{ "[cpus]\nbanned = 0 \n", "banned", "0" },
	{ "[cpus]\nbanned=8191", "banned", "8191" }, /* last CPU, no final newline */
	{ "[cpus]\nbanned=0-15:2/4\n", "banned", "0-1,4-5,8-9,12-13" },
	{ "", "irqbalance_env", "/etc/sysconfig/irqbalance|/etc/default/irqbalance" },
	{ "[cpus]\nirqbalance_env=\n", "irqbalance_env", "" },
	{ "[cpus]\nirqbalance_env= /a\t /b/c  \n", "irqbalance_env", "/a|/b/c" },
	{ "[cpus]\nirqbalance_env=/etc/crio/irqbalance\n", "irqbalance_env",
	  "/etc/crio/irqbalance" },
	{ "[placement]\nmode=pack\n", "mode", "pack" },
	{ "[placement]\nmode=spread\n", "mode", "spread" },
	{ "[placement]\nnuma_local=prefer\n", "numa_local", "prefer" },
	{ "[placement]\nnuma_local=strict\n", "numa_local", "strict" },
	{ "[placement]\nnuma_local=off\n", "numa_local", "off" },
	/* The boolean spellings of older configs: true was today's strict. */
	{ "[placement]\nnuma_local=true\n", "numa_local", "strict" },
	{ "[placement]\nnuma_local=1\n", "numa_local", "strict" },
	{ "[placement]\nnuma_local=false\n", "numa_local", "off" },
	{ "[placement]\nnuma_local=0\n", "numa_local", "off" },
	{ "[placement]\nfallback_cpus=0\n", "fallback_cpus", "0" },
	{ "[placement]\nfallback_cpus=3\n", "fallback_cpus", "3" },
	{ "[placement]\nfallback_cpus=16\n", "fallback_cpus", "16" },
	{ "[placement]\nfallback_arch=any\n", "fallback_arch", "any" },
	{ "[placement]\nfallback_arch=x86\n", "fallback_arch", "x86" },
	{ "[placement]\nmax_irqs_per_cpu=1\n", "max_irqs_per_cpu", "1" },
	{ "[placement]\nmax_irqs_per_cpu=10000\n", "max_irqs_per_cpu", "10000" },
	{ "[placement]\nmax_irqs_per_cpu=007\n", "max_irqs_per_cpu", "7" },
	{ "[placement]\nhysteresis_percent=0\n", "hysteresis_percent", "0" },
	{ "[placement]\nhysteresis_percent=1000\n", "hysteresis_percent", "1000" },
	{ "[placement]\nmin_load_rate=0\n", "min_load_rate", "0" },
	{ "[placement]\nmin_load_rate=10000000\n", "min_load_rate", "10000000" },
	{ "[daemon]\ninterval_ms=100\n", "interval_ms", "100" },
	{ "[daemon]\ninterval_ms=86400000\n", "interval_ms", "86400000" },
	{ "[daemon]\nmin_move_interval_ms=0\n", "min_move_interval_ms", "0" },
	{ "[daemon]\ndebounce_ms=0\n", "debounce_ms", "0" },
	{ "[daemon]\ndebounce_ms=10000\n", "debounce_ms", "10000" },
	{ "[daemon]\nrestore_on_exit=true\n", "restore_on_exit", "true" },
	{ "[daemon]\nrestore_on_exit=1\n", "restore_on_exit", "true" },
	{ "[daemon]\nstate_dir=/run/affinityd\n", "state_dir", "/run/affinityd" },
	{ "[daemon]\nmetrics_file=/run/a.prom\n", "metrics_file", "/run/a.prom" },
	{ "[daemon]\nmetrics_file=\n", "metrics_file", "" },
	{ "", "metrics_file", "(default)" },
	/* Indented header, CRLF, a GKeyFile escape for a space. */
	{ "  [daemon]  \r\n\tstate_dir = /srv/a\\sb\r\n", "state_dir", "/srv/a b" },
	{ "[compat]\nirqbalance_socket=/run/irqbalance\n", "irqbalance_socket", "/run/irqbalance" },
	/* Empty: off. */
	{ "[compat]\nirqbalance_socket=\n", "irqbalance_socket", "(off)" },
	{ "[compat]\nirqbalance_socket=  \n", "irqbalance_socket", "(off)" },
	/* Comments, blank lines, a commented key and empty groups are ignored. */
	{ "# top\n\n[cpus]\n  # indented\n[daemon]\n#interval_ms=5\ninterval_ms=250\n",
	  "interval_ms", "250" },
	{ "", "interval_ms", "10000" },
};

static void test_merge_good(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(good_cases); i++) {
		const GoodCase *c = &good_cases[i];
		g_autoptr(AfPolicy) p = af_policy_new();
		g_autoptr(GError) error = NULL;
		g_autofree char *value = NULL;

		g_test_message("case %u: %s", i, c->text);
		g_assert_cmpint(af_policy_merge_data(p, c->text, "t.conf", &error), ==, 0);
		g_assert_no_error(error);
		value = format_field(p, c->field);
		g_assert_cmpstr(value, ==, c->value);
	}
}

typedef struct {
	const char *text;
	GKeyFileError code;
	const char *message; /* the start of the message */
} ErrorCase;

static const ErrorCase error_cases[] = {
	/* Structure. */
	{ "isolated=1\n", G_KEY_FILE_ERROR_PARSE, "t.conf:1: key 'isolated' before any [group]" },
	{ "[cpus]\nisolated\n", G_KEY_FILE_ERROR_PARSE, "t.conf:2: syntax error: expected" },
	{ "[cpus]\n; note\n", G_KEY_FILE_ERROR_PARSE, "t.conf:2: syntax error: comments start" },
	{ "[cpus\n", G_KEY_FILE_ERROR_PARSE, "t.conf:1: syntax error: '[' without" },
	{ "\n[cpus] x\n", G_KEY_FILE_ERROR_PARSE, "t.conf:2: syntax error: text after ']'" },
	{ "[cpus]\n[a[b]\n", G_KEY_FILE_ERROR_PARSE, "t.conf:2: syntax error: invalid character" },
	{ "[cpus]\n=3\n", G_KEY_FILE_ERROR_PARSE, "t.conf:2: syntax error: no key before '='" },
	{ "[cpus]\n\xff\n", G_KEY_FILE_ERROR_PARSE, "t.conf:2: not valid UTF-8" },
	{ "\xef\xbb\xbf[cpus]\n", G_KEY_FILE_ERROR_PARSE, "t.conf:1: syntax error: expected" },
	{ "[cpus]\r\n\r\nbogus\r\n", G_KEY_FILE_ERROR_PARSE, "t.conf:3: syntax error: expected" },
	{ "\n\n[cpu]\n", G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
	  "t.conf:3: unknown group [cpu]; valid groups: [cpus], [placement], [daemon], "
	  "[network], [compat], [rule:NAME], [interface:GLOB]" },
	{ "[Cpus]\n", G_KEY_FILE_ERROR_GROUP_NOT_FOUND, "t.conf:1: unknown group [Cpus]" },
	{ "[rule:]\n", G_KEY_FILE_ERROR_PARSE, "t.conf:1: [rule:] needs a name" },
	{ "[daemon]\n\ninterval=5\n", G_KEY_FILE_ERROR_KEY_NOT_FOUND,
	  "t.conf:3: unknown key 'interval' in [daemon]; valid keys: interval_ms, "
	  "min_move_interval_ms, debounce_ms, restore_on_exit, state_dir, metrics_file" },
	{ "[cpus]\nbaned=1\n", G_KEY_FILE_ERROR_KEY_NOT_FOUND,
	  "t.conf:2: unknown key 'baned' in [cpus]; valid keys: isolated, banned, irqbalance_env" },
	{ "[placement]\nmax_irqs=1\n", G_KEY_FILE_ERROR_KEY_NOT_FOUND,
	  "t.conf:2: unknown key 'max_irqs' in [placement]; valid keys: mode, numa_local, "
	  "fallback_cpus, fallback_arch, max_irqs_per_cpu, hysteresis_percent, min_load_rate" },
	{ "[rule:a]\nactoin=pin\n", G_KEY_FILE_ERROR_KEY_NOT_FOUND,
	  "t.conf:2: unknown key 'actoin' in [rule:a]; valid keys: action, irq, driver, "
	  "interface, name, cpus" },
	{ "[cpus]\nisolated[de]=1\n", G_KEY_FILE_ERROR_KEY_NOT_FOUND,
	  "t.conf:2: unknown key 'isolated[de]'" },
	{ "[cpus]\nisolated=1\nbanned=2\n isolated = 3\n", G_KEY_FILE_ERROR_PARSE,
	  "t.conf:4: duplicate key 'isolated' in [cpus], first at line 2" },
	{ "[cpus]\nisolated=1\n[daemon]\n[cpus]\n", G_KEY_FILE_ERROR_PARSE,
	  "t.conf:4: duplicate group [cpus], first at line 1" },
	/* The structure is checked before any value: line 3, not line 2. */
	{ "[cpus]\nisolated=x\n[bogus]\n", G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
	  "t.conf:3: unknown group [bogus]" },
	/* Values. */
	{ "[placement]\nmax_irqs_per_cpu=0\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: max_irqs_per_cpu: '0' is out of range 1..10000" },
	{ "[placement]\nmax_irqs_per_cpu=10001\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: max_irqs_per_cpu: '10001' is out of range 1..10000" },
	{ "[placement]\nmax_irqs_per_cpu=-1\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: max_irqs_per_cpu: '-1' is not a non-negative integer" },
	{ "[placement]\nmax_irqs_per_cpu=12abc\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: max_irqs_per_cpu: '12abc' is not" },
	{ "[placement]\nmax_irqs_per_cpu=\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: max_irqs_per_cpu: '' is not" },
	{ "[placement]\nhysteresis_percent=1001\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: hysteresis_percent: '1001' is out of range 0..1000" },
	{ "[placement]\nmin_load_rate=10000001\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: min_load_rate: '10000001' is out of range 0..10000000" },
	{ "[placement]\nmode=fill\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: mode: 'fill' is not one of spread, pack" },
	{ "[placement]\nmode=Pack\n", G_KEY_FILE_ERROR_INVALID_VALUE, "t.conf:2: mode: 'Pack'" },
	{ "[placement]\n\nnuma_local=yes\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:3: numa_local: 'yes' is not one of prefer, strict, off" },
	{ "[placement]\nnuma_local=Prefer\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: numa_local: 'Prefer' is not one of" },
	{ "[placement]\nfallback_cpus=17\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: fallback_cpus: '17' is out of range 0..16" },
	{ "[placement]\nfallback_cpus=auto\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: fallback_cpus: 'auto' is not a non-negative integer" },
	{ "[placement]\nfallback_arch=arm64\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: fallback_arch: 'arm64' is not one of x86, any" },
	{ "[daemon]\ninterval_ms=99\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: interval_ms: '99' is out of range 100..86400000" },
	{ "[daemon]\nmin_move_interval_ms=86400001\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: min_move_interval_ms: '86400001' is out of range 0..86400000" },
	{ "[daemon]\ndebounce_ms=10001\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: debounce_ms: '10001' is out of range 0..10000" },
	{ "[cpus]\nirqbalance_env=/etc/default/irqbalance irqbalance\n",
	  G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: irqbalance_env: 'irqbalance' is not an absolute path" },
	{ "[daemon]\nstate_dir=var/lib\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: state_dir: 'var/lib' is not an absolute path" },
	{ "[compat]\nirqbalance_socket=run\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: irqbalance_socket: 'run' is not an absolute path" },
	{ "[compat]\nsocket=/run\n", G_KEY_FILE_ERROR_KEY_NOT_FOUND,
	  "t.conf:2: unknown key 'socket' in [compat]; valid keys: irqbalance_socket" },
	{ "[daemon]\nmetrics_file=a.prom\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: metrics_file: 'a.prom' is not an absolute path" },
	{ "[daemon]\nstate_dir=/a\\qb\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: state_dir: invalid escape sequence" },
	{ "[cpus]\nisolated=1-\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: isolated: '1-' is not a CPU list" },
	{ "[cpus]\nbanned=8192\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: banned: '8192' names a CPU above 8191" },
	/* Rules. */
	{ "[rule:a]\ndriver=mlx5*\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:1: [rule:a] has no action= (pin or ban)" },
	{ "[cpus]\n[rule:a]\naction=pin\ncpus=1\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: [rule:a] has no match key (irq, driver, interface or name)" },
	{ "[rule:a]\naction=pin\ndriver=x\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:1: [rule:a] has action=pin but no cpus=" },
	{ "[rule:a]\naction=ban\nirq=5\ncpus=1\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:4: cpus: not allowed with action=ban" },
	{ "[rule:a]\naction=drop\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:2: action: 'drop' is not one of pin, ban" },
	{ "[rule:a]\naction=ban\nirq=x\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:3: irq: 'x' is not" },
	{ "[rule:a]\naction=ban\nirq=2147483648\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:3: irq: '2147483648' is out of range 0..2147483647" },
	{ "[rule:a]\naction=ban\ndriver=\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:3: driver: empty pattern" },
	{ "[rule:a]\naction=pin\nname=x\ncpus=\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:4: cpus: the list is empty" },
	{ "[rule:a]\naction=pin\nname=x\ncpus=0-\n", G_KEY_FILE_ERROR_INVALID_VALUE,
	  "t.conf:4: cpus: '0-' is not a CPU list" },
	{ "[rule:a]\naction=pin\naction=ban\n", G_KEY_FILE_ERROR_PARSE,
	  "t.conf:3: duplicate key 'action' in [rule:a], first at line 2" },
	{ "[rule:a]\naction=ban\nirq=1\n[rule:a]\n", G_KEY_FILE_ERROR_PARSE,
	  "t.conf:4: duplicate group [rule:a], first at line 1" },
};

static void test_merge_errors(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(error_cases); i++) {
		const ErrorCase *c = &error_cases[i];
		g_autoptr(AfPolicy) p = af_policy_new();
		g_autoptr(AfPolicy) before = af_policy_new();
		g_autoptr(GError) error = NULL;
		int r;

		g_test_message("case %u: %s", i, c->text);
		r = af_policy_merge_data(p, c->text, "t.conf", &error);
		g_assert_cmpint(r, ==, -EINVAL);
		g_assert_error(error, G_KEY_FILE_ERROR, (gint)c->code);
		if (error && !g_str_has_prefix(error->message, c->message))
			af_test_fail("case %u: got \"%s\", want \"%s...\"", i, error->message,
				     c->message);
		g_assert_true(af_policy_equal(p, before));
	}
}

/* A valid key before the bad one must not leak into the policy. */
static void test_merge_unchanged_on_error(void)
{
	g_autoptr(AfPolicy) p = af_policy_new();
	g_autoptr(AfPolicy) before = NULL;
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(af_policy_merge_data(p,
					     "[cpus]\nisolated=4-7\n"
					     "[rule:a]\naction=ban\nirq=3\n",
					     "a.conf", NULL),
			==, 0);
	before = af_policy_copy(p);
	g_assert_cmpint(af_policy_merge_data(p,
					     "[cpus]\nisolated=1\n[rule:a]\naction=ban\nirq=9\n"
					     "[rule:b]\naction=ban\nirq=4\n"
					     "[daemon]\ninterval_ms=5\n",
					     "b.conf", &error),
			==, -EINVAL);
	g_assert_cmpstr(error->message, ==,
			"b.conf:10: interval_ms: '5' is out of range 100..86400000");
	g_assert_true(af_policy_equal(p, before));
	g_assert_cmpuint(p->rules->len, ==, 1);
}

static void test_merge_override(void)
{
	g_autoptr(AfPolicy) p = af_policy_new();
	g_autofree char *isolated = NULL;
	g_autofree char *banned = NULL;

	g_assert_cmpint(af_policy_merge_data(p, "[cpus]\nisolated=1\nbanned=2\n"
						"[daemon]\ninterval_ms=500\n",
					     "a", NULL),
			==, 0);
	g_assert_cmpint(af_policy_merge_data(p, "[cpus]\nbanned=3\n", "b", NULL), ==, 0);
	isolated = af_cpuset_format_list(p->isolated);
	banned = af_cpuset_format_list(p->banned);
	/* b set only banned: isolated and interval_ms keep a's values. */
	g_assert_cmpstr(isolated, ==, "1");
	g_assert_cmpstr(banned, ==, "3");
	g_assert_cmpuint(p->interval_ms, ==, 500);
}

static const AfRule *rule_at(const AfPolicy *p, guint i)
{
	return g_ptr_array_index(p->rules, i);
}

static void test_merge_rules(void)
{
	g_autoptr(AfPolicy) p = af_policy_new();
	g_autofree char *cpus = NULL;
	const AfRule *r;

	g_assert_cmpint(af_policy_merge_data(p,
					     "[rule:zeta]\naction=pin\ndriver=mlx5_core\n"
					     "interface=eth*\ncpus=0-1\n"
					     "[rule:alpha]\naction=ban\nirq=42\n"
					     "[rule:mid dle]\naction=ban\nname=nvme*q*\n",
					     "a", NULL),
			==, 0);
	/* File order, not name order. */
	g_assert_cmpuint(p->rules->len, ==, 3);
	g_assert_cmpstr(rule_at(p, 0)->name, ==, "zeta");
	g_assert_cmpstr(rule_at(p, 1)->name, ==, "alpha");
	g_assert_cmpstr(rule_at(p, 2)->name, ==, "mid dle");
	r = rule_at(p, 0);
	cpus = af_cpuset_format_list(r->cpus);
	g_assert_cmpint(r->action, ==, AF_RULE_PIN);
	g_assert_cmpint(r->match_irq, ==, -1);
	g_assert_cmpstr(r->match_driver, ==, "mlx5_core");
	g_assert_cmpstr(r->match_interface, ==, "eth*");
	g_assert_null(r->match_name);
	g_assert_cmpstr(cpus, ==, "0-1");
	r = rule_at(p, 1);
	g_assert_cmpint(r->action, ==, AF_RULE_BAN);
	g_assert_cmpint(r->match_irq, ==, 42);
	g_assert_null(r->cpus);
	g_assert_null(r->match_driver);

	/* A later file replaces zeta whole, in place, and appends a new rule. */
	g_assert_cmpint(af_policy_merge_data(p,
					     "[rule:new]\naction=ban\nirq=1\n"
					     "[rule:zeta]\naction=ban\nname=ice-*\n",
					     "b", NULL),
			==, 0);
	g_assert_cmpuint(p->rules->len, ==, 4);
	g_assert_cmpstr(rule_at(p, 0)->name, ==, "zeta");
	g_assert_cmpstr(rule_at(p, 1)->name, ==, "alpha");
	g_assert_cmpstr(rule_at(p, 2)->name, ==, "mid dle");
	g_assert_cmpstr(rule_at(p, 3)->name, ==, "new");
	r = rule_at(p, 0);
	g_assert_cmpint(r->action, ==, AF_RULE_BAN);
	g_assert_cmpstr(r->match_name, ==, "ice-*");
	g_assert_null(r->match_driver);
	g_assert_null(r->match_interface);
	g_assert_null(r->cpus);
}

static void test_copy_equal(void)
{
	g_autoptr(AfPolicy) p = af_policy_new();
	g_autoptr(AfPolicy) copy = NULL;
	AfRule *rule;

	g_assert_cmpint(af_policy_merge_data(p, "[rule:a]\naction=pin\nirq=1\ncpus=2\n", "a",
					     NULL),
			==, 0);
	copy = af_policy_copy(p);
	g_assert_true(af_policy_equal(p, copy));
	rule = g_ptr_array_index(copy->rules, 0);
	af_cpuset_add(rule->cpus, 3);
	g_assert_false(af_policy_equal(p, copy));
	g_clear_pointer(&copy, af_policy_free);
	copy = af_policy_copy(p);
	g_free(copy->irqbalance_env[1]);
	copy->irqbalance_env[1] = NULL;
	g_assert_false(af_policy_equal(p, copy));
	g_assert_null(af_policy_copy(NULL));

	/* The socket's directory is copied and compared, NULL (off) included. */
	g_assert_cmpint(af_policy_merge_data(p, "[compat]\nirqbalance_socket=/run/x\n", "c", NULL),
			==, 0);
	g_clear_pointer(&copy, af_policy_free);
	copy = af_policy_copy(p);
	g_assert_cmpstr(copy->irqbalance_socket, ==, "/run/x");
	g_assert_true(af_policy_equal(p, copy));
	g_clear_pointer(&copy->irqbalance_socket, g_free);
	g_assert_false(af_policy_equal(p, copy));
}

/* Load: files in a temporary directory. */

typedef struct {
	char *dir;
	char *main_path;
	char *dropins;
} LoadFixture;

static void load_setup(LoadFixture *f, gconstpointer data)
{
	f->dir = g_dir_make_tmp("test-policy-XXXXXX", NULL);
	g_assert_nonnull(f->dir);
	f->main_path = g_build_filename(f->dir, "affinityd.conf", NULL);
	f->dropins = g_build_filename(f->dir, "affinityd.conf.d", NULL);
}

static void remove_tree(const char *path)
{
	GDir *dir = g_dir_open(path, 0, NULL);
	const char *name;

	if (!dir) {
		g_remove(path);
		return;
	}
	while ((name = g_dir_read_name(dir))) {
		g_autofree char *child = g_build_filename(path, name, NULL);

		remove_tree(child);
	}
	g_dir_close(dir);
	g_rmdir(path);
}

static void load_teardown(LoadFixture *f, gconstpointer data)
{
	remove_tree(f->dir);
	g_free(f->dir);
	g_free(f->main_path);
	g_free(f->dropins);
}

static void write_dropin(LoadFixture *f, const char *name, const char *text)
{
	g_autofree char *path = g_build_filename(f->dropins, name, NULL);

	g_assert_cmpint(g_mkdir_with_parents(f->dropins, 0755), ==, 0);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

static void test_load_missing(LoadFixture *f, gconstpointer data)
{
	g_autoptr(AfPolicy) p = NULL;
	g_autoptr(AfPolicy) defaults = af_policy_new();

	g_assert_cmpint(af_policy_load(f->main_path, f->dropins, &p, NULL), ==, 0);
	g_assert_true(af_policy_equal(p, defaults));
	g_clear_pointer(&p, af_policy_free);
	g_assert_cmpint(af_policy_load(NULL, NULL, &p, NULL), ==, 0);
	g_assert_true(af_policy_equal(p, defaults));
}

static void test_load_order(LoadFixture *f, gconstpointer data)
{
	g_autoptr(AfPolicy) p = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *isolated = NULL;
	g_autofree char *banned = NULL;

	g_assert_true(g_file_set_contents(f->main_path,
					  "[cpus]\nisolated=1\n[daemon]\ninterval_ms=1000\n"
					  "[rule:r]\naction=ban\nirq=1\n",
					  -1, NULL));
	/* strcmp() order: "10-a" < "20-b" < "9-z". */
	write_dropin(f, "20-b.conf", "[daemon]\ninterval_ms=3000\n[rule:r]\naction=ban\nirq=2\n");
	write_dropin(f, "9-z.conf", "[daemon]\ninterval_ms=4000\n");
	write_dropin(f, "10-a.conf", "[daemon]\ninterval_ms=2000\ndebounce_ms=7\n[cpus]\nbanned=5\n");
	/* Not drop-ins: hidden, other suffixes. Each would fail to parse. */
	write_dropin(f, ".hidden.conf", "bad\n");
	write_dropin(f, "notes.txt", "bad\n");
	write_dropin(f, "30-c.conf.bak", "bad\n");
	g_assert_cmpint(af_policy_load(f->main_path, f->dropins, &p, &error), ==, 0);
	g_assert_no_error(error);
	isolated = af_cpuset_format_list(p->isolated);
	banned = af_cpuset_format_list(p->banned);
	g_assert_cmpuint(p->interval_ms, ==, 4000);
	g_assert_cmpuint(p->debounce_ms, ==, 7);
	g_assert_cmpstr(isolated, ==, "1");
	g_assert_cmpstr(banned, ==, "5");
	g_assert_cmpuint(p->rules->len, ==, 1);
	g_assert_cmpint(rule_at(p, 0)->match_irq, ==, 2);
}

static void test_load_bad_dropin(LoadFixture *f, gconstpointer data)
{
	g_autoptr(AfPolicy) p = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *expected = NULL;

	g_assert_true(g_file_set_contents(f->main_path, "[daemon]\ninterval_ms=1000\n", -1, NULL));
	write_dropin(f, "10-a.conf", "[daemon]\ninterval_ms=2000\n");
	write_dropin(f, "20-b.conf", "# two\n[placement]\nmode=fil\n");
	g_assert_cmpint(af_policy_load(f->main_path, f->dropins, &p, &error), ==, -EINVAL);
	g_assert_null(p);
	g_assert_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
	expected = g_strdup_printf("%s/20-b.conf:3: mode: 'fil' is not one of spread, pack",
				   f->dropins);
	g_assert_cmpstr(error->message, ==, expected);
}

static void test_load_unreadable(LoadFixture *f, gconstpointer data)
{
	g_autoptr(AfPolicy) p = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *expected = NULL;

	/* A directory where the main file should be: not "missing", an error. */
	g_assert_cmpint(g_mkdir(f->main_path, 0755), ==, 0);
	g_assert_cmpint(af_policy_load(f->main_path, NULL, &p, &error), ==, -EISDIR);
	g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
	expected = g_strdup_printf("%s: %s", f->main_path, g_strerror(EISDIR));
	g_assert_cmpstr(error->message, ==, expected);
	g_assert_null(p);
	g_clear_error(&error);

	/* A file where the drop-in directory should be. */
	g_assert_true(g_file_set_contents(f->dropins, "", -1, NULL));
	g_assert_cmpint(af_policy_load(NULL, f->dropins, &p, &error), ==, -ENOTDIR);
	g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR);
	g_assert_null(p);
}

static void test_load_nul_and_size(LoadFixture *f, gconstpointer data)
{
	static const char with_nul[] = "[daemon]\n\ninterval_ms=1\0000\n";
	g_autoptr(AfPolicy) p = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *expected = NULL;
	g_autofree char *big = NULL;

	/* The NUL byte is on line 3, after two newlines. */
	g_assert_true(g_file_set_contents(f->main_path, with_nul, sizeof(with_nul) - 1, NULL));
	g_assert_cmpint(af_policy_load(f->main_path, NULL, &p, &error), ==, -EINVAL);
	expected = g_strdup_printf("%s:3: NUL byte", f->main_path);
	g_assert_cmpstr(error->message, ==, expected);
	g_clear_error(&error);

	/* One byte over the cap: comment lines only, so only the size can fail. */
	big = g_malloc(AF_POLICY_MAX_FILE_BYTES + 1);
	memset(big, '#', AF_POLICY_MAX_FILE_BYTES + 1);
	g_assert_true(g_file_set_contents(f->main_path, big, AF_POLICY_MAX_FILE_BYTES + 1, NULL));
	g_assert_cmpint(af_policy_load(f->main_path, NULL, &p, &error), ==, -EFBIG);
	g_clear_error(&error);
	g_assert_true(g_file_set_contents(f->main_path, big, AF_POLICY_MAX_FILE_BYTES, NULL));
	g_assert_cmpint(af_policy_load(f->main_path, NULL, &p, &error), ==, 0);
	g_assert_no_error(error);
}

/* Match. */

static const char match_policy[] = "[rule:irq7]\naction=ban\nirq=7\n"
				   "[rule:mlx]\naction=pin\ndriver=mlx5_core\ninterface=eth*\n"
				   "cpus=0-1\n"
				   "[rule:nvme]\naction=ban\nname=nvme?q*\n"
				   "[rule:eth]\naction=pin\ninterface=eth*\ncpus=2\n";

typedef struct {
	guint irq;
	const char *name;
	const char *driver;
	const char *interface;
	const char *rule; /* expected rule name, NULL none */
} MatchCase;

static const MatchCase match_cases[] = {
	{ 7, "anything", NULL, NULL, "irq7" },
	{ 7, "nvme0q1", "nvme", NULL, "irq7" },		  /* the first rule wins */
	{ 8, "mlx5_comp0", "mlx5_core", "eth0", "mlx" },  /* both keys match */
	{ 8, "mlx5_comp0", "mlx5_core", "ib0", NULL },	  /* interface fails */
	{ 8, "mlx5_comp0", "mlx5_core", NULL, NULL },	  /* NULL never matches a glob */
	{ 8, "mlx5_comp0", "mlx5_core_x", "eth0", "eth" }, /* driver fails: the next rule */
	{ 8, "nvme0q1", "nvme", NULL, "nvme" },
	{ 8, "nvme10q1", "nvme", NULL, NULL },		  /* '?' is one character */
	{ 8, NULL, "nvme", NULL, NULL },		  /* no name: the name glob fails */
	{ 9, "ixgbe-TxRx-0", "ixgbe", "eth3", "eth" },
	{ 9, NULL, NULL, "eth", "eth" },		  /* '*' matches the empty string */
};

static void test_match_table(void)
{
	g_autoptr(AfPolicy) p = af_policy_new();

	g_assert_null(af_policy_match(p, 7, "x", "y", "z"));
	g_assert_cmpint(af_policy_merge_data(p, match_policy, "m", NULL), ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(match_cases); i++) {
		const MatchCase *c = &match_cases[i];
		const AfRule *rule = af_policy_match(p, c->irq, c->name, c->driver, c->interface);

		g_test_message("case %u", i);
		g_assert_cmpstr(rule ? rule->name : NULL, ==, c->rule);
	}
}

/* conf/affinityd.conf from the source tree. */

/* Every key of the format, each of which the shipped file must show. */
static const char *const all_keys[] = {
	"isolated", "banned", "irqbalance_env", "mode", "numa_local", "fallback_cpus", "fallback_arch", "max_irqs_per_cpu", "hysteresis_percent",
	"min_load_rate",	"interval_ms", "min_move_interval_ms", "debounce_ms", "restore_on_exit", "state_dir",
	"metrics_file",
	"rps", "xps", "arfs_refresh", "arfs_fixed_in", "rfs_flow_entries", "napi_threads",
	"irqbalance_socket",
};

static char *read_default_conf(void)
{
	const char *top = g_getenv("AF_TOP_SRCDIR");
	g_autofree char *path = NULL;
	char *text = NULL;

	if (top)
		path = g_build_filename(top, "conf", "affinityd.conf", NULL);
	else
		path = g_test_build_filename(G_TEST_DIST, "..", "conf", "affinityd.conf", NULL);
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return text;
}

/* "#key=value" (no blank after '#') is a commented default; "# text" is prose. */
static char *uncomment_keys(const char *text, guint *ret_count)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	g_autoptr(GRegex) key_line = g_regex_new("^#[a-z_]+=", 0, 0, NULL);

	*ret_count = 0;
	for (guint i = 0; lines[i]; i++) {
		if (!g_regex_match(key_line, lines[i], 0, NULL))
			continue;
		memmove(lines[i], lines[i] + 1, strlen(lines[i]));
		(*ret_count)++;
	}
	return g_strjoinv("\n", lines);
}

static void test_conf_defaults(void)
{
	g_autofree char *text = read_default_conf();
	g_autoptr(AfPolicy) p = af_policy_new();
	g_autoptr(AfPolicy) defaults = af_policy_new();
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(af_policy_merge_data(p, text, "affinityd.conf", &error), ==, 0);
	g_assert_no_error(error);
	g_assert_true(af_policy_equal(p, defaults));
	for (guint i = 0; i < G_N_ELEMENTS(all_keys); i++) {
		g_autofree char *needle = g_strdup_printf("\n#%s=", all_keys[i]);

		g_test_message("key %s", all_keys[i]);
		g_assert_nonnull(strstr(text, needle));
	}
}

static void test_conf_uncommented(void)
{
	g_autofree char *text = read_default_conf();
	g_autofree char *uncommented = NULL;
	g_autoptr(AfPolicy) p = af_policy_new();
	g_autoptr(AfPolicy) expected = af_policy_new();
	g_autoptr(GError) error = NULL;
	guint count;

	uncommented = uncomment_keys(text, &count);
	g_assert_cmpuint(count, ==, G_N_ELEMENTS(all_keys));
	g_assert_cmpint(af_policy_merge_data(p, uncommented, "affinityd.conf", &error), ==, 0);
	g_assert_no_error(error);
	/* The file shows the packaged state_dir; the built default follows --localstatedir. */
	g_free(expected->state_dir);
	expected->state_dir = g_strdup("/var/lib/affinityd");
	/* The file shows the default's file; unset means "that file if its directory exists". */
	expected->metrics_file = g_strdup(AF_DEFAULT_METRICS_FILE);
	/* The file shows the built-in table of fixed kernels. */
	expected->arfs_fixed_in = g_strdup(AF_RMAPFIX_BUILTIN_TABLE);
	g_assert_true(af_policy_equal(p, expected));
}

static void test_network_defaults(void)
{
	g_autoptr(AfPolicy) p = af_policy_new();
	AfNetPolicy net;

	g_assert_cmpint(p->network.rps, ==, AF_RPS_STRIP_ISOLATED);
	g_assert_cmpint(p->network.xps, ==, AF_XPS_FOLLOW);
	g_assert_cmpint(p->network.arfs_refresh, ==, AF_ARFS_REFRESH_AUTO);
	g_assert_cmpuint(p->network.rfs_flow_entries, ==, 0);
	g_assert_cmpint(p->network.napi_threads, ==, AF_NAPI_FOLLOW);
	g_assert_null(p->arfs_fixed_in);
	g_assert_cmpuint(p->interfaces->len, ==, 0);
	af_policy_network_for(p, "eth0", &net);
	g_assert_cmpint(net.rps, ==, AF_RPS_STRIP_ISOLATED);
	g_assert_cmpstr(af_policy_rps_to_string(AF_RPS_CACHE), ==, "cache");
	g_assert_cmpstr(af_policy_xps_to_string(AF_XPS_OFF), ==, "off");
	g_assert_cmpstr(af_policy_arfs_refresh_to_string(AF_ARFS_REFRESH_ON), ==, "on");
	g_assert_cmpstr(af_policy_napi_to_string(AF_NAPI_FOLLOW), ==, "follow");
}

static void test_network_interfaces(void)
{
	const char *text = "[network]\n"
			   "rps=off\n"
			   "rfs_flow_entries=4096\n"
			   "arfs_fixed_in=7.0,6.19.5\n"
			   "[interface:ens1f*]\n"
			   "rps=cache\n"
			   "arfs_refresh=on\n"
			   "[interface:ens1f1]\n"
			   "rps=strip-isolated\n"
			   "napi_threads=off\n";
	g_autoptr(AfPolicy) p = af_policy_new();
	g_autoptr(AfPolicy) copy = NULL;
	g_autoptr(GError) error = NULL;
	AfNetPolicy net;

	g_assert_cmpint(af_policy_merge_data(p, text, "net.conf", &error), ==, 0);
	g_assert_no_error(error);
	g_assert_cmpstr(p->arfs_fixed_in, ==, "7.0,6.19.5");
	g_assert_cmpuint(p->interfaces->len, ==, 2);
	af_policy_network_for(p, "eth0", &net);
	g_assert_cmpint(net.rps, ==, AF_RPS_OFF);
	g_assert_cmpint(net.arfs_refresh, ==, AF_ARFS_REFRESH_AUTO);
	g_assert_cmpuint(net.rfs_flow_entries, ==, 4096);
	af_policy_network_for(p, "ens1f0", &net);
	g_assert_cmpint(net.rps, ==, AF_RPS_CACHE);
	g_assert_cmpint(net.arfs_refresh, ==, AF_ARFS_REFRESH_ON);
	g_assert_cmpint(net.napi_threads, ==, AF_NAPI_FOLLOW);
	g_assert_cmpuint(net.rfs_flow_entries, ==, 4096);
	/* The later section wins for the keys it sets, the earlier one keeps the others. */
	af_policy_network_for(p, "ens1f1", &net);
	g_assert_cmpint(net.rps, ==, AF_RPS_STRIP_ISOLATED);
	g_assert_cmpint(net.arfs_refresh, ==, AF_ARFS_REFRESH_ON);
	g_assert_cmpint(net.napi_threads, ==, AF_NAPI_OFF);
	copy = af_policy_copy(p);
	g_assert_true(af_policy_equal(p, copy));
	((AfInterfacePolicy *)copy->interfaces->pdata[1])->values.napi_threads = AF_NAPI_FOLLOW;
	g_assert_false(af_policy_equal(p, copy));
	/* A drop-in's keys in a section of the same pattern override key by key. */
	g_assert_cmpint(af_policy_merge_data(p, "[interface:ens1f*]\nxps=off\n", "d.conf", &error),
			==, 0);
	g_assert_cmpuint(p->interfaces->len, ==, 2);
	af_policy_network_for(p, "ens1f0", &net);
	g_assert_cmpint(net.xps, ==, AF_XPS_OFF);
	g_assert_cmpint(net.rps, ==, AF_RPS_CACHE);
}

static void test_network_writes_queues(void)
{
	g_autoptr(AfPolicy) p = af_policy_new();
	g_autoptr(GError) error = NULL;

	g_assert_true(af_policy_network_writes_queues(p));
	g_assert_cmpint(af_policy_merge_data(p, "[network]\nrps=off\nxps=off\n", "a", &error), ==, 0);
	g_assert_false(af_policy_network_writes_queues(p));
	g_assert_cmpint(af_policy_merge_data(p, "[interface:eth9]\nnapi_threads=off\n", "b", &error),
			==, 0);
	g_assert_false(af_policy_network_writes_queues(p));
	g_assert_cmpint(af_policy_merge_data(p, "[interface:eth*]\nrfs_flow_entries=64\n", "c",
					     &error),
			==, 0);
	g_assert_true(af_policy_network_writes_queues(p));
}

static void test_network_errors(void)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
		{"[network]\nrps=all\n", "n.conf:2: rps: 'all' is not one of strip-isolated, cache, off"},
		{"[network]\nxps=on\n", "n.conf:2: xps: 'on' is not one of follow, off"},
		{"[network]\narfs_refresh=yes\n", "n.conf:2: arfs_refresh: 'yes' is not one of auto, on, off"},
		{"[network]\nnapi_threads=pin\n", "n.conf:2: napi_threads: 'pin' is not one of follow, off"},
		{"[network]\nrfs_flow_entries=-1\n", "n.conf:2: rfs_flow_entries: '-1' is not a number in 0..67108864"},
		{"[network]\nrfs_flow_entries=67108865\n", "n.conf:2: rfs_flow_entries: '67108865' is not a number in 0..67108864"},
		{"[network]\narfs_fixed_in=7\n", "n.conf:2: arfs_fixed_in: '7' is not a list of kernel releases, X.Y or X.Y.Z comma-separated, such as 7.0"},
		{"[network]\nfoo=1\n", "n.conf:2: unknown key 'foo' in [network]; valid keys: rps, xps, arfs_refresh, rfs_flow_entries, napi_threads, arfs_fixed_in"},
		{"[interface:eth0]\narfs_fixed_in=7.0\n", "n.conf:2: unknown key 'arfs_fixed_in' in [interface:eth0]; valid keys: rps, xps, arfs_refresh, rfs_flow_entries, napi_threads"},
		{"[interface:]\nrps=off\n", "n.conf:1: [interface:] needs a name pattern: [interface:GLOB]"},
		{"[interface:eth*]\nrps=bad\n", "n.conf:2: rps: 'bad' is not one of strip-isolated, cache, off"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(AfPolicy) p = af_policy_new();
		g_autoptr(AfPolicy) before = af_policy_new();
		g_autoptr(GError) error = NULL;

		g_test_message("%s", cases[i].text);
		g_assert_cmpint(af_policy_merge_data(p, cases[i].text, "n.conf", &error), ==, -EINVAL);
		g_assert_nonnull(error);
		g_assert_cmpstr(error->message, ==, cases[i].message);
		g_assert_true(af_policy_equal(p, before));
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/policy/new/defaults", test_new_defaults);
	g_test_add_func("/policy/merge_data/good", test_merge_good);
	g_test_add_func("/policy/merge_data/errors", test_merge_errors);
	g_test_add_func("/policy/merge_data/unchanged_on_error", test_merge_unchanged_on_error);
	g_test_add_func("/policy/merge_data/override", test_merge_override);
	g_test_add_func("/policy/merge_data/rules", test_merge_rules);
	g_test_add_func("/policy/copy/equal", test_copy_equal);
	g_test_add("/policy/load/missing", LoadFixture, NULL, load_setup, test_load_missing,
		   load_teardown);
	g_test_add("/policy/load/order", LoadFixture, NULL, load_setup, test_load_order,
		   load_teardown);
	g_test_add("/policy/load/bad_dropin", LoadFixture, NULL, load_setup,
		   test_load_bad_dropin, load_teardown);
	g_test_add("/policy/load/unreadable", LoadFixture, NULL, load_setup,
		   test_load_unreadable, load_teardown);
	g_test_add("/policy/load/nul_and_size", LoadFixture, NULL, load_setup,
		   test_load_nul_and_size, load_teardown);
	g_test_add_func("/policy/match/table", test_match_table);
	g_test_add_func("/policy/network/defaults", test_network_defaults);
	g_test_add_func("/policy/network/interfaces", test_network_interfaces);
	g_test_add_func("/policy/network/errors", test_network_errors);
	g_test_add_func("/policy/network/writes_queues", test_network_writes_queues);
	g_test_add_func("/policy/conf/defaults", test_conf_defaults);
	g_test_add_func("/policy/conf/uncommented", test_conf_uncommented);
	return g_test_run();
}
