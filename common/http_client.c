/*
 * http_client.c: a small REST client. http:// goes over http_plain.c;
 * https:// (and an http:// URL http_plain does not take) over libcurl,
 * which is loaded the first time a client needs it (dlopen), so that a
 * program that only speaks plain HTTP never maps libcurl and the thirty
 * libraries behind it (issue 11: two thirds of `chirp timeline`). One
 * connection per client is kept alive between requests.
 */
#include <ctype.h>
/* curl's type-checking macros would rewrite calls through the table */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_client.h"
#include "http_plain.h"
#include "log.h"
#include "xmalloc.h"

#define HTTP_CLIENT_MAX_RESPONSE (16 * 1024 * 1024)

#ifndef CHIRP_CURL_SONAME
#define CHIRP_CURL_SONAME "libcurl.so.4"
#endif

/* The libcurl functions http_client calls, looked up by dlsym. */
#define HTTP_CLIENT_CURL_FUNCS(X) \
	X(curl_global_init) \
	X(curl_easy_init) \
	X(curl_easy_cleanup) \
	X(curl_easy_reset) \
	X(curl_easy_setopt) \
	X(curl_easy_perform) \
	X(curl_easy_getinfo) \
	X(curl_easy_strerror) \
	X(curl_slist_append) \
	X(curl_slist_free_all)

static struct {
#define HTTP_CLIENT_CURL_FIELD(f) __typeof__(f) *f;
	HTTP_CLIENT_CURL_FUNCS(HTTP_CLIENT_CURL_FIELD)
	bool ok;
} curl;

struct http_client {
	struct http_plain *plain;	/* NULL: through libcurl */
	CURL *curl;
	char *base;
	char *auth;		/* "Authorization: Bearer ..." */
	long timeout_ms;
};

static pthread_once_t http_client_once = PTHREAD_ONCE_INIT;

/* Load libcurl and initialise it, once per process; curl.ok says. */
static void
http_client_global_init(void)
{
	void *h;

	h = dlopen(CHIRP_CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		log_warnx("cannot load %s for https:// and odd URLs: %s",
		    CHIRP_CURL_SONAME, dlerror());
		return;
	}
#define HTTP_CLIENT_CURL_LOAD(f) \
	if ((*(void **)&curl.f = dlsym(h, #f)) == NULL) { \
		log_warnx("%s has no %s", CHIRP_CURL_SONAME, #f); \
		return; \
	}
	HTTP_CLIENT_CURL_FUNCS(HTTP_CLIENT_CURL_LOAD)
	/* the handle stays open: libcurl is used until the process ends */
	curl.ok = curl.curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

struct http_client *
http_client_new(const char *base_url)
{
	struct http_client *c = xcalloc(1, sizeof(*c));
	size_t len;

	c->base = xstrdup(base_url);
	len = strlen(c->base);
	while (len > 0 && c->base[len - 1] == '/')
		c->base[--len] = '\0';
	c->plain = http_plain_new(c->base);
	if (c->plain == NULL) {
		pthread_once(&http_client_once, http_client_global_init);
		/* without libcurl every request fails and says why */
		if (curl.ok && (c->curl = curl.curl_easy_init()) == NULL)
			fatalx("curl_easy_init failed");
	}
	c->timeout_ms = 10000;
	return c;
}

void
http_client_free(struct http_client *c)
{
	if (c == NULL)
		return;
	http_plain_free(c->plain);
	if (c->curl != NULL)
		curl.curl_easy_cleanup(c->curl);
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

/* The same request through libcurl. */
static int
http_client_curl_request(struct http_client *c, const char *method,
    const char *path, const char *body, const char *const *lines,
    struct http_result *r)
{
	struct curl_slist *hl = NULL;
	char *url;
	CURLcode rc;
	int i;

	if (c->curl == NULL) {
		snprintf(r->error, sizeof(r->error), "libcurl (%s) cannot be "
		    "loaded for '%s'", CHIRP_CURL_SONAME, c->base);
		return -1;
	}
	url = xasprintf("%s%s", c->base, path);
	curl.curl_easy_reset(c->curl);
	curl.curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl.curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
	curl.curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl.curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl.curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS,
	    c->timeout_ms < 3000 ? c->timeout_ms : 3000L);
	curl.curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION,
	    http_client_body_cb);
	curl.curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, r);
	curl.curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION,
	    http_client_header_cb);
	curl.curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, r);
	curl.curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, r->error);
	curl.curl_easy_setopt(c->curl, CURLOPT_TCP_NODELAY, 1L);
	curl.curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (strcmp(method, "HEAD") == 0)
		curl.curl_easy_setopt(c->curl, CURLOPT_NOBODY, 1L);
	if (body != NULL) {
		curl.curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
		curl.curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE,
		    (long)strlen(body));
	}
	hl = curl.curl_slist_append(hl, "Expect:");
	for (i = 0; lines[i] != NULL; i++)
		hl = curl.curl_slist_append(hl, lines[i]);
	curl.curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hl);
	rc = curl.curl_easy_perform(c->curl);
	curl.curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	curl.curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, NULL);
	curl.curl_slist_free_all(hl);
	free(url);
	if (rc != CURLE_OK) {
		if (r->error[0] == '\0')
			snprintf(r->error, sizeof(r->error), "%s",
			    curl.curl_easy_strerror(rc));
		r->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
		r->status = 0;
		return -1;
	}
	curl.curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->status);
	return 0;
}

/*
 * A method whose request has a meaning for a body: sent without one, it
 * still says "Content-Length: 0", as RFC 9110 8.6 asks and curl, browsers
 * and Python do. Without it the gateway's libwebsockets 4.1 reads the next
 * request on the kept-alive connection as the body and never answers it.
 */
static bool
http_client_says_length(const char *method)
{
	return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
	    strcmp(method, "PATCH") == 0;
}

int
http_client_request(struct http_client *c, const char *method,
    const char *path, const char *body, const char *const *headers,
    struct http_result *r)
{
	const char *lines[HTTP_CLIENT_MAX_REQUEST_HEADERS + 4];
	int n = 0, i, ret;

	memset(r, 0, sizeof(*r));
	if (body != NULL)
		lines[n++] = "Content-Type: application/json; charset=utf-8";
	else if (http_client_says_length(method))
		lines[n++] = "Content-Length: 0";
	lines[n++] = "Accept: application/json";
	if (c->auth != NULL)
		lines[n++] = c->auth;
	for (i = 0; headers != NULL && headers[i] != NULL; i++) {
		if (i == HTTP_CLIENT_MAX_REQUEST_HEADERS) {
			snprintf(r->error, sizeof(r->error), "more than %d "
			    "request headers", HTTP_CLIENT_MAX_REQUEST_HEADERS);
			ret = -1;
			goto out;
		}
		lines[n++] = headers[i];
	}
	lines[n] = NULL;
	if (c->plain != NULL)
		ret = http_plain_request(c->plain, c->timeout_ms,
		    c->timeout_ms < 3000 ? c->timeout_ms : 3000L, method, path,
		    lines, body, r);
	else
		ret = http_client_curl_request(c, method, path, body, lines,
		    r);
out:
	if (r->body == NULL) {
		r->body = xstrdup("");
		r->len = 0;
	}
	return ret;
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
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char *out, *o;

	/* RFC 3986: every byte but the unreserved ones, as libcurl does */
	out = o = xmalloc(strlen(s) * 3 + 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' ||
		    *p == '~')
			*o++ = (char)*p;
		else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}
