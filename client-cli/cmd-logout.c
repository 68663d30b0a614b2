/* cmd-logout.c: chirp logout: forget the stored login. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static int cmd_logout_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_logout_entry = {
	"logout", "", "forget the stored login", cmd_logout_exec,
};

static int
cmd_logout_exec(struct chirp *c, int argc, char **argv)
{
	struct credentials stored;
	int had;

	(void)argv;
	if (argc != 1)
		return cmd_usage_error(&cmd_logout_entry,
		    "logout takes no arguments");
	had = credentials_load(&stored) == 0;
	if (credentials_remove() == -1) {
		fprintf(stderr, "chirp: cannot remove the stored login: %s\n",
		    strerror(errno));
		if (had)
			credentials_release(&stored);
		return CHIRP_EXIT_FAILED;
	}
	if (!c->json) {
		if (had)
			printf("logged out '%s' from '%s'\n", stored.username,
			    stored.server);
		else
			printf("not logged in\n");
	}
	if (had)
		credentials_release(&stored);
	return CHIRP_EXIT_OK;
}
