/* One AuthZReq, from the envelope's bytes to the answer: read the request
 * as dockerd reads it, let everything but a create or an exec through at
 * once, otherwise gather the facts (policy, host, image, daemon), decide,
 * and log the record.  Shared by the server and `edgeguard-authz check`. */
#ifndef EDGEGUARD_AUTHZ_JUDGE_H
#define EDGEGUARD_AUTHZ_JUDGE_H

#include <stdbool.h>
#include <stddef.h>

#include "../../oci/host.h"
#include "../../policy/authz_decide.h"

struct judge_config {
        const char *policy_path;
        bool policy_named;             /* named explicitly: its absence is an error */
        const char *docker_socket;     /* NULL: ask dockerd nothing (check, offline) */
        const struct host_facts *host; /* detected at start; NULL when it could not be */
        const char *host_error;
        bool host_wins; /* check --host: over the policy's "host" */
        int timeout_ms; /* all of a request's calls into dockerd together */
        bool write_log; /* false for check */
        /* stands for the policy's default decision log (Windows: under
         * %ProgramData%); NULL: the policy's own */
        const char *decision_log_default;
        /* offline facts for check: used when docker_socket is NULL */
        const struct authz_image *image;
        const struct authz_daemon *daemon;
};

struct judge_answer {
        bool allow;
        bool judged; /* a create or exec: a decision was made */
        char msg[DECISION_REASON_MAX + 256];
        char *record; /* the decision record (check --json); malloc'd */
        size_t record_len;
};

/* Never fails: what cannot be read is refused with a message; envelope
 * NULL stands for one over AUTHZ_ENVELOPE_MAX, not kept.  free the answer's
 * record. */
void judge_request(const struct judge_config *cfg, const char *envelope, size_t len,
                   struct judge_answer *ans);

const char *judge_endpoint_name(enum authz_endpoint e);

#endif
