#include "spec_keyset.h"

#include <stdlib.h>
#include <string.h>

/* 16 bytes: a 1 MiB document has at most ~100 k keys, and this table was
 * most of a hostile document's memory. */
struct spec_keyset_slot {
        uint32_t map_id; /* 0: empty */
        uint32_t hash;
        uint32_t offset, len;
};

static uint32_t hash_key(uint32_t map_id, const char *key, size_t len)
{
        uint32_t h = 2166136261u ^ map_id; /* FNV-1a */

        for (size_t i = 0; i < len; i++)
                h = (h ^ (unsigned char)key[i]) * 16777619u;
        return h;
}

static struct spec_keyset_slot *find(struct spec_keyset_slot *slots, size_t capacity,
                                     const char *bytes, uint32_t map_id, uint32_t hash,
                                     const char *key, size_t len)
{
        for (size_t i = hash & (capacity - 1);; i = (i + 1) & (capacity - 1)) {
                struct spec_keyset_slot *s = &slots[i];
                if (s->map_id == 0 || (s->map_id == map_id && s->hash == hash && s->len == len &&
                                       memcmp(bytes + s->offset, key, len) == 0))
                        return s;
        }
}

static int rehash(struct spec_keyset *set)
{
        size_t capacity = set->capacity ? set->capacity * 2 : 64;
        struct spec_keyset_slot *slots = calloc(capacity, sizeof(*slots));

        if (slots == NULL)
                return -1;
        for (size_t i = 0; i < set->capacity; i++) {
                struct spec_keyset_slot *s = &set->slots[i];
                if (s->map_id != 0)
                        *find(slots, capacity, NULL, 0, s->hash, NULL, 0) = *s;
        }
        free(set->slots);
        set->slots = slots;
        set->capacity = capacity;
        return 0;
}

int spec_keyset_add(struct spec_keyset *set, uint32_t map_id, const char *key, size_t len)
{
        uint32_t hash = hash_key(map_id, key, len);
        struct spec_keyset_slot *s;

        if (len > UINT32_MAX || set->bytes_len + len > UINT32_MAX)
                return -1;
        /* at most 3/4 full: linear probing stays short */
        if ((set->used + 1) * 4 > set->capacity * 3 && rehash(set) < 0)
                return -1;
        s = find(set->slots, set->capacity, set->bytes, map_id, hash, key, len);
        if (s->map_id != 0)
                return 1;
        if (set->bytes == NULL || set->bytes_len + len > set->bytes_capacity) {
                size_t capacity = (set->bytes_len + len) * 2 + 256;
                char *bytes = realloc(set->bytes, capacity);
                if (bytes == NULL)
                        return -1;
                set->bytes = bytes;
                set->bytes_capacity = capacity;
        }
        memcpy(set->bytes + set->bytes_len, key, len);
        *s = (struct spec_keyset_slot){map_id, hash, (uint32_t)set->bytes_len, (uint32_t)len};
        set->bytes_len += len;
        set->used++;
        return 0;
}

void spec_keyset_free(struct spec_keyset *set)
{
        free(set->slots);
        free(set->bytes);
        memset(set, 0, sizeof(*set));
}
