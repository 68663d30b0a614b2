/*
 * client_settings.c: the server and the login of chirp and chirp-tui
 * (see client_settings.h).
 */
#include "client_settings.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* s without trailing '/', so that stored and given servers compare equal. */
static char *
client_settings_server(const char *s)
{
	size_t len = strlen(s);

	while (len > 0 && s[len - 1] == '/')
		len--;
	return xstrndup(s, len);
}

/* getenv, with an empty value as unset. */
static const char *
client_settings_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

int
client_settings_load(struct client_settings *s, const char *flag_server)
{
	struct credentials stored;
	const char *env_server = client_settings_env("CHIRP_SERVER");
	const char *env_token = client_settings_env("CHIRP_TOKEN");
	bool have = credentials_load(&stored) == 0;
	char *ss;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	if (flag_server != NULL)
		s->server = client_settings_server(flag_server);
	else if (env_server != NULL)
		s->server = client_settings_server(env_server);
	else if (have && stored.server[0] != '\0')
		s->server = client_settings_server(stored.server);
	else
		s->server = xstrdup(CLIENT_SETTINGS_DEFAULT_SERVER);
	if (strncmp(s->server, "http://", 7) != 0 &&
	    strncmp(s->server, "https://", 8) != 0) {
		ret = -1;
		goto out;
	}

	if (env_token != NULL) {
		s->from_env = true;
		if (credentials_from_token(s->server, env_token, &s->cred) ==
		    -1) {
			/* not one of ours: a token whose user is unknown */
			memset(&s->cred, 0, sizeof(s->cred));
			s->cred.server = xstrdup(s->server);
			s->cred.token = xstrdup(env_token);
			s->opaque = true;
		}
	} else if (have) {
		ss = client_settings_server(stored.server);
		if (strcmp(ss, s->server) == 0) {
			s->cred = stored;
			have = false;
		}
		free(ss);
	}
out:
	if (have)
		credentials_release(&stored);
	return ret;
}

void
client_settings_release(struct client_settings *s)
{
	if (s == NULL)
		return;
	credentials_release(&s->cred);
	free(s->server);
	memset(s, 0, sizeof(*s));
}
