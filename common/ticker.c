/* ticker.c: a background thread that calls a function periodically. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"
#include "ticker.h"
#include "xmalloc.h"

struct ticker {
	int (*fn)(void *);
	void *arg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* on the monotonic clock */
	bool stopping;
	bool kicked;
};

static void *
ticker_main(void *arg)
{
	struct ticker *t = arg;
	struct timespec until;
	int ms;

	pthread_mutex_lock(&t->lock);
	while (!t->stopping) {
		t->kicked = false;
		pthread_mutex_unlock(&t->lock);
		ms = t->fn(t->arg);
		if (ms < 1)
			ms = 1;
		pthread_mutex_lock(&t->lock);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += ms / 1000;
		until.tv_nsec += (long)(ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!t->stopping && !t->kicked &&
		    pthread_cond_timedwait(&t->cond, &t->lock, &until) !=
		    ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

struct ticker *
ticker_start(int (*fn)(void *), void *arg)
{
	struct ticker *t = xcalloc(1, sizeof(*t));
	pthread_condattr_t attr;
	int error;

	t->fn = fn;
	t->arg = arg;
	pthread_mutex_init(&t->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cond, &attr);
	pthread_condattr_destroy(&attr);
	if ((error = pthread_create(&t->thread, NULL, ticker_main, t)) != 0) {
		errno = error;
		log_warn("cannot start a background thread");
		pthread_cond_destroy(&t->cond);
		pthread_mutex_destroy(&t->lock);
		free(t);
		return NULL;
	}
	return t;
}

void
ticker_kick(struct ticker *t)
{
	pthread_mutex_lock(&t->lock);
	t->kicked = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

void
ticker_stop(struct ticker *t)
{
	if (t == NULL)
		return;
	pthread_mutex_lock(&t->lock);
	t->stopping = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
	free(t);
}
