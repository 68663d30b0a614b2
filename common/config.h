/*
 * config.h: every setting of a binary in one const table (Redis'
 * static_configs[]): name, type, default, help. The value of a setting is,
 * lowest first: its default < a "name = value" line of the file given with
 * --config FILE < the environment variable CHIRP_<NAME> (upper case) <
 * the flag --name=VALUE or --name VALUE. "-n" checks the configuration and
 * exits 0; "--help" prints the table. An integer row carries its range
 * (Redis' createIntConfig(..., lower, upper, ...)): the value is checked
 * against it once, at load, so that every error names its setting.
 */
#ifndef CHIRP_CONFIG_H
#define CHIRP_CONFIG_H

#include <stdbool.h>

enum config_type { CONFIG_STRING, CONFIG_INT, CONFIG_BOOL };

struct config_entry {
	const char *name;	/* "database_url": flag --database_url */
	enum config_type type;
	const char *def;	/* default as text; NULL is unset */
	const char *help;
	bool secret;		/* never printed */
	long long min, max;	/* CONFIG_INT: the values allowed */
};

/* Rows of a table, the fields not named zero; CONFIG_END closes it. */
#define CONFIG_STR_ROW(n, d, h) \
	{ .name = (n), .type = CONFIG_STRING, .def = (d), .help = (h) }
#define CONFIG_SECRET_ROW(n, h) \
	{ .name = (n), .type = CONFIG_STRING, .help = (h), .secret = true }
#define CONFIG_INT_ROW(n, d, lo, hi, h) \
	{ .name = (n), .type = CONFIG_INT, .def = (d), .help = (h), \
	  .min = (lo), .max = (hi) }
#define CONFIG_BOOL_ROW(n, d, h) \
	{ .name = (n), .type = CONFIG_BOOL, .def = (d), .help = (h) }
#define CONFIG_END { .name = NULL }

struct config;

/*
 * Load the table for this process. Exits 2 with a message on a bad flag,
 * an unreadable file, a value of the wrong type or an integer outside its
 * row's range; exits 0 after --help or -n. The table is borrowed and must
 * outlive the result.
 */
struct config *config_load(const char *progname,
    const struct config_entry *table, int argc, char **argv);
void config_free(struct config *);

/* The value of a setting of the table; NULL when unset. */
const char *config_str(const struct config *, const char *name);
long long config_int(const struct config *, const char *name);
bool config_bool(const struct config *, const char *name);
/* Set a value (tests, derived defaults). Copied. */
void config_set(struct config *, const char *name, const char *value);

/* Parse a whole decimal number in [min, max]; false on anything else. */
bool config_parse_int(const char *, long long min, long long max,
    long long *out);

#endif
