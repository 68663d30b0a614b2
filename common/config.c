/*
 * config.c: one table of settings per binary. Values, lowest first:
 * default < --config FILE < CHIRP_<NAME> < CHIRP_<PROG>_<NAME> < flags.
 * PROG is the program name without "chirp-", upper case (USERD...), so
 * that one environment can configure several services apart.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "xmalloc.h"

struct config {
	const char *progname;
	const struct config_entry *table;
	size_t n;
	char **values;		/* owned; NULL when unset */
};

bool
config_parse_int(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool
config_parse_bool(const char *s, bool *out)
{
	if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0 ||
	    strcmp(s, "yes") == 0 || strcmp(s, "on") == 0)
		*out = true;
	else if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0 ||
	    strcmp(s, "no") == 0 || strcmp(s, "off") == 0 ||
	    strcmp(s, "") == 0)
		*out = false;
	else
		return false;
	return true;
}

static long
config_find(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->table[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* Store value for entry i after checking its type; false when wrong. */
static bool
config_put(struct config *c, size_t i, const char *value, const char *from)
{
	const struct config_entry *e = &c->table[i];
	long long n;
	bool b;

	if (e->type == CONFIG_INT && !config_parse_int(value, -(1LL << 62),
	    1LL << 62, &n)) {
		fprintf(stderr, "%s: %s: '%s' is not a whole number\n",
		    c->progname, from, e->name);
		return false;
	}
	if (e->type == CONFIG_BOOL && !config_parse_bool(value, &b)) {
		fprintf(stderr, "%s: %s: '%s' is not true or false\n",
		    c->progname, from, e->name);
		return false;
	}
	free(c->values[i]);
	c->values[i] = xstrdup(value);
	return true;
}

/* PROG of CHIRP_<PROG>_<NAME>: "chirp-userd" is USERD. */
static void
config_prog(const char *progname, char *out, size_t len)
{
	const char *base;
	size_t o;

	base = strncmp(progname, "chirp-", 6) == 0 ? progname + 6 : progname;
	for (o = 0; base[o] != '\0' && o + 1 < len; o++)
		out[o] = (char)toupper((unsigned char)base[o]);
	out[o] = '\0';
}

static void
config_usage(const struct config *c, FILE *f)
{
	char prog[64];
	size_t i;

	fprintf(f, "usage: %s [-n] [--config FILE] [--NAME VALUE ...]\n\n",
	    c->progname);
	config_prog(c->progname, prog, sizeof(prog));
	fprintf(f, "settings (environment CHIRP_NAME or CHIRP_%s_NAME, "
	    "flags --NAME):\n", prog);
	for (i = 0; i < c->n; i++) {
		const struct config_entry *e = &c->table[i];
		bool def = e->def != NULL && !e->secret && e->def[0] != '\0';

		fprintf(f, "  %-22s %s", e->name, e->help);
		if (e->type == CONFIG_INT)
			fprintf(f, " (%lld to %lld%s%s)", e->min, e->max,
			    def ? ", default: " : "", def ? e->def : "");
		else if (def)
			fprintf(f, " (default: %s)", e->def);
		fprintf(f, "\n");
	}
}

/*
 * Every integer set, whatever its source, inside its row's range; each
 * one outside is named. Once, on the final values, so that a flag may
 * mend what the file got wrong.
 */
static bool
config_check_ranges(const struct config *c)
{
	const struct config_entry *e;
	long long v;
	size_t i;
	bool ok = true;

	for (i = 0; i < c->n; i++) {
		e = &c->table[i];
		if (e->type != CONFIG_INT || c->values[i] == NULL ||
		    config_parse_int(c->values[i], e->min, e->max, &v))
			continue;
		fprintf(stderr, "%s: %s: %s is out of range (%lld to %lld)\n",
		    c->progname, e->name, c->values[i], e->min, e->max);
		ok = false;
	}
	return ok;
}

/* "name = value" lines; '#' starts a comment. */
static bool
config_read_file(struct config *c, const char *path)
{
	char line[4096], *p, *eq, *k, *v, *end;
	FILE *f;
	int lineno = 0;
	long i;
	bool ok = true;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "%s: cannot read '%s': %s\n", c->progname,
		    path, strerror(errno));
		return false;
	}
	while (ok && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		p = line + strspn(line, " \t");
		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		if ((eq = strchr(p, '=')) == NULL) {
			fprintf(stderr, "%s: %s:%d: expected 'name = value'\n",
			    c->progname, path, lineno);
			ok = false;
			break;
		}
		*eq = '\0';
		k = p;
		for (end = eq; end > k && isspace((unsigned char)end[-1]);)
			*--end = '\0';
		v = eq + 1 + strspn(eq + 1, " \t");
		for (end = v + strlen(v); end > v &&
		    isspace((unsigned char)end[-1]);)
			*--end = '\0';
		if ((i = config_find(c, k)) < 0) {
			fprintf(stderr, "%s: %s:%d: unknown setting '%s'\n",
			    c->progname, path, lineno, k);
			ok = false;
		} else
			ok = config_put(c, (size_t)i, v, path);
	}
	fclose(f);
	return ok;
}

