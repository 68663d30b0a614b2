/*
 * model.h: the JSON shapes of docs/API.md. Ids travel as decimal strings,
 * timestamps as RFC 3339 with milliseconds.
 */
#ifndef CHIRP_MODEL_H
#define CHIRP_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "jsonw.h"

/* The most mentions one tweet can hold: 280 characters, "@ab " each. */
#define MODEL_MENTIONS_MAX 70

struct user {
	int64_t id;
	char username[33];
	int64_t created_ms;
	int64_t followers;
	int64_t followings;
	int64_t tweets;		/* tweets and replies, not reposts */
	/* UTF-8, at most DISPLAY_NAME_MAX and BIO_MAX code points (validate.h) */
	char display_name[4 * 50 + 1];
	char bio[4 * 160 + 1];
};

/*
 * A tweet as docs/API.md has it. A zeroed tweet beyond its first members
 * is one that replies to nothing, mentions nobody, has no counts and is
 * no repost, with the caller's flags unknown (left out of the JSON).
 */
struct tweet {
	int64_t id;
	int64_t user_id;
	char username[33];
	char *content;		/* owned; model_tweet_release frees it */
	int64_t created_ms;
	int64_t reply_to;	/* the parent's id; 0: none */
	int64_t conversation_id; /* 0: the tweet's own id */
	/*
	 * "mentions" as compact JSON text, [{"userId":"1","username":"a"}...]
	 * in that member order (owned; NULL: []). model_tweet_parse checks
	 * it; a service writes it from its own database as it stored it.
	 */
	char *mentions;
	int64_t reply_count;
	int64_t like_count;
	int64_t repost_count;
	struct tweet *repost_of; /* owned; NULL unless this is a repost */
	/* For the caller of a request with a token (has_flags): the JSON
	 * has "liked" and "reposted" only then. */
	bool has_flags;
	bool liked;
	bool reposted;
};

/* New JSON objects, owned by the caller. */
json_t *model_user_json(const struct user *);
json_t *model_tweet_json(const struct tweet *);
/*
 * The text of model_tweet_json, byte for byte as json_dumps(JSON_COMPACT)
 * writes it, appended to w without building the object (timeline pages).
 */
void model_tweet_write(struct jsonw *w, const struct tweet *);
/* {"error": code, "message": message} */
json_t *model_error_json(const char *code, const char *message);

/*
 * Parse a tweet object as model_tweet_json writes it; false when not one.
 * The members of conversations (replyTo ... reposted) may be absent (a
 * tweet of an older event), and are then as in a zeroed tweet; present,
 * each must be well-formed (a repostOf, a tweet that is no repost).
 */
bool model_tweet_parse(const json_t *, struct tweet *);
/* Free what a tweet owns (content, mentions, repost_of), and zero those. */
void model_tweet_release(struct tweet *);
/* A deep copy of src into dst (content, mentions, repost_of), released
 * with model_tweet_release. */
void model_tweet_copy(struct tweet *dst, const struct tweet *src);
/*
 * The user ids of t's mentions into ids (at most max), in order; their
 * number, or -1 when t->mentions is not the JSON model_tweet_parse
 * checks.
 */
int model_tweet_mention_ids(const struct tweet *t, int64_t *ids, int max);

/* A string member holding a decimal id; false when absent or not an id. */
bool model_get_id(const json_t *obj, const char *key, int64_t *out);
/* An id as a new JSON string. */
json_t *model_id_json(int64_t);

/*
 * j itself; ends the process when it is NULL, which jansson's
 * constructors (json_pack with a well-formed format, json_array...) are
 * only on out-of-memory.
 */
json_t *model_must(json_t *j);

#endif
