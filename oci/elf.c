#include "elf.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "str.h"

/* Bounds on what one file can make us read; the kernel refuses program
 * headers over 64 KiB too. */
#define TABLE_BYTES_MAX   65536u
#define SECTION_BYTES_MAX 65536u
#define GO_MODINFO_TAIL   16384u

#define PT_INTERP          3u
#define SHT_NOBITS         8u
#define SHT_ARM_ATTRIBUTES 0x70000003u
#define TAG_CPU_ARCH       6u

struct reader {
        int fd;
        uint64_t size;
        bool be;
        bool is64;
};

static int read_at(const struct reader *r, uint64_t off, void *buf, size_t len)
{
        size_t done = 0;

        if (off > r->size || len > r->size - off)
                return -1;
        while (done < len) {
                ssize_t n = pread(r->fd, (char *)buf + done, len - done, (off_t)(off + done));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -1;
                done += (size_t)n;
        }
        return 0;
}

static uint64_t get(const struct reader *r, const unsigned char *p, int bytes)
{
        uint64_t v = 0;

        for (int i = 0; i < bytes; i++)
                v |= (uint64_t)p[r->be ? bytes - 1 - i : i] << (8 * i);
        return v;
}

/* A word: 4 bytes in ELF32, 8 in ELF64 (offsets, addresses, sizes). */
static uint64_t word(const struct reader *r, const unsigned char *p32, const unsigned char *p64)
{
        return r->is64 ? get(r, p64, 8) : get(r, p32, 4);
}

#define problem(info, ...) str_printf_first((info)->problem, sizeof((info)->problem), __VA_ARGS__)

bool elf_is(const unsigned char *head, size_t len)
{
        return len >= 4 && memcmp(head, "\177ELF", 4) == 0;
}

/* ---- program headers: the interpreter and the x86 ISA level note ---- */

#define PT_NOTE         4u
#define PT_GNU_PROPERTY 0x6474e553u
#define NOTE_BYTES_MAX  65536u /* real property notes are a few dozen bytes */

#define NT_GNU_PROPERTY_TYPE_0        5u
#define GNU_PROPERTY_X86_ISA_1_NEEDED 0xc0008002u /* binutils >= 2.36 */

int elf_x86_isa_level(uint32_t bits)
{
        for (int level = 4; level >= 1; level--)
                if (bits & (1u << (level - 1)))
                        return level;
        return 0;
}

/* The program header table, or NULL with a problem set. */
static unsigned char *read_phdrs(const struct reader *r, const unsigned char *ehdr, unsigned *count,
                                 struct elf_info *info)
{
        uint64_t phoff = word(r, ehdr + 28, ehdr + 32);
        unsigned entsize = (unsigned)get(r, ehdr + (r->is64 ? 54 : 42), 2);
        unsigned phnum = (unsigned)get(r, ehdr + (r->is64 ? 56 : 44), 2);
        unsigned char *table;

        if (entsize != (r->is64 ? 56u : 32u)) {
                problem(info, "program header size %u is not the ELF%d one", entsize,
                        r->is64 ? 64 : 32);
                return NULL;
        }
        if (phnum == 0 || (size_t)phnum * entsize > TABLE_BYTES_MAX) {
                problem(info, "%u program headers", phnum);
                return NULL;
        }
        table = malloc((size_t)phnum * entsize);
        if (table == NULL || read_at(r, phoff, table, (size_t)phnum * entsize) < 0) {
                free(table);
                problem(info, "program headers past the end of the file");
                return NULL;
        }
        *count = phnum;
        return table;
}

