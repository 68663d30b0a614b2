/*
 * breaker.h: a circuit breaker for one upstream instance.
 *
 *   CLOSED     traffic flows; each failure is remembered with its time.
 *              `failures` failures within window_ms open the breaker
 *              (the gateway uses 3 within 3.5 x the request timeout).
 *              Successes in between do not forget recent failures, so an
 *              instance failing every other request still opens.
 *   OPEN       no traffic. Once cooldown_ms has passed since it opened,
 *              breaker_want_probe() says yes once and moves to HALF_OPEN.
 *   HALF_OPEN  still no traffic; the caller probes the instance's /status
 *              once: breaker_success() closes (forgetting old failures),
 *              breaker_failure() reopens with a new cool-down.
 *
 * A success reported while OPEN (a request that was already under way)
 * closes it too; a failure reported while OPEN changes nothing.
 *
 * Plain data, no allocation, single-threaded. Times are passed in (a
 * monotonic clock in milliseconds).
 */
#ifndef CHIRP_GATEWAY_BREAKER_H
#define CHIRP_GATEWAY_BREAKER_H

#include <stdbool.h>
#include <stdint.h>

#define BREAKER_MAX_FAILURES 16

enum breaker_state { BREAKER_CLOSED, BREAKER_OPEN, BREAKER_HALF_OPEN };

struct breaker {
	enum breaker_state state;
	int failures;		/* this many within window_ms open it */
	int64_t window_ms;
	int64_t cooldown_ms;
	int64_t opened_ms;	/* when it last opened */
	int64_t recent[BREAKER_MAX_FAILURES];	/* ring of failure times */
	int nrecent;		/* valid entries in recent, <= failures */
	int next;		/* the ring's next slot */
};

/* failures is clamped to 1..BREAKER_MAX_FAILURES. */
void breaker_init(struct breaker *, int failures, int64_t window_ms,
    int64_t cooldown_ms);

/* True when closed: the instance may take a request. */
bool breaker_allow(struct breaker *, int64_t now_ms);

/* Open with the cool-down passed: true once, moving to HALF_OPEN; the
 * caller then probes /status once and reports the outcome. */
bool breaker_want_probe(struct breaker *, int64_t now_ms);

/* A request or probe succeeded: closes. */
void breaker_success(struct breaker *, int64_t now_ms);

/* A request failed (transport error, timeout, 5xx) or the probe did. */
void breaker_failure(struct breaker *, int64_t now_ms);

enum breaker_state breaker_state(const struct breaker *);
/* "closed", "open", "half_open". */
const char *breaker_state_name(enum breaker_state);

#endif
