/*
 * tweet_store_part.h: what the parts of chirp-tweetd's store share with
 * tweet_store.c, private to server/tweet. The store is one module over
 * one set of prepared statements (db.h takes one table); its parts
 * (social_store.c: likes and reposts) keep their own statements and run
 * them through these, in the store's transactions.
 */
#ifndef CHIRP_TWEET_STORE_PART_H
#define CHIRP_TWEET_STORE_PART_H

#include <stdint.h>

#include <libpq-fe.h>

#include "db.h"
#include "model.h"
#include "tweet_store.h"

/* A transaction of the store; fn's outcome in r. */
struct tx {
	struct tweet_store *s;
	enum tweet_store_result r;
};

/*
 * Run fn, a db_tx_fn whose argument starts with a struct tx, in a
 * transaction (db_tx). fn sets tx->r afresh on each run.
 */
enum tweet_store_result tweet_store_part_tx(struct tweet_store *,
    db_tx_fn *fn, struct tx *);
/*
 * Run the prepared statement stmt on conn, or on this thread's connection
 * outside a transaction when conn is NULL. The result (caller PQclear()s
 * it), or NULL with *res set.
 */
PGresult *tweet_store_part_run(struct tweet_store *, PGconn *conn,
    const char *stmt, int n, const char *const *params,
    enum tweet_store_result *res);
/* As tweet_store_part_run, for the number of rows only; -1 on failure. */
int tweet_store_part_count(struct tweet_store *, PGconn *conn,
    const char *stmt, int n, const char *const *params,
    enum tweet_store_result *res);
/* Publish an event of author in conn's transaction; -1 (*res set). */
int tweet_store_part_publish(PGconn *conn, const char *channel,
    const char *payload, int64_t author, enum tweet_store_result *res);
/*
 * The tweet tid of uid (decimal text) into the feeds it reaches, in the
 * transaction of conn, exactly as a post fans out; -1 (*res set).
 */
int tweet_store_part_fan_out(struct tweet_store *, PGconn *conn,
    const char *uid, const char *tid, enum tweet_store_result *res);
/*
 * Row row of a result whose columns are the store's tweet columns (a
 * tweet and, for a repost, its original) into *t; release with
 * model_tweet_release.
 */
void tweet_store_part_row(const PGresult *, int row, struct tweet *t);
/* The statement that selects those columns of one tweet by id ($1). */
#define TWEET_STORE_PART_GET "get_tweet"

#endif
