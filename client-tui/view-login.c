/*
 * view-login.c: log in, or register and log in, when no token is stored
 * or the stored one was refused. The password is masked and wiped after
 * use; the login is saved for chirp and chirp-tui alike.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "tui.h"
#include "validate.h"
#include "xmalloc.h"

struct view_login {
	struct field user;
	struct field pass;
	int focus;		/* 0 username, 1 password */
	bool registering;
};

/* Keep the answer of POST /users/login as the session's credentials. */
static int
view_login_keep(struct tui *tui, const json_t *answer)
{
	const char *name, *token, *expires;
	int64_t id;

	name = json_string_value(json_object_get(answer, "username"));
	token = json_string_value(json_object_get(answer, "accessToken"));
	expires = json_string_value(json_object_get(answer, "expiresAt"));
	if (name == NULL || token == NULL || !model_get_id(answer, "userId",
	    &id)) {
		tui_error(tui, "the server's answer to the login is not "
		    "understood");
		return -1;
	}
	credentials_release(&tui->cred);
	tui->cred.server = xstrdup(tui->server);
	tui->cred.token = xstrdup(token);
	tui->cred.user_id = id;
	snprintf(tui->cred.username, sizeof tui->cred.username, "%s", name);
	tui->cred.expires_at = xstrdup(expires != NULL ? expires : "");
	if (credentials_save(&tui->cred) < 0)
		tui_error(tui, "logged in, but the login could not be saved");
	return 0;
}

static void
view_login_submit(struct view *v, struct tui *tui)
{
	struct view_login *vl = v->data;
	struct api_error err;
	json_t *body, *answer = NULL;
	enum api_status st;

	if (!validate_username(vl->user.text, vl->user.len)) {
		tui_error(tui, "a username is 3 to 32 of A-Z a-z 0-9 _ .");
		vl->focus = 0;
		return;
	}
	if (!validate_password(vl->pass.text, vl->pass.len)) {
		tui_error(tui, "a password is 8 to 256 bytes");
		vl->focus = 1;
		return;
	}
	body = json_pack("{s:s, s:s}", "username", vl->user.text,
	    "password", vl->pass.text);
	if (body == NULL) {
		tui_error(tui, "the username or password is not valid text");
		return;
	}
	if (vl->registering) {
		st = api_call(tui->api, "POST", "/users/register", body, NULL,
		    &answer, &err);
		json_decref(answer);
		answer = NULL;
		if (st != API_OK) {
			json_decref(body);
			tui_api_error(tui, "cannot register", &err);
			return;
		}
	}
	st = api_call(tui->api, "POST", "/users/login", body, NULL, &answer,
	    &err);
	json_decref(body);
	if (st != API_OK) {
		tui_api_error(tui, "cannot log in", &err);
		return;
	}
	if (view_login_keep(tui, answer) == 0) {
		field_clear(&vl->pass);
		tui_session_start(tui);
	}
	json_decref(answer);
}

static void
view_login_enter(struct view *v, struct tui *tui)
{
	struct view_login *vl = v->data;

	if (vl->focus == 0)
		vl->focus = 1;
	else
		view_login_submit(v, tui);
}

static void
view_login_switch(struct view *v, struct tui *tui)
{
	struct view_login *vl = v->data;

	(void)tui;
	vl->focus = !vl->focus;
}

static void
view_login_mode(struct view *v, struct tui *tui)
{
	struct view_login *vl = v->data;

	(void)tui;
	vl->registering = !vl->registering;
}

static void
view_login_backspace(struct view *v, struct tui *tui)
{
	struct view_login *vl = v->data;

	(void)tui;
	field_backspace(vl->focus ? &vl->pass : &vl->user);
}

static void
view_login_clear(struct view *v, struct tui *tui)
{
	struct view_login *vl = v->data;

	(void)tui;
	field_clear(vl->focus ? &vl->pass : &vl->user);
}

