/* The keys seen in every object of one JSON document, to refuse
 * duplicates in linear time (a hostile document may hold a million keys). */
#ifndef EDGEGUARD_SPEC_KEYSET_H
#define EDGEGUARD_SPEC_KEYSET_H

#include <stddef.h>
#include <stdint.h>

struct spec_keyset {
        struct spec_keyset_slot *slots;
        size_t capacity, used;
        char *bytes; /* all keys, back to back */
        size_t bytes_len, bytes_capacity;
};

/* Adds key to the object map_id (nonzero).  Returns 0 when new, 1 when the
 * object already has it, -1 when out of memory. */
int spec_keyset_add(struct spec_keyset *set, uint32_t map_id, const char *key, size_t len);

void spec_keyset_free(struct spec_keyset *set);

#endif