static void take_interp(const struct reader *r, const unsigned char *ph, struct elf_info *info)
{
        uint64_t off = word(r, ph + 4, ph + 8), filesz = word(r, ph + 16, ph + 32);

        if (filesz < 2 || filesz > sizeof(info->interp)) {
                problem(info, "interpreter path of %llu bytes", (unsigned long long)filesz);
                return;
        }
        if (read_at(r, off, info->interp, (size_t)filesz) < 0) {
                info->interp[0] = '\0';
                problem(info, "interpreter path past the end of the file");
                return;
        }
        /* the kernel insists on the terminating NUL */
        if (info->interp[filesz - 1] != '\0') {
                info->interp[0] = '\0';
                problem(info, "interpreter path not NUL-terminated");
        }
}

/* The properties of one NT_GNU_PROPERTY_TYPE_0 descriptor: pr_type,
 * pr_datasz, data padded to the word size (gABI's "Program Property"). */
static uint32_t isa_needed_bits(const struct reader *r, const unsigned char *d, size_t n)
{
        size_t pad = r->is64 ? 8 : 4, pos = 0;
        uint32_t bits = 0;

        while (n - pos >= 8) {
                uint32_t type = (uint32_t)get(r, d + pos, 4);
                size_t size = (size_t)get(r, d + pos + 4, 4);
                if (size > n - pos - 8)
                        break;
                if (type == GNU_PROPERTY_X86_ISA_1_NEEDED && size == 4)
                        bits |= (uint32_t)get(r, d + pos + 8, 4);
                pos += 8 + size;
                pos += (pad - pos % pad) % pad;
                if (pos > n)
                        break;
        }
        return bits;
}

/* Every GNU property note in one PT_NOTE or PT_GNU_PROPERTY segment: the
 * union of their ISA-needed bits.  A union never states a lower level
 * than any one note, so a second, lower note cannot hide a higher one. */
static int segment_isa_bits(const struct reader *r, const unsigned char *ph, uint32_t *bits,
                            unsigned char *buf)
{
        uint64_t off = word(r, ph + 4, ph + 8), filesz = word(r, ph + 16, ph + 32);
        uint64_t align = word(r, ph + 28, ph + 48);
        size_t pad = align == 8 ? 8 : 4, pos = 0, n = (size_t)filesz;

        if (filesz > NOTE_BYTES_MAX)
                return -1;
        if (read_at(r, off, buf, n) < 0)
                return -1;
        while (n - pos >= 12) {
                size_t namesz = (size_t)get(r, buf + pos, 4),
                       descsz = (size_t)get(r, buf + pos + 4, 4);
                uint32_t type = (uint32_t)get(r, buf + pos + 8, 4);
                size_t name = pos + 12, desc = name + namesz;
                desc += (pad - desc % pad) % pad;
                if (namesz > n || descsz > n || desc > n || descsz > n - desc)
                        break;
                if (type == NT_GNU_PROPERTY_TYPE_0 && namesz == 4 &&
                    memcmp(buf + name, "GNU", 4) == 0)
                        *bits |= isa_needed_bits(r, buf + desc, descsz);
                pos = desc + descsz;
                pos += (pad - pos % pad) % pad;
                if (pos > n)
                        break;
        }
        return 0;
}

static void read_program_headers(const struct reader *r, const unsigned char *ehdr,
                                 struct elf_info *info)
{
        cleanup_free unsigned char *table = NULL, *buf = NULL;
        unsigned phnum = 0;
        uint32_t bits = 0;
        bool interp_seen = false;

        table = read_phdrs(r, ehdr, &phnum, info);
        if (table == NULL)
                return;
        for (unsigned i = 0; i < phnum; i++) {
                const unsigned char *ph = table + (size_t)i * (r->is64 ? 56u : 32u);
                uint32_t type = (uint32_t)get(r, ph, 4);

                if (type == PT_INTERP && !interp_seen) { /* the kernel takes the first */
                        interp_seen = true;
                        take_interp(r, ph, info);
                }
                if ((type == PT_NOTE || type == PT_GNU_PROPERTY) && info->machine == 62) {
                        if (buf == NULL && (buf = malloc(NOTE_BYTES_MAX)) == NULL)
                                return;
                        if (segment_isa_bits(r, ph, &bits, buf) < 0)
                                problem(info,
                                        "a note segment past the end of the file or over "
                                        "%u bytes",
                                        NOTE_BYTES_MAX);
                }
        }
        info->x86_isa_needed = elf_x86_isa_level(bits);
}

