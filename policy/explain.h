/* `edgeguard check`'s readable explanation: the decision, the facts it
 * rests on, and every rule's outcome, one per line. */
#ifndef EDGEGUARD_EXPLAIN_H
#define EDGEGUARD_EXPLAIN_H

#include <stddef.h>
#include <stdio.h>

#include "decision.h"

/* Returns a malloc'd text in *out. */
int explain_format(const struct decision_input *in, const struct decision *d, char **out,
                   struct eg_error *err);

/* The pieces of that text, for `edgeguard why`, which tells a decision
 * again from its record in the same words. */

/* "label:     text\n", text with control bytes and invalid UTF-8 shown
 * escaped (it comes from a hostile rootfs, or a log). */
void explain_line(FILE *f, const char *label, const char *text);

/* "REFUSE by rule arch\n"; rule NULL: none decided. */
void explain_heading(FILE *f, enum verdict v, const char *rule);

/* "  arch         refuse   DETAIL\n": state is the action, else the outcome. */
void explain_rule_line(FILE *f, const char *rule, const char *state, const char *detail);

/* "/bin/sh -> /bin/busybox: linux/arm64, ELF 64-bit LSB AArch64" */
void explain_executable_text(const char *file, const char *resolved, const char *platform,
                             const char *format, char *out, size_t size);

#endif
