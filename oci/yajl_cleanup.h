/* Scope-bound yajl handles, next to cleanup.h's fds and memory. */
#ifndef EDGEGUARD_YAJL_CLEANUP_H
#define EDGEGUARD_YAJL_CLEANUP_H

#include <yajl_gen.h>
#include <yajl_parse.h>

static inline void cleanup_yajl_genp(yajl_gen *g)
{
        if (*g)
                yajl_gen_free(*g);
}

static inline void cleanup_yajl_handlep(yajl_handle *h)
{
        if (*h)
                yajl_free(*h);
}

#define cleanup_yajl_gen    __attribute__((cleanup(cleanup_yajl_genp)))
#define cleanup_yajl_handle __attribute__((cleanup(cleanup_yajl_handlep)))

#endif