/* ---- sections: .ARM.attributes and Go's build info ---- */

static bool uleb(const unsigned char *p, size_t end, size_t *pos, uint64_t *v)
{
        *v = 0;
        for (int shift = 0; *pos < end && shift < 64; shift += 7) {
                unsigned char b = p[(*pos)++];
                *v |= (uint64_t)(b & 0x7f) << shift;
                if (!(b & 0x80))
                        return true;
        }
        return false;
}

static bool skip_ntbs(const unsigned char *p, size_t end, size_t *pos)
{
        const unsigned char *nul = memchr(p + *pos, '\0', end - *pos);

        if (nul == NULL)
                return false;
        *pos = (size_t)(nul - p) + 1;
        return true;
}

/* The file-scope attributes of the "aeabi" vendor subsection. */
static void parse_arm_file_attributes(const unsigned char *p, size_t pos, size_t end,
                                      struct elf_info *info)
{
        while (pos < end) {
                uint64_t tag, value;
                if (!uleb(p, end, &pos, &tag))
                        return;
                if (tag == 4 || tag == 5 || tag == 67 || (tag > 32 && (tag & 1))) {
                        if (!skip_ntbs(p, end, &pos))
                                return;
                        continue;
                }
                if (!uleb(p, end, &pos, &value))
                        return;
                if (tag == 32 && !skip_ntbs(p, end, &pos)) /* Tag_compatibility: flag, vendor */
                        return;
                if (tag == TAG_CPU_ARCH && value < 64)
                        info->arm_cpu_arch = (int)value;
        }
}

static void parse_arm_attributes(const struct reader *r, const unsigned char *p, size_t n,
                                 struct elf_info *info)
{
        size_t pos = 1;

        if (n < 1 || p[0] != 'A')
                return;
        while (pos + 4 <= n) {
                size_t len = (size_t)get(r, p + pos, 4), end, q;
                if (len < 4 || len > n - pos)
                        return;
                end = pos + len;
                q = pos + 4;
                if (skip_ntbs(p, end, &q) && strcmp((const char *)p + pos + 4, "aeabi") == 0) {
                        while (q + 5 <= end) {
                                size_t sub = (size_t)get(r, p + q + 1, 4);
                                if (sub < 5 || sub > end - q)
                                        break;
                                if (p[q] == 1) /* Tag_File */
                                        parse_arm_file_attributes(p, q + 5, q + sub, info);
                                q += sub;
                        }
                }
                pos = end;
        }
}

static void copy_setting(const unsigned char *buf, size_t n, const char *key, char *out,
                         size_t size)
{
        size_t klen = strlen(key);

        for (size_t i = 0; i + klen <= n; i++) {
                if (memcmp(buf + i, key, klen) != 0)
                        continue;
                size_t j = i + klen, o = 0;
                while (j < n && buf[j] != '\n' && buf[j] > ' ' && buf[j] < 0x7f && o + 1 < size)
                        out[o++] = (char)buf[j++];
                out[o] = '\0';
        }
}

/* Go >= 1.18 puts its version and the build settings ("build\tGOARM=7")
 * inline in .go.buildinfo: a 32-byte header, then two varint-prefixed
 * strings.  The settings come last, so only the tail is read. */
static void parse_go_buildinfo(const struct reader *r, uint64_t off, uint64_t size,
                               struct elf_info *info)
{
        unsigned char head[32 + 10 + 32 + 10], tail[GO_MODINFO_TAIL];
        size_t n = size < sizeof(head) ? (size_t)size : sizeof(head), pos = 32;
        uint64_t vlen, mlen;

