/*
 * chirp-tweetd: the tweet service. Tweets, timelines and idempotency keys
 * in the tweet database; followings asked of chirp-userd and cached, kept
 * right by the user service's events; the participant side of account
 * deletion.
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "config.h"
#include "db.h"
#include "deletion.h"
#include "followings.h"
#include "http_server.h"
#include "log.h"
#include "signals.h"
#include "metrics.h"
#include "rand.h"
#include "registrar.h"
#include "revocations.h"
#include "routes.h"
#include "svcauth.h"
#include "token.h"
#include "tweet_store.h"
#include "tweetd.h"
#include "userd_client.h"

static const struct config_entry tweetd_config[] = {
	CONFIG_INT_ROW("port", "8010", 1, 65535, "TCP port to listen on"),
	CONFIG_STR_ROW("bind", "127.0.0.1", "address to listen on"),
	CONFIG_INT_ROW("threads", "4", 1, 256, "HTTP worker threads"),
	CONFIG_STR_ROW("database_url", NULL,
	    "PostgreSQL URL of the tweet database (required)"),
	CONFIG_STR_ROW("sql_dir", "sql/tweet",
	    "folder of the migrations applied at start"),
	CONFIG_STR_ROW("user_url", "http://127.0.0.1:8000",
	    "chirp-userd: followings, users, deletion decisions"),
	CONFIG_STR_ROW("user_bus_url", NULL,
	    "PostgreSQL URL of the user database, only to LISTEN to its "
	    "events (required)"),
	CONFIG_SECRET_ROW("token_secret",
	    "token signing secret, at least 32 bytes (else token_secret_file)"),
	CONFIG_STR_ROW("token_secret_file", ".chirp/secret",
	    "file of the token secret, made when missing"),
	CONFIG_STR_ROW("discovery_url", "",
	    "chirp-discoveryd to register with; empty: none"),
	CONFIG_STR_ROW("advertise_host", "127.0.0.1",
	    "host name given to discovery"),
	CONFIG_INT_ROW("followings_cache_max", "100000", 0, 100000000,
	    "users whose followings are cached"),
	CONFIG_INT_ROW("recovery_age", "30", 1, 86400,
	    "seconds before a prepared account deletion counts as in doubt"),
	CONFIG_INT_ROW("recovery_period", "10", 1, 3600,
	    "seconds between account-deletion recovery passes"),
	SVCAUTH_CONFIG_ENTRIES,
	CONFIG_STR_ROW("log_level", "info", "debug, info or warn"),
	CONFIG_END,
};

static bool
tweetd_healthy(void *ctx)
{
	struct tweetd *td = ctx;

	return tweet_store_healthy(td->store);
}

/* A string setting that must not be empty; fatal otherwise. */
static const char *
required(const struct config *cfg, const char *name)
{
	const char *v = config_str(cfg, name);

	if (v == NULL || *v == '\0')
		fatalx("%s is required", name);
	return v;
}

int
main(int argc, char **argv)
{
	struct http_server_config hc;
	struct http_server *http;
	struct registrar *reg;
	struct deletion *recovery;
	struct config *cfg;
	struct tweetd td;
	const char *url, *bus_url;
	int port;

	/* Every thread started from here on leaves these to signals_wait(). */
	signals_block(NULL);

	cfg = config_load("chirp-tweetd", tweetd_config, argc, argv);
	log_init("chirp-tweetd", config_str(cfg, "log_level"));
	rand_init();
	metrics_init("tweet");

	memset(&td, 0, sizeof td);
	url = required(cfg, "database_url");
	bus_url = required(cfg, "user_bus_url");
	td.user_url = required(cfg, "user_url");
	port = (int)config_int(cfg, "port");
	td.secret = (unsigned char *)token_secret_load(
	    config_str(cfg, "token_secret"),
	    config_str(cfg, "token_secret_file"), &td.secret_len);
	if (td.secret == NULL)
		fatalx("no token secret");
	td.svcauth = svcauth_load("tweetd", config_str(cfg, "service_secret"),
	    config_str(cfg, "service_secret_file"));
	if (td.svcauth == NULL)
		fatalx("no service secret");
	bus_auth_set(td.svcauth);

	if (db_migrate(url, config_str(cfg, "sql_dir")) == -1)
		fatalx("cannot migrate the tweet database");
	td.store = tweet_store_new(url);
	td.userd = userd_client_new(td.user_url, td.svcauth);
	td.followings = followings_new(td.userd, bus_url,
	    (size_t)config_int(cfg, "followings_cache_max"));
	revocations_init(&td);
	if (revocations_reload(&td) == -1)
		log_warnx("revocations: no list from userd yet; retrying");
	if (followings_start(td.followings) != 0)
		fatalx("cannot start the user event listener");
	recovery = deletion_recovery_start(td.store, td.userd,
	    (int)config_int(cfg, "recovery_age"),
	    (int)config_int(cfg, "recovery_period"));

	memset(&hc, 0, sizeof hc);
	hc.service = "tweet";
	hc.bind = config_str(cfg, "bind");
	hc.port = port;
	hc.threads = (int)config_int(cfg, "threads");
	hc.routes = routes_table;
	hc.nroutes = routes_count;
	hc.ctx = &td;
	hc.healthy = tweetd_healthy;
	hc.svcauth = td.svcauth;
	hc.audience = "tweetd";
	if ((http = http_server_start(&hc)) == NULL)
		fatalx("cannot listen on %s port %d", hc.bind, port);
	reg = registrar_start(config_str(cfg, "discovery_url"), "tweet",
	    config_str(cfg, "advertise_host"), port, 5, td.svcauth);

	(void)signals_wait();

	registrar_stop(reg);
	http_server_stop(http);
	deletion_recovery_stop(recovery);
	followings_free(td.followings);
	revocations_free(&td);
	userd_client_free(td.userd);
	tweet_store_free(td.store);
	free(td.secret);
	svcauth_free(td.svcauth);
	config_free(cfg);
	return 0;
}
