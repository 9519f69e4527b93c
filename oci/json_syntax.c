#include "json_syntax.h"

#include <stdio.h>
#include <string.h>

size_t json_syntax_error(yajl_handle h, const char *text, size_t len, bool at_end, char *out,
                         size_t size)
{
        unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)text, len);
        size_t n;

        snprintf(out, size, "%s", msg ? (const char *)msg : "invalid JSON");
        if (msg)
                yajl_free_error(h, msg);
        n = strlen(out);
        while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '.' || out[n - 1] == ' '))
                out[--n] = '\0';
        return at_end ? len : yajl_get_bytes_consumed(h);
}
