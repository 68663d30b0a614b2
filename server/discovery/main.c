/*
 * chirp-discoveryd: the registry of live user and tweet service instances.
 * Instances register themselves (common/registrar.c) and renew every few
 * seconds; one that stops renewing for ttl seconds drops out. The gateway
 * reads GET /services. Memory only: a restart loses nothing that the next
 * round of renewals does not bring back.
 */
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>

#include "config.h"
#include "discovery.h"
#include "http_server.h"
#include "log.h"
#include "signals.h"
#include "metrics.h"
#include "registry.h"
#include "routes.h"
#include "svcauth.h"

static const struct config_entry discovery_config[] = {
	CONFIG_INT_ROW("port", "8040", 1, 65535, "TCP port to listen on"),
	CONFIG_STR_ROW("bind", "127.0.0.1", "address to listen on"),
	CONFIG_INT_ROW("ttl", "15", 1, 86400,
	    "seconds an instance stays listed after its last renewal"),
	CONFIG_INT_ROW("max_instances", "4096", 1, 1000000,
	    "most instances listed at once"),
	CONFIG_INT_ROW("threads", "2", 1, 64, "HTTP worker threads"),
	SVCAUTH_CONFIG_ENTRIES,
	CONFIG_STR_ROW("log_level", "info", "debug, info or warn"),
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
	long long port, ttl, max, threads;
	int ret = 1;

	d.config = config_load("chirp-discoveryd", discovery_config, argc,
	    argv);
	log_init("chirp-discoveryd", config_str(d.config, "log_level"));
	port = config_int(d.config, "port");
	ttl = config_int(d.config, "ttl");
	max = config_int(d.config, "max_instances");
	threads = config_int(d.config, "threads");
	metrics_init("discovery");
	d.svcauth = svcauth_load("discoveryd",
	    config_str(d.config, "service_secret"),
	    config_str(d.config, "service_secret_file"));
	if (d.svcauth == NULL)
		goto out;
	d.ttl_s = (int)ttl;
	d.registry = registry_new(ttl * 1000, (size_t)max);

	/* Every thread, the server's too, leaves these to signals_wait(). */
	signals_block(NULL);

	hc.service = "discovery";
	hc.bind = config_str(d.config, "bind");
	hc.port = (int)port;
	hc.threads = (int)threads;
	hc.routes = routes;
	hc.nroutes = routes_count;
	hc.ctx = &d;
	hc.healthy = discovery_healthy;
	hc.quiet = true;	/* renewals every few seconds: debug */
	hc.svcauth = d.svcauth;
	hc.audience = "discovery";
	if ((d.server = http_server_start(&hc)) == NULL)
		goto out;
	log_info("instances stay listed %llds after their last renewal", ttl);

	(void)signals_wait();
	ret = 0;
out:
	http_server_stop(d.server);
	registry_free(d.registry);
	svcauth_free(d.svcauth);
	config_free(d.config);
	return ret;
}
