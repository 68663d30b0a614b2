/* discovery.h: the context of chirp-discoveryd, handed to every handler. */
#ifndef CHIRP_DISCOVERY_H
#define CHIRP_DISCOVERY_H

#include <stdint.h>

struct discovery {
	struct registry *registry;
	int ttl_s;		/* told to every registering instance */
};

#endif
