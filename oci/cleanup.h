/* Scope-bound ownership, defined once: a variable declared with one of these
 * is released on every path out of its scope, so early returns cannot leak.
 * Hand ownership out with steal_pointer / steal_fd.
 */
#ifndef EDGEGUARD_CLEANUP_H
#define EDGEGUARD_CLEANUP_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_freep(void *p)
{
        free(*(void **)p);
}

static inline void cleanup_closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno; /* close must not clobber the error being reported */
                close(*fd);
                errno = saved;
        }
}

#define cleanup_free  __attribute__((cleanup(cleanup_freep)))
#define cleanup_close __attribute__((cleanup(cleanup_closep)))

static inline void *steal_pointer_impl(void *pp)
{
        void **p = pp;
        void *v = *p;
        *p = NULL;
        return v;
}
#define steal_pointer(pp) steal_pointer_impl(pp)

static inline int steal_fd(int *fd)
{
        int v = *fd;
        *fd = -1;
        return v;
}

#endif
