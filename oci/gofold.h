/* Go's encoding/json matches an object key to a struct field exactly, else
 * case-insensitively by Unicode simple folding: "PROCESS", "Proceſſ"
 * (U+017F) and "\u212Aey" (Kelvin sign) all land on an ASCII field.  runc
 * decodes config.json that way, so any such key is a second spelling of the
 * field that a byte-exact parser would not see. */
#ifndef EDGEGUARD_GOFOLD_H
#define EDGEGUARD_GOFOLD_H

#include <stdbool.h>
#include <stddef.h>

/* True when Go would decode `key` (len bytes of UTF-8) into the struct
 * field named `field` (ASCII).  An exact match is also a match. */
bool gofold_equal(const char *key, size_t len, const char *field);

#endif
