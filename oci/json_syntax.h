/* yajl's message for a syntax error, for the two JSON readers. */
#ifndef EDGEGUARD_JSON_SYNTAX_H
#define EDGEGUARD_JSON_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <yajl_parse.h>

/* Writes yajl's description ("parse error: premature EOF"), without its
 * context dump's trailing newline, into out; returns the byte offset of the
 * fault.  yajl counts bytes per call, so a fault found by
 * yajl_complete_parse (at_end) is at the end of the text. */
size_t json_syntax_error(yajl_handle h, const char *text, size_t len, bool at_end, char *out,
                         size_t size);

#endif