static const struct tui_binding view_login_keys[] = {
	{ '\r', "Enter", "next field, then log in", view_login_enter },
	{ '\n', NULL, NULL, view_login_enter },
	{ TUI_KEY_FN | KEY_ENTER, NULL, NULL, view_login_enter },
	{ '\t', "Tab", "the other field", view_login_switch },
	{ TUI_KEY_FN | KEY_DOWN, NULL, NULL, view_login_switch },
	{ TUI_KEY_FN | KEY_UP, NULL, NULL, view_login_switch },
	{ TUI_KEY_CTRL('r'), "^R", "register a new account instead",
	    view_login_mode },
	{ TUI_KEY_CTRL('u'), "^U", "clear the field", view_login_clear },
	{ TUI_KEY_FN | KEY_BACKSPACE, "Backspace", "delete a character",
	    view_login_backspace },
	{ 127, NULL, NULL, view_login_backspace },
	{ 8, NULL, NULL, view_login_backspace },
	{ TUI_KEY_ESC, "Esc", "quit", tui_key_back },
	{ 0, NULL, NULL, NULL },
};

static void
view_login_key(struct view *v, struct tui *tui, int key)
{
	struct view_login *vl = v->data;

	(void)tui;
	if (key & TUI_KEY_FN)
		return;
	field_add(vl->focus ? &vl->pass : &vl->user, key);
}

static void
view_login_draw(struct view *v, struct tui *tui)
{
	struct view_login *vl = v->data;
	char line[320], stars[64], *user;
	size_t i, n = 0;
	unsigned bold = A_BOLD;
	int w = COLS - 4;

	snprintf(v->title, sizeof v->title, " chirp: %s",
	    vl->registering ? "register" : "log in");
	for (i = 0; i < vl->pass.len && n + 1 < sizeof stars; i++)
		if (((unsigned char)vl->pass.text[i] & 0xc0) != 0x80)
			stars[n++] = '*';
	stars[n] = '\0';
	snprintf(line, sizeof line, "%s %s", vl->registering ?
	    "Register a new account on" : "Log in to", tui->server);
	tui_put(2, 2, w, line, bold);
	user = xasprintf("%s Username: %s%s", vl->focus == 0 ? ">" : " ",
	    vl->user.text, vl->focus == 0 ? "_" : "");
	tui_put(4, 2, w, user, vl->focus == 0 ? bold : 0);
	free(user);
	snprintf(line, sizeof line, "%s Password: %s%s", vl->focus == 1 ?
	    ">" : " ", stars, vl->focus == 1 ? "_" : "");
	tui_put(5, 2, w, line, vl->focus == 1 ? bold : 0);
	tui_put(7, 2, w, "Enter: next field, then go   Tab: other field",
	    tui_attr(tui, TUI_COLOR_DIM, A_DIM));
	tui_put(8, 2, w, vl->registering ?
	    "Ctrl-R: log in instead   Esc: quit" :
	    "Ctrl-R: register instead   Esc: quit",
	    tui_attr(tui, TUI_COLOR_DIM, A_DIM));
}

static void
view_login_free(struct view *v)
{
	struct view_login *vl = v->data;

	field_clear(&vl->pass);
	free(vl);
}

const struct view_type view_login_type = {
	.name = "log in",
	.keys = view_login_keys,
	.text_input = true,
	.free = view_login_free,
	.draw = view_login_draw,
	.key = view_login_key,
};

void
view_login_open(struct tui *tui)
{
	struct view_login *vl = xcalloc(1, sizeof *vl);

	if (tui->cred.username[0] != '\0')
		snprintf(vl->user.text, sizeof vl->user.text, "%s",
		    tui->cred.username);
	vl->user.len = strlen(vl->user.text);
	vl->focus = vl->user.len > 0 ? 1 : 0;
	tui_push(tui, tui_view_new(&view_login_type, vl));
}
