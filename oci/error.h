/* The one error convention of edgeguard.
 *
 * A function that can fail takes `struct eg_error *err` as its last argument,
 * fills it on failure and returns -1 (or NULL).  Callers add context as the
 * error travels up with eg_error_prefix ("reading config.json: ...").  The
 * library (oci/, policy/) never exits and never prints: only shim/ decides
 * what a failure means for the caller.
 *
 * The message lives in a fixed buffer so that reporting an error never
 * allocates and never fails; over-long messages (hostile paths) are cut.
 */
#ifndef EDGEGUARD_ERROR_H
#define EDGEGUARD_ERROR_H

#include <stddef.h>

#define EG_ERROR_MSG_MAX 1024

struct eg_error {
        int errnum; /* errno of the failing call, 0 when not a system error */
        char msg[EG_ERROR_MSG_MAX];
};

/* Returns -1 so that `return eg_error_set(err, ...)` reads naturally. */
int eg_error_set(struct eg_error *err, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Like eg_error_set, and appends ": strerror(errnum)". */
int eg_error_set_errno(struct eg_error *err, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Prepends "<context>: " to the message; keeps errnum. Returns -1. */
int eg_error_prefix(struct eg_error *err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#endif
