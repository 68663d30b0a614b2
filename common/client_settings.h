/*
 * client_settings.h: which server chirp and chirp-tui talk to and with
 * which login, chosen the same way by both:
 *
 *   server  --server, else CHIRP_SERVER, else the stored login's server,
 *           else CLIENT_SETTINGS_DEFAULT_SERVER; an http:// or https://
 *           URL, trailing '/' dropped
 *   login   CHIRP_TOKEN, else the stored login when it is for that server
 *
 * An empty variable counts as unset.
 */
#ifndef CHIRP_CLIENT_SETTINGS_H
#define CHIRP_CLIENT_SETTINGS_H

#include <stdbool.h>

#include "credentials.h"

/* The gateway when nothing names another. */
#define CLIENT_SETTINGS_DEFAULT_SERVER "http://localhost:8030"

struct client_settings {
	char *server;		/* owned, no trailing '/' */
	/* the login to use: cred.token NULL when there is none */
	struct credentials cred;
	bool from_env;		/* cred came from CHIRP_TOKEN */
	/*
	 * CHIRP_TOKEN is not one of ours (credentials_from_token failed):
	 * cred holds the server and the token only, whose user is unknown.
	 */
	bool opaque;
};

/*
 * Fill s (released with client_settings_release whatever the result).
 * flag_server is --server, or NULL. 0, or -1 when the server chosen is
 * not an http:// or https:// URL: s->server holds it for the message.
 */
int client_settings_load(struct client_settings *s, const char *flag_server);
void client_settings_release(struct client_settings *s);

#endif
