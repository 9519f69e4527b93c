/* The engine plugin's decision: the same rules, modes, exceptions and
 * messages as the runtime's, held against what a Docker API call asks for
 * (docker create's HostConfig, docker exec's Privileged) and what dockerd
 * says about the image and itself.  Pure, and free of Linux-only calls: a
 * Windows build needs only another transport. */
#ifndef EDGEGUARD_AUTHZ_DECIDE_H
#define EDGEGUARD_AUTHZ_DECIDE_H

#include "../oci/authz_request.h"
#include "decision.h"

enum authz_image_status {
        AUTHZ_IMAGE_NOT_ASKED,
        AUTHZ_IMAGE_READ,   /* GET /images/{ref}/json answered */
        AUTHZ_IMAGE_ABSENT, /* 404: dockerd refuses the create itself ("No such image") */
        AUTHZ_IMAGE_FAILED, /* no answer in time, or one that could not be read */
};

/* GET /images/{ref}/json: Id, Os, Architecture, Variant, OsVersion. */
struct authz_image {
        enum authz_image_status status;
        char id[80]; /* "sha256:<64 hex>": the image in dockerd's store */
        struct platform platform;
        char os_version[64];
        char detail[512]; /* why it was not read */
};

/* GET /info: what an empty HostConfig.Isolation and Runtime mean. */
struct authz_daemon {
        bool known;
        char isolation[32];       /* "" on Linux; "process" or "hyperv" on Windows */
        char default_runtime[64]; /* "runc", "edgeguard", ... */
        char root[1024];          /* DockerRootDir: where its image store is */
        char driver[32];          /* Driver: its storage driver ("overlay2") */
        char detail[256];         /* why not known */
};

struct authz_facts {
        enum authz_endpoint endpoint;
        const struct authz_uri *uri;   /* NULL when the URI could not be read */
        const struct authz_body *body; /* NULL when there was none to read */
        /* AUTHZ_START_LEGACY: the body as sent, not parsed (NULL: none) */
        const unsigned char *start_body;
        size_t start_body_len;
        const char *request_error; /* the request could not be read as dockerd reads it */
        struct authz_image image;
        struct authz_daemon daemon;
        /* A create's process as dockerd makes it (the body merged over the
         * image config), judged over the image's layers in dockerd's store:
         * its binaries, as `edgeguard check --image` judges them.  NULL when
         * not read: then binaries_error says why (the image's declared
         * platform is judged instead, and the rule unknown fails), or is
         * NULL too when this build reads no layers (Windows, check). */
        const struct bundle_facts *binaries;
        const char *binaries_error;
};

/* Decides about a create or an exec (f->endpoint).  in->facts is NULL;
 * in->ctx.door is "authz". */
void authz_decide(const struct decision_input *in, const struct authz_facts *f,
                  struct decision *out);

/* The first 20 bytes of an ELF header for p's architecture (class, data,
 * e_type EXEC, e_machine, e_version) in head (BINFMT_BUF_SIZE bytes, the
 * rest zero): what binfmt_misc's qemu entries match on.  False when edgeguard
 * knows no ELF machine for p. */
bool authz_elf_head(const struct platform *p, unsigned char head[BINFMT_BUF_SIZE]);

#endif
