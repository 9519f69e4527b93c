#include "log_reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int log_reader_init(struct log_reader *r, int fd, struct eg_error *err)
{
        *r = (struct log_reader){.fd = fd};
        if ((r->buf = malloc(LOG_LINE_MAX + 1)) == NULL)
                return eg_error_set(err, ENOMEM, "allocating the log reader's buffer");
        return 0;
}

void log_reader_free(struct log_reader *r)
{
        free(r->buf);
        r->buf = NULL;
}

/* Moves the unread bytes to the front and reads more; 0 at end of file. */
static ssize_t fill(struct log_reader *r, struct eg_error *err)
{
        ssize_t n;

        if (r->start > 0) {
                memmove(r->buf, r->buf + r->start, r->end - r->start);
                r->end -= r->start;
                r->start = 0;
        }
        do
                n = read(r->fd, r->buf + r->end, LOG_LINE_MAX + 1 - r->end);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return eg_error_set_errno(err, errno, "reading line %lu", r->line + 1);
        if (n == 0)
                r->eof = true;
        r->end += (size_t)n;
        return n;
}

/* Past a line too long to hold: drops bytes up to and including its
 * '\n', counting them. */
static int skip_rest(struct log_reader *r, size_t *skipped, struct eg_error *err)
{
        for (;;) {
                char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
                if (nl != NULL) {
                        size_t n = (size_t)(nl - (r->buf + r->start)) + 1;
                        *skipped += n;
                        r->offset += (off_t)n;
                        r->start += n;
                        return 0;
                }
                *skipped += r->end - r->start;
                r->offset += (off_t)(r->end - r->start);
                r->start = r->end = 0;
                if (r->eof)
                        return 0;
                if (fill(r, err) < 0)
                        return -1;
        }
}

int log_reader_next(struct log_reader *r, struct log_line *out, struct eg_error *err)
{
        size_t scanned = 0;

        for (;;) {
                char *from = r->buf + r->start;
                char *nl = memchr(from + scanned, '\n', r->end - r->start - scanned);
                size_t have = r->end - r->start;

                if (nl != NULL || (r->eof && have > 0)) {
                        size_t len = nl ? (size_t)(nl - from) : have;
                        *out = (struct log_line){.kind = LOG_LINE_TEXT,
                                                 .text = from,
                                                 .len = len,
                                                 .number = ++r->line,
                                                 .offset = r->offset};
                        r->start += nl ? len + 1 : len;
                        r->offset += (off_t)(nl ? len + 1 : len);
                        return 0;
                }
                if (r->eof) {
                        *out = (struct log_line){.kind = LOG_LINE_END, .number = r->line};
                        return 0;
                }
                if (have > LOG_LINE_MAX) { /* no '\n' within the cap */
                        size_t skipped = 0;
                        *out = (struct log_line){.kind = LOG_LINE_TOO_LONG,
                                                 .number = ++r->line,
                                                 .offset = r->offset};
                        if (skip_rest(r, &skipped, err) < 0)
                                return -1;
                        out->len = skipped;
                        return 0;
                }
                scanned = have;
                if (fill(r, err) < 0)
                        return -1;
        }
}
