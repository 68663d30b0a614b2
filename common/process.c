/* process.c: the start and the stop chirp's processes share (process.h). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus.h"
#include "config.h"
#include "db.h"
#include "http_server.h"
#include "log.h"
#include "metrics.h"
#include "rand.h"
#include "registrar.h"
#include "process.h"
#include "svcauth.h"
#include "token.h"

#define PROCESS_RENEW_S 5	/* between renewals with discovery */
#define PROCESS_RETRY_S 2	/* between tries of a database not up */

void
process_load(struct process *p, const char *name, const char *self,
    const struct config_entry *table, int argc, char **argv)
{
	const char *file;

	memset(p, 0, sizeof(*p));
	p->name = name;
	p->self = self;
	snprintf(p->progname, sizeof(p->progname), "chirp-%s", self);
	p->cfg = config_load(p->progname, table, argc, argv);
	/* Checked like the other settings: exit 2, naming the setting. */
	if (!log_init(p->progname, config_str(p->cfg, "log_level"))) {
		fprintf(stderr, "%s: log_level: '%s' is not debug, info or "
		    "warn\n", p->progname, config_str(p->cfg, "log_level"));
		exit(2);
	}
	if (!log_set_format(config_str(p->cfg, "log_format"))) {
		fprintf(stderr, "%s: log_format: '%s' is not text or json\n",
		    p->progname, config_str(p->cfg, "log_format"));
		exit(2);
	}
	/* Before the secrets: a migrate step needs the database only. */
	if (config_bool(p->cfg, "migrate")) {
		int status = process_migrate_only(p);

		config_free(p->cfg);
		exit(status);
	}
	rand_init();
	metrics_init(name);

	/* A table without the token rows has no token_secret_file. */
	if ((file = config_str(p->cfg, "token_secret_file")) != NULL) {
		p->secret = (unsigned char *)token_secret_load(
		    config_str(p->cfg, "token_secret"), file, &p->secret_len);
		if (p->secret == NULL)
			fatalx("no token secret");
	}
	p->svcauth = svcauth_load(self, config_str(p->cfg, "service_secret"),
	    config_str(p->cfg, "service_secret_file"));
	if (p->svcauth == NULL)
		fatalx("no service secret");
	/* Events are sealed and opened with these keys (bus.h). */
	bus_auth_set(p->svcauth);
}

void
process_init(struct process *p, const char *name, const char *self,
    const struct config_entry *table, int argc, char **argv)
{
	sigset_t sigs;

	/*
	 * Before any thread starts, as threads inherit the mask: a signal
	 * never lands in a worker but waits for process_wait(). A client
	 * that hangs up is an error on its socket, not the end.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	process_load(p, name, self, table, argc, argv);
	p->sigs = sigs;
}

const char *
process_required(const struct process *p, const char *name)
{
	const char *v = config_str(p->cfg, name);

	if (v == NULL || *v == '\0')
		fatalx("%s is required", name);
	return v;
}

bool
process_migrate(struct process *p, const char *url)
{
	const struct timespec pause = { PROCESS_RETRY_S, 0 };
	int sig;

	while (db_migrate(url, config_str(p->cfg, "sql_dir")) == -1) {
		log_warnx("cannot migrate the %s database; retrying", p->name);
		if ((sig = sigtimedwait(&p->sigs, NULL, &pause)) > 0) {
			log_info("signal %d: stopping", sig);
			return false;
		}
	}
	return true;
}

int
process_migrate_only(struct process *p)
{
	const char *url = process_required(p, "database_url");
	const char *dir = config_str(p->cfg, "sql_dir");
	time_t deadline = time(NULL) + config_int(p->cfg, "migrate_wait");
	const struct timespec pause = { 1, 0 };
	sigset_t sigs;
	PGPing ping;
	int sig;

	/* Blocked by process_init: a stop while waiting is taken here. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);

	/*
	 * A server still starting refuses (PQPING_REJECT) or is not there
	 * yet (PQPING_NO_RESPONSE): wait for it, as a whole system starts
	 * at once. A URL libpq cannot parse (PQPING_NO_ATTEMPT) will never
	 * work: fail at once.
	 */
	while ((ping = PQping(url)) != PQPING_OK) {
		if (ping == PQPING_NO_ATTEMPT) {
			log_warnx("migrate: database_url is not a connection "
			    "string libpq accepts");
			return 1;
		}
		if (time(NULL) >= deadline) {
			log_warnx("migrate: the %s database did not answer "
			    "in %lld s", p->name,
			    config_int(p->cfg, "migrate_wait"));
			return 1;
		}
		if ((sig = sigtimedwait(&sigs, NULL, &pause)) > 0) {
			log_warnx("migrate: signal %d while waiting for the "
			    "database: stopping", sig);
			return 1;
		}
	}
	if (db_migrate(url, dir) != 0) {
		log_warnx("migrate: the %s database was not migrated (the "
		    "reason is above)", p->name);
		return 1;
	}
	log_info("migrate: the %s database is current with %s", p->name,
	    dir);
	return 0;
}

void
process_publish(struct process *p, const char *url, const char *channel)
{
	const char *const chans[] = { channel, NULL };

	p->pub = publisher_start(url, chans,
	    config_int(p->cfg, "event_retention"),
	    config_str(p->cfg, "bus_url"));
	if (p->pub == NULL)
		fatalx("cannot start the event publisher (is bus_url empty "
		    "or nats://host:port?)");
}

void
process_serve(struct process *p, struct http_server_config *hc)
{
	hc->service = p->name;
	hc->bind = config_str(p->cfg, "bind");
	hc->port = (int)config_int(p->cfg, "port");
	hc->threads = (int)config_int(p->cfg, "threads");
	hc->svcauth = p->svcauth;
	if (hc->audience == NULL)
		hc->audience = p->self;
	if ((p->http = http_server_start(hc)) == NULL)
		fatalx("cannot listen on %s port %d", hc->bind, hc->port);
	p->reg = registrar_start(config_str(p->cfg, "discovery_url"), p->name,
	    config_str(p->cfg, "advertise_host"), hc->port, PROCESS_RENEW_S,
	    p->svcauth);
}

void
process_wait(struct process *p)
{
	int sig;

	while (sigwait(&p->sigs, &sig) != 0)
		;
	log_info("signal %d: stopping", sig);
	registrar_stop(p->reg);
	http_server_stop(p->http);
	publisher_stop(p->pub);
	p->pub = NULL;
}

void
process_free(struct process *p)
{
	free(p->secret);
	svcauth_free(p->svcauth);
	config_free(p->cfg);	/* progname stays: the log names it */
}