        if (n < 34 || read_at(r, off, head, n) < 0 || memcmp(head, "\377 Go buildinf:", 14) != 0 ||
            !(head[15] & 2))
                return;
        if (!uleb(head, n, &pos, &vlen) || vlen > 32 || vlen > n - pos)
                return;
        snprintf(info->go_version, sizeof(info->go_version), "%.*s", (int)vlen, head + pos);
        for (size_t i = 0; info->go_version[i]; i++)
                if (info->go_version[i] < ' ' || info->go_version[i] >= 0x7f)
                        info->go_version[i] = '?';
        pos += (size_t)vlen;
        /* off + n is inside the file (head was read there): no wrap below */
        if (!uleb(head, n, &pos, &mlen) || mlen > size - pos || mlen > r->size - off - pos)
                return;
        size_t take = mlen < sizeof(tail) ? (size_t)mlen : sizeof(tail);
        if (read_at(r, off + pos + mlen - take, tail, take) < 0)
                return;
        copy_setting(tail, take, "\nbuild\tGOARM=", info->goarm, sizeof(info->goarm));
        copy_setting(tail, take, "\nbuild\tGOAMD64=", info->goamd64, sizeof(info->goamd64));
}

static void read_sections(const struct reader *r, const unsigned char *ehdr, struct elf_info *info)
{
        uint64_t shoff = word(r, ehdr + 32, ehdr + 40);
        unsigned entsize = (unsigned)get(r, ehdr + (r->is64 ? 58 : 46), 2);
        unsigned shnum = (unsigned)get(r, ehdr + (r->is64 ? 60 : 48), 2);
        unsigned shstrndx = (unsigned)get(r, ehdr + (r->is64 ? 62 : 50), 2);
        cleanup_free unsigned char *table = NULL, *names = NULL, *data = NULL;
        uint64_t names_len = 0;

        /* no sections (stripped with sstrip), or a count we will not read */
        if (shoff == 0 || shnum == 0 || entsize != (r->is64 ? 64u : 40u) ||
            (size_t)shnum * entsize > TABLE_BYTES_MAX)
                return;
        table = malloc((size_t)shnum * entsize);
        names = malloc(SECTION_BYTES_MAX);
        data = malloc(SECTION_BYTES_MAX);
        if (table == NULL || names == NULL || data == NULL ||
            read_at(r, shoff, table, (size_t)shnum * entsize) < 0)
                return;
#define SH(i)         (table + (size_t)(i)*entsize)
#define SH_TYPE(sh)   ((uint32_t)get(r, (sh) + 4, 4))
#define SH_OFFSET(sh) word(r, (sh) + 16, (sh) + 24)
#define SH_SIZE(sh)   word(r, (sh) + 20, (sh) + 32)
        if (shstrndx < shnum && SH_TYPE(SH(shstrndx)) != SHT_NOBITS) {
                names_len = SH_SIZE(SH(shstrndx));
                if (names_len > SECTION_BYTES_MAX ||
                    read_at(r, SH_OFFSET(SH(shstrndx)), names, (size_t)names_len) < 0)
                        names_len = 0;
        }
        for (unsigned i = 0; i < shnum; i++) {
                const unsigned char *sh = SH(i);
                uint32_t type = SH_TYPE(sh), name = (uint32_t)get(r, sh, 4);
                uint64_t off = SH_OFFSET(sh), size = SH_SIZE(sh);

                if (type == SHT_ARM_ATTRIBUTES && info->machine == 40 &&
                    size <= SECTION_BYTES_MAX && read_at(r, off, data, (size_t)size) == 0)
                        parse_arm_attributes(r, data, (size_t)size, info);
                if (type != SHT_NOBITS && name < names_len &&
                    memchr(names + name, '\0', (size_t)(names_len - name)) != NULL &&
                    strcmp((const char *)names + name, ".go.buildinfo") == 0)
                        parse_go_buildinfo(r, off, size, info);
        }
#undef SH
#undef SH_TYPE
#undef SH_OFFSET
#undef SH_SIZE
}

