/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "cpuset.h"

#define WORD_BITS 64u
#define MAX_WORDS (AF_CPU_MAX / WORD_BITS)

AfCpuSet *af_cpuset_new(void)
{
	return g_new0(AfCpuSet, 1);
}

AfCpuSet *af_cpuset_new_range(guint first, guint last)
{
	AfCpuSet *set = af_cpuset_new();

	af_cpuset_add_range(set, first, last);
	return set;
}

AfCpuSet *af_cpuset_copy(const AfCpuSet *set)
{
	AfCpuSet *copy;

	if (!set)
		return NULL;
	copy = af_cpuset_new();
	af_cpuset_assign(copy, set);
	return copy;
}

void af_cpuset_free(AfCpuSet *set)
{
	if (!set)
		return;
	g_free(set->words);
	g_free(set);
}

/* Makes room for n_words words, zero-filling the new ones. */
static void grow(AfCpuSet *set, guint n_words)
{
	g_assert(n_words <= MAX_WORDS);
	if (n_words <= set->n_words)
		return;
	set->words = g_renew(guint64, set->words, n_words);
	memset(set->words + set->n_words, 0, (n_words - set->n_words) * sizeof(guint64));
	set->n_words = n_words;
}

static guint64 word_at(const AfCpuSet *set, guint i)
{
	return set && i < set->n_words ? set->words[i] : 0;
}

static guint n_words_of(const AfCpuSet *set)
{
	return set ? set->n_words : 0;
}

void af_cpuset_add(AfCpuSet *set, guint cpu)
{
	g_assert(cpu < AF_CPU_MAX);
	grow(set, cpu / WORD_BITS + 1);
	set->words[cpu / WORD_BITS] |= G_GUINT64_CONSTANT(1) << (cpu % WORD_BITS);
}

void af_cpuset_add_range(AfCpuSet *set, guint first, guint last)
{
	g_assert(first <= last && last < AF_CPU_MAX);
	grow(set, last / WORD_BITS + 1);
	for (guint cpu = first; cpu <= last; cpu++)
		set->words[cpu / WORD_BITS] |= G_GUINT64_CONSTANT(1) << (cpu % WORD_BITS);
}

void af_cpuset_remove(AfCpuSet *set, guint cpu)
{
	if (cpu / WORD_BITS < set->n_words)
		set->words[cpu / WORD_BITS] &= ~(G_GUINT64_CONSTANT(1) << (cpu % WORD_BITS));
}

void af_cpuset_clear(AfCpuSet *set)
{
	if (set->n_words)
		memset(set->words, 0, set->n_words * sizeof(guint64));
}

void af_cpuset_assign(AfCpuSet *dst, const AfCpuSet *src)
{
	if (dst == src)
		return;
	af_cpuset_clear(dst);
	grow(dst, n_words_of(src));
	for (guint i = 0; i < n_words_of(src); i++)
		dst->words[i] = src->words[i];
}

void af_cpuset_or(AfCpuSet *dst, const AfCpuSet *src)
{
	grow(dst, n_words_of(src));
	for (guint i = 0; i < n_words_of(src); i++)
		dst->words[i] |= src->words[i];
}

void af_cpuset_and(AfCpuSet *dst, const AfCpuSet *src)
{
	for (guint i = 0; i < dst->n_words; i++)
		dst->words[i] &= word_at(src, i);
}

void af_cpuset_andnot(AfCpuSet *dst, const AfCpuSet *src)
{
	for (guint i = 0; i < dst->n_words; i++)
		dst->words[i] &= ~word_at(src, i);
}

AfCpuSet *af_cpuset_new_and(const AfCpuSet *a, const AfCpuSet *b)
{
	AfCpuSet *set = af_cpuset_new();

	if (a)
		af_cpuset_assign(set, a);
	af_cpuset_and(set, b);
	return set;
}

AfCpuSet *af_cpuset_new_andnot(const AfCpuSet *a, const AfCpuSet *b)
{
	AfCpuSet *set = af_cpuset_new();

	if (a)
		af_cpuset_assign(set, a);
	af_cpuset_andnot(set, b);
	return set;
}

