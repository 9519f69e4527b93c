#include "str.h"

#include <stdarg.h>
#include <stdio.h>

void str_printf_first(char *dst, size_t size, const char *fmt, ...)
{
        va_list ap;

        if (dst[0])
                return;
        va_start(ap, fmt);
        vsnprintf(dst, size, fmt, ap);
        va_end(ap);
}
