/* preview.h: what would be sent and when, printed; nothing is sent or changed. */
#ifndef AFTERCARE_PREVIEW_H
#define AFTERCARE_PREVIEW_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

struct config;
struct reminder;
struct store;

/*
 * aftercared --dry-run: prints to out what a pass at now would send, each
 * channel in turn, and what is pending later.  The pass is done in a
 * transaction that is rolled back.  Returns 0, or -1 (logged).
 */
int	preview_due(const struct config *cfg, struct store *st, time_t now,
	    FILE *out);

/*
 * aftercarectl preview: prints to out the n reminders of one treatment
 * (v, as store_treatment_reminders() gives them, n > 0): when each goes
 * out, in the patient's time zone and UTC, and its text composed at now,
 * or what became of it (reminders to a number on the STOP list are
 * withheld by the sync, which aftercarectl preview runs first).
 */
void	preview_treatment(const struct config *cfg, const struct reminder *v,
	    size_t n, time_t now, FILE *out);

#endif
