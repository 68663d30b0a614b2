/*
 * cmd.h: chirp's commands (after tmux cmd.c and git's builtin/): one file
 * per command, each exporting a const struct cmd_entry that cmd_table[]
 * lists. Commands get the context and their own argv (argv[0] is the
 * command's name) and return an exit status.
 */
#ifndef CHIRP_CLI_CMD_H
#define CHIRP_CLI_CMD_H

#include <getopt.h>
#include <jansson.h>
#include <stdint.h>

#include "api_client.h"
#include "credentials.h"
#include "output.h"

/* The exit statuses of docs/API.md. */
enum chirp_exit {
	CHIRP_EXIT_OK = 0,
	CHIRP_EXIT_FAILED = 1,		/* server or network */
	CHIRP_EXIT_USAGE = 2,
	CHIRP_EXIT_AUTH = 3,		/* not logged in or token refused */
	CHIRP_EXIT_NOT_FOUND = 4,
};

/* The context every command gets (one per run). */
struct chirp {
	char *server;		/* owned, no trailing '/' */
	int json;
	/* the login in use: cred.token NULL when there is none */
	struct credentials cred;
	int from_env;		/* cred came from CHIRP_TOKEN */
	struct api *api;	/* owned */
	struct output out;
};

struct cmd_entry {
	const char *name;
	const char *usage;	/* arguments, after the name */
	const char *help;	/* one line */
	int (*exec)(struct chirp *, int argc, char **argv);
};

/* Global options, parsed before the command. */
struct cmd_global {
	const char *server;	/* --server, or NULL */
	int json;
	int help;
	int version;
	int command;		/* argv index of the command, or argc */
};

extern const struct cmd_entry cmd_register_entry;
extern const struct cmd_entry cmd_login_entry;
extern const struct cmd_entry cmd_logout_entry;
extern const struct cmd_entry cmd_whoami_entry;
extern const struct cmd_entry cmd_post_entry;
extern const struct cmd_entry cmd_delete_entry;
extern const struct cmd_entry cmd_follow_entry;
extern const struct cmd_entry cmd_unfollow_entry;
extern const struct cmd_entry cmd_followers_entry;
extern const struct cmd_entry cmd_following_entry;
extern const struct cmd_entry cmd_timeline_entry;
extern const struct cmd_entry cmd_user_entry;
extern const struct cmd_entry cmd_profile_entry;
extern const struct cmd_entry cmd_reply_entry;
extern const struct cmd_entry cmd_thread_entry;
extern const struct cmd_entry cmd_like_entry;
extern const struct cmd_entry cmd_unlike_entry;
extern const struct cmd_entry cmd_repost_entry;
extern const struct cmd_entry cmd_unrepost_entry;
extern const struct cmd_entry cmd_notifications_entry;
extern const struct cmd_entry cmd_watch_entry;
extern const struct cmd_entry cmd_delete_account_entry;
extern const struct cmd_entry cmd_help_entry;

/* NULL-terminated, in the order help lists them. */
extern const struct cmd_entry *const cmd_table[];

/* The command named exactly name, or NULL. */
const struct cmd_entry *cmd_find(const char *name);

/*
 * Parse the global options at the front of argv (stops at the first
 * argument that is not one). 0, or -1 after a message on stderr.
 */
int cmd_parse_global(int argc, char **argv, struct cmd_global *);

/* True when argv holds -h or --help before any "--". */
int cmd_wants_help(int argc, char **argv);

/* "usage: chirp NAME USAGE" on fp. */
void cmd_print_usage(const struct cmd_entry *, FILE *fp);

/* A usage error: "chirp: MESSAGE" and the usage line on stderr; 2. */
int cmd_usage_error(const struct cmd_entry *, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * getopt_long over a command's argv (set optind = 0 before the first
 * call). An unknown option or a missing value is reported here and
 * returns '?'.
 */
int cmd_getopt(const struct cmd_entry *, int argc, char **argv,
    const char *shortopts, const struct option *longopts);

/*
 * The options of a command whose one option is the flag --name (or -c
 * too when c is not 0): *set is 1 when it is given, and the arguments
 * start at optind. 0, or CHIRP_EXIT_USAGE after a message.
 */
int cmd_getopt_flag(const struct cmd_entry *, int argc, char **argv,
    const char *name, int c, int *set);

/* "chirp: MESSAGE" on stderr and the exit status that fits the failure. */
int cmd_api_failure(const struct chirp *, const struct api_error *);

/* 0 when logged in; else a message and -1 (exit CHIRP_EXIT_AUTH). */
int cmd_need_login(const struct chirp *);

/* The user id of a username: 0 or an exit status after a message. */
int cmd_resolve_user(struct chirp *, const char *username, int64_t *id,
    json_t **user);

/*
 * Log in as username and store the login (cmd-login.c, shared with
 * register). The answer's JSON into *answer when answer is not NULL.
 * 0 or an exit status after a message.
 */
int cmd_login_as(struct chirp *, const char *username, const char *password,
    json_t **answer);

/*
 * The arguments "[--password-stdin] USER" of login and register: the user
 * name into *user (argv's), the password (asked twice when twice) into
 * password. 0 or an exit status after a message.
 */
int cmd_login_args(const struct cmd_entry *, int argc, char **argv,
    int twice, const char **user, char *password, size_t size);

/*
 * Post the words of argv joined by spaces, or stdin when argv is "-", as
 * a reply to reply_to when it is not 0 (cmd-post.c, shared with reply);
 * prints the new id, or the tweet with --json. An exit status.
 */
int cmd_post_send(struct chirp *, int argc, char **argv, int64_t reply_to);

/*
 * A tweet id argument: 0 with *id set, or a usage error (2) naming what
 * is wrong.
 */
int cmd_tweet_id(const struct cmd_entry *, const char *arg, int64_t *id);

/* The string member key of obj, or "" (never NULL). */
const char *cmd_str(json_t *obj, const char *key);

/* Print a JSON value as the API gave it, one line. */
void cmd_print_json(json_t *);

#endif
