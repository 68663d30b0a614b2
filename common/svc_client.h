/*
 * svc_client.h: a service's REST client to another chirp service: GET
 * requests answered with a JSON object, each carrying a service credential
 * for that service (svcauth.h) and the request id of the caller's log. A
 * pool of kept-alive connections, one per concurrent caller; safe from any
 * thread.
 */
#ifndef CHIRP_SVC_CLIENT_H
#define CHIRP_SVC_CLIENT_H

#include <stdbool.h>

#include <jansson.h>

struct svcauth;

enum svc_client_result {
	SVC_CLIENT_OK,
	SVC_CLIENT_NOT_FOUND,	/* the service answered 404 */
	SVC_CLIENT_UNAVAILABLE,	/* no answer, or not one we understand */
};

/*
 * A client of the service at base_url ("http://127.0.0.1:8000", copied),
 * whose svcauth name is aud ("userd", copied); credentials come from
 * svcauth (borrowed, outlives the client). timeout_ms bounds each call.
 */
struct svc_client *svc_client_new(const char *base_url, const char *aud,
    const struct svcauth *svcauth, long timeout_ms);
void svc_client_free(struct svc_client *);
/* The base URL given to svc_client_new. */
const char *svc_client_url(const struct svc_client *);

/*
 * GET path (with its query): SVC_CLIENT_OK with the JSON object of a 200
 * in *out (the caller decrefs), SVC_CLIENT_NOT_FOUND on a 404, else
 * SVC_CLIENT_UNAVAILABLE (logged at warn, or at debug when quiet).
 */
enum svc_client_result svc_client_get(struct svc_client *, const char *path,
    bool quiet, json_t **out);

#endif
