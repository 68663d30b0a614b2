/*
 * cmd-post.c: chirp post TEXT... | chirp post -: a new tweet; prints its
 * id. An Idempotency-Key makes the retries after a network failure safe:
 * the server answers a repeat with the first tweet and creates nothing.
 * chirp reply sends through the same cmd_post_send.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "prompt.h"
#include "rand.h"
#include "text.h"
#include "xmalloc.h"

#define CMD_POST_TRIES 3
#define CMD_POST_STDIN_MAX (64 * 1024)

static int cmd_post_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_post_entry = {
	"post", "TEXT... | -",
	"post a tweet (- reads the text from stdin); prints its id",
	cmd_post_exec,
};

/* The words of argv joined with single spaces; caller frees. */
static char *
cmd_post_join(int argc, char **argv)
{
	size_t len = 1, off = 0, n;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xmalloc(len);
	for (i = 0; i < argc; i++) {
		if (i > 0)
			s[off++] = ' ';
		n = strlen(argv[i]);
		memcpy(s + off, argv[i], n);
		off += n;
	}
	s[off] = '\0';
	return s;
}

int
cmd_post_send(struct chirp *c, int argc, char **argv, int64_t reply_to)
{
	struct api_error err;
	struct timespec pause;
	char key[33];
	json_t *res = NULL;
	char *text = NULL;
	int try, ret;
	enum api_status st = API_NETWORK;

	if (cmd_need_login(c) == -1)
		return CHIRP_EXIT_AUTH;
	if (argc == 1 && strcmp(argv[0], "-") == 0) {
		text = prompt_read_all(stdin, CMD_POST_STDIN_MAX);
		if (text == NULL)
			return CHIRP_EXIT_FAILED;
	} else
		text = cmd_post_join(argc, argv);

	/* one key for every try of this post */
	rand_hex(key, 16);
	for (try = 1; try <= CMD_POST_TRIES; try++) {
		st = api_post_tweet(c->api, c->cred.user_id, text, reply_to,
		    key, &res, &err);
		if (st != API_NETWORK || try == CMD_POST_TRIES)
			break;
		pause.tv_sec = try / 2;
		pause.tv_nsec = (try % 2) * 500000000L;
		nanosleep(&pause, NULL);
	}
	if (st != API_OK) {
		ret = cmd_api_failure(c, &err);
		goto out;
	}
	if (c->json)
		cmd_print_json(res);
	else {
		text_fputs(cmd_str(res, "tweetId"), stdout, 0);
		putchar('\n');
	}
	ret = CHIRP_EXIT_OK;
out:
	json_decref(res);
	free(text);
	return ret;
}

static int
cmd_post_exec(struct chirp *c, int argc, char **argv)
{
	static const struct option opts[] = { { NULL, 0, NULL, 0 } };
	int opt;

	optind = 0;
	/* "+": options end at the first word of the text */
	while ((opt = cmd_getopt(&cmd_post_entry, argc, argv, "+", opts)) !=
	    -1)
		return CHIRP_EXIT_USAGE;
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return cmd_usage_error(&cmd_post_entry, "nothing to post");
	return cmd_post_send(c, argc, argv, 0);
}
