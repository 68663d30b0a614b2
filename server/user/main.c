/*
 * chirp-userd: the user service. Accounts, credentials and follow edges in
 * the user database; account deletion coordinated with chirp-tweetd.
 */
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cursor.h"
#include "deletion.h"
#include "events.h"
#include "http_server.h"
#include "log.h"
#include "login_throttle.h"
#include "password.h"
#include "process.h"
#include "routes.h"
#include "tweet_count.h"
#include "user_store.h"
#include "userd.h"

static const struct config_entry userd_config[] = {
	PROCESS_CONFIG_ROWS("8000"),
	CONFIG_INT_ROW("threads", "4", 1, 256, "HTTP worker threads"),
	PROCESS_STORE_ROWS("user", "sql/user"),
	PROCESS_TOKEN_ROWS,
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
	CONFIG_INT_ROW("login_lock", "1", 1, 3600,
	    "seconds an account is locked after 5 failed logins; doubles "
	    "with each further failure, up to 900 s"),
	CONFIG_STR_ROW("tweet_url", "http://127.0.0.1:8010",
	    "chirp-tweetd, the other party of account deletion"),
	CONFIG_STR_ROW("tweet_bus_url", "",
	    "chirp-tweetd's event bus (its database as the bus role, or "
	    "nats://... and that database): tweetsCount follows each tweet "
	    "and delete at once; empty: only the tweet_count_poll_ms poll"),
	CONFIG_INT_ROW("tweet_count_poll_ms", "1000", 10, 600000,
	    "milliseconds at most between two reads of chirp-tweetd's event "
	    "log for tweetsCount"),
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

int
main(int argc, char **argv)
{
	struct http_server_config hc;
	struct tweet_count *tweet_count;
	struct process proc;
	struct userd ud;
	const char *url;

	process_init(&proc, "user", "userd", userd_config, argc, argv);
	memset(&ud, 0, sizeof(ud));
	url = process_required(&proc, "database_url");
#ifdef CHIRP_TESTING
	ud.crash_point = config_str(proc.cfg, "crash_point");
	if (ud.crash_point != NULL && *ud.crash_point != '\0' &&
	    strcmp(ud.crash_point, "after_prepare") != 0 &&
	    strcmp(ud.crash_point, "after_decision") != 0)
		fatalx("crash_point must be empty, \"after_prepare\" or "
		    "\"after_decision\"");
#endif
	ud.token_ttl = config_int(proc.cfg, "token_ttl");
	ud.tweet_url = process_required(&proc, "tweet_url");
	password_set_cost((unsigned long)config_int(proc.cfg, "password_ops"),
	    (unsigned long)config_int(proc.cfg, "password_mem_kib"));
	ud.secret = proc.secret;
	ud.secret_len = proc.secret_len;
	ud.svcauth = proc.svcauth;
	/* Follow-list cursors keyed too: nobody else can make one. */
	cursor_init(ud.secret, ud.secret_len);

	if (!process_migrate(&proc, url))
		goto stopped;
	ud.store = user_store_new(url);
	process_publish(&proc, url, CHANNEL_USER);
	ud.deletion = deletion_start(&ud);
	tweet_count = tweet_count_start(&ud,
	    config_str(proc.cfg, "tweet_bus_url"),
	    (int)config_int(proc.cfg, "tweet_count_poll_ms"));
	ud.throttle = login_throttle_new(USERD_LOGIN_THROTTLE_MAX,
	    USERD_LOGIN_FAILURES, (int)config_int(proc.cfg, "login_lock"),
	    USERD_LOGIN_LOCK_CAP);

	memset(&hc, 0, sizeof(hc));
	hc.routes = routes_table;
	hc.nroutes = routes_count;
	hc.ctx = &ud;
	hc.healthy = userd_healthy;
	hc.pool_workers = (int)config_int(proc.cfg, "password_workers");
	if (hc.pool_workers == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		hc.pool_workers = cores > 0 && cores <= 1024 ? (int)cores : 1;
	}
	hc.pool_queue = (int)config_int(proc.cfg, "password_queue");
	if (hc.pool_queue == -1)
		hc.pool_queue = 2 * hc.pool_workers;
	process_serve(&proc, &hc);

	process_wait(&proc);
	tweet_count_stop(tweet_count);
	deletion_stop(ud.deletion);
	user_store_free(ud.store);
	login_throttle_free(ud.throttle);
stopped:
	process_free(&proc);
	return 0;
}
