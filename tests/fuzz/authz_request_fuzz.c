/* The engine plugin's request reader: the AuthZReq envelope (JSON with a
 * base64 body), its RequestUri, the body as a create and as an exec, and
 * the decision over what was read.  The same bytes are also tried as a
 * bare body and a bare URI, so that the fuzzer reaches each reader without
 * having to find base64 first. */
#include <stdlib.h>
#include <string.h>

#include "../../oci/authz_request.h"
#include "../../policy/authz_decide.h"
#include "fuzz.h"

static struct policy policy;
static struct host_facts host;

static void decide_body(const struct authz_uri *uri, const struct authz_body *body,
                        enum authz_endpoint e)
{
        struct authz_facts f = {.endpoint = e, .uri = uri, .body = body};
        struct decision_input in = {.policy = &policy, .host = &host};
        struct decision d;

        in.ctx = (struct decision_context){.id = "", .name = "fuzz", .door = "authz"};
        f.image.status = AUTHZ_IMAGE_READ;
        f.image.platform = (struct platform){.os = "linux", .arch = "arm64"};
        f.daemon = (struct authz_daemon){.known = true, .default_runtime = "runc"};
        authz_decide(&in, &f, &d);
        if (d.reason[0] == '\0')
                abort(); /* every decision says why */
}

static void body(const char *text, size_t len, const struct authz_uri *uri, enum authz_endpoint e)
{
        struct authz_body b;
        struct eg_error err;

        if (authz_body_parse(text, len, e, &b, &err) < 0) {
                if (err.msg[0] == '\0')
                        abort(); /* a refusal always says why */
        } else {
                (void)authz_body_label(&b, "net.azure-devices.edge.owner");
                decide_body(uri, &b, e);
        }
        authz_body_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static int ready;
        struct authz_request r;
        struct authz_uri uri;
        struct eg_error err;
        char *text;

        if (!ready) {
                if (policy_defaults(&policy, &err) < 0 ||
                    host_simulate("linux/amd64", &host, &err) < 0)
                        abort();
                ready = 1;
        }
        if (authz_request_parse((const char *)data, size, &r, &err) == 0) {
                if (r.uri && authz_uri_parse(r.uri, &uri, &err) == 0) {
                        enum authz_endpoint e = authz_endpoint_of(r.method, &uri);
                        if (e != AUTHZ_OTHER && r.has_body)
                                body((const char *)r.body, r.body_len, &uri, e);
                }
        } else if (err.msg[0] == '\0') {
                abort();
        }
        authz_request_free(&r);

        memset(&uri, 0, sizeof(uri));
        body((const char *)data, size, &uri, AUTHZ_CREATE);
        body((const char *)data, size, &uri, AUTHZ_EXEC);
        if ((text = malloc(size + 1)) == NULL)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        if (authz_uri_parse(text, &uri, &err) == 0)
                (void)authz_endpoint_of("POST", &uri);
        free(text);
        return 0;
}
