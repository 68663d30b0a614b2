/*
 * registrar.c: keeps one service instance registered with discovery: a
 * thread renews every period seconds and deregisters on a clean stop.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>

#include "http_client.h"
#include "log.h"
#include "registrar.h"
#include "xmalloc.h"

struct registrar {
	struct http_client *http;
	char *body;
	int period_s;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop;
	int registered;		/* last renewal succeeded */
};

/* POST or DELETE the instance; 0 when discovery said 2xx. */
static int
registrar_send(struct registrar *r, const char *method)
{
	struct http_result res;
	int ret = -1;

	if (http_client_request(r->http, method, "/services", r->body, NULL,
	    &res) == 0 && res.status >= 200 && res.status < 300)
		ret = 0;
	else if (r->registered || method[0] == 'D')
		log_warnx("discovery: %s /services at '%s' failed: %s", method,
		    http_client_base_url(r->http), res.status ? "refused" :
		    res.error);
	http_result_release(&res);
	return ret;
}

static void *
registrar_main(void *arg)
{
	struct registrar *r = arg;
	struct timespec until;
	int ok;

	pthread_mutex_lock(&r->lock);
	while (!r->stop) {
		pthread_mutex_unlock(&r->lock);
		ok = registrar_send(r, "POST") == 0;
		if (ok && !r->registered)
			log_info("discovery: registered at '%s'",
			    http_client_base_url(r->http));
		r->registered = ok;
		pthread_mutex_lock(&r->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		/* Retry sooner while discovery is not reached. */
		until.tv_sec += ok ? r->period_s : 1;
		while (!r->stop && pthread_cond_timedwait(&r->cond, &r->lock,
		    &until) == 0)
			;
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

struct registrar *
registrar_start(const char *discovery_url, const char *type,
    const char *host, int port, int period_s)
{
	struct registrar *r;
	json_t *j;

	if (discovery_url == NULL || discovery_url[0] == '\0')
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->http = http_client_new(discovery_url);
	http_client_set_timeout(r->http, 2000);
	j = json_pack("{s:s,s:s,s:i}", "serviceType", type, "serviceHost",
	    host, "servicePort", port);
	r->body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	r->period_s = period_s > 0 ? period_s : 5;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	if (pthread_create(&r->thread, NULL, registrar_main, r) != 0)
		fatalx("cannot start the registrar thread");
	return r;
}

void
registrar_stop(struct registrar *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = 1;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	(void)registrar_send(r, "DELETE");
	http_client_free(r->http);
	free(r->body);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
