/* What a Docker authorization request says: the envelope dockerd posts to
 * /AuthZPlugin.AuthZReq, the API call's URI, and the few fields of its JSON
 * body the policy reads.  Pure: the caller reads the socket.
 *
 * Read what dockerd reads (moby's pkg/authorization, api/server/router,
 * runconfig's ContainerConfigWrapper; Go's encoding/json and net/url):
 * - the envelope's RequestBody is base64 (Go's []byte), absent when the
 *   client's body was empty, not application/json, or 1 MiB or more
 *   (dockerd 20.10 to 29.3); a chunked body under 1 MiB is sent (measured
 *   on 20.10);
 * - RequestUri is raw: gorilla/mux matches the path decoded once
 *   ("/containers/cre%61te" is a create) after an optional "/vX.Y" prefix;
 *   url.ParseQuery splits the query on '&', decodes '+' and "%XX", and
 *   r.Form.Get takes the first value of a key;
 * - the body is decoded by Go into structs: keys match a field exactly or
 *   case-insensitively with Unicode folding ("hostconfig", "HostConfiſ"),
 *   the last duplicate wins, null leaves a field unset, and CapAdd and
 *   Capabilities (strslice.StrSlice) take a string or an array.  On Linux
 *   dockerd up to 26 reads HostConfig's fields at the top level too (the
 *   embedded *container.HostConfig) when HostConfig itself is absent.
 * A duplicate key anywhere, or a key Go would fold onto a field read here,
 * is refused: the plugin would read one value and dockerd another. */
#ifndef EDGEGUARD_AUTHZ_REQUEST_H
#define EDGEGUARD_AUTHZ_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* dockerd sends no body of 1 MiB or more; base64 makes it 4/3 larger,
 * and the headers are small. */
#define AUTHZ_BODY_MAX      (1u << 20)
#define AUTHZ_ENVELOPE_MAX  (2u << 20)
#define AUTHZ_DEPTH_MAX     64
#define AUTHZ_URI_MAX       8192
#define AUTHZ_QUERY_VAL_MAX 512

enum authz_endpoint {
        AUTHZ_OTHER,  /* allowed at once: nothing the policy judges */
        AUTHZ_CREATE, /* POST /containers/create */
        AUTHZ_EXEC,   /* POST /containers/{id}/exec */
        /* POST /containers/{id}/start below API 1.24: dockerd 20.10 applies
         * its body as the container's HostConfig (Runtime, Privileged, ...)
         * after the create was judged (daemon/start.go, "hostConfig" of the
         * start route before 1.24) */
        AUTHZ_START_LEGACY,
};

struct authz_strv {
        bool present; /* the field was there and not null */
        size_t len;
        char **items; /* len strings, then NULL */
};

/* HostConfig's fields the policy reads. */
struct authz_hostconfig {
        bool has_privileged;
        bool privileged;
        char *runtime;   /* NULL when absent or null */
        char *isolation; /* likewise */
        struct authz_strv cap_add, capabilities, security_opt;
};

struct authz_label {
        char *key, *value;
};

struct authz_body {
        char *image;
        /* the process the create asks for, over the image config's (docker
         * run's --entrypoint, COMMAND, -e, -w, -u): dockerd merges them
         * (moby 20.10 daemon/commit.go merge): an Entrypoint with items
         * replaces the image's and only the body's Cmd is kept; an empty
         * Entrypoint takes the image's Cmd when the body has none, and an
         * absent one (not []) also the image's Entrypoint; Env entries
         * replace the image's of the same name; an empty WorkingDir or User
         * keeps the image's */
        struct authz_strv entrypoint, cmd, env;
        char *working_dir, *user;            /* NULL when absent or null */
        bool has_host_config;                /* HostConfig present and not null */
        struct authz_hostconfig host_config; /* HostConfig's */
        struct authz_hostconfig top;         /* the same fields at the top level */
        bool privileged;                     /* an exec's Privileged */
        size_t n_labels;
        struct authz_label *labels;

        /* every string above, in one allocation the size of the document */
        char *strings;
        size_t strings_used, strings_size;
};

struct authz_request {
        char *method;        /* RequestMethod */
        char *uri;           /* RequestUri, raw */
        char *user;          /* User: the TLS client certificate's subject; NULL */
        char *authn_method;  /* UserAuthNMethod; NULL */
        bool has_body;       /* RequestBody present and not null */
        unsigned char *body; /* decoded from base64 (len body_len; NUL after it) */
        size_t body_len;
        char *strings; /* the strings above */
        size_t strings_used, strings_size;
};

/* The URI as dockerd routes it. */
struct authz_uri {
        char path[AUTHZ_URI_MAX]; /* decoded once, the version prefix stripped */
        char version[16];         /* "1.41", "" when there was no prefix */
        bool has_name, has_platform;
        char name[AUTHZ_QUERY_VAL_MAX];     /* the first "name", without a leading '/' */
        char platform[AUTHZ_QUERY_VAL_MAX]; /* the first "platform" */
};

/* Parses the envelope (len bytes of JSON, at most AUTHZ_ENVELOPE_MAX) and
 * decodes its RequestBody.  authz_request_free out either way. */
int authz_request_parse(const char *text, size_t len, struct authz_request *out,
                        struct eg_error *err);
void authz_request_free(struct authz_request *r);

/* Splits and decodes a RequestUri.  Returns -1 for what Go's url.Parse
 * refuses (a bad %-escape) or what is too long to judge. */
int authz_uri_parse(const char *uri, struct authz_uri *out, struct eg_error *err);

/* Which call this is: POST of /containers/create, /containers/ID/exec, or
 * /containers/ID/start under an API version below 1.24 (the method compared
 * without case, the stricter reading). */
enum authz_endpoint authz_endpoint_of(const char *method, const struct authz_uri *u);

/* Parses an API body of `endpoint` (CREATE or EXEC).  authz_body_free out
 * either way. */
int authz_body_parse(const char *text, size_t len, enum authz_endpoint endpoint,
                     struct authz_body *out, struct eg_error *err);
void authz_body_free(struct authz_body *b);

/* The value of a label, NULL when absent. */
const char *authz_body_label(const struct authz_body *b, const char *key);

/* Decodes standard base64 with padding, as Go's encoding/json writes
 * []byte; out has room for len / 4 * 3 bytes.  Returns the length, or -1. */
long authz_base64_decode(const char *in, size_t len, unsigned char *out);

#endif
