/*
 * http_client.c: a small REST client on libcurl. One easy handle per
 * client keeps its connection alive between requests.
 */
#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_client.h"
#include "log.h"
#include "xmalloc.h"

#define HTTP_CLIENT_MAX_RESPONSE (16 * 1024 * 1024)

struct http_client {
	CURL *curl;
	char *base;
	char *auth;		/* "Authorization: Bearer ..." */
	long timeout_ms;
};

static pthread_once_t http_client_once = PTHREAD_ONCE_INIT;

static void
http_client_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct http_client *
http_client_new(const char *base_url)
{
	struct http_client *c = xcalloc(1, sizeof(*c));
	size_t len;

	pthread_once(&http_client_once, http_client_global_init);
	c->curl = curl_easy_init();
	if (c->curl == NULL)
		fatalx("curl_easy_init failed");
	c->base = xstrdup(base_url);
	len = strlen(c->base);
	while (len > 0 && c->base[len - 1] == '/')
		c->base[--len] = '\0';
	c->timeout_ms = 10000;
	return c;
}

void
http_client_free(struct http_client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	free(c->base);
	free(c->auth);
	free(c);
}

void
http_client_set_timeout(struct http_client *c, long ms)
{
	c->timeout_ms = ms;
}

void
http_client_set_token(struct http_client *c, const char *token)
{
	free(c->auth);
	c->auth = token ? xasprintf("Authorization: Bearer %s", token) : NULL;
}

const char *
http_client_base_url(const struct http_client *c)
{
	return c->base;
}

static size_t
http_client_body_cb(char *ptr, size_t size, size_t n, void *arg)
{
	struct http_result *r = arg;
	size_t len = size * n;

	if (r->len + len > HTTP_CLIENT_MAX_RESPONSE)
		return 0;
	r->body = xrealloc(r->body, r->len + len + 1);
	memcpy(r->body + r->len, ptr, len);
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}

static size_t
http_client_header_cb(char *ptr, size_t size, size_t n, void *arg)
{
	struct http_result *r = arg;
	size_t len = size * n, klen, i;
	char *colon, *v, *end;

	/* A new status line starts a new set of headers (redirects, 100). */
	if (len > 5 && strncmp(ptr, "HTTP/", 5) == 0) {
		for (i = 0; i < (size_t)r->nheaders; i++) {
			free(r->header_names[i]);
			free(r->header_values[i]);
		}
		r->nheaders = 0;
		return len;
	}
	colon = memchr(ptr, ':', len);
	if (colon == NULL || r->nheaders == HTTP_CLIENT_MAX_HEADERS)
		return len;
	klen = (size_t)(colon - ptr);
	v = colon + 1;
	end = ptr + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
	    end[-1] == ' '))
		end--;
	r->header_names[r->nheaders] = xstrndup(ptr, klen);
	for (i = 0; i < klen; i++)
		r->header_names[r->nheaders][i] = (char)tolower(
		    (unsigned char)r->header_names[r->nheaders][i]);
	r->header_values[r->nheaders++] = xstrndup(v, (size_t)(end - v));
	return len;
}

int
http_client_request(struct http_client *c, const char *method,
    const char *path, const char *body, const char *const *headers,
    struct http_result *r)
{
	struct curl_slist *hl = NULL;
	char *url;
	CURLcode rc;
	int i;

	memset(r, 0, sizeof(*r));
	url = xasprintf("%s%s", c->base, path);
	curl_easy_reset(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS,
	    c->timeout_ms < 3000 ? c->timeout_ms : 3000L);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, http_client_body_cb);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION,
	    http_client_header_cb);
	curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, r->error);
	curl_easy_setopt(c->curl, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c->curl, CURLOPT_NOBODY, 1L);
	if (body != NULL) {
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE,
		    (long)strlen(body));
		hl = curl_slist_append(hl,
		    "Content-Type: application/json; charset=utf-8");
	}
	hl = curl_slist_append(hl, "Accept: application/json");
	hl = curl_slist_append(hl, "Expect:");
	if (c->auth != NULL)
		hl = curl_slist_append(hl, c->auth);
	for (i = 0; headers != NULL && headers[i] != NULL; i++)
		hl = curl_slist_append(hl, headers[i]);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hl);
	rc = curl_easy_perform(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(hl);
	free(url);
	if (r->body == NULL) {
		r->body = xstrdup("");
		r->len = 0;
	}
	if (rc != CURLE_OK) {
		if (r->error[0] == '\0')
			snprintf(r->error, sizeof(r->error), "%s",
			    curl_easy_strerror(rc));
		r->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
		r->status = 0;
		return -1;
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->status);
	return 0;
}

const char *
http_result_header(const struct http_result *r, const char *name)
{
	int i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->header_names[i], name) == 0)
			return r->header_values[i];
	return NULL;
}

void
http_result_release(struct http_result *r)
{
	int i;

	free(r->body);
	for (i = 0; i < r->nheaders; i++) {
		free(r->header_names[i]);
		free(r->header_values[i]);
	}
	memset(r, 0, sizeof(*r));
}

char *
http_client_escape(const char *s)
{
	char *e, *out;

	pthread_once(&http_client_once, http_client_global_init);
	e = curl_easy_escape(NULL, s, 0);
	if (e == NULL)
		fatalx("out of memory");
	out = xstrdup(e);
	curl_free(e);
	return out;
}
