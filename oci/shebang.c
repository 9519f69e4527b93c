#include "shebang.h"

#include <string.h>

static bool spacetab(char c)
{
        return c == ' ' || c == '\t';
}

static char *next_non_spacetab(char *p, const char *end)
{
        for (; p < end; p++)
                if (!spacetab(*p))
                        return p;
        return NULL;
}

static char *next_terminator(char *p, const char *end)
{
        for (; p < end; p++)
                if (spacetab(*p) || *p == '\0')
                        return p;
        return NULL;
}

bool shebang_is(const unsigned char *head, size_t len)
{
        return len >= 2 && head[0] == '#' && head[1] == '!';
}

/* Mirrors load_script(): the same buffer (zero padded, as bprm->buf is
 * for a short file), the same end-of-line and trimming rules. */
int shebang_parse(const unsigned char *head, size_t len, struct shebang *out)
{
        char buf[SHEBANG_BUF_SIZE] = {0};
        char *buf_end = buf + sizeof(buf) - 1, *i_end, *i_name, *i_sep, *i_arg = NULL;

        memset(out, 0, sizeof(*out));
        memcpy(buf, head, len < sizeof(buf) ? len : sizeof(buf));
        if (!shebang_is((const unsigned char *)buf, sizeof(buf)))
                return -1;
        i_end = memchr(buf, '\n', sizeof(buf));
        if (i_end == NULL) {
                i_end = next_non_spacetab(buf + 2, buf_end);
                if (i_end == NULL || next_terminator(i_end, buf_end) == NULL)
                        return -1; /* all blank, or a name the 256 bytes cut */
                i_end = buf_end;
        }
        while (spacetab(i_end[-1]))
                i_end--;
        i_name = next_non_spacetab(buf + 2, i_end);
        if (i_name == NULL || i_name == i_end)
                return -1;
        i_sep = next_terminator(i_name, i_end);
        if (i_sep && *i_sep != '\0')
                i_arg = next_non_spacetab(i_sep, i_end);
        *i_end = '\0';
        if (i_sep)
                *i_sep = '\0';
        out->crlf = i_end > buf + 2 && i_end[-1] == '\r';
        memcpy(out->interp, i_name, strlen(i_name) + 1);
        if (i_arg) {
                out->has_arg = true;
                memcpy(out->arg, i_arg, strlen(i_arg) + 1);
        }
        return 0;
}
