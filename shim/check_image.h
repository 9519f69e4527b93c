/* `edgeguard check --archive FILE | --oci DIR | --image REF | --container
 * NAME`: an image judged for each target platform by the binaries inside,
 * as the shim would judge the container the engine makes of it there.
 * Nothing is created, pulled or logged. */
#ifndef EDGEGUARD_CHECK_IMAGE_H
#define EDGEGUARD_CHECK_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../oci/host.h"
#include "../oci/image_config.h"
#include "../policy/decision.h"

/* --host values and named sets; more are a usage error */
#define CHECK_TARGETS_MAX 16

struct check_target {
        char name[96];           /* as given ("linux/arm/v7") or this host's platform */
        struct host_facts *host; /* malloc'd */
        bool ia32;               /* amd64: the kernel runs 386 (containerd would pull it) */
};

/* One image the source holds (a manifest of an index, an image of a docker
 * save archive, the store's image). */
struct check_image {
        char label[160];
        char digest[80]; /* the manifest's digest, "" when none */
        bool from_index;
        bool has_claim;
        struct platform claim;
        const char *claim_source;
        const struct image_config *config;
        char problem[EG_ERROR_MSG_MAX]; /* not readable or not judgeable: refused */
        bool gathered;
        struct bundle_facts facts; /* when gathered without a problem */
};

/* A verdict in words for one target (or one claim). */
struct check_row {
        const struct check_target *target; /* NULL for a claim row */
        const struct check_image *image;   /* NULL: no manifest serves the target */
        enum verdict verdict;
        enum rule rule; /* RULE_COUNT when none */
        char how[96];   /* "natively", "compatibly", "under emulation (qemu-arm)" */
        char reason[DECISION_REASON_MAX];
};

struct check_report {
        const char *source_kind; /* "docker save archive", "OCI layout", ... */
        const char *source;      /* the path or reference as given */
        size_t n_images;
        struct check_image *images;
        size_t n_rows, n_claims;
        struct check_row *rows, *claims;
        size_t n_attestations;
};

/* Prints the report in words, or as JSON; returns the exit status: 0 when
 * every row runs, 1 when any is refused, 2 when writing fails. */
int check_report_print(const struct check_report *r, bool json);

/* argv[0] is "check"; called by check_main when an image option is
 * given. */
int check_image_main(int argc, char *argv[]);

#endif
