/* token_cache.c: token_verify remembered for tokens found good. */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "agetable.h"
#include "hmap.h"
#include "token_cache.h"
#include "xmalloc.h"

/* Longer is not one of ours (token.c refuses it): never kept. */
#define TOKEN_CACHE_TOKEN_MAX 4096

struct token_cache_entry {
	struct agetable_node node;	/* id: the token's keyed hash */
	char *token;
	size_t len;
	struct token_claims claims;
};

struct token_cache {
	pthread_mutex_t lock;
	struct agetable table;
	unsigned char *secret;	/* what the kept tokens were checked with */
	size_t secret_len;
};

struct token_cache *
token_cache_new(size_t max)
{
	struct token_cache *c;

	if (max == 0)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	agetable_init(&c->table, max, sizeof(struct token_cache_entry));
	return c;
}

static void
token_cache_evict(void *entry, void *arg)
{
	struct token_cache_entry *e = entry;

	(void)arg;
	free(e->token);
	e->token = NULL;
}

static void
token_cache_remove(struct token_cache *c, struct token_cache_entry *e)
{
	token_cache_evict(e, NULL);
	agetable_remove(&c->table, e);
}

/* Forget every token; lock held. */
static void
token_cache_clear(struct token_cache *c)
{
	struct token_cache_entry *e;

	while ((e = AGETABLE_OLDEST(&c->table)) != NULL)
		token_cache_remove(c, e);
}

void
token_cache_free(struct token_cache *c)
{
	if (c == NULL)
		return;
	token_cache_clear(c);
	agetable_release(&c->table);
	if (c->secret != NULL)
		sodium_memzero(c->secret, c->secret_len);
	free(c->secret);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* Are the kept tokens of this secret? If not, forget them and take it
 * (lock held). */
static void
token_cache_secret(struct token_cache *c, const unsigned char *secret,
    size_t secret_len)
{
	if (c->secret != NULL && c->secret_len == secret_len &&
	    memcmp(c->secret, secret, secret_len) == 0)
		return;
	token_cache_clear(c);
	if (c->secret != NULL)
		sodium_memzero(c->secret, c->secret_len);
	free(c->secret);
	c->secret = xmalloc(secret_len > 0 ? secret_len : 1);
	memcpy(c->secret, secret, secret_len);
	c->secret_len = secret_len;
}

enum token_result
token_cache_verify(struct token_cache *c, const unsigned char *secret,
    size_t secret_len, const char *token, int64_t now,
    struct token_claims *out)
{
	struct token_cache_entry *e;
	struct token_claims claims;
	enum token_result r;
	int64_t key;
	size_t len;
	bool created;

	if (c == NULL || secret == NULL || token == NULL ||
	    (len = strnlen(token, TOKEN_CACHE_TOKEN_MAX + 1)) >
	    TOKEN_CACHE_TOKEN_MAX)
		return token_verify(secret, secret_len, token, now, out);
	/* SipHash under the process's random key: no one can aim a token at
	 * a kept one's slot, and the bytes are compared in constant time. */
	key = (int64_t)hmap_hash_bytes(token, len);
	pthread_mutex_lock(&c->lock);
	token_cache_secret(c, secret, secret_len);
	e = agetable_find(&c->table, NULL, key);
	if (e != NULL && e->len == len &&
	    sodium_memcmp(e->token, token, len) == 0) {
		claims = e->claims;
		if (now >= claims.expires_at)
			token_cache_remove(c, e);
		pthread_mutex_unlock(&c->lock);
		if (out != NULL)
			*out = claims;
		return now >= claims.expires_at ? TOKEN_EXPIRED : TOKEN_OK;
	}
	pthread_mutex_unlock(&c->lock);

	r = token_verify(secret, secret_len, token, now, &claims);
	if (r == TOKEN_OK) {
		pthread_mutex_lock(&c->lock);
		/* The secret may have changed meanwhile: keep only what was
		 * checked with the one the cache holds now. */
		if (c->secret_len == secret_len &&
		    memcmp(c->secret, secret, secret_len) == 0 &&
		    agetable_find(&c->table, NULL, key) == NULL) {
			e = agetable_get(&c->table, NULL, key, &created,
			    token_cache_evict, NULL);
			e->token = xstrndup(token, len);
			e->len = len;
			e->claims = claims;
		}
		pthread_mutex_unlock(&c->lock);
	}
	if (out != NULL)
		*out = claims;
	return r;
}