static void
config_env_name(char *out, size_t len, const char *prefix, const char *name)
{
	size_t o;
	const char *s;

	o = (size_t)snprintf(out, len, "CHIRP_%s%s", prefix ? prefix : "",
	    prefix ? "_" : "");
	for (s = name; *s != '\0' && o + 1 < len; s++)
		out[o++] = (char)toupper((unsigned char)*s);
	out[o] = '\0';
}

struct config *
config_load(const char *progname, const struct config_entry *table,
    int argc, char **argv)
{
	struct config *c = xcalloc(1, sizeof(*c));
	char prog[64], env[160];
	const char *v, *cfgfile = NULL;
	size_t i, o;
	int a;
	bool check = false;

	c->progname = progname;
	c->table = table;
	while (table[c->n].name != NULL)
		c->n++;
	c->values = xcalloc(c->n + 1, sizeof(char *));
	for (i = 0; i < c->n; i++)
		if (table[i].def != NULL)
			c->values[i] = xstrdup(table[i].def);

	config_prog(progname, prog, sizeof(prog));

	/* First pass: --help, -n and --config. */
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--help") == 0 ||
		    strcmp(argv[a], "-h") == 0) {
			config_usage(c, stdout);
			config_free(c);
			exit(0);
		} else if (strcmp(argv[a], "-n") == 0)
			check = true;
		else if (strcmp(argv[a], "--config") == 0 && a + 1 < argc)
			cfgfile = argv[++a];
		else if (strncmp(argv[a], "--config=", 9) == 0)
			cfgfile = argv[a] + 9;
	}
	if (cfgfile == NULL)
		cfgfile = getenv("CHIRP_CONFIG");
	if (cfgfile != NULL && !config_read_file(c, cfgfile))
		goto bad;

	for (i = 0; i < c->n; i++) {
		config_env_name(env, sizeof(env), NULL, table[i].name);
		if ((v = getenv(env)) != NULL &&
		    !config_put(c, i, v, "environment"))
			goto bad;
		config_env_name(env, sizeof(env), prog, table[i].name);
		if ((v = getenv(env)) != NULL &&
		    !config_put(c, i, v, "environment"))
			goto bad;
	}

	for (a = 1; a < argc; a++) {
		const char *arg = argv[a], *eq;
		char name[128];
		long idx;

		if (strcmp(arg, "-n") == 0)
			continue;
		if (strcmp(arg, "--config") == 0) {
			a++;
			continue;
		}
		if (strncmp(arg, "--config=", 9) == 0)
			continue;
		if (strncmp(arg, "--", 2) != 0) {
			fprintf(stderr, "%s: unexpected argument '%s'\n",
			    progname, arg);
			goto usage;
		}
		arg += 2;
		if ((eq = strchr(arg, '=')) != NULL) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - arg),
			    arg);
			v = eq + 1;
		} else {
			snprintf(name, sizeof(name), "%s", arg);
			v = NULL;
		}
		for (o = 0; name[o] != '\0'; o++)
			if (name[o] == '-')
				name[o] = '_';
		if ((idx = config_find(c, name)) < 0) {
			fprintf(stderr, "%s: unknown option '--%s'\n",
			    progname, name);
			goto usage;
		}
		if (v == NULL) {
			if (table[idx].type == CONFIG_BOOL)
				v = "true";
			else if (a + 1 < argc)
				v = argv[++a];
			else {
				fprintf(stderr, "%s: option '--%s' needs a "
				    "value\n", progname, name);
				goto usage;
			}
		}
		if (!config_put(c, (size_t)idx, v, "command line"))
			goto bad;
	}
	if (!config_check_ranges(c))
		goto bad;
	if (check) {
		fprintf(stderr, "%s: configuration OK\n", progname);
		config_free(c);
		exit(0);
	}
	return c;
usage:
	config_usage(c, stderr);
bad:
	config_free(c);
	exit(2);
}

void
config_free(struct config *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		free(c->values[i]);
	free(c->values);
	free(c);
}

const char *
config_str(const struct config *c, const char *name)
{
	long i = config_find(c, name);

	return i < 0 ? NULL : c->values[i];
}

long long
config_int(const struct config *c, const char *name)
{
	const char *v = config_str(c, name);
	long long n = 0;

	if (v != NULL)
		(void)config_parse_int(v, -(1LL << 62), 1LL << 62, &n);
	return n;
}

bool
config_bool(const struct config *c, const char *name)
{
	const char *v = config_str(c, name);
	bool b = false;

	if (v != NULL)
		(void)config_parse_bool(v, &b);
	return b;
}

void
config_set(struct config *c, const char *name, const char *value)
{
	long i = config_find(c, name);

	if (i < 0)
		return;
	free(c->values[i]);
	c->values[i] = value ? xstrdup(value) : NULL;
}
