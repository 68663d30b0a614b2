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
	{ "port", CONFIG_INT, "8040", "TCP port to listen on", false },
	{ "bind", CONFIG_STRING, "127.0.0.1", "address to listen on", false },
	{ "ttl", CONFIG_INT, "15",
	    "seconds an instance stays listed after its last renewal", false },
	{ "max_instances", CONFIG_INT, "4096",
	    "most instances listed at once", false },
	{ "threads", CONFIG_INT, "2", "HTTP worker threads", false },
	SVCAUTH_CONFIG_ENTRIES,
	{ "log_level", CONFIG_STRING, "info", "debug, info or warn", false },
	{ NULL, CONFIG_STRING, NULL, NULL, false },
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
	if (port < 1 || port > 65535 || ttl < 1 || ttl > 86400 || max < 1 ||
	    max > 1000000 || threads < 1 || threads > 64) {
		log_warnx("port must be 1..65535, ttl 1..86400, "
		    "max_instances 1..1000000 and threads 1..64");
		goto out;
	}
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
