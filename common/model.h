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

struct tweet {
	int64_t id;
	int64_t user_id;
	char username[33];
	char *content;		/* owned; model_tweet_release frees it */
	int64_t created_ms;
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

/* Parse a tweet object as model_tweet_json writes it; false when not one. */
bool model_tweet_parse(const json_t *, struct tweet *);
void model_tweet_release(struct tweet *);

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
