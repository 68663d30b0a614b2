/*
 * db.h: PostgreSQL helpers. A struct db holds a connection URL and the
 * statements to prepare on every connection; each thread gets its own
 * connection, made on first use and remade after a loss.
 */
#ifndef CHIRP_DB_H
#define CHIRP_DB_H

#include <libpq-fe.h>
#include <stdbool.h>

struct db_statement {
	const char *name;
	const char *sql;
};

/*
 * Prepare stmts (ending with {NULL, NULL}) on conn, for a connection that
 * is not a struct db's (those have theirs prepared on every connect); 0,
 * or -1 when one failed (logged).
 */
int db_prepare(PGconn *conn, const struct db_statement *stmts);

/* stmts ends with {NULL, NULL} and is borrowed for the life of the db. */
struct db *db_new(const char *url, const struct db_statement *stmts);
void db_free(struct db *);

/*
 * This thread's connection, connected and with every statement prepared;
 * NULL while the database cannot be reached (logged once per outage).
 */
PGconn *db_conn(struct db *);
/* False since the last failure to connect or a lost connection. */
bool db_healthy(struct db *);

/*
 * Run a prepared statement. Returns the result (caller PQclear()s it) when
 * it succeeded, NULL when not; *sqlstate (when given) is then the
 * five-character SQLSTATE, or "08000" for a lost connection.
 */
PGresult *db_exec(struct db *, PGconn *, const char *stmt, int nparams,
    const char *const *params, const char **sqlstate);
/* Run plain SQL with no parameters (BEGIN, COMMIT...). 0 or -1. */
int db_command(struct db *, PGconn *, const char *sql);

/*
 * Run fn(conn, arg) in a transaction on this thread's connection: BEGIN,
 * fn, then COMMIT when fn returns 0, ROLLBACK when it returns -1. When a
 * statement of fn failed with a serialization failure or a deadlock
 * (40001, 40P01) the whole transaction is run again, DB_TX_ATTEMPTS times
 * at most, so fn must start afresh each time. fn may end the transaction
 * itself (PREPARE TRANSACTION); what it leaves open is committed or rolled
 * back. A connection found lost at BEGIN is reset, as db_command does.
 */
#define DB_TX_ATTEMPTS 3
enum db_tx_result {
	DB_TX_COMMITTED,	/* fn returned 0 and its work is kept */
	DB_TX_ROLLED_BACK,	/* fn returned -1: none of it is kept */
	DB_TX_UNAVAILABLE,	/* no connection, or lost at BEGIN/COMMIT */
	DB_TX_ERROR,		/* the COMMIT failed otherwise (logged) */
};
typedef int db_tx_fn(PGconn *, void *arg);
enum db_tx_result db_tx(struct db *, db_tx_fn *fn, void *arg);

struct bus_tx;
/* The transaction open on conn, as the handle bus_publish takes (bus.h). */
struct bus_tx *db_bus_tx(PGconn *);

/* SQLSTATEs worth naming. */
#define DB_UNIQUE_VIOLATION "23505"
#define DB_FOREIGN_KEY_VIOLATION "23503"
#define DB_CONNECTION_LOST "08000"

/*
 * Apply the migrations of dir (files NNNN_name.sql, in order) that the
 * schema_migrations table does not list, each in its own transaction,
 * under an advisory lock so that instances starting together take turns.
 * 0 or -1 (logged).
 */
int db_migrate(const char *url, const char *dir);

#endif
