/*
 * svc_client.c: GETs to another chirp service over kept-alive connections
 * (svc_client.h). A http_client is not for two threads at once, so each
 * call borrows one from a free list and gives it back.
 */
#include <sys/queue.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "http_client.h"
#include "log.h"
#include "svc_client.h"
#include "svcauth.h"
#include "xmalloc.h"

struct pooled {
	struct http_client *client;
	SLIST_ENTRY(pooled) entry;	/* c->free */
};

struct svc_client {
	char *base_url;
	char *aud;
	const struct svcauth *svcauth;
	long timeout_ms;
	pthread_mutex_t lock;
	SLIST_HEAD(, pooled) free;	/* idle connections */
};

struct svc_client *
svc_client_new(const char *base_url, const char *aud,
    const struct svcauth *svcauth, long timeout_ms)
{
	struct svc_client *c = xcalloc(1, sizeof *c);

	c->base_url = xstrdup(base_url);
	c->aud = xstrdup(aud);
	c->svcauth = svcauth;
	c->timeout_ms = timeout_ms;
	pthread_mutex_init(&c->lock, NULL);
	SLIST_INIT(&c->free);
	return c;
}

void
svc_client_free(struct svc_client *c)
{
	struct pooled *p;

	if (c == NULL)
		return;
	while ((p = SLIST_FIRST(&c->free)) != NULL) {
		SLIST_REMOVE_HEAD(&c->free, entry);
		http_client_free(p->client);
		free(p);
	}
	pthread_mutex_destroy(&c->lock);
	free(c->aud);
	free(c->base_url);
	free(c);
}

const char *
svc_client_url(const struct svc_client *c)
{
	return c->base_url;
}

static struct pooled *
borrow(struct svc_client *c)
{
	struct pooled *p;

	pthread_mutex_lock(&c->lock);
	if ((p = SLIST_FIRST(&c->free)) != NULL)
		SLIST_REMOVE_HEAD(&c->free, entry);
	pthread_mutex_unlock(&c->lock);
	if (p == NULL) {
		p = xcalloc(1, sizeof *p);
		p->client = http_client_new(c->base_url);
		http_client_set_timeout(p->client, c->timeout_ms);
	}
	return p;
}

static void
give_back(struct svc_client *c, struct pooled *p)
{
	pthread_mutex_lock(&c->lock);
	SLIST_INSERT_HEAD(&c->free, p, entry);
	pthread_mutex_unlock(&c->lock);
}

enum svc_client_result
svc_client_get(struct svc_client *c, const char *path, bool quiet,
    json_t **out)
{
	enum svc_client_result ret = SVC_CLIENT_UNAVAILABLE;
	struct pooled *p = borrow(c);
	struct http_result res;
	const char *rid = log_request_id();
	char *hdr = rid != NULL ? xasprintf("X-Request-Id: %s", rid) : NULL;
	char *cred = svcauth_header(c->svcauth, c->aud);
	/* The request id goes along, so that both logs tell one story. */
	const char *headers[3] = { cred, hdr, NULL };
	const char *why = NULL;

	*out = NULL;
	memset(&res, 0, sizeof res);
	if (http_client_request(p->client, "GET", path, NULL, headers,
	    &res) != 0)
		why = res.error;
	else if (res.status == 404)
		ret = SVC_CLIENT_NOT_FOUND;
	else if (res.status != 200)
		why = "an answer other than 200";
	else if ((*out = json_loadb(res.body ? res.body : "", res.len, 0,
	    NULL)) == NULL || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		why = "not a JSON object";
	} else
		ret = SVC_CLIENT_OK;
	if (why != NULL) {
		if (quiet)
			log_debug("%s '%s' GET %s: %s (status %ld)", c->aud,
			    c->base_url, path, why, res.status);
		else
			log_warnx("%s '%s' GET %s: %s (status %ld)", c->aud,
			    c->base_url, path, why, res.status);
	}
	free(cred);
	free(hdr);
	http_result_release(&res);
	give_back(c, p);
	return ret;
}
