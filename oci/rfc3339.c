#include "rfc3339.h"

#include <stdio.h>
#include <string.h>

void rfc3339_format(struct timespec t, bool micro, char out[RFC3339_MAX])
{
        struct tm tm;
        size_t len;

        if (gmtime_r(&t.tv_sec, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
                memcpy(out, "1970-01-01T00:00:00Z", sizeof "1970-01-01T00:00:00Z");
                return;
        }
        len = strftime(out, RFC3339_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
        if (micro)
                snprintf(out + len, RFC3339_MAX - len, ".%06uZ",
                         (unsigned)(t.tv_nsec / 1000) % 1000000u);
        else
                memcpy(out + len, "Z", 2);
}
