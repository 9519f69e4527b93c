/* The policy file reader (json_tree underneath). */
#include <stdlib.h>

#include "../../policy/policy.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct policy p;
        struct eg_error err;

        if (policy_parse((const char *)data, size, "fuzz.json", &p, &err) < 0) {
                if (err.msg[0] == '\0')
                        abort(); /* a refusal always says why */
        } else {
                for (size_t i = 0; i < p.n_exceptions; i++)
                        (void)policy_exception_matches(&p.exceptions[i], "edgeHub", "0123",
                                                       "mcr.io/x:1", "sha256:00");
        }
        policy_free(&p);
        return 0;
}
