/*
 * ops.h: the gateway's own routes: GET /status, /metrics, /openapi.json,
 * /docs and its two swagger-ui files, and /ws without an upgrade.
 */
#ifndef CHIRP_GATEWAY_OPS_H
#define CHIRP_GATEWAY_OPS_H

struct front_req;

enum ops_result { OPS_HANDLED, OPS_NOT_MINE };

/* Answer hr when its path is one of ours (405 for a wrong method). */
enum ops_result ops_match(struct front_req *);

#endif
