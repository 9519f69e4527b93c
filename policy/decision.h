/* The decision: every rule held against the facts of one bundle and the
 * host, under a policy.  Pure: time, caller and engine context come in as
 * arguments; nothing is read, written or logged here. */
#ifndef EDGEGUARD_DECISION_H
#define EDGEGUARD_DECISION_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "../oci/binfmt.h"
#include "../oci/facts.h"
#include "../oci/host.h"
#include "policy.h"

#define DECISION_REASON_MAX 1536

/* What the engine and the caller know about the container. */
struct decision_context {
        const char *id;
        const char *bundle;        /* absolute, for messages */
        const char *name;          /* container (IoT Edge module) name; NULL when unknown */
        const char *image;         /* image reference; NULL when unknown */
        const char *image_id;      /* image digest; NULL when unknown */
        const char *engine;        /* the engine store consulted: "moby", "libpod"; NULL: none */
        const char *engine_status; /* "read", "absent", ... (moby_status_name) */
        const char *engine_detail; /* what was read, or why not */
        uid_t caller_uid;
        time_t now;
        const char *door; /* which door decided: "authz" (the engine plugin); NULL: the runtime */
        /* Kubernetes' pod and its namespace (containerd's CRI annotations
         * io.kubernetes.cri.sandbox-name, -namespace); NULL elsewhere */
        const char *pod;
        const char *pod_namespace;
};

enum verdict {
        VERDICT_ALLOW,
        VERDICT_AUDIT, /* allowed; an audit-mode rule would have refused */
        VERDICT_REFUSE,
};

enum outcome {
        OUTCOME_SKIPPED, /* not evaluated: an earlier fact decides, or nothing to check */
        OUTCOME_PASS,
        OUTCOME_FAIL,
};

enum action {
        ACTION_NONE,     /* the rule passed or was skipped */
        ACTION_REFUSE,   /* failed, enforced */
        ACTION_AUDIT,    /* failed, audit mode */
        ACTION_NOTE,     /* failed, mode off: recorded only */
        ACTION_EXCEPTED, /* failed, an exception allows it */
};

struct rule_result {
        enum outcome outcome;
        enum action action;
        char detail[1024];                        /* what was found: the failure, or what passed */
        const struct policy_exception *exception; /* the one applied */
        const struct policy_exception *expired;   /* one that would have applied, expired */
};

struct decision {
        enum verdict verdict;
        enum rule rule; /* the rule that refused or audited; RULE_COUNT when none */
        char reason[DECISION_REASON_MAX];
        struct rule_result results[RULE_COUNT];

        /* The platform the arch rule held against the host, and where it
         * came from: "executable" or "annotations" (when the executable
         * could not be identified); empty arch when neither told. */
        struct platform subject;
        const char *subject_source;
        const struct binfmt_entry *emulator; /* would run the executable, when one matches */
        /* "SCMP_ARCH_X86": the executable's system calls, which the seccomp
         * filter would kill for their architecture; NULL when none */
        const char *seccomp_gap;
};

struct decision_input {
        const struct bundle_facts *facts; /* NULL when config.json could not be read */
        const char *config_error;
        const struct host_facts *host; /* NULL when the host could not be told */
        const char *host_error;
        const struct policy *policy; /* the built-in one when policy_error is set */
        const char *policy_error;    /* the policy file could not be used: refuse */
        struct decision_context ctx;
};

void decide(const struct decision_input *in, struct decision *out);

/* The rules about the programs a container runs (unknown, metadata, os,
 * arch, emulation, interpreter), over f: args[0] and every program behind
 * it; results go to out->results, the subject and emulator to out.  decide()
 * runs them for a bundle; the engine plugin for an image's binaries at
 * create (authz_decide).  host NULL: only the host-free rules. */
void decide_executables(struct decision *out, const struct bundle_facts *f,
                        const struct host_facts *host);

/* The policy over rule outcomes already set in d->results: exceptions,
 * then each rule's mode; sets d->verdict and d->rule. */
void decision_apply_policy(struct decision *d, const struct policy *p,
                           const struct decision_context *ctx);

/* Fills out->reason: the sentence a person reads in `docker run`'s error,
 * the record and `edgeguard check`. */
void decision_compose_reason(const struct decision_input *in, struct decision *out);

const char *verdict_name(enum verdict v);
const char *action_name(enum action a);
const char *outcome_name(enum outcome o);

#endif
