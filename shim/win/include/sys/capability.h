/* The three libcap calls oci/capability.c makes, for the mingw-w64 build:
 * the Linux capability names of libcap 2.66 (Debian 12), 0..40. */
#ifndef EDGEGUARD_WIN_SYS_CAPABILITY_H
#define EDGEGUARD_WIN_SYS_CAPABILITY_H
typedef int cap_value_t;
char *cap_to_name(cap_value_t value);
int cap_from_name(const char *name, cap_value_t *value);
int cap_free(void *p);
#endif
