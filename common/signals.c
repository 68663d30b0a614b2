/* signals.c: a service's end, on SIGINT or SIGTERM (signals.h). */
#include <pthread.h>
#include <signal.h>

#include "log.h"
#include "signals.h"

static void
signals_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
}

void
signals_block(sigset_t *out)
{
	sigset_t set;

	signals_set(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (out != NULL)
		*out = set;
}

int
signals_wait(void)
{
	sigset_t set;
	int sig;

	signals_set(&set);
	while (sigwait(&set, &sig) != 0)
		;
	log_info("signal %d: stopping", sig);
	return sig;
}
