/*
 * nats-tap: what the NATS transport of the bus carries, for the tests
 * that watch the wire (the PostgreSQL transport's are watched by psql's
 * LISTEN).
 *
 *   nats-tap URL CHANNEL    every event sent on CHANNEL from now on, as
 *                           sent (sealed), one a line, until killed
 *
 * "subscribed" goes to stderr once events are being taken.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "bus_nats.h"

int
main(int argc, char **argv)
{
	const char *chans[2];
	struct bus_nats *n;
	struct pollfd p;
	char err[256], *c, *d;

	if (argc != 3) {
		fprintf(stderr, "usage: nats-tap URL CHANNEL\n");
		return 2;
	}
	chans[0] = argv[2];
	chans[1] = NULL;
	if ((n = bus_nats_open(argv[1], "nats-tap", chans, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "nats-tap: %s\n", err);
		return 1;
	}
	fprintf(stderr, "subscribed\n");
	for (;;) {
		p.fd = bus_nats_fd(n);
		p.events = POLLIN;
		if (poll(&p, 1, 1000) < 0)
			break;
		while (bus_nats_next(n, &c, &d)) {
			printf("%s\n", d);
			fflush(stdout);
			free(c);
			free(d);
		}
		if (bus_nats_lost(n, err, sizeof(err))) {
			fprintf(stderr, "nats-tap: %s\n", err);
			break;
		}
	}
	bus_nats_close(n);
	return 1;
}
