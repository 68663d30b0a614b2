/*
 * deletion_id.c: the id of one account deletion (see deletion_id.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "deletion_id.h"
#include "rand.h"
#include "validate.h"

#define DELETION_ID_HEX 16

void
deletion_id_format(char *out, int64_t user_id)
{
	char hex[DELETION_ID_HEX + 1];

	rand_hex(hex, DELETION_ID_HEX / 2);
	snprintf(out, DELETION_ID_MAX, DELETION_ID_PREFIX "%" PRId64 "_%s",
	    user_id, hex);
}

bool
deletion_id_parse(const char *id, int64_t *user_id)
{
	const char *p, *us;
	char digits[24];
	size_t n, i;

	if (strncmp(id, DELETION_ID_PREFIX, strlen(DELETION_ID_PREFIX)) != 0)
		return false;
	p = id + strlen(DELETION_ID_PREFIX);
	if ((us = strchr(p, '_')) == NULL)
		return false;
	n = (size_t)(us - p);
	if (n == 0 || n >= sizeof(digits))
		return false;
	memcpy(digits, p, n);
	digits[n] = '\0';
	if (!validate_id(digits, user_id))
		return false;
	us++;
	if (strlen(us) != DELETION_ID_HEX)
		return false;
	for (i = 0; i < DELETION_ID_HEX; i++)
		if (!((us[i] >= '0' && us[i] <= '9') ||
		    (us[i] >= 'a' && us[i] <= 'f')))
			return false;
	return true;
}
