/* The operator's policy: which rules refuse, which only record, what is
 * excepted, and where the runtime and the decision log are.  Parsed from a
 * JSON file whose every key is known: a misspelt key is an error, never a
 * silently ignored setting.  Pure: the caller reads the file. */
#ifndef EDGEGUARD_POLICY_H
#define EDGEGUARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../oci/error.h"
#include "../oci/platform.h"
#include "../oci/sha256.h"

#define POLICY_DEFAULT_PATH         "/etc/edgeguard/policy.json"
#define POLICY_DEFAULT_DECISION_LOG "/var/log/edgeguard/decisions.jsonl"
#define POLICY_SIZE_MAX             (1u << 20)
#define POLICY_DEPTH_MAX            8
#define POLICY_EXCEPTIONS_MAX       256
#define POLICY_HOOKS_MAX            64
#define POLICY_DOCKER_ROOT_DEFAULT  "/var/lib/docker"
/* An identical refusal within this many seconds of the last one is counted,
 * not logged in full again: a restart loop retries for ever. */
#define POLICY_REPEAT_WINDOW_DEFAULT 3600
#define POLICY_REPEAT_WINDOW_MAX     (7 * 24 * 3600)
/* The runtime names dockerd may be asked for (HostConfig.Runtime) that the
 * engine plugin lets through: the name edgeguard is registered under. */
#define POLICY_TRUSTED_RUNTIME_DEFAULT "edgeguard"
#define POLICY_TRUSTED_RUNTIMES_MAX    16

/* In the order they are evaluated: the first failing rule names a refusal. */
enum rule {
        RULE_POLICY,        /* the policy file cannot be used: not configurable */
        RULE_HOST,          /* the host's platform cannot be told: not configurable */
        RULE_CONFIG,        /* config.json unreadable or ambiguous */
        RULE_BUNDLE,        /* bundle or config.json writable by another user */
        RULE_OS,            /* container OS family differs from the host's */
        RULE_HYPERV,        /* Hyper-V isolation asked for */
        RULE_ARCH,          /* the host cannot run the executable's architecture */
        RULE_EMULATION,     /* only a binfmt_misc emulator would run it */
        RULE_UNKNOWN,       /* the executable could not be identified */
        RULE_METADATA,      /* the image's declared platform differs from the executable's */
        RULE_PRIVILEGED,    /* it looks like docker run --privileged */
        RULE_CAPABILITIES,  /* a capability beyond the allow-list, misspelt, or unknown */
        RULE_SECCOMP,       /* no seccomp filter, or one that allows by default */
        RULE_WINDOWS_BUILD, /* process isolation of another Windows build than the host's */
        RULE_INTERPRETER,   /* an ELF loader or #! interpreter missing, or for another machine */
        RULE_HOOKS,   /* a host hook not allow-listed, or a container hook the host cannot run */
        RULE_RUNTIME, /* engine plugin: a runtime the policy does not trust (not runc's) */
        /* What will certainly fail whatever the policy says (a capability
         * outside the bounding set runc inherits): a fact, not policy, so no
         * mode and no exception applies; last, so a waivable rule that also
         * fails is still named first. */
        RULE_CERTAIN_FAILURE,
        RULE_COUNT
};

enum rule_mode {
        MODE_ENFORCE, /* a failure refuses */
        MODE_AUDIT,   /* a failure is recorded as what would have been refused */
        MODE_OFF,     /* a failure is only noted in the record */
};

struct policy_exception {
        char *name;     /* glob over the container's name and id; NULL: any */
        char *image;    /* glob over the image reference and id; NULL: any */
        unsigned rules; /* bit (1 << rule) for each rule excepted */
        bool has_capabilities;
        uint64_t capabilities; /* added to the allow-list for what it covers */
        char *reason;
        bool expires;
        time_t expires_at;
        char expires_text[40];
};

struct policy {
        char path[256];                   /* the file read, or the one that was absent */
        char source[320];                 /* the file, or "built-in defaults (no FILE)" */
        char sha256[SHA256_HEX_SIZE];     /* of the file's bytes, when loaded for a decision */
        enum rule_mode modes[RULE_COUNT]; /* effective, after mode, rules and shorthands */
        char *runtime;                    /* absolute path of runc; NULL: look it up */
        char *decision_log;               /* path, "-" (stderr) or "syslog"; never NULL */
        char *docker_root;                /* moby's data root; never NULL */
        long repeat_window;               /* seconds; 0 logs every refusal in full */
        bool has_capabilities;
        uint64_t capabilities; /* the allow-list, when has_capabilities */
        bool has_host;
        struct platform host; /* a simulated host instead of this machine */
        char host_text[128];  /* as written: host_simulate's grammar (userland, OS version) */
        size_t n_exceptions;
        struct policy_exception *exceptions;
        /* host hook programs allowed besides dockerd's own (policy_docker_hooks);
         * absolute paths, compared exactly */
        size_t n_hooks;
        char **hooks;
        size_t n_trusted_runtimes; /* "trusted_runtimes"; the default when absent */
        char *trusted_runtimes[POLICY_TRUSTED_RUNTIMES_MAX];
};

/* The host hook programs always allowed: where Debian's docker.io, Docker's
 * packages and IoT Edge's moby-engine install dockerd, which adds a
 * prestart hook "/proc/<dockerd pid>/exe libnetwork-setkey ..." to every
 * container on a bridge network (moby 20.10 daemon/oci_linux.go).  NULL
 * terminated. */
extern const char *const policy_docker_hooks[];

/* The built-in policy: the platform rules enforced, but unknown and
 * metadata, which are only noted like privileged, capabilities and
 * seccomp. */
int policy_defaults(struct policy *p, struct eg_error *err);

/* Parses a policy file's text; source names it in messages and records.
 * The content hash is left to the caller (sha256_hex), who needs it only
 * for a record.  policy_free p either way. */
int policy_parse(const char *text, size_t len, const char *source, struct policy *p,
                 struct eg_error *err);

void policy_free(struct policy *p);

const char *rule_name(enum rule r);
/* The longest rule name's length, in bytes: the column check and why print
 * rule names in, so that no name shifts the text after it. */
size_t rule_name_width(void);
int rule_from_name(const char *name); /* a configurable rule; -1 when unknown */

/* Rules the policy cannot set or except: the policy file itself, the host,
 * and certain failures. */
bool rule_is_fact(enum rule r);

/* Whether an exception's name and image patterns cover the container. */
bool policy_exception_matches(const struct policy_exception *e, const char *name, const char *id,
                              const char *image, const char *image_id);

#endif
