/*
 * cmd-logout.c: chirp logout: end the stored login's token on the server
 * (POST /users/logout revokes every token of the account), then forget
 * it. A server that cannot be reached does not keep the login here: it is
 * forgotten anyway, with a warning that the token may still be valid.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static int cmd_logout_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_logout_entry = {
	"logout", "", "end the login's tokens on the server and forget it",
	cmd_logout_exec,
};

/* POST /users/logout with the stored token; warns on failure. */
static void
cmd_logout_revoke(const struct credentials *stored)
{
	struct api_error err;
	json_t *res = NULL;
	struct api *api;
	enum api_status st;

	api = api_new(stored->server, stored->token);
	st = api_call(api, "POST", "/users/logout", NULL, NULL, &res, &err);
	json_decref(res);
	api_free(api);
	/* 401: the token was dead already, which is what was wanted. */
	if (st != API_OK && st != API_UNAUTHORIZED)
		fprintf(stderr, "chirp: warning: cannot end the token on "
		    "'%s': %s; forgetting it here anyway\n", stored->server,
		    err.message);
}

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
	if (had && stored.token != NULL && stored.server != NULL)
		cmd_logout_revoke(&stored);
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
