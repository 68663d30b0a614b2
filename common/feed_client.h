/*
 * feed_client.h: the live feed (GET /ws) for chirp watch and chirp-tui, on
 * libwebsockets. It connects with the token, reconnects by itself with
 * backoff (1 s doubling to 30 s) and hands every event to the caller. It
 * resumes exactly with cursor= after the last event received that carried
 * a cursor, or, from a server that sends none, with since= after the
 * newest tweet id it has seen. One thread: the caller drives it with
 * feed_client_service(), and may add its own file descriptors (the
 * terminal) to the same loop.
 */
#ifndef CHIRP_FEED_CLIENT_H
#define CHIRP_FEED_CLIENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum feed_state {
	FEED_CONNECTING,
	FEED_LIVE,		/* "ready" received */
	FEED_RECONNECTING,	/* detail: seconds until the next try */
	FEED_REFUSED,		/* 401: token refused; no more tries */
	FEED_CLOSED,		/* feed_client_stop() */
};

struct feed_client_config {
	const char *server;	/* "http://localhost:8030" */
	const char *token;
	int64_t since;		/* replay after this tweet id; 0 none */
	/* every event object ({"type":...}), borrowed for the call; raw is
	 * the frame as received */
	void (*on_event)(json_t *event, const char *raw, void *arg);
	void (*on_state)(enum feed_state, int retry_in_s, void *arg);
	void *arg;
};

enum feed_event {
	FEED_EVENT_BAD,		/* not an event object: dropped */
	FEED_EVENT_TWEET,	/* {"type":"tweet","tweet":{...}}, *id set */
	FEED_EVENT_DELETE,	/* {"type":"delete","tweetId":"..."}, *id set */
	FEED_EVENT_READY,	/* {"type":"ready"} */
	FEED_EVENT_RESET,	/* {"type":"reset"}: reload over REST */
	FEED_EVENT_OTHER,	/* any other type, handed on as it is */
};

/*
 * One text frame from the server: *ev the parsed object (caller decrefs;
 * NULL for FEED_EVENT_BAD), *id the tweet id of a tweet or delete event
 * (1 to INT64_MAX, else the event is BAD). Pure, for tests and fuzzing.
 */
enum feed_event feed_client_parse(const char *raw, size_t len, json_t **ev,
    int64_t *id);

/*
 * The "cursor" of a parsed event: 0 when it has none, 1 with *cursor
 * pointing into ev when it is well-formed (validate_feed_cursor), -1 when
 * it is there but not a cursor we may send back.
 */
int feed_client_event_cursor(const json_t *ev, const char **cursor);

struct feed_client *feed_client_new(const struct feed_client_config *);
void feed_client_free(struct feed_client *);
/* Run the loop for at most timeout_ms. 0, or -1 when stopped. */
int feed_client_service(struct feed_client *, int timeout_ms);
/* Watch fd for readability in the same loop: fn(fd, arg) when readable. */
int feed_client_watch_fd(struct feed_client *, int fd,
    void (*fn)(int fd, void *arg), void *arg);
/* Reconnect now (after a suspend), resuming where the feed was. */
void feed_client_reconnect(struct feed_client *);
/* End the loop: feed_client_service then returns -1. */
void feed_client_stop(struct feed_client *);
/* Newest tweet id seen so far. */
int64_t feed_client_since(const struct feed_client *);
/* The cursor the next connection resumes from; "" when there is none. */
const char *feed_client_cursor(const struct feed_client *);

#endif
