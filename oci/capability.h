/* Capability names exactly as runc reads them ("CAP_" and the upper-case
 * name, nothing else), numbered by the kernel's list (a compile-time table
 * in capability.c, 0-40 as in Linux 5.9+ and runc 1.1).  libcap is lenient
 * ("21", "0x15", "cap_chown" and "cap_chown,cap_kill" all parse) while
 * runc 1.1 drops any other spelling with only a warning, so a misspelt
 * capability must not pass as valid; libcap's reading only names the
 * spelling to suggest.  No state: safe from any thread.
 * Sets are bit masks: Linux numbers capabilities below 64. */
#ifndef EDGEGUARD_CAPABILITY_H
#define EDGEGUARD_CAPABILITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAPABILITY_NAME_MAX 40
/* The last capability of Linux 5.8's list: an engine with an older list
 * (Docker 20.10's) means "every capability" by 0..37. */
#define CAPABILITY_AUDIT_READ 37

enum capability_status {
        CAPABILITY_OK,
        CAPABILITY_MISSPELT, /* libcap reads it, runc does not: wrong case, a number, a list */
        CAPABILITY_UNKNOWN,  /* neither libcap nor runc knows the name */
};

/* Reads `name`; on CAPABILITY_OK *value is its number.  On
 * CAPABILITY_MISSPELT `canonical` (CAPABILITY_NAME_MAX bytes, may be NULL)
 * receives the spelling runc reads, when libcap could tell it. */
enum capability_status capability_parse(const char *name, int *value, char *canonical);

/* "CAP_SYS_ADMIN" for 21; false (and "capability 45") for a number libcap
 * has no name for. */
bool capability_name(int value, char out[CAPABILITY_NAME_MAX]);

/* Docker's default set (moby's oci/caps defaults, 14 capabilities): what
 * `docker run` grants without --cap-add or --cap-drop. */
uint64_t capability_docker_default(void);

static inline uint64_t capability_bit(int value)
{
        return value >= 0 && value < 64 ? UINT64_C(1) << value : 0;
}

/* Every capability 0..last. */
static inline uint64_t capability_all_up_to(int last)
{
        return last >= 63 ? UINT64_MAX : last < 0 ? 0 : (UINT64_C(1) << (last + 1)) - 1;
}

int capability_count(uint64_t set);

/* Names of the set, comma separated, in number order: "CAP_CHOWN, CAP_KILL". */
void capability_list(uint64_t set, char *out, size_t size);

#endif
