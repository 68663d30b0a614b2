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
#include "cursor.h"
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
	{ "port", CONFIG_INT, "8000", "TCP port to listen on", false },
	{ "bind", CONFIG_STRING, "127.0.0.1", "address to listen on", false },
	{ "threads", CONFIG_INT, "4", "HTTP worker threads", false },
	{ "database_url", CONFIG_STRING, NULL,
	  "PostgreSQL URL of the user database (required)", false },
	{ "sql_dir", CONFIG_STRING, "sql/user",
	  "folder of the migrations applied at start", false },
	{ "token_secret", CONFIG_STRING, NULL,
	  "token signing secret, at least 32 bytes (else token_secret_file)",
	  true },
	{ "token_secret_file", CONFIG_STRING, ".chirp/secret",
	  "file of the token secret, made when missing", false },
	{ "token_ttl", CONFIG_INT, "2592000",
	  "seconds an access token lives (30 days)", false },
	{ "password_ops", CONFIG_INT, "0",
	  "argon2id passes; 0 is the default cost", false },
	{ "password_mem_kib", CONFIG_INT, "0",
	  "argon2id memory in KiB; 0 is the default cost", false },
	{ "password_workers", CONFIG_INT, "0",
	  "password hashes (login, register) run at once; 0 is the number "
	  "of cores", false },
	{ "password_queue", CONFIG_INT, "-1",
	  "password hashes waiting for a worker; past that login and "
	  "register answer 429 at once; -1 is twice password_workers",
	  false },
	{ "tweet_url", CONFIG_STRING, "http://127.0.0.1:8010",
	  "chirp-tweetd, the other party of account deletion", false },
	{ "discovery_url", CONFIG_STRING, "",
	  "chirp-discoveryd to register with; empty: none", false },
	{ "advertise_host", CONFIG_STRING, "127.0.0.1",
	  "host name given to discovery", false },
	SVCAUTH_CONFIG_ENTRIES,
	{ "log_level", CONFIG_STRING, "info", "debug, info or warn", false },
#ifdef CHIRP_TESTING
	/* Fault injection exists in the test build only (Makefile). */
	{ "crash_point", CONFIG_STRING, "",
	  "testing aid only: exit(137) during an account deletion at "
	  "\"after_prepare\" or \"after_decision\"; empty: never", false },
#endif
	{ NULL, CONFIG_STRING, NULL, NULL, false },
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
	port = (int)config_int_range(cfg, "port", 1, 65535);
#ifdef CHIRP_TESTING
	ud.crash_point = config_str(cfg, "crash_point");
	if (ud.crash_point != NULL && *ud.crash_point != '\0' &&
	    strcmp(ud.crash_point, "after_prepare") != 0 &&
	    strcmp(ud.crash_point, "after_decision") != 0)
		fatalx("crash_point must be empty, \"after_prepare\" or "
		    "\"after_decision\"");
#endif
	ud.token_ttl = config_int_range(cfg, "token_ttl", 1, 10LL * 365 * 86400);
	ud.tweet_url = config_str(cfg, "tweet_url");
	if (ud.tweet_url == NULL || *ud.tweet_url == '\0')
		fatalx("tweet_url is required");
	password_set_cost(
	    (unsigned long)config_int_range(cfg, "password_ops", 0, 1000),
	    (unsigned long)config_int_range(cfg, "password_mem_kib", 0, 4194304));
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
	/* Follow-list cursors keyed too: nobody else can make one. */
	cursor_init(ud.secret, ud.secret_len);

	if (!migrate(url, config_str(cfg, "sql_dir"), &sigs))
		goto stopped;
	ud.store = user_store_new(url);
	ud.deletion = deletion_start(&ud);

	memset(&hc, 0, sizeof(hc));
	hc.service = "user";
	hc.bind = config_str(cfg, "bind");
	hc.port = port;
	hc.threads = (int)config_int_range(cfg, "threads", 1, 256);
	hc.routes = routes_table;
	hc.nroutes = routes_count;
	hc.ctx = &ud;
	hc.healthy = userd_healthy;
	hc.svcauth = ud.svcauth;
	hc.audience = "userd";
	hc.pool_workers = (int)config_int_range(cfg, "password_workers", 0,
	    1024);
	if (hc.pool_workers == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		hc.pool_workers = cores > 0 && cores <= 1024 ? (int)cores : 1;
	}
	hc.pool_queue = (int)config_int_range(cfg, "password_queue", -1,
	    65536);
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
