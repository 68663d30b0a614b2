/*
 * http_plain.h: HTTP/1.1 over plain TCP, for http_client's http:// URLs.
 * One kept-alive connection per client; the framing of the answer
 * (Content-Length, chunked, until the close; interim 1xx answers) is
 * Node's http-parser (Debian's libhttp-parser), as in the gateway.
 *
 * Why not libcurl for these: libcurl pulls in 30 shared libraries (TLS
 * twice, Kerberos, LDAP, SSH, RTMP) whose loading and relocation were
 * two thirds of a whole `chirp timeline` (issue 11); http_client keeps
 * libcurl, loaded on first use, for https://.
 */
#ifndef CHIRP_HTTP_PLAIN_H
#define CHIRP_HTTP_PLAIN_H

#include "http_client.h"

/*
 * base_url "http://host[:port][/prefix]" (host a name, an IPv4 address or
 * [IPv6]); NULL when it is not such a URL (userinfo, a fragment, a bad
 * port): the caller uses another transport. Nothing is connected yet.
 */
struct http_plain *http_plain_new(const char *base_url);
void http_plain_free(struct http_plain *);

/*
 * One request, as http_client_request() describes it: path with query;
 * headers a NULL-terminated list of "Name: value" lines (no CR or LF)
 * sent as they are; body NULL or sent with its Content-Length. The whole
 * exchange takes at most timeout_ms, connecting at most connect_ms. 0
 * when an answer came (any status), -1 on a transport failure with
 * r->error in libcurl's words (api_client reads them) and r->timed_out.
 * A kept-alive connection the server closed meanwhile is replaced once.
 */
int http_plain_request(struct http_plain *, long timeout_ms,
    long connect_ms, const char *method, const char *path,
    const char *const *headers, const char *body, struct http_result *r);

#endif
