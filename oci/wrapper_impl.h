/* Between wrapper.c and the files holding the grammars of env and of the
 * shells: argv building and getopt scanning they share. */
#ifndef EDGEGUARD_WRAPPER_IMPL_H
#define EDGEGUARD_WRAPPER_IMPL_H

#include <stdio.h>

#include "wrapper.h"

#define note(out, ...) snprintf((out)->note, sizeof((out)->note), __VA_ARGS__)
/* a wrapper that runs something edgeguard cannot tell without running it */
#define unclear(out, ...) ((out)->unclear = true, note(out, __VA_ARGS__))
#define WRAPPER_SEEN_MAX  16

/* out->next = copies of in->argv[from..]; a STOP with a note when empty. */
void wrapper_next_from(struct wrapper_step *out, const struct wrapper_argv *in, size_t from);

/* glibc getopt over the short-option cluster in->argv[*i] ("-abc",
 * "-e5", "-e 5"): seen gets its letters; *i is left on the last word the
 * cluster used.  -1 on a letter not in optstring or a missing argument. */
int wrapper_short_cluster(const struct wrapper_argv *in, size_t *i, const char *optstring,
                          char seen[WRAPPER_SEEN_MAX]);

/* The index in names (NULL-terminated) of the long option w (without its
 * "--", "=value" allowed), by exact name or unique prefix as getopt_long
 * takes it; -1 when unknown or ambiguous. */
int wrapper_long_option(const char *w, const char *const *names);

void wrapper_env(const struct wrapper_argv *in, struct wrapper_step *out);
void wrapper_shell(const struct wrapper_argv *in, struct wrapper_step *out);

#endif
