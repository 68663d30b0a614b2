/*
 * chirp-tweetd: the tweet service. Tweets, timelines and idempotency keys
 * in the tweet database; followings asked of chirp-userd and cached, kept
 * right by the user service's events; the participant side of account
 * deletion.
 */
#include <stdbool.h>
#include <string.h>

#include "config.h"
#include "cursor.h"
#include "deletion.h"
#include "events.h"
#include "feed.h"
#include "followings.h"
#include "http_server.h"
#include "log.h"
#include "revocations.h"
#include "routes.h"
#include "ticker.h"
#include "process.h"
#include "tweet_store.h"
#include "tweetd.h"
#include "userd_client.h"

static const struct config_entry tweetd_config[] = {
	PROCESS_CONFIG_ROWS("8010"),
	CONFIG_INT_ROW("threads", "4", 1, 256, "HTTP worker threads"),
	PROCESS_STORE_ROWS("tweet", "sql/tweet"),
	PROCESS_TOKEN_ROWS,
	CONFIG_STR_ROW("user_url", "http://127.0.0.1:8000",
	    "chirp-userd: followings, users, deletion decisions"),
	CONFIG_STR_ROW("user_bus_url", NULL,
	    "chirp-userd's event bus (its database, or nats://host:port then "
	    "a space then that database) (required)"),
	CONFIG_INT_ROW("followings_cache_max", "100000", 0, 100000000,
	    "users whose followings are cached"),
	CONFIG_INT_ROW("feed_cap", "400", 20, 10000,
	    "home-timeline feed rows kept per reader; older pages are read "
	    "from the authors' timelines"),
	CONFIG_INT_ROW("feed_popular", "10000", 1, 1000000000,
	    "followers above which an author's posts are not fanned out but "
	    "merged into home timelines at read"),
	CONFIG_INT_ROW("feed_keep_days", "30", 1, 3650,
	    "days a reader may be away before its feed is dropped (rebuilt "
	    "on the next read)"),
	CONFIG_INT_ROW("recovery_age", "30", 1, 86400,
	    "seconds before a prepared account deletion counts as in doubt"),
	CONFIG_INT_ROW("recovery_period", "10", 1, 3600,
	    "seconds between account-deletion recovery passes"),
	CONFIG_END,
};

static bool
tweetd_healthy(void *ctx)
{
	struct tweetd *td = ctx;

	return tweet_store_healthy(td->store);
}

int
main(int argc, char **argv)
{
	struct http_server_config hc;
	struct deletion *recovery;
	struct ticker *feed_ticker;
	struct process proc;
	struct tweetd td;
	const char *url, *bus_url;

	process_init(&proc, "tweet", "tweetd", tweetd_config, argc, argv);
	memset(&td, 0, sizeof td);
	url = process_required(&proc, "database_url");
	bus_url = process_required(&proc, "user_bus_url");
	td.user_url = process_required(&proc, "user_url");
	td.secret = proc.secret;
	td.secret_len = proc.secret_len;
	td.svcauth = proc.svcauth;
	/* Likers-list cursors keyed: nobody else can make one. */
	cursor_init(td.secret, td.secret_len);

	if (!process_migrate(&proc, url))
		goto stopped;
	td.store = tweet_store_new(url);
	tweet_store_feed_config(td.store, (int)config_int(proc.cfg, "feed_cap"),
	    config_int(proc.cfg, "feed_popular"));
	process_publish(&proc, url, CHANNEL_TWEET);
	td.userd = userd_client_new(td.user_url, td.svcauth);
	td.followings = followings_new(td.userd, bus_url,
	    (size_t)config_int(proc.cfg, "followings_cache_max"));
	td.feed = feed_new(td.store, td.userd,
	    (int)config_int(proc.cfg, "feed_keep_days"));
	followings_feed(td.followings, td.feed);
	revocations_init(&td);
	if (revocations_reload(&td) == -1)
		log_warnx("revocations: no list from userd yet; retrying");
	if (followings_start(td.followings) != 0)
		fatalx("cannot start the user event listener");
	recovery = deletion_recovery_start(td.store, td.userd,
	    (int)config_int(proc.cfg, "recovery_age"),
	    (int)config_int(proc.cfg, "recovery_period"));

	/* Catches the replica up at once, then every minute. */
	feed_ticker = ticker_start(feed_tick, td.feed);

	memset(&hc, 0, sizeof hc);
	hc.routes = routes_table;
	hc.nroutes = routes_count;
	hc.ctx = &td;
	hc.healthy = tweetd_healthy;
	process_serve(&proc, &hc);

	process_wait(&proc);
	deletion_recovery_stop(recovery);
	ticker_stop(feed_ticker);
	followings_free(td.followings);
	feed_free(td.feed);
	revocations_free(&td);
	userd_client_free(td.userd);
	tweet_store_free(td.store);
stopped:
	process_free(&proc);
	return 0;
}
