/* SPDX-License-Identifier: MIT */
/*
 * fuzz_keyword.c: libFuzzer target for keyword_classify() and
 * keyword_urgent().  The first byte picks an OptOutType; the rest is the
 * SMS body, any bytes.  A body with a keyword around it is no keyword;
 * the keyword alone always is one; what OptOutType says wins.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyword.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = { NULL, "", "STOP", "START",
	    "HELP", "stop", "OTHER" };
	static const char *const words[] = { "pain", "hard to breathe",
	    "infect*", "fi\xc3\xa8vre" };
	const char	*body, *type;
	enum keyword	 k;
	struct buf	 b;
	size_t		 len, n;
	int		 u;

	if (size == 0)
		return 0;
	type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	body = (const char *)data + 1;
	len = size - 1;

	k = keyword_classify(body, len, type);
	if (type != NULL && (strcmp(type, "STOP") == 0 ||
	    strcmp(type, "stop") == 0) && k != KEYWORD_OPTOUT)
		abort();
	if (k != keyword_classify(body, len, type))
		abort();
	if (strcmp(keyword_name(k), "none") == 0 && k != KEYWORD_NONE)
		abort();

	for (n = 0; keyword_urgent_default[n] != NULL; n++)
		;
	u = keyword_urgent(body, len, keyword_urgent_default, n);
	if (u < -1 || u >= (int)n)
		abort();
	u = keyword_urgent(body, len, words, sizeof(words) / sizeof(words[0]));
	if (u < -1 || u >= (int)(sizeof(words) / sizeof(words[0])))
		abort();

	/* The body with " STOP" after it: never a keyword, unless blank. */
	buf_init(&b);
	buf_append(&b, body, len);
	buf_puts(&b, "\nSTOP");
	k = keyword_classify(b.data, b.len, NULL);
	if (k == KEYWORD_OPTIN || k == KEYWORD_HELP)
		abort();
	buf_clear(&b);
	return 0;
}
