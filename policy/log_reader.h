/* Reading a decision log line by line from an open file, streamed and
 * bounded: at most LOG_LINE_MAX bytes are held, whatever the file holds.
 * The log is written by edgeguard, but a reader must not trust it (a full
 * disk cuts lines, anyone who can write it can plant anything). */
#ifndef EDGEGUARD_LOG_READER_H
#define EDGEGUARD_LOG_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../oci/error.h"

/* A decision record is a few KiB; one with every hook and wrapper listed
 * stays far below this.  A longer line is skipped, not read. */
#define LOG_LINE_MAX (256u * 1024)

struct log_reader {
        int fd;             /* borrowed: the caller opens and closes it */
        char *buf;          /* LOG_LINE_MAX + 1 bytes */
        size_t start, end;  /* unread bytes are buf[start..end) */
        off_t offset;       /* file offset of buf[start] */
        unsigned long line; /* number of the line last returned, from 1 */
        bool eof;
};

enum log_line_kind {
        LOG_LINE_TEXT,     /* a line, without its '\n' (the last one may lack it) */
        LOG_LINE_TOO_LONG, /* a line over LOG_LINE_MAX, skipped to its end */
        LOG_LINE_END,      /* no more lines */
};

struct log_line {
        enum log_line_kind kind;
        const char *text; /* LOG_LINE_TEXT: valid until the next call; not terminated */
        size_t len;       /* LOG_LINE_TOO_LONG: the bytes skipped */
        unsigned long number;
        off_t offset; /* where the line starts in the file */
};

/* Returns -1 when out of memory. */
int log_reader_init(struct log_reader *r, int fd, struct eg_error *err);
void log_reader_free(struct log_reader *r);

/* The next line; -1 on a read error (err names errno).  Never blocks on
 * more than read(2) of the fd does. */
int log_reader_next(struct log_reader *r, struct log_line *out, struct eg_error *err);

#endif
