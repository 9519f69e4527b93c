/* moby's config.v2.json and image config readers, on the same input. */
#include <stdlib.h>

#include "../../oci/moby.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct moby_container c;
        struct platform p;
        struct eg_error err;
        bool declared;

        if (moby_container_parse((const char *)data, size, &c, &err) < 0 && err.msg[0] == '\0')
                abort(); /* a refusal always says why */
        if (moby_image_parse((const char *)data, size, &p, &declared, &err) < 0 &&
            err.msg[0] == '\0')
                abort();
        return 0;
}