/* ---- the platform ---- */

static const char *arm_variant_of_tag(int tag)
{
        if (tag < 0)
                return "";
        if (tag <= 5) /* pre-v4 .. v5TEJ: containerd's lowest variant is v5 */
                return "v5";
        if (tag <= 9 || tag == 11 || tag == 12) /* v6, v6KZ, v6T2, v6K, v6-M, v6S-M */
                return "v6";
        if (tag == 10 || tag == 13) /* v7, v7E-M */
                return "v7";
        return "v8";
}

static const char *os_of_osabi(uint8_t osabi)
{
        switch (osabi) {
        case 0:  /* SYSV: what Linux toolchains write */
        case 3:  /* GNU/Linux */
        case 97: /* ARM */
                return "linux";
        case 2:
                return "netbsd";
        case 6:
                return "solaris";
        case 9:
                return "freebsd";
        case 12:
                return "openbsd";
        }
        return NULL;
}

static const char *arch_of_machine(const struct elf_info *info)
{
        bool le = !info->big_endian, b64 = info->bits == 64;

        switch (info->machine) {
        case 3:
                return !b64 && le ? "386" : NULL;
        case 62:
                return b64 && le ? "amd64" : NULL;
        case 40:
                return !b64 && le ? "arm" : NULL;
        case 183:
                return b64 && le ? "arm64" : NULL;
        case 21:
                return b64 ? (le ? "ppc64le" : "ppc64") : NULL;
        case 20:
                return !b64 && !le ? "ppc" : NULL;
        case 22:
                return !le ? (b64 ? "s390x" : "s390") : NULL;
        case 243:
                return le ? (b64 ? "riscv64" : "riscv32") : NULL;
        case 8:
                return b64 ? (le ? "mips64le" : "mips64") : (le ? "mipsle" : "mips");
        case 258:
                return b64 && le ? "loong64" : NULL;
        case 43:
                return b64 && !le ? "sparc64" : NULL;
        }
        return NULL;
}

static void set_platform(struct elf_info *info)
{
        const char *os = os_of_osabi(info->osabi), *arch = arch_of_machine(info);
        const char *variant = "";
        struct platform *p = &info->platform;

        if (os == NULL)
                problem(info, "ELF OS ABI %u", info->osabi);
        str_copy(p->os, sizeof(p->os), os ? os : "");
        if (arch == NULL) {
                problem(info, "ELF machine %u (%d-bit, %s-endian)", info->machine, info->bits,
                        info->big_endian ? "big" : "little");
                return;
        }
        if (strcmp(arch, "arm") == 0) {
                int level = platform_variant_level(arm_variant_of_tag(info->arm_cpu_arch));
                int go = info->goarm[0] >= '5' && info->goarm[0] <= '8' ? info->goarm[0] - '0' : 0;
                static const char *const names[] = {"", "", "", "", "", "v5", "v6", "v7", "v8"};
                /* the C runtime and the Go code both run: the higher one decides */
                variant = names[level > go ? level : go];
        } else if (strcmp(arch, "amd64") == 0 && platform_variant_level(info->goamd64) >= 2) {
                /* v1 is the baseline every x86-64 CPU has: no requirement */
                variant = info->goamd64;
                info->level_source = "GOAMD64 in Go's build info";
        }
        str_copy(p->arch, sizeof(p->arch), arch);
        str_copy(p->variant, sizeof(p->variant), variant);
        platform_normalize(p);
        /* an ARM binary that records no variant: normalize's v7 would be a guess */
        if (strcmp(arch, "arm") == 0 && variant[0] == '\0')
                p->variant[0] = '\0';
}

