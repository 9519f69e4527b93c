/* The decision path shared by the creating verbs and `edgeguard check`:
 * policy -> host -> bundle facts -> decision.  Everything that goes wrong
 * on the way is a fact the decision refuses on, never an early exit. */
#ifndef EDGEGUARD_EVALUATE_H
#define EDGEGUARD_EVALUATE_H

#include <limits.h>
#include <stdbool.h>

#include "../oci/moby.h"
#include "../policy/decision.h"
#include "podman_store.h"
#include "policy_load.h"

struct evaluation_request {
        const char *policy_path;
        bool policy_named;  /* named explicitly: its absence is an error */
        const char *host;   /* "OS/ARCH[/VARIANT]" to simulate, over the policy's; NULL */
        const char *bundle; /* as runc gets it; NULL or "" for the cwd */
        const char *id;
        const char *name;  /* NULL: from the engine's annotations, if any */
        const char *image; /* likewise */
        /* the policy already read for this call (evaluate takes it over and
         * leaves *preread's policy empty); NULL: read policy_path */
        struct policy_read *preread;
};

struct evaluation {
        struct policy policy;
        struct host_facts host;
        struct bundle_facts facts;
        struct moby_facts moby;
        char policy_error[EG_ERROR_MSG_MAX];
        char host_error[EG_ERROR_MSG_MAX];
        char config_error[EG_ERROR_MSG_MAX];
        char bundle_abs[PATH_MAX];
        struct decision_input in;
        struct decision decision;
        struct podman_facts podman; /* set when the spec says podman made it */
};

/* Returns a malloc'd evaluation (it is large), or NULL when out of memory.
 * evaluate() sets every member; a new member must be set there too. */
struct evaluation *evaluate(const struct evaluation_request *rq);

void evaluation_free(struct evaluation *ev);

/* The host a decision is made for: `host` simulated when given, else the
 * policy's "host" simulated, else this machine detected (its runc's ELF
 * header for the userland, the IA32 probe).  -1 with err when it cannot be
 * told. */
int evaluate_host(const struct policy *p, const char *host, struct host_facts *out,
                  struct eg_error *err);

#endif
