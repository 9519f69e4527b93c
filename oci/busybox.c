#include "busybox.h"

#include <string.h>

static const unsigned char *find(const unsigned char *hay, size_t len, const char *needle, size_t n)
{
        return n <= len ? memmem(hay, len, needle, n) : NULL;
}

bool busybox_sh_runs_applet(const unsigned char *data, size_t len, const char *name)
{
        static const char banner[] = "BusyBox v", table[] = "\0[\0[[\0";
        const unsigned char *b, *t, *end = data + len;
        size_t n = strlen(name);

        if (n == 0 || strchr(name, '/') != NULL)
                return false;
        if ((b = find(data, len, banner, sizeof(banner) - 1)) == NULL)
                return false;
        /* "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1)": the version,
         * then the build's own words in parentheses */
        b += sizeof(banner) - 1;
        while (b < end && *b != ' ' && *b != '\0')
                b++;
        if ((size_t)(end - b) < 9 || memcmp(b, " (Debian ", 9) != 0)
                return false;
        if ((t = find(data, len, table, sizeof(table) - 1)) == NULL)
                return false;
        /* sorted names, each NUL-ended, the table ended by an empty one */
        for (t++; t < end && *t != '\0';) {
                const unsigned char *z = memchr(t, '\0', (size_t)(end - t));
                if (z == NULL)
                        return false;
                if ((size_t)(z - t) == n && memcmp(t, name, n) == 0)
                        return true;
                t = z + 1;
        }
        return false;
}
