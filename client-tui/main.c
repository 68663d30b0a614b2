/*
 * chirp-tui: a full-screen client for chirp. main.c reads the arguments,
 * sets up the terminal and runs the one loop: the live feed's event loop,
 * with the terminal's input watched in it, and no other thread.
 */
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client_settings.h"
#include "log.h"
#include "parent.h"
#include "rand.h"
#include "timeutil.h"
#include "tui.h"
#include "xmalloc.h"

#define TUI_TICK_MS 250

static volatile sig_atomic_t tui_sig_quit;
static volatile sig_atomic_t tui_sig_stop;
static volatile sig_atomic_t tui_sig_cont;

static void
tui_on_signal(int sig)
{
	switch (sig) {
	case SIGTSTP:
		tui_sig_stop = 1;
		break;
	case SIGCONT:
		tui_sig_cont = 1;
		break;
	default:
		tui_sig_quit = sig;
		break;
	}
}

/* Our handlers go in before curses starts, so that it keeps them. */
static void
tui_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGTSTP,
		SIGCONT };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tui_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* Every key waiting on the terminal (and KEY_RESIZE after SIGWINCH). */
static void
tui_read_keys(struct tui *tui)
{
	wint_t wc;
	int r, n = 0;

	while (n++ < 256 && (r = get_wch(&wc)) != ERR) {
		if (r == KEY_CODE_YES)
			tui_key(tui, TUI_KEY_FN | (int)wc);
		else
			tui_key(tui, (int)wc);
		if (!tui->running)
			break;
	}
	tui_draw(tui);
}

static void
tui_stdin_ready(int fd, void *arg)
{
	(void)fd;
	tui_read_keys(arg);
}

/* Ctrl-Z: give the terminal back, stop, and on fg redraw and catch up. */
static void
tui_suspend(struct tui *tui)
{
	struct sigaction sa, old;

	endwin();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTSTP, &sa, &old);
	raise(SIGTSTP);
	/* here again after SIGCONT */
	sigaction(SIGTSTP, &old, NULL);
	tui_sig_cont = 1;
	(void)tui;
}

static void
tui_resume(struct tui *tui)
{
	refresh();
	tui_redraw_all(tui);
	tui->feed_reconnect = true;
}

static void
tui_usage(FILE *f)
{
	fprintf(f,
	    "usage: chirp-tui [--server URL]\n"
	    "\n"
	    "A full-screen chirp client. The server comes from --server, else\n"
	    "CHIRP_SERVER, else the stored login, else %s.\n"
	    "CHIRP_TOKEN, when set, is used instead of the stored login.\n"
	    "Press ? inside for the keys.\n", CLIENT_SETTINGS_DEFAULT_SERVER);
}

/* The colour pairs, when the terminal has colours. */
static void
tui_colors(struct tui *tui)
{
	if (!has_colors() || start_color() == ERR)
		return;
	use_default_colors();
	init_pair(TUI_COLOR_NAME, COLOR_CYAN, -1);
	init_pair(TUI_COLOR_BAR, COLOR_WHITE, COLOR_BLUE);
	init_pair(TUI_COLOR_ERROR, COLOR_WHITE, COLOR_RED);
	init_pair(TUI_COLOR_NEW, COLOR_BLACK, COLOR_YELLOW);
	init_pair(TUI_COLOR_DIM, COLOR_YELLOW, -1);
	init_pair(TUI_COLOR_LIVE, COLOR_BLACK, COLOR_GREEN);
	tui->colors = true;
}

/* One turn of the loop: wait for the feed, the terminal or the tick. */
static void
tui_wait(struct tui *tui)
{
	struct pollfd pfd = { 0, POLLIN, 0 };

	if (tui->feed != NULL) {
		feed_client_service(tui->feed, TUI_TICK_MS);
	} else if (poll(&pfd, 1, TUI_TICK_MS) < 0 && errno != EINTR) {
		tui_error(tui, "poll: %s", strerror(errno));
	}
	tui_read_keys(tui);
}

int
main(int argc, char **argv)
{
	struct tui tui;
	SCREEN *scr;
	struct client_settings set;
	const char *server = NULL, *env;
	int i, ret = 0;
	int64_t last_tick = 0;
	bool have_cred, bad_token = false;

	setlocale(LC_ALL, "");
	log_init("chirp-tui", "warn");
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--server") == 0 && i + 1 < argc) {
			server = argv[++i];
		} else if (strncmp(argv[i], "--server=", 9) == 0) {
			server = argv[i] + 9;
		} else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			tui_usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("chirp-tui %s\n", CHIRP_VERSION);
			return 0;
		} else {
			fprintf(stderr, "chirp-tui: unknown argument '%s'\n",
			    argv[i]);
			tui_usage(stderr);
			return 2;
		}
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "chirp-tui: needs a terminal\n");
		return 2;
	}
	rand_init();

	memset(&tui, 0, sizeof tui);
	/* symbols (the counts' arrows and heart) only where they draw */
	tui.utf8 = MB_CUR_MAX > 1 && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (client_settings_load(&set, server) == -1) {
		fprintf(stderr, "chirp-tui: '%s' is not an http:// or https:// "
		    "URL\n", set.server);
		client_settings_release(&set);
		return 2;
	}
	/* the views need the token's user: one we cannot read is refused */
	if (set.opaque) {
		credentials_release(&set.cred);
		bad_token = true;
	}
	/* the context takes over what set owns */
	tui.server = set.server;
	tui.cred = set.cred;
	have_cred = tui.cred.token != NULL;
	tui.api = api_new(tui.server, NULL);
	tui.watch_stdin = tui_stdin_ready;
	tui.running = true;

	tui_signals();
	scr = newterm(NULL, stdout, stdin);
	if (scr == NULL) {
		env = getenv("TERM");
		fprintf(stderr, "chirp-tui: cannot use the terminal '%s'\n",
		    env != NULL ? env : "");
		ret = 1;
		goto out;
	}
	set_term(scr);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	tui_colors(&tui);

	if (have_cred)
		tui_session_start(&tui);
	else
		view_login_open(&tui);
	if (bad_token)
		tui_error(&tui, "CHIRP_TOKEN is not a chirp token");
	tui.dirty = true;

	while (tui.running && tui_sig_quit == 0) {
		tui_poll(&tui);
		tui_draw(&tui);
		tui_wait(&tui);
		if (tui_sig_stop) {
			tui_sig_stop = 0;
			tui_suspend(&tui);
		}
		if (tui_sig_cont) {
			tui_sig_cont = 0;
			tui_resume(&tui);
		}
		/* the "reconnecting in Ns" countdown, and the tweets' ages */
		if (time_mono_ms() - last_tick >=
		    (tui.feed_state == FEED_RECONNECTING ? 1000 : 30000)) {
			last_tick = time_mono_ms();
			tui.dirty = true;
		}
	}
	endwin();
	delscreen(scr);
out:
	while (tui.depth > 0)
		tui_pop(&tui);
	feed_client_free(tui.feed);
	api_free(tui.api);
	api_free(tui.quick_api);
	parent_cache_free(tui.parents);
	credentials_release(&tui.cred);
	free(tui.server);
	free(tui.following);
	return ret;
}
