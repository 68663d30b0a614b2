/*
 * http_client.h: a small REST client, for services calling each other and
 * for the clients calling the gateway: http:// over http_plain.h (plain
 * HTTP/1.1 on a socket, framed by http-parser), https:// over libcurl,
 * loaded on first use. One client keeps its connection alive between
 * requests; it is not for two threads at once.
 */
#ifndef CHIRP_HTTP_CLIENT_H
#define CHIRP_HTTP_CLIENT_H

#include <stddef.h>

#define HTTP_CLIENT_MAX_HEADERS 16
/* headers a caller may add to one request */
#define HTTP_CLIENT_MAX_REQUEST_HEADERS 16

struct http_result {
	long status;		/* 0 when no response came */
	char *body;		/* NUL-terminated, owned */
	size_t len;
	char error[256];	/* transport failure, for a person */
	int timed_out;
	/* response headers, names lower case */
	char *header_names[HTTP_CLIENT_MAX_HEADERS];
	char *header_values[HTTP_CLIENT_MAX_HEADERS];
	int nheaders;
};

/* base_url like "http://localhost:8000" (copied). */
struct http_client *http_client_new(const char *base_url);
void http_client_free(struct http_client *);
void http_client_set_timeout(struct http_client *, long ms);
/* Sent as "Authorization: Bearer TOKEN" on every request; NULL unsets. */
void http_client_set_token(struct http_client *, const char *token);
const char *http_client_base_url(const struct http_client *);

/*
 * method "GET" ...; path with query ("/users?username=x"); body may be
 * NULL; headers a NULL-terminated list of "Name: value" or NULL.
 * 0 when a response came (any status), -1 on a transport failure
 * (error says why; timed_out set on a timeout). Release the result.
 */
int http_client_request(struct http_client *, const char *method,
    const char *path, const char *body, const char *const *headers,
    struct http_result *);
const char *http_result_header(const struct http_result *,
    const char *name);
void http_result_release(struct http_result *);

/* Percent-encode a query value; caller frees. */
char *http_client_escape(const char *);

#endif
