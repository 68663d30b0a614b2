/* cmd-login.c: chirp login USER: a token, stored for chirp and chirp-tui. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "model.h"
#include "prompt.h"
#include "xmalloc.h"

static int cmd_login_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_login_entry = {
	"login", "[--password-stdin] USER",
	"log in and store the token",
	cmd_login_exec,
};

int
cmd_login_as(struct chirp *c, const char *username, const char *password,
    json_t **answer)
{
	struct credentials cred;
	struct api_error err;
	json_t *req, *res = NULL;
	const char *name, *token, *exp;
	char *dir;
	int ret = CHIRP_EXIT_FAILED;

	memset(&cred, 0, sizeof(cred));
	if (answer != NULL)
		*answer = NULL;
	req = json_pack("{s:s, s:s}", "username", username, "password",
	    password);
	if (req == NULL) {
		fprintf(stderr, "chirp: the user name or password is not "
		    "valid UTF-8\n");
		return CHIRP_EXIT_USAGE;
	}
	if (api_call(c->api, "POST", "/users/login", req, NULL, &res,
	    &err) != API_OK) {
		if (err.status == API_UNAUTHORIZED) {
			fprintf(stderr, "chirp: '%s' refused the login: %s\n",
			    c->server, err.message);
			ret = CHIRP_EXIT_AUTH;
		} else
			ret = cmd_api_failure(c, &err);
		goto out;
	}
	name = json_string_value(json_object_get(res, "username"));
	token = json_string_value(json_object_get(res, "accessToken"));
	exp = json_string_value(json_object_get(res, "expiresAt"));
	if (!model_get_id(res, "userId", &cred.user_id) || name == NULL ||
	    token == NULL ||
	    strlen(name) >= sizeof(cred.username)) {
		fprintf(stderr, "chirp: '%s' answered the login without a "
		    "user or token\n", c->server);
		goto out;
	}
	cred.server = xstrdup(c->server);
	cred.token = xstrdup(token);
	cred.expires_at = exp != NULL ? xstrdup(exp) : NULL;
	snprintf(cred.username, sizeof(cred.username), "%s", name);
	if (credentials_save(&cred) == -1) {
		dir = credentials_dir();
		fprintf(stderr, "chirp: cannot store the login in '%s': %s\n",
		    dir != NULL ? dir : "(no HOME)", strerror(errno));
		free(dir);
		goto out;
	}
	/* this run goes on as the new user */
	credentials_release(&c->cred);
	c->cred = cred;
	memset(&cred, 0, sizeof(cred));
	api_set_token(c->api, c->cred.token);
	if (answer != NULL) {
		*answer = res;
		res = NULL;
	}
	ret = CHIRP_EXIT_OK;
out:
	credentials_release(&cred);
	json_decref(res);
	json_decref(req);
	return ret;
}

int
cmd_login_args(const struct cmd_entry *e, int argc, char **argv, int twice,
    const char **user, char *password, size_t size)
{
	int from_stdin, ret;

	if ((ret = cmd_getopt_flag(e, argc, argv, "password-stdin", 0,
	    &from_stdin)) != CHIRP_EXIT_OK)
		return ret;
	if (argc - optind != 1)
		return cmd_usage_error(e, "%s needs one user name", e->name);
	*user = argv[optind];
	if (prompt_password(from_stdin, twice, password, size) == -1)
		return CHIRP_EXIT_FAILED;
	return CHIRP_EXIT_OK;
}

static int
cmd_login_exec(struct chirp *c, int argc, char **argv)
{
	char password[PROMPT_MAX];
	const char *user;
	json_t *res = NULL;
	int ret;

	if ((ret = cmd_login_args(&cmd_login_entry, argc, argv, 0, &user,
	    password, sizeof(password))) != CHIRP_EXIT_OK)
		return ret;
	ret = cmd_login_as(c, user, password, &res);
	explicit_bzero(password, sizeof(password));
	if (ret != CHIRP_EXIT_OK)
		return ret;
	if (c->json)
		cmd_print_json(res);
	else
		printf("logged in as '%s' on '%s'\n", c->cred.username,
		    c->server);
	json_decref(res);
	return CHIRP_EXIT_OK;
}
