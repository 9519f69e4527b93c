/* The strict config.json reader. */
#include <stdlib.h>

#include "../../oci/spec.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct spec s;
        struct eg_error err;

        if (spec_parse((const char *)data, size, &s, &err) < 0) {
                if (err.msg[0] == '\0')
                        abort(); /* a refusal always says why */
        } else {
                (void)spec_env(&s, "PATH");
                (void)spec_annotation(&s, "org.opencontainers.image.architecture");
        }
        spec_free(&s);
        return 0;
}