AfCpuSet *af_cpuset_new_or(const AfCpuSet *a, const AfCpuSet *b)
{
	AfCpuSet *set = af_cpuset_new();

	if (a)
		af_cpuset_assign(set, a);
	if (b)
		af_cpuset_or(set, b);
	return set;
}

gboolean af_cpuset_contains(const AfCpuSet *set, guint cpu)
{
	return (word_at(set, cpu / WORD_BITS) >> (cpu % WORD_BITS)) & 1;
}

guint af_cpuset_count(const AfCpuSet *set)
{
	guint n = 0;

	for (guint i = 0; i < n_words_of(set); i++)
		n += (guint)__builtin_popcountll(set->words[i]);
	return n;
}

gboolean af_cpuset_is_empty(const AfCpuSet *set)
{
	for (guint i = 0; i < n_words_of(set); i++)
		if (set->words[i])
			return FALSE;
	return TRUE;
}

gboolean af_cpuset_equal(const AfCpuSet *a, const AfCpuSet *b)
{
	guint n = MAX(n_words_of(a), n_words_of(b));

	for (guint i = 0; i < n; i++)
		if (word_at(a, i) != word_at(b, i))
			return FALSE;
	return TRUE;
}

gboolean af_cpuset_is_subset(const AfCpuSet *a, const AfCpuSet *b)
{
	for (guint i = 0; i < n_words_of(a); i++)
		if (a->words[i] & ~word_at(b, i))
			return FALSE;
	return TRUE;
}

gboolean af_cpuset_intersects(const AfCpuSet *a, const AfCpuSet *b)
{
	guint n = MIN(n_words_of(a), n_words_of(b));

	for (guint i = 0; i < n; i++)
		if (a->words[i] & b->words[i])
			return TRUE;
	return FALSE;
}

int af_cpuset_next(const AfCpuSet *set, int prev)
{
	guint start = (guint)(prev + 1);
	guint i = start / WORD_BITS;
	guint64 w;

	if (prev + 1 < 0 || i >= n_words_of(set))
		return -1;
	w = set->words[i] & (~G_GUINT64_CONSTANT(0) << (start % WORD_BITS));
	for (;;) {
		if (w)
			return (int)(i * WORD_BITS + (guint)__builtin_ctzll(w));
		if (++i >= set->n_words)
			return -1;
		w = set->words[i];
	}
}

int af_cpuset_first(const AfCpuSet *set)
{
	return af_cpuset_next(set, -1);
}

int af_cpuset_last(const AfCpuSet *set)
{
	for (guint i = n_words_of(set); i-- > 0;)
		if (set->words[i])
			return (int)(i * WORD_BITS + 63 - (guint)__builtin_clzll(set->words[i]));
	return -1;
}

int af_cpuset_nth(const AfCpuSet *set, guint n)
{
	for (guint i = 0; i < n_words_of(set); i++) {
		guint64 w = set->words[i];
		guint c = (guint)__builtin_popcountll(w);

		if (n >= c) {
			n -= c;
			continue;
		}
		while (n--)
			w &= w - 1;
		return (int)(i * WORD_BITS + (guint)__builtin_ctzll(w));
	}
	return -1;
}

/* Reads a decimal CPU number; 0 or -EINVAL/-ERANGE. */
static int parse_cpu(const char **p, guint *ret)
{
	guint64 v = 0;

	if (!g_ascii_isdigit(**p))
		return -EINVAL;
	while (g_ascii_isdigit(**p)) {
		v = v * 10 + (guint64)(**p - '0');
		if (v >= AF_CPU_MAX)
			return -ERANGE;
		(*p)++;
	}
	*ret = (guint)v;
	return 0;
}

/* One "a", "a-b" or "a-b:used/group" element of a cpulist. */
static int parse_list_element(const char **p, AfCpuSet *set)
{
	guint first, last, used, group;
	int r;

	r = parse_cpu(p, &first);
	if (r < 0)
		return r;
	last = first;
	used = group = 1;
	if (**p == '-') {
		(*p)++;
		r = parse_cpu(p, &last);
		if (r < 0)
			return r;
		if (last < first)
			return -EINVAL;
		if (**p == ':') {
			(*p)++;
			r = parse_cpu(p, &used);
			if (r < 0 || *(*p)++ != '/')
				return -EINVAL;
			r = parse_cpu(p, &group);
			if (r < 0)
				return r;
			if (used == 0 || group == 0 || used > group)
				return -EINVAL;
		}
	}
	for (guint cpu = first; cpu <= last; cpu++)
		if ((cpu - first) % group < used)
			af_cpuset_add(set, cpu);
	return 0;
}

