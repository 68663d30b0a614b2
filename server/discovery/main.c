/*
 * chirp-discoveryd: the registry of live user and tweet service instances.
 * Instances register themselves (common/registrar.c) and renew every few
 * seconds; one that stops renewing for ttl seconds drops out. The gateway
 * reads GET /services. Memory only: a restart loses nothing that the next
 * round of renewals does not bring back.
 */
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "discovery.h"
#include "http_server.h"
#include "log.h"
#include "registry.h"
#include "routes.h"
#include "process.h"

static const struct config_entry discovery_config[] = {
	PROCESS_CONFIG_ROWS("8040"),
	CONFIG_INT_ROW("threads", "2", 1, 64, "HTTP worker threads"),
	CONFIG_INT_ROW("ttl", "15", 1, 86400,
	    "seconds an instance stays listed after its last renewal"),
	CONFIG_INT_ROW("max_instances", "4096", 1, 1000000,
	    "most instances listed at once"),
	CONFIG_END,
};

static bool
discovery_healthy(void *ctx)
{
	(void)ctx;
	return true;
}

int
main(int argc, char **argv)
{
	struct discovery d = { 0 };
	struct http_server_config hc = { 0 };
	struct process proc;

	process_init(&proc, "discovery", "discoveryd", discovery_config, argc,
	    argv);
	d.ttl_s = (int)config_int(proc.cfg, "ttl");
	d.registry = registry_new(d.ttl_s * 1000LL,
	    (size_t)config_int(proc.cfg, "max_instances"));

	hc.routes = routes;
	hc.nroutes = routes_count;
	hc.ctx = &d;
	hc.healthy = discovery_healthy;
	hc.quiet = true;	/* renewals every few seconds: debug */
	hc.audience = "discovery";
	process_serve(&proc, &hc);
	log_info("instances stay listed %ds after their last renewal",
	    d.ttl_s);

	process_wait(&proc);
	registry_free(d.registry);
	process_free(&proc);
	return 0;
}
