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
