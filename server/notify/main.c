/*
 * chirp-notifyd: the notification service. Notifications and read marks
 * in the notification database, built only from the events of chirp-userd
 * (follow, unfollow, user_deleted) and chirp-tweetd (replies, mentions,
 * reposts, likes and their undoing), each applied exactly once
 * (intake.h); its own events (CHANNEL_NOTIFY) published from its own
 * event log for the gateway's live feed.
 *
 * Account deletion: notifyd cleans up from chirp-userd's user_deleted
 * event instead of joining the two-phase commit of userd and tweetd.
 * Notifications are derived data, rebuilt from events, and hold nothing
 * the deleted user wrote beyond a name and copies of tweets that tweetd
 * deletes in that protocol: a third participant would make every deletion
 * wait on one more database and service (and fail while notifyd is
 * down) for no gain in what is finally removed. The event is in userd's
 * log once the deletion commits, so it is applied exactly once however
 * late; until then a read shows the deleted tweets as gone from tweetd,
 * and deleted_users keeps late events of tweetd's log from making new
 * notifications to or by the account (notify_store.c).
 */
#include <stdbool.h>
#include <string.h>

#include "config.h"
#include "events.h"
#include "http_server.h"
#include "intake.h"
#include "log.h"
#include "notify_store.h"
#include "notifyd.h"
#include "process.h"
#include "revocations.h"
#include "routes.h"
#include "svc_client.h"

#define NOTIFYD_CLIENT_TIMEOUT_MS 2000

static const struct config_entry notifyd_config[] = {
	PROCESS_CONFIG_ROWS("8020"),
	CONFIG_INT_ROW("threads", "4", 1, 256, "HTTP worker threads"),
	PROCESS_STORE_ROWS("notification", "sql/notify"),
	PROCESS_TOKEN_ROWS,
	CONFIG_STR_ROW("user_url", "http://127.0.0.1:8000",
	    "chirp-userd: its event log, names, revoked tokens"),
	CONFIG_STR_ROW("tweet_url", "http://127.0.0.1:8010",
	    "chirp-tweetd: its event log, the tweets of a page"),
	CONFIG_STR_ROW("user_bus_url", "",
	    "chirp-userd's event bus (its database as the bus role, or "
	    "nats://... and that database); empty: only the poll"),
	CONFIG_STR_ROW("tweet_bus_url", "",
	    "chirp-tweetd's event bus (as user_bus_url); empty: only the "
	    "poll"),
	CONFIG_INT_ROW("event_poll_ms", "1000", 10, 600000,
	    "milliseconds at most between two reads of each service's "
	    "event log (the bus makes notifications sooner)"),
	CONFIG_INT_ROW("notifications_per_user", "1000", 1, 100000,
	    "notifications kept per recipient, the newest"),
	CONFIG_END,
};

static bool
notifyd_healthy(void *ctx)
{
	struct notifyd *nd = ctx;

	return notify_store_healthy(nd->store);
}

int
main(int argc, char **argv)
{
	struct intake_config ic;
	struct http_server_config hc;
	struct intake *users = NULL, *tweets = NULL;
	struct process proc;
	struct notifyd nd;
	const char *url;
	int poll_ms;

	process_init(&proc, "notify", "notifyd", notifyd_config, argc, argv);
	memset(&nd, 0, sizeof nd);
	url = process_required(&proc, "database_url");
	nd.secret = proc.secret;
	nd.secret_len = proc.secret_len;
	nd.svcauth = proc.svcauth;
	poll_ms = (int)config_int(proc.cfg, "event_poll_ms");

	if (!process_migrate(&proc, url))
		goto stopped;
	nd.store = notify_store_new(url,
	    (int)config_int(proc.cfg, "notifications_per_user"));
	process_publish(&proc, url, CHANNEL_NOTIFY);
	nd.userd = svc_client_new(process_required(&proc, "user_url"),
	    "userd", nd.svcauth, NOTIFYD_CLIENT_TIMEOUT_MS);
	nd.tweetd = svc_client_new(process_required(&proc, "tweet_url"),
	    "tweetd", nd.svcauth, NOTIFYD_CLIENT_TIMEOUT_MS);
	revocations_init(&nd);
	if (revocations_reload(&nd) == -1)
		log_warnx("revocations: no list from userd yet; retrying");

	memset(&ic, 0, sizeof ic);
	ic.owner = NOTIFY_OWNER_USER;
	ic.channel = CHANNEL_USER;
	ic.source = nd.userd;
	ic.userd = nd.userd;
	ic.bus_url = config_str(proc.cfg, "user_bus_url");
	ic.poll_ms = poll_ms;
	ic.on_event = revocations_on_event;
	ic.on_reconnect = revocations_on_reconnect;
	ic.arg = &nd;
	if ((users = intake_start(nd.store, &ic)) == NULL)
		fatalx("cannot start reading chirp-userd's events");
	memset(&ic, 0, sizeof ic);
	ic.owner = NOTIFY_OWNER_TWEET;
	ic.channel = CHANNEL_TWEET;
	ic.source = nd.tweetd;
	ic.userd = nd.userd;
	ic.bus_url = config_str(proc.cfg, "tweet_bus_url");
	ic.poll_ms = poll_ms;
	if ((tweets = intake_start(nd.store, &ic)) == NULL)
		fatalx("cannot start reading chirp-tweetd's events");

	memset(&hc, 0, sizeof hc);
	hc.routes = routes_table;
	hc.nroutes = routes_count;
	hc.ctx = &nd;
	hc.healthy = notifyd_healthy;
	process_serve(&proc, &hc);

	process_wait(&proc);
	intake_stop(tweets);
	intake_stop(users);
	revocations_free(&nd);
	svc_client_free(nd.tweetd);
	svc_client_free(nd.userd);
	notify_store_free(nd.store);
stopped:
	process_free(&proc);
	return 0;
}
