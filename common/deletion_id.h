/*
 * deletion_id.h: the id of one account deletion, "chirp_del_<userId>_<16
 * hex>". chirp-userd makes it and records its decision under it;
 * chirp-tweetd PREPAREs its half of the deletion as a transaction of that
 * name and picks its own prepared transactions out by the prefix.
 */
#ifndef CHIRP_DELETION_ID_H
#define CHIRP_DELETION_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DELETION_ID_PREFIX "chirp_del_"
/* Bytes of any id with its NUL, with room to spare (PostgreSQL takes 200). */
#define DELETION_ID_MAX 64

/* A new id for the deletion of user_id (random part from rand.h) into out,
 * DELETION_ID_MAX bytes. */
void deletion_id_format(char *out, int64_t user_id);

/* Whether id is a well-formed deletion id; *user_id is its user. */
bool deletion_id_parse(const char *id, int64_t *user_id);

#endif
