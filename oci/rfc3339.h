#ifndef EDGEGUARD_RFC3339_H
#define EDGEGUARD_RFC3339_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define RFC3339_MAX sizeof "2006-01-02T15:04:05.000000Z"

/* UTC, "Z" suffix, with microseconds when asked: a form Go's time.Time
 * unmarshals (containerd decodes runc's log lines into one). */
void rfc3339_format(struct timespec t, bool micro, char out[RFC3339_MAX]);

#endif
