/* Text that two JSON decoders turn into different strings.  yajl passes
 * overlong and surrogate UTF-8 through unchanged, decodes a lone surrogate
 * escape (\ud800) as "?" and pairs a high surrogate with any following \u
 * escape; Go substitutes U+FFFD in all these cases.  A path spelled that way
 * would name one file for edgeguard and another for runc, so a document
 * holding any of them is refused before it is parsed. */
#ifndef EDGEGUARD_JSON_PRESCAN_H
#define EDGEGUARD_JSON_PRESCAN_H

#include <stddef.h>

#include "error.h"

/* Returns 0, or -1 naming the byte offset of the first byte that is not
 * strict UTF-8 or the first escape that is not a well-formed surrogate
 * pair.  Meant to run before a strict parser: on text that is not JSON its
 * verdict does not matter. */
int json_prescan(const char *text, size_t len, struct eg_error *err);

#endif
