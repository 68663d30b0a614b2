/* cmd-help.c: chirp help [COMMAND]: the commands, or one command's usage. */
#include <stdio.h>
#include <string.h>

#include "client_settings.h"
#include "cmd.h"

static int cmd_help_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_help_entry = {
	"help", "[COMMAND]", "show the commands, or how to use one",
	cmd_help_exec,
};

static int
cmd_help_exec(struct chirp *c, int argc, char **argv)
{
	const struct cmd_entry *e;
	size_t i;

	(void)c;
	if (argc > 2)
		return cmd_usage_error(&cmd_help_entry,
		    "help takes at most one command");
	if (argc == 2) {
		e = cmd_find(argv[1]);
		if (e == NULL) {
			fprintf(stderr, "chirp: '%s' is not a command (see "
			    "'chirp help')\n", argv[1]);
			return CHIRP_EXIT_USAGE;
		}
		cmd_print_usage(e, stdout);
		printf("\n%s\n", e->help);
		return CHIRP_EXIT_OK;
	}
	printf("usage: chirp [--server URL] [--json] COMMAND [ARGS]\n\n"
	    "commands:\n");
	for (i = 0; cmd_table[i] != NULL; i++) {
		e = cmd_table[i];
		printf("  %s%s%s\n      %s\n", e->name,
		    e->usage[0] != '\0' ? " " : "", e->usage, e->help);
	}
	printf("\n"
	    "--server URL   the server (else CHIRP_SERVER, else the stored "
	    "login's,\n"
	    "               else " CLIENT_SETTINGS_DEFAULT_SERVER ")\n"
	    "--json         print what the server answered, as JSON\n\n"
	    "CHIRP_TOKEN sets a token; the login is stored in "
	    "$XDG_CONFIG_HOME/chirp/.\n"
	    "Exit status: 0 done, 1 failed, 2 usage, 3 not logged in, "
	    "4 not found.\n");
	return CHIRP_EXIT_OK;
}