int af_cpuset_parse_list(const char *text, AfCpuSet **ret_set)
{
	g_autoptr(AfCpuSet) set = af_cpuset_new();
	const char *p = text;
	int r;

	while (g_ascii_isspace(*p))
		p++;
	while (*p && !g_ascii_isspace(*p)) {
		r = parse_list_element(&p, set);
		if (r < 0)
			return r;
		if (*p == ',') {
			p++;
			if (!g_ascii_isdigit(*p))
				return -EINVAL;
		} else if (*p && !g_ascii_isspace(*p)) {
			return -EINVAL;
		}
	}
	while (g_ascii_isspace(*p))
		p++;
	if (*p)
		return -EINVAL;
	*ret_set = g_steal_pointer(&set);
	return 0;
}

int af_cpuset_parse_mask(const char *text, AfCpuSet **ret_set)
{
	g_autoptr(AfCpuSet) set = af_cpuset_new();
	const char *start = text, *end;
	guint bit = 0;

	while (g_ascii_isspace(*start))
		start++;
	end = start + strlen(start);
	while (end > start && g_ascii_isspace(end[-1]))
		end--;
	if (end == start)
		return -EINVAL;
	/* Walk groups from the least significant (rightmost) one. */
	while (end > start) {
		const char *g = end;
		guint32 value = 0;
		guint digits;

		while (g > start && g[-1] != ',')
			g--;
		digits = (guint)(end - g);
		if (digits == 0 || digits > 8)
			return -EINVAL;
		for (const char *c = g; c < end; c++) {
			if (!g_ascii_isxdigit(*c))
				return -EINVAL;
			value = value << 4 | (guint32)g_ascii_xdigit_value(*c);
		}
		for (guint b = 0; b < 32; b++) {
			if (!(value >> b & 1))
				continue;
			if (bit + b >= AF_CPU_MAX)
				return -ERANGE;
			af_cpuset_add(set, bit + b);
		}
		bit += 32;
		end = g;
		if (end > start) {
			end--; /* the comma */
			if (end == start)
				return -EINVAL;
		}
	}
	*ret_set = g_steal_pointer(&set);
	return 0;
}

char *af_cpuset_format_list(const AfCpuSet *set)
{
	GString *s = g_string_new(NULL);
	int cpu = af_cpuset_first(set);

	while (cpu >= 0) {
		int last = cpu;

		while (af_cpuset_contains(set, (guint)last + 1))
			last++;
		if (s->len)
			g_string_append_c(s, ',');
		if (last == cpu)
			g_string_append_printf(s, "%d", cpu);
		else
			g_string_append_printf(s, "%d-%d", cpu, last);
		cpu = af_cpuset_next(set, last);
	}
	return g_string_free(s, FALSE);
}

char *af_cpuset_format_mask(const AfCpuSet *set, guint nr_cpu_ids)
{
	GString *s = g_string_new(NULL);
	guint n_groups;

	g_assert(nr_cpu_ids > 0 && nr_cpu_ids <= AF_CPU_MAX);
	g_assert(af_cpuset_last(set) < (int)nr_cpu_ids);
	n_groups = (nr_cpu_ids + 31) / 32;
	for (guint g = n_groups; g-- > 0;) {
		guint32 value = (guint32)(word_at(set, g / 2) >> (g % 2 * 32));
		/* The kernel prints the top group only as wide as its bits need. */
		guint width = g == n_groups - 1 ? ((nr_cpu_ids - 1) % 32 + 4) / 4 : 8;

		if (s->len)
			g_string_append_c(s, ',');
		g_string_append_printf(s, "%0*x", (int)width, value);
	}
	return g_string_free(s, FALSE);
}
