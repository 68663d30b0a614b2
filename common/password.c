/* password.c: argon2id password hashes (libsodium crypto_pwhash). */
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "log.h"
#include "password.h"
#include "rand.h"

#define DEFAULT_OPS 2
#define DEFAULT_MEM_KIB (19 * 1024)

/* Set once at start-up (and by tests), read by every thread after. */
static unsigned long cost_ops = DEFAULT_OPS;
static unsigned long cost_mem_kib = DEFAULT_MEM_KIB;

/* A hash of a fixed password at the current cost, for unknown users. */
static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;
static char dummy_hash[PASSWORD_HASH_MAX];
static unsigned long dummy_ops, dummy_mem_kib;

void
password_set_cost(unsigned long ops, unsigned long mem_kib)
{
	unsigned long min_kib = crypto_pwhash_argon2id_MEMLIMIT_MIN / 1024;

	cost_ops = ops ? ops : DEFAULT_OPS;
	if (cost_ops < crypto_pwhash_argon2id_OPSLIMIT_MIN)
		cost_ops = crypto_pwhash_argon2id_OPSLIMIT_MIN;
	cost_mem_kib = mem_kib ? mem_kib : DEFAULT_MEM_KIB;
	if (cost_mem_kib < min_kib)
		cost_mem_kib = min_kib;
}

int
password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_MAX])
{
	rand_init();
	if (crypto_pwhash_str_alg(out, pw, len, cost_ops,
	    (size_t)cost_mem_kib * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		log_warnx("cannot hash a password (out of memory?)");
		return -1;
	}
	return 0;
}

bool
password_verify(const char *hash, const char *pw, size_t len)
{
	if (hash == NULL || pw == NULL ||
	    strnlen(hash, PASSWORD_HASH_MAX) >= PASSWORD_HASH_MAX)
		return false;
	rand_init();
	return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

void
password_dummy_verify(const char *pw, size_t len)
{
	static const char fixed[] = "chirp dummy password";
	char hash[PASSWORD_HASH_MAX];
	bool ready = true;

	pthread_mutex_lock(&dummy_lock);
	if (dummy_hash[0] == '\0' || dummy_ops != cost_ops ||
	    dummy_mem_kib != cost_mem_kib) {
		if (password_hash(fixed, sizeof(fixed) - 1, dummy_hash) == 0) {
			dummy_ops = cost_ops;
			dummy_mem_kib = cost_mem_kib;
		} else {
			dummy_hash[0] = '\0';
			ready = false;
		}
	}
	memcpy(hash, dummy_hash, sizeof(hash));
	pthread_mutex_unlock(&dummy_lock);
	if (ready)
		(void)password_verify(hash, pw, len);
}
