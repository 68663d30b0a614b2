/*
 * config.h: every setting of a binary in one const table (Redis'
 * static_configs[]): name, type, default, help. The value of a setting is,
 * lowest first: its default < a "name = value" line of the file given with
 * --config FILE < the environment variable CHIRP_<NAME> (upper case) <
 * the flag --name=VALUE or --name VALUE. "-n" checks the configuration and
 * exits 0; "--help" prints the table.
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
};

struct config;

/*
 * Load the table for this process. Exits 2 with a message on a bad flag,
 * an unreadable file or a value of the wrong type; exits 0 after --help or
 * -n. The table is borrowed and must outlive the result.
 */
struct config *config_load(const char *progname,
    const struct config_entry *table, int argc, char **argv);
void config_free(struct config *);

/* The value of a setting of the table; NULL when unset. */
const char *config_str(const struct config *, const char *name);
long long config_int(const struct config *, const char *name);
bool config_bool(const struct config *, const char *name);
/* An integer setting in [min, max]; at start-up, so it exits 2 with a
 * message when the value is outside. */
long long config_int_range(const struct config *, const char *name,
    long long min, long long max);
/* Set a value (tests, derived defaults). Copied. */
void config_set(struct config *, const char *name, const char *value);

/* Parse a whole decimal number in [min, max]; false on anything else. */
bool config_parse_int(const char *, long long min, long long max,
    long long *out);

#endif
