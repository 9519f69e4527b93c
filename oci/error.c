#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void format_into(char *buf, size_t size, const char *fmt, va_list ap)
        __attribute__((format(printf, 3, 0)));

static void format_into(char *buf, size_t size, const char *fmt, va_list ap)
{
        int n = vsnprintf(buf, size, fmt, ap);
        if (n < 0)
                buf[0] = '\0';
}

int eg_error_set(struct eg_error *err, int errnum, const char *fmt, ...)
{
        va_list ap;

        if (err == NULL)
                return -1;
        err->errnum = errnum;
        va_start(ap, fmt);
        format_into(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        return -1;
}

int eg_error_set_errno(struct eg_error *err, int errnum, const char *fmt, ...)
{
        va_list ap;
        size_t len;

        if (err == NULL)
                return -1;
        err->errnum = errnum;
        va_start(ap, fmt);
        format_into(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        len = strlen(err->msg);
        snprintf(err->msg + len, sizeof err->msg - len, ": %s", strerror(errnum));
        return -1;
}

int eg_error_prefix(struct eg_error *err, const char *fmt, ...)
{
        char joined[2 * EG_ERROR_MSG_MAX + 2];
        size_t len;
        va_list ap;

        if (err == NULL)
                return -1;
        va_start(ap, fmt);
        format_into(joined, EG_ERROR_MSG_MAX, fmt, ap);
        va_end(ap);
        len = strlen(joined);
        memcpy(joined + len, ": ", 2);
        memcpy(joined + len + 2, err->msg, strnlen(err->msg, sizeof err->msg - 1) + 1);
        /* Cut to the buffer: the context and the start of the cause survive. */
        memcpy(err->msg, joined, sizeof err->msg - 1);
        err->msg[sizeof err->msg - 1] = '\0';
        return -1;
}
