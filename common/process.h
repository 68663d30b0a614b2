/*
 * process.h: the start and the stop that chirp's processes share, so that
 * they behave alike. In order: SIGINT and SIGTERM blocked before any
 * thread starts (and SIGPIPE ignored), the configuration loaded and checked
 * (config.h), logging, randomness, metrics, the token secret and the
 * service secret (and with it the bus keys); the database migrated,
 * waiting while it is not up yet (a whole system starting at once); the
 * HTTP server; the registration with discovery. Then the wait for a
 * signal, and the stop in the reverse order.
 *
 * The gateway, whose event loop takes signals by itself, shares the
 * loading only (process_load).
 */
#ifndef CHIRP_PROCESS_H
#define CHIRP_PROCESS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "publisher.h"
#include "svcauth.h"

struct http_server_config;

/* The rows every process has; port is its default port, as text. */
#define PROCESS_CONFIG_ROWS(port) \
	CONFIG_INT_ROW("port", port, 1, 65535, "TCP port to listen on"), \
	CONFIG_STR_ROW("bind", "127.0.0.1", "address to listen on"), \
	CONFIG_STR_ROW("log_level", "info", "debug, info or warn"), \
	CONFIG_STR_ROW("log_format", "text", "text (one line a message) " \
	    "or json (one JSON object a line)"), \
	SVCAUTH_CONFIG_ENTRIES

/* The rows of a process that checks access tokens. */
#define PROCESS_TOKEN_ROWS \
	CONFIG_SECRET_ROW("token_secret", "token signing secret, at least " \
	    "32 bytes (else token_secret_file)"), \
	CONFIG_STR_ROW("token_secret_file", ".chirp/secret", \
	    "file of the token secret, made when missing")

/*
 * The rows of a service with a database of its own (what: "user") and
 * its migrations in folder dir, that registers with discovery.
 */
#define PROCESS_STORE_ROWS(what, dir) \
	CONFIG_STR_ROW("database_url", NULL, \
	    "PostgreSQL URL of the " what " database (required)"), \
	CONFIG_STR_ROW("sql_dir", dir, \
	    "folder of the migrations applied at start"), \
	CONFIG_BOOL_ROW("migrate", "false", \
	    "apply the migrations of sql_dir to database_url, then exit: " \
	    "0 when the schema is current, 1 with the reason otherwise " \
	    "(a one-shot migrate step; flag --migrate)"), \
	CONFIG_INT_ROW("migrate_wait", "60", 0, 3600, \
	    "seconds --migrate waits for a database that does not answer " \
	    "yet"), \
	CONFIG_STR_ROW("discovery_url", "", \
	    "chirp-discoveryd to register with; empty: none"), \
	CONFIG_STR_ROW("advertise_host", "127.0.0.1", \
	    "host name given to discovery"), \
	PUBLISHER_CONFIG_ROWS

struct process {
	const char *name;	/* "user": metrics, /status, discovery */
	const char *self;	/* "userd": svcauth.h's name for it */
	char progname[32];	/* "chirp-userd" */
	struct config *cfg;
	struct svcauth *svcauth;
	unsigned char *secret;	/* token secret; NULL without its rows */
	size_t secret_len;
	sigset_t sigs;		/* SIGINT, SIGTERM: for process_wait() */
	struct http_server *http;
	struct registrar *reg;
	struct publisher *pub;	/* process_publish */
};

/*
 * Block the signals, then process_load(). Exits (logged) when a setting
 * or a secret is wrong; exits 0 after --help or -n. With --migrate (the
 * rows of PROCESS_STORE_ROWS) it applies the migrations and exits before
 * any secret is read: process_migrate_only.
 */
void process_init(struct process *, const char *name, const char *self,
    const struct config_entry *, int argc, char **argv);
/* The same without the signals: the gateway. */
void process_load(struct process *, const char *name, const char *self,
    const struct config_entry *, int argc, char **argv);
/* A string setting that must not be empty; fatal otherwise. */
const char *process_required(const struct process *, const char *name);
/*
 * Apply the migrations of sql_dir to url, waiting for a database that is
 * not up yet; false when a signal came first (then stop).
 */
bool process_migrate(struct process *, const char *url);
/*
 * The migrate-only mode: wait up to migrate_wait seconds for the server
 * of database_url to answer, apply the migrations of sql_dir once, and
 * return the exit status, 0 when the schema is current, 1 (with one
 * logged line saying why) otherwise.
 */
int process_migrate_only(struct process *);
/*
 * Start the publisher of the events of the database at url, which
 * carries channel (publisher.h), with the process's event_retention.
 * Fatal when it cannot start; process_wait stops it.
 */
void process_publish(struct process *, const char *url, const char *channel);
/*
 * Start the HTTP server of hc, whose bind, port, threads, service,
 * svcauth and, when NULL, audience come from the process; then register
 * with discovery_url, when set. Fatal when it cannot listen.
 */
void process_serve(struct process *, struct http_server_config *hc);
/*
 * Wait for SIGINT or SIGTERM, then take no more work: leave discovery,
 * stop the HTTP server and the publisher. The caller then stops its own
 * parts.
 */
void process_wait(struct process *);
/* Free what process_init() made; last. */
void process_free(struct process *);

#endif
