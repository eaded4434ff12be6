/* util.h: allocation that dies on exhaustion, a growable buffer, number parsing. */
#ifndef AFTERCARE_UTIL_H
#define AFTERCARE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Allocators: print one line and exit(1) when memory is exhausted. */
void	*xmalloc(size_t size);
void	*xcalloc(size_t nmemb, size_t size);
void	*xrealloc(void *ptr, size_t size);
/* xstrdup(NULL) returns NULL. */
char	*xstrdup(const char *s);
/* Formats into a new string; caller frees with free(). */
char	*xasprintf(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated after the first append. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 buf_init(struct buf *b);
void	 buf_clear(struct buf *b);
void	 buf_append(struct buf *b, const void *data, size_t len);
void	 buf_puts(struct buf *b, const char *s);
void	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends s with &, <, >, " and ' as entities, for HTML and XML alike. */
void	 buf_escape_markup(struct buf *b, const char *s);
/* Takes the contents (never NULL) and leaves the buffer empty; caller frees. */
char	*buf_take(struct buf *b);

/*
 * Decodes the UTF-8 sequence at s, of at most left bytes, strictly (no
 * overlong forms, surrogates or values past U+10FFFF).  Returns its
 * length, 1 to UTIL_UTF8_MAX, and sets *cp; or returns -1.  A NUL ends a
 * sequence as invalid, so a NUL-terminated s may be given UTIL_UTF8_MAX.
 */
#define UTIL_UTF8_MAX	4
int	 util_utf8_decode(const unsigned char *s, size_t left, uint32_t *cp);

/* Replaces control characters in s with spaces, so a text stays one line. */
void	 util_text_clean(char *s);

/*
 * Parses a whole decimal integer within [min, max].
 * Returns 0, or -1 with a message in err.
 */
int	 util_int64_parse(const char *s, int64_t min, int64_t max,
	    int64_t *out, char *err, size_t errlen);

#endif
