/*
 * chirp-userd: the user service. Accounts, credentials and follow edges in
 * the user database; account deletion coordinated with chirp-tweetd.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "config.h"
#include "db.h"
#include "deletion.h"
#include "http_server.h"
#include "log.h"
#include "login_throttle.h"
#include "signals.h"
#include "metrics.h"
#include "password.h"
#include "rand.h"
#include "registrar.h"
#include "routes.h"
#include "svcauth.h"
#include "token.h"
#include "user_store.h"
#include "userd.h"

static const struct config_entry userd_config[] = {
	CONFIG_INT_ROW("port", "8000", 1, 65535, "TCP port to listen on"),
	CONFIG_STR_ROW("bind", "127.0.0.1", "address to listen on"),
	CONFIG_INT_ROW("threads", "4", 1, 256, "HTTP worker threads"),
	CONFIG_STR_ROW("database_url", NULL,
	    "PostgreSQL URL of the user database (required)"),
	CONFIG_STR_ROW("sql_dir", "sql/user",
	    "folder of the migrations applied at start"),
	CONFIG_SECRET_ROW("token_secret",
	    "token signing secret, at least 32 bytes (else token_secret_file)"),
	CONFIG_STR_ROW("token_secret_file", ".chirp/secret",
	    "file of the token secret, made when missing"),
	CONFIG_INT_ROW("token_ttl", "2592000", 1, 10LL * 365 * 86400,
	    "seconds an access token lives (30 days)"),
	CONFIG_INT_ROW("password_ops", "0", 0, 1000,
	    "argon2id passes; 0 is the default cost"),
	CONFIG_INT_ROW("password_mem_kib", "0", 0, 4194304,
	    "argon2id memory in KiB; 0 is the default cost"),
	CONFIG_INT_ROW("password_workers", "0", 0, 1024,
	    "password hashes (login, register) run at once; 0 is the number "
	    "of cores"),
	CONFIG_INT_ROW("password_queue", "-1", -1, 65536,
	    "password hashes waiting for a worker; past that login and "
	    "register answer 429 at once; -1 is twice password_workers"),
	CONFIG_STR_ROW("tweet_url", "http://127.0.0.1:8010",
	    "chirp-tweetd, the other party of account deletion"),
	CONFIG_STR_ROW("discovery_url", "",
	    "chirp-discoveryd to register with; empty: none"),
	CONFIG_STR_ROW("advertise_host", "127.0.0.1",
	    "host name given to discovery"),
	SVCAUTH_CONFIG_ENTRIES,
	CONFIG_STR_ROW("log_level", "info", "debug, info or warn"),
#ifdef CHIRP_TESTING
	/* Fault injection exists in the test build only (Makefile). */
	CONFIG_STR_ROW("crash_point", "",
	    "testing aid only: exit(137) during an account deletion at "
	    "\"after_prepare\" or \"after_decision\"; empty: never"),
#endif
	CONFIG_END,
};

static bool
userd_healthy(void *ctx)
{
	struct userd *ud = ctx;

	return user_store_healthy(ud->store);
}

/*
 * Apply the migrations, waiting for a database that is not up yet (a
 * whole system starting at once); false when a signal came first.
 */
static bool
migrate(const char *url, const char *dir, const sigset_t *sigs)
{
	const struct timespec pause = { 2, 0 };
	int sig;

	while (db_migrate(url, dir) == -1) {
		log_warnx("cannot migrate the user database; retrying");
		if ((sig = sigtimedwait(sigs, NULL, &pause)) > 0) {
			log_info("signal %d: stopping", sig);
			return false;
		}
	}
	return true;
}

int
main(int argc, char **argv)
{
	struct http_server_config hc;
	struct http_server *http;
	struct registrar *reg;
	struct config *cfg;
	struct userd ud;
	const char *url;
	sigset_t sigs;
	int port;

	/* Every thread started from here on leaves these to signals_wait(). */
	signals_block(&sigs);

	cfg = config_load("chirp-userd", userd_config, argc, argv);
	log_init("chirp-userd", config_str(cfg, "log_level"));
	rand_init();
	metrics_init("user");

	memset(&ud, 0, sizeof(ud));
	if ((url = config_str(cfg, "database_url")) == NULL || *url == '\0')
		fatalx("database_url is required");
	port = (int)config_int(cfg, "port");
#ifdef CHIRP_TESTING
	ud.crash_point = config_str(cfg, "crash_point");
	if (ud.crash_point != NULL && *ud.crash_point != '\0' &&
	    strcmp(ud.crash_point, "after_prepare") != 0 &&
	    strcmp(ud.crash_point, "after_decision") != 0)
		fatalx("crash_point must be empty, \"after_prepare\" or "
		    "\"after_decision\"");
#endif
	ud.token_ttl = config_int(cfg, "token_ttl");
	ud.tweet_url = config_str(cfg, "tweet_url");
	if (ud.tweet_url == NULL || *ud.tweet_url == '\0')
		fatalx("tweet_url is required");
	password_set_cost(
	    (unsigned long)config_int(cfg, "password_ops"),
	    (unsigned long)config_int(cfg, "password_mem_kib"));
	ud.secret = (unsigned char *)token_secret_load(
	    config_str(cfg, "token_secret"),
	    config_str(cfg, "token_secret_file"), &ud.secret_len);
	if (ud.secret == NULL)
		fatalx("no token secret");
	ud.svcauth = svcauth_load("userd", config_str(cfg, "service_secret"),
	    config_str(cfg, "service_secret_file"));
	if (ud.svcauth == NULL)
		fatalx("no service secret");
	bus_auth_set(ud.svcauth);

	if (!migrate(url, config_str(cfg, "sql_dir"), &sigs))
		goto stopped;
	ud.store = user_store_new(url);
	ud.deletion = deletion_start(&ud);

	memset(&hc, 0, sizeof(hc));
	hc.service = "user";
	hc.bind = config_str(cfg, "bind");
	hc.port = port;
	hc.threads = (int)config_int(cfg, "threads");
	hc.routes = routes_table;
	hc.nroutes = routes_count;
	hc.ctx = &ud;
	hc.healthy = userd_healthy;
	hc.svcauth = ud.svcauth;
	hc.audience = "userd";
	hc.pool_workers = (int)config_int(cfg, "password_workers");
	if (hc.pool_workers == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		hc.pool_workers = cores > 0 && cores <= 1024 ? (int)cores : 1;
	}
	hc.pool_queue = (int)config_int(cfg, "password_queue");
	if (hc.pool_queue == -1)
		hc.pool_queue = 2 * hc.pool_workers;
	ud.throttle = login_throttle_new(USERD_LOGIN_THROTTLE_MAX,
	    USERD_LOGIN_FAILURES, USERD_LOGIN_LOCK_BASE, USERD_LOGIN_LOCK_CAP);
	if ((http = http_server_start(&hc)) == NULL)
		fatalx("cannot listen on %s port %d", hc.bind, port);
	reg = registrar_start(config_str(cfg, "discovery_url"), "user",
	    config_str(cfg, "advertise_host"), port, 5, ud.svcauth);

	(void)signals_wait();

	registrar_stop(reg);
	http_server_stop(http);
	deletion_stop(ud.deletion);
	user_store_free(ud.store);
	login_throttle_free(ud.throttle);
stopped:
	free(ud.secret);
	svcauth_free(ud.svcauth);
	config_free(cfg);
	return 0;
}
