/* SHA-256, for the policy's content hash in every decision record: an
 * operator compares it with `sha256sum policy.json`. */
#ifndef EDGEGUARD_SHA256_H
#define EDGEGUARD_SHA256_H

#include <stddef.h>

#define SHA256_HEX_SIZE 65 /* 64 hex digits and the terminator */

void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_SIZE]);

#endif
