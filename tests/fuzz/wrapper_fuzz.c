/* The wrappers' grammars and the kernel's #! line: the input is an argv,
 * NUL-separated, walked through wrapper after wrapper as facts.c does, and
 * also read as a script's first bytes and as text to show escaped. */
#include <stdlib.h>
#include <string.h>

#include "../../oci/cleanup.h"
#include "../../oci/shebang.h"
#include "../../oci/utf8.h"
#include "../../oci/wrapper.h"
#include "fuzz.h"

static void walk(const char *text, size_t size)
{
        const char *argv[WRAPPER_ARGS_MAX];
        struct wrapper_argv first;
        static struct wrapper_step steps[2];
        const struct wrapper_argv *cur = &first;
        size_t argc = 0;

        for (const char *p = text; p < text + size && argc < WRAPPER_ARGS_MAX; p += strlen(p) + 1)
                argv[argc++] = p;
        wrapper_argv_from(&first, argv, argc);
        for (int n = 0; n < 8; n++) {
                struct wrapper_step *st = &steps[n % 2];
                wrapper_step(cur, st);
                if (st->outcome == WRAPPER_STOP && st->note[0] == '\0')
                        abort(); /* a stop always says why */
                if (st->outcome != WRAPPER_NEXT)
                        return;
                if (st->next.argc == 0 || st->next.argv[0] == NULL ||
                    st->next.store_used > sizeof(st->next.store))
                        abort();
                for (size_t i = 0; i < st->next.argc; i++)
                        (void)strlen(st->next.argv[i]);
                if (st->path)
                        (void)strlen(st->path);
                cur = &st->next;
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        cleanup_free char *text = malloc(size + 1);
        cleanup_free char *shown = malloc(size * 6 + 1);
        struct shebang sb;

        if (text == NULL || shown == NULL)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        walk(text, size);
        if (shebang_parse(data, size, &sb) == 0 &&
            (strlen(sb.interp) >= SHEBANG_BUF_SIZE || strlen(sb.arg) >= SHEBANG_BUF_SIZE ||
             (!sb.has_arg && sb.arg[0] != '\0')))
                abort();
        utf8_sanitize_visible(text, shown, size * 6 + 1);
        for (const unsigned char *p = (const unsigned char *)shown; *p; p++)
                if (*p < 0x20 || *p == 0x7f)
                        abort(); /* nothing raw left */
        if (utf8_needs_cleaning(shown))
                abort();
        return 0;
}
