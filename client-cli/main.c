/*
 * main.c: chirp, the command-line client. Global options, the server and
 * the login in use, then one command from cmd_table[].
 *
 *   chirp [--server URL] [--json] COMMAND [ARGS]
 *
 * The server and the login are chosen as chirp-tui chooses them
 * (common/client_settings.h).
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_settings.h"
#include "cmd.h"

#ifndef CHIRP_VERSION
#define CHIRP_VERSION "0.1.0"
#endif

/* Choose the server and the login; 0 or an exit status. */
static int
main_session(struct chirp *c, const struct cmd_global *g)
{
	struct client_settings set;

	if (client_settings_load(&set, g->server) == -1) {
		fprintf(stderr, "chirp: '%s' is not an http:// or https:// "
		    "URL\n", set.server);
		client_settings_release(&set);
		return CHIRP_EXIT_USAGE;
	}
	/* the context takes over what set owns */
	c->server = set.server;
	c->cred = set.cred;
	c->from_env = set.from_env;
	c->api = api_new(c->server, c->cred.token);
	return CHIRP_EXIT_OK;
}

static void
main_usage(FILE *fp)
{
	fprintf(fp, "usage: chirp [--server URL] [--json] COMMAND [ARGS]\n"
	    "       chirp help [COMMAND]\n");
}

/* Take "--json" out of a command's arguments (before any "--"). */
static int
main_take_json(int *argc, char **argv)
{
	int i, j, found = 0;

	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--json") == 0) {
			found = 1;
			for (j = i; j < *argc - 1; j++)
				argv[j] = argv[j + 1];
			(*argc)--;
			i--;
		}
	}
	return found;
}

int
main(int argc, char **argv)
{
	struct cmd_global g;
	struct chirp c;
	const struct cmd_entry *e;
	int ret, cargc;
	char **cargv;

	/* wcwidth needs a UTF-8 locale; tweets are UTF-8 whatever LANG is */
	if (setlocale(LC_CTYPE, "") == NULL || MB_CUR_MAX == 1)
		setlocale(LC_CTYPE, "C.UTF-8");

	memset(&c, 0, sizeof(c));
	if (cmd_parse_global(argc, argv, &g) == -1) {
		main_usage(stderr);
		return CHIRP_EXIT_USAGE;
	}
	if (g.version) {
		printf("chirp %s\n", CHIRP_VERSION);
		return CHIRP_EXIT_OK;
	}
	if (g.command >= argc) {
		char *hargv[] = { (char *)"help", NULL };

		if (g.help)
			return cmd_help_entry.exec(&c, 1, hargv);
		main_usage(stderr);
		fprintf(stderr, "run 'chirp help' for the commands\n");
		return CHIRP_EXIT_USAGE;
	}
	e = cmd_find(argv[g.command]);
	if (e == NULL) {
		fprintf(stderr, "chirp: '%s' is not a command (see 'chirp "
		    "help')\n", argv[g.command]);
		return CHIRP_EXIT_USAGE;
	}
	cargc = argc - g.command;
	cargv = argv + g.command;
	if (cmd_wants_help(cargc, cargv) || g.help) {
		char *hargv[] = { (char *)"help", (char *)e->name, NULL };

		return cmd_help_entry.exec(&c, 2, hargv);
	}
	if (main_take_json(&cargc, cargv))
		g.json = 1;

	c.json = g.json;
	output_init(&c.out, stdout);
	ret = main_session(&c, &g);
	if (ret == CHIRP_EXIT_OK)
		ret = e->exec(&c, cargc, cargv);
	if (fflush(stdout) != 0 && ret == CHIRP_EXIT_OK) {
		perror("chirp: cannot write the output");
		ret = CHIRP_EXIT_FAILED;
	}
	api_free(c.api);
	credentials_release(&c.cred);
	free(c.server);
	return ret;
}
