/* Windows PE/COFF executables: MZ, then "PE\0\0" at e_lfanew, then the
 * machine.  Read with bounded preads; e_lfanew is not trusted. */
#ifndef EDGEGUARD_PE_H
#define EDGEGUARD_PE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "platform.h"

struct pe_info {
        uint16_t machine;
        uint16_t characteristics;
        struct platform platform; /* windows/...; arch empty when not known */
        char problem[128];
};

bool pe_is(const unsigned char *head, size_t len);

void pe_identify(int fd, off_t size, const unsigned char *head, size_t len, struct pe_info *info);

#endif
