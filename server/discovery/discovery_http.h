/*
 * discovery_http.h: the handlers of chirp-discoveryd's /services, the only
 * place that knows HTTP. ctx is the struct discovery.
 *
 *   POST /services {"serviceType","serviceHost","servicePort"}
 *       201 {"message":"registered","ttl":N} for a new instance,
 *       200 {"message":"renewed","ttl":N} for a live one; 400 on bad input;
 *       503 when the registry is full.
 *   DELETE /services (same body)  200 {"message":"deregistered"}; 404 when
 *       no live instance matches.
 *   GET /services  200 {"userServices":[{"host","port"}],"tweetServices":[]}
 */
#ifndef CHIRP_DISCOVERY_HTTP_H
#define CHIRP_DISCOVERY_HTTP_H

#include <jansson.h>
#include <stdbool.h>

#include "http_server.h"
#include "registry.h"

struct discovery_instance {
	enum registry_type type;
	const char *host;	/* borrowed from the JSON body */
	int port;
};

/*
 * The instance a POST or DELETE body names; false with a message for a
 * person in *why (a string literal) when it is not a valid one.
 */
bool discovery_http_parse(const json_t *body, struct discovery_instance *out,
    const char **why);

/* The body of GET /services at now_ms; caller json_decref()s it. */
json_t *discovery_http_list_json(struct registry *, int64_t now_ms);

http_handler discovery_http_list;
http_handler discovery_http_register;
http_handler discovery_http_deregister;

#endif
