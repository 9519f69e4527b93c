/* The command lines of `edgeguard check` and `edgeguard-authz`. */
#ifndef EDGEGUARD_OPTIONS_H
#define EDGEGUARD_OPTIONS_H

#include <stdbool.h>

/* Whether argv[*i] is the long option `name`, as "--name VALUE" (then *i
 * moves past VALUE) or "--name=VALUE"; *missing is set when VALUE is not
 * there. */
bool option(char *argv[], int *i, int argc, const char *name, const char **value, bool *missing);

#endif
