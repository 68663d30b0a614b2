/* field.c: a line of text being typed (see field.h). */
#include <limits.h>
#include <string.h>
#include <wchar.h>

#include "field.h"

void
field_clear(struct field *f)
{
	/* it may have held a password */
	explicit_bzero(f->text, sizeof f->text);
	f->len = 0;
}

bool
field_add(struct field *f, int cp)
{
	char buf[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp > 0x10ffff)
		return false;
	memset(&st, 0, sizeof st);
	n = wcrtomb(buf, (wchar_t)cp, &st);
	if (n == (size_t)-1 || f->len + n > FIELD_MAX)
		return false;
	memcpy(f->text + f->len, buf, n);
	f->len += n;
	f->text[f->len] = '\0';
	return true;
}

bool
field_backspace(struct field *f)
{
	if (f->len == 0)
		return false;
	/* back over UTF-8 continuation bytes to the lead byte */
	do
		f->len--;
	while (f->len > 0 && ((unsigned char)f->text[f->len] & 0xc0) == 0x80);
	f->text[f->len] = '\0';
	return true;
}

void
field_delete_word(struct field *f)
{
	while (f->len > 0 && f->text[f->len - 1] == ' ')
		field_backspace(f);
	while (f->len > 0 && f->text[f->len - 1] != ' ')
		field_backspace(f);
}
