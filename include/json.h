/* json.h: the small part of JSON we need: escaping strings, reading a field. */
#ifndef AFTERCARE_JSON_H
#define AFTERCARE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Appends s as a JSON string literal, quotes included, to b. */
void	json_append_string(struct buf *b, const char *s);

/*
 * Finds member `key` of the top-level object in a JSON text of len bytes
 * and, if its value is a string, decodes it into out (truncated to
 * outlen - 1 bytes, at a UTF-8 boundary).  If it is a number, copies its
 * text.  Returns 0 if found, 1 if the text is a valid object without that
 * member (or with a null), -1 if the text is not a JSON object.
 */
int	json_get(const char *text, size_t len, const char *key, char *out,
	    size_t outlen);

/*
 * As json_get(), for element idx (from 0) of the top-level array: returns
 * 0 if found, 1 if the text is a valid array that is shorter (or has a
 * null there), -1 if the text is not a JSON array.
 */
int	json_get_index(const char *text, size_t len, size_t idx, char *out,
	    size_t outlen);

/*
 * Steps through the elements of the top-level array of a JSON text of len
 * bytes, validating as it goes: *pos is 0 on the first call and is moved
 * on by each.  Returns 0 with the next element's text in *elem and
 * *elemlen, 1 after the last element (the rest of the text checked), or
 * -1 if the text is not a JSON array.  Walking n elements reads the text
 * once, where json_get_index() would read it n times.
 */
int	json_array_next(const char *text, size_t len, size_t *pos,
	    const char **elem, size_t *elemlen);

#endif
