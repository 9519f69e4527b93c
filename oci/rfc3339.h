#ifndef EDGEGUARD_RFC3339_H
#define EDGEGUARD_RFC3339_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "error.h"

#define RFC3339_MAX sizeof "2006-01-02T15:04:05.000000Z"

/* UTC, "Z" suffix, with microseconds when asked: a form Go's time.Time
 * unmarshals (containerd decodes runc's log lines into one). */
void rfc3339_format(struct timespec t, bool micro, char out[RFC3339_MAX]);

/* Parses an RFC 3339 date-time ("2027-01-31T00:00:00Z",
 * "2027-01-31T02:00:00.5+02:00"), seconds and offset required, into seconds
 * since the epoch (fractions dropped). */
int rfc3339_parse(const char *text, time_t *out, struct eg_error *err);

#endif
