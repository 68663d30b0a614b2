/*
 * svc-token: service credentials and sealed events for the security
 * tests, from the service secret of CHIRP_SERVICE_SECRET_FILE.
 *
 *   svc-token ISS AUD [AGE]        a credential of ISS for AUD, issued AGE
 *                                  seconds ago (default 0)
 *   svc-token --seal CHANNEL JSON  JSON sealed for CHANNEL, as bus_publish
 *                                  would send it
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svcauth.h"

int
main(int argc, char **argv)
{
	const char *path = getenv("CHIRP_SERVICE_SECRET_FILE");
	struct svcauth *a;
	char *out;
	long age = 0;
	int64_t now = (int64_t)time(NULL);

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: svc-token ISS AUD [AGE] | "
		    "svc-token --seal CHANNEL JSON\n");
		return 2;
	}
	a = svcauth_load(strcmp(argv[1], "--seal") == 0 ? "tweetd" : argv[1],
	    getenv("CHIRP_SERVICE_SECRET"), path);
	if (a == NULL)
		return 1;
	if (strcmp(argv[1], "--seal") == 0)
		out = svcauth_seal(a, argv[2], argv[3] ? argv[3] : "", now);
	else {
		if (argc == 4)
			age = strtol(argv[3], NULL, 10);
		out = svcauth_mint(a, argv[2], now - age);
	}
	printf("%s\n", out);
	free(out);
	svcauth_free(a);
	return 0;
}
