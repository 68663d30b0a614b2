/*
 * registry.h: the in-memory registry of live service instances that
 * chirp-discoveryd serves. An instance is (type, host, port); it is live
 * while it renews within the ttl. Nothing is kept on disk: after a restart
 * the registry fills again from the instances' next renewals (every 5 s).
 *
 * Thread-safe: every function may be called from any thread. Times are
 * passed in (a monotonic clock in milliseconds) so tests control them.
 */
#ifndef CHIRP_REGISTRY_H
#define CHIRP_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REGISTRY_HOST_MAX 255

enum registry_type {
	REGISTRY_USER,
	REGISTRY_TWEET,
	REGISTRY_NOTIFY,	/* chirp-notifyd */
	REGISTRY_NTYPES
};

struct registry_instance {
	char host[REGISTRY_HOST_MAX + 1];
	int port;
};

enum registry_result {
	REGISTRY_ADDED,		/* a new instance */
	REGISTRY_RENEWED,	/* a live instance renewed */
	REGISTRY_FULL,		/* max_instances live ones already */
};

/* ttl_ms: how long a renewal keeps an instance live; max_instances bounds
 * the memory whatever clients send. */
struct registry *registry_new(int64_t ttl_ms, size_t max_instances);
void registry_free(struct registry *);

/* "user", "userService" -> REGISTRY_USER; "tweet", "tweetService" ->
 * REGISTRY_TWEET; "notify", "notifyService" -> REGISTRY_NOTIFY; false for
 * anything else. */
bool registry_type_parse(const char *, enum registry_type *out);
const char *registry_type_name(enum registry_type);

/* A host as discovery accepts it: 1 to 255 characters of a host name or
 * an IP address (letters, digits, '.', '-', '_', ':', '%', '[', ']'). */
bool registry_host_valid(const char *);

/* Register or renew (type, host, port) at now_ms. host is copied. */
enum registry_result registry_renew(struct registry *, enum registry_type,
    const char *host, int port, int64_t now_ms);

/* Remove an instance; false when no live one matched. */
bool registry_remove(struct registry *, enum registry_type, const char *host,
    int port, int64_t now_ms);

/*
 * The live instances of a type at now_ms, in the order they first
 * registered, as a new array the caller frees (NULL when there are none);
 * *count says how many.
 */
struct registry_instance *registry_list(struct registry *, enum registry_type,
    int64_t now_ms, size_t *count);

/* Live instances of every type at now_ms. */
size_t registry_count(struct registry *, int64_t now_ms);

#endif