int elf_header_platform(const unsigned char *head, size_t len, struct platform *out)
{
        struct elf_info info = {.osabi = 0};
        const char *os, *arch;

        memset(out, 0, sizeof(*out));
        if (!elf_is(head, len) || len < 20 || (head[4] != 1 && head[4] != 2) ||
            (head[5] != 1 && head[5] != 2))
                return -1;
        info.bits = head[4] == 2 ? 64 : 32;
        info.big_endian = head[5] == 2;
        info.machine = (uint16_t)(info.big_endian ? (head[18] << 8 | head[19])
                                                  : (head[19] << 8 | head[18]));
        os = os_of_osabi(head[7]);
        arch = arch_of_machine(&info);
        if (os == NULL || arch == NULL)
                return -1;
        str_copy(out->os, sizeof(out->os), os);
        str_copy(out->arch, sizeof(out->arch), arch);
        return 0;
}

/* Levels only raise an amd64 variant: the highest stated one decides. */
static void raise_level(struct elf_info *info, int level, const char *source)
{
        static const char *const names[] = {"", "v1", "v2", "v3", "v4"};

        if (strcmp(info->platform.arch, "amd64") != 0 || level < 2 || level > 4 ||
            level <= platform_variant_level(info->platform.variant))
                return;
        str_copy(info->platform.variant, sizeof(info->platform.variant), names[level]);
        info->level_source = source;
}

void elf_identify(int fd, off_t size, const unsigned char *head, size_t len, struct elf_info *info)
{
        struct reader r = {.fd = fd, .size = size < 0 ? 0 : (uint64_t)size};
        unsigned char ehdr[64];

        memset(info, 0, sizeof(*info));
        info->arm_cpu_arch = -1;
        if (!elf_is(head, len) || len < 20) {
                problem(info, "truncated ELF header");
                return;
        }
        if (head[4] != 1 && head[4] != 2) {
                problem(info, "ELF class %u", head[4]);
                return;
        }
        if (head[5] != 1 && head[5] != 2) {
                problem(info, "ELF data encoding %u", head[5]);
                return;
        }
        r.is64 = head[4] == 2;
        r.be = head[5] == 2;
        info->bits = r.is64 ? 64 : 32;
        info->big_endian = r.be;
        info->osabi = head[7];
        if (len < (r.is64 ? 64u : 52u)) {
                problem(info, "truncated ELF header");
                return;
        }
        memcpy(ehdr, head, r.is64 ? 64 : 52);
        info->type = (uint16_t)get(&r, ehdr + 16, 2);
        info->machine = (uint16_t)get(&r, ehdr + 18, 2);
        info->flags = (uint32_t)get(&r, ehdr + (r.is64 ? 48 : 36), 4);
        if (info->machine == 40) {
                if (info->flags & 0x400)
                        info->float_abi = "hard";
                else if (info->flags & 0x200)
                        info->float_abi = "soft";
        }
        read_sections(&r, ehdr, info);
        set_platform(info);
        if (info->type != 2 && info->type != 3)
                problem(info, "ELF type %u is not an executable", info->type);
        read_program_headers(&r, ehdr, info);
        raise_level(info, info->x86_isa_needed, "x86 ISA needed note");
}

void elf_interp_level(int fd, struct elf_info *info)
{
        struct stat st;
        unsigned char ehdr[64];
        struct reader r = {.fd = fd, .is64 = true};
        struct elf_info scratch; /* only its problem is written, and dropped */

        if (strcmp(info->platform.arch, "amd64") != 0 || fstat(fd, &st) < 0 || st.st_size < 64)
                return;
        r.size = (uint64_t)st.st_size;
        if (read_at(&r, 0, ehdr, sizeof(ehdr)) < 0 || !elf_is(ehdr, sizeof(ehdr)) || ehdr[4] != 2 ||
            ehdr[5] != 1 || get(&r, ehdr + 18, 2) != 62)
                return;
        memset(&scratch, 0, sizeof(scratch));
        scratch.machine = 62;
        read_program_headers(&r, ehdr, &scratch);
        info->interp_x86_isa_needed = scratch.x86_isa_needed;
        raise_level(info, scratch.x86_isa_needed, "x86 ISA needed note of the ELF interpreter");
}
