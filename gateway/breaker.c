/*
 * breaker.c: the circuit breaker of breaker.h. The last `failures` failure
 * times sit in a ring; the breaker opens when the oldest of them is still
 * within the window, i.e. `failures` failures happened within window_ms.
 */
#include "breaker.h"

#include <string.h>

void
breaker_init(struct breaker *b, int failures, int64_t window_ms,
    int64_t cooldown_ms)
{
	memset(b, 0, sizeof *b);
	if (failures < 1)
		failures = 1;
	if (failures > BREAKER_MAX_FAILURES)
		failures = BREAKER_MAX_FAILURES;
	b->state = BREAKER_CLOSED;
	b->failures = failures;
	b->window_ms = window_ms;
	b->cooldown_ms = cooldown_ms;
}

bool
breaker_allow(struct breaker *b, int64_t now_ms)
{
	(void)now_ms;
	return b->state == BREAKER_CLOSED;
}

bool
breaker_want_probe(struct breaker *b, int64_t now_ms)
{
	if (b->state != BREAKER_OPEN || now_ms - b->opened_ms < b->cooldown_ms)
		return false;
	b->state = BREAKER_HALF_OPEN;
	return true;
}

void
breaker_success(struct breaker *b, int64_t now_ms)
{
	(void)now_ms;
	if (b->state != BREAKER_CLOSED) {
		b->nrecent = 0;
		b->next = 0;
	}
	b->state = BREAKER_CLOSED;
}

static void
breaker_open(struct breaker *b, int64_t now_ms)
{
	b->state = BREAKER_OPEN;
	b->opened_ms = now_ms;
	b->nrecent = 0;
	b->next = 0;
}

void
breaker_failure(struct breaker *b, int64_t now_ms)
{
	int oldest;

	switch (b->state) {
	case BREAKER_OPEN:
		return;
	case BREAKER_HALF_OPEN:
		breaker_open(b, now_ms);
		return;
	case BREAKER_CLOSED:
		break;
	}
	b->recent[b->next] = now_ms;
	b->next = (b->next + 1) % b->failures;
	if (b->nrecent < b->failures)
		b->nrecent++;
	if (b->nrecent < b->failures)
		return;
	/* The ring is full: next is the slot of the oldest failure. */
	oldest = b->next;
	if (now_ms - b->recent[oldest] <= b->window_ms)
		breaker_open(b, now_ms);
}

enum breaker_state
breaker_state(const struct breaker *b)
{
	return b->state;
}

const char *
breaker_state_name(enum breaker_state s)
{
	static const char *const names[] = {
		[BREAKER_CLOSED] = "closed",
		[BREAKER_OPEN] = "open",
		[BREAKER_HALF_OPEN] = "half_open",
	};

	if ((unsigned)s >= sizeof names / sizeof names[0])
		return "unknown";
	return names[s];
}
