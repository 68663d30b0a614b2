/*
 * registrar.c: keeps one service instance registered with discovery: a
 * thread renews every period seconds and deregisters on a clean stop.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "http_client.h"
#include "log.h"
#include "registrar.h"
#include "svcauth.h"
#include "ticker.h"
#include "xmalloc.h"

struct registrar {
	struct http_client *http;
	const struct svcauth *svcauth;
	char *body;
	int period_s;
	struct ticker *ticker;
	int registered;		/* last renewal succeeded */
};

/* POST or DELETE the instance; 0 when discovery said 2xx. */
static int
registrar_send(struct registrar *r, const char *method)
{
	char *cred = svcauth_header(r->svcauth, "discovery");
	const char *headers[] = { cred, NULL };
	struct http_result res;
	int ret = -1;

	if (http_client_request(r->http, method, "/services", r->body,
	    headers, &res) == 0 && res.status >= 200 && res.status < 300)
		ret = 0;
	else if (r->registered || method[0] == 'D')
		log_warnx("discovery: %s /services at '%s' failed: %s", method,
		    http_client_base_url(r->http), res.status ? "refused" :
		    res.error);
	http_result_release(&res);
	free(cred);
	return ret;
}

/* Renew; retry in a second while discovery is not reached. */
static int
registrar_tick(void *arg)
{
	struct registrar *r = arg;
	int ok = registrar_send(r, "POST") == 0;

	if (ok && !r->registered)
		log_info("discovery: registered at '%s'",
		    http_client_base_url(r->http));
	r->registered = ok;
	return ok ? r->period_s * 1000 : 1000;
}

struct registrar *
registrar_start(const char *discovery_url, const char *type,
    const char *host, int port, int period_s,
    const struct svcauth *svcauth)
{
	struct registrar *r;
	json_t *j;

	if (discovery_url == NULL || discovery_url[0] == '\0')
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->svcauth = svcauth;
	r->http = http_client_new(discovery_url);
	http_client_set_timeout(r->http, 2000);
	j = json_pack("{s:s,s:s,s:i}", "serviceType", type, "serviceHost",
	    host, "servicePort", port);
	r->body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	r->period_s = period_s > 0 ? period_s : 5;
	if ((r->ticker = ticker_start(registrar_tick, r)) == NULL)
		fatalx("cannot start the registrar thread");
	return r;
}

void
registrar_stop(struct registrar *r)
{
	if (r == NULL)
		return;
	ticker_stop(r->ticker);
	(void)registrar_send(r, "DELETE");
	http_client_free(r->http);
	free(r->body);
	free(r);
}
