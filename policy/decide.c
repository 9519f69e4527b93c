/* The rules, one function each, then the policy over their outcomes:
 * exceptions first, then each rule's mode.  The first refusing rule in
 * enum order names the refusal. */
#include "decision.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/scmp_arch.h"
#include "../oci/str.h"
#include "describe.h"
#include "rules.h"

#define PLATFORM_TEXT_MAX (4 * PLATFORM_NAME_MAX)

void rule_set_result(struct decision *d, enum rule r, enum outcome o, const char *fmt, ...)
{
        va_list ap;

        d->results[r].outcome = o;
        va_start(ap, fmt);
        vsnprintf(d->results[r].detail, sizeof(d->results[r].detail), fmt, ap);
        va_end(ap);
}

static void platform_text(const struct platform *p, char out[PLATFORM_TEXT_MAX])
{
        platform_format(p, out, PLATFORM_TEXT_MAX);
}

/* One program examined: args[0], or one a wrapper executes. */
struct exe_view {
        const struct exe_facts *exe;
        const struct spec_mount *mount;        /* it came from (the record) */
        const struct spec_mount *interp_mount; /* NULL: the view looked through */
        const char *via;                       /* "dumb-init (/usr/bin/dumb-init)"; NULL */
};

/* "/bin/busybox", "/usr/bin/python3 (the #! interpreter of /app/run.sh)",
 * "/opt/app (run by dumb-init (/usr/bin/dumb-init))" */
static void exe_label(const struct exe_view *v, char *out, size_t size)
{
        const struct exe_facts *exe = v->exe;
        size_t len = 0;

        out[0] = '\0';
        if (exe->n_scripts > 0)
                str_append(out, size, &len, "%.1500s (the #! interpreter of %.1500s)", exe->file,
                           exe->scripts[0]);
        else
                str_append(out, size, &len, "%s", exe->file[0] ? exe->file : "the executable");
        if (v->via)
                str_append(out, size, &len, " (run by %.1500s)", v->via);
}

static bool exe_identified(const struct bundle_facts *f, const struct exe_view *v)
{
        return f->exe_checked && v->exe->kind != EXE_UNIDENTIFIED && v->exe->platform.arch[0] &&
               !v->exe->view_unknown;
}

/* ---- the rules ---- */

static void rule_bundle(struct decision *d, const struct bundle_facts *f, uid_t uid)
{
        const struct {
                const char *what;
                const struct stat *st;
        } files[] = {{"the bundle directory", &f->bundle_st}, {"config.json", &f->config_st}};

        if (f->path_problem[0]) {
                fail(d, RULE_BUNDLE, "%s", f->path_problem);
                return;
        }
        for (size_t i = 0; i < 2; i++) {
                const struct stat *st = files[i].st;
                unsigned mode = (unsigned)st->st_mode & 07777;
                if ((uid_t)st->st_uid != uid && st->st_uid != 0) { /* mingw: a short */
                        fail(d, RULE_BUNDLE,
                             "%s is owned by uid %u, not by the caller (uid %u) or root",
                             files[i].what, (unsigned)st->st_uid, (unsigned)uid);
                        return;
                }
                if (st->st_mode & S_IWOTH) {
                        fail(d, RULE_BUNDLE, "%s is writable by everyone (mode %04o)",
                             files[i].what, mode);
                        return;
                }
                if (st->st_mode & S_IWGRP) {
                        fail(d, RULE_BUNDLE, "%s is writable by group %u (mode %04o)",
                             files[i].what, (unsigned)st->st_gid, mode);
                        return;
                }
        }
        pass(d, RULE_BUNDLE, "the bundle and config.json are writable only by uid %u%s",
             (unsigned)f->config_st.st_uid,
             f->paths_checked ? ", and every directory above them and the rootfs only by root "
                                "or the caller"
                              : "");
}

static void rule_os(struct decision *d, const struct bundle_facts *f, const struct exe_view *v,
                    const struct host_facts *host)
{
        const char *host_os = host->platform.os;
        char file[PATH_MAX + 64];

        exe_label(v, file, sizeof(file));
        if (f->spec_os_conflict) {
                fail(d, RULE_OS,
                     "the spec has both a linux and a windows section: it is no one OS's "
                     "container");
                return;
        }
        if (f->spec_os[0] && strcmp(f->spec_os, host_os) != 0) {
                fail(d, RULE_OS, "this is a %s container (the spec has a %s section)", f->spec_os,
                     f->spec_os);
                return;
        }
        if (exe_identified(f, v) && v->exe->platform.os[0] &&
            strcmp(v->exe->platform.os, host_os) != 0) {
                fail(d, RULE_OS, "%.300s is a %s executable", file, v->exe->platform.os);
                return;
        }
        if (!f->spec_os[0] && !exe_identified(f, v) && f->has_declared && f->declared.os[0] &&
            strcmp(f->declared.os, host_os) != 0) {
                fail(d, RULE_OS, "the image declares the OS %s (%s)", f->declared.os,
                     f->declared_source);
                return;
        }
        pass(d, RULE_OS, "a %s container on a %s host",
             f->spec_os[0]          ? f->spec_os
             : exe_identified(f, v) ? v->exe->platform.os
                                    : host_os,
             host_os);
}

static void rule_hyperv(struct decision *d, const struct bundle_facts *f)
{
        if (f->spec.has_hyperv) {
                fail(d, RULE_HYPERV,
                     "the spec asks for Hyper-V isolation (windows.hyperv); only "
                     "process-isolated Windows containers are supported");
                return;
        }
        if (f->spec.has_windows) {
                pass(d, RULE_HYPERV, "process isolation (no windows.hyperv)");
                return;
        }
        skip(d, RULE_HYPERV, "not a Windows container");
}

static void pick_subject(struct decision *d, const struct bundle_facts *f, const struct exe_view *v)
{
        if (exe_identified(f, v)) {
                d->subject = v->exe->platform;
                d->subject_source = "executable";
        } else if (f->has_declared && f->declared.arch[0]) {
                d->subject = f->declared;
                d->subject_source = f->declared_source;
        }
}

static void rule_arch(struct decision *d, const struct bundle_facts *f, const struct exe_view *v,
                      const struct host_facts *host)
{
        char want[PLATFORM_TEXT_MAX], runs[256], what[PATH_MAX + 256], format[200];
        enum platform_support support;

        if (d->subject.arch[0] == '\0') {
                skip(d, RULE_ARCH, "nothing tells the architecture (see unknown)");
                skip(d, RULE_EMULATION, "nothing tells the architecture");
                return;
        }
        platform_text(&d->subject, want);
        if (d->subject.os[0] && strcmp(d->subject.os, host->platform.os) != 0) {
                skip(d, RULE_ARCH, "%s is for another OS (see os)", want);
                skip(d, RULE_EMULATION, "%s is for another OS", want);
                return;
        }
        if (strcmp(d->subject_source, "executable") == 0) {
                exe_label(v, what, PATH_MAX);
                describe_format(v->exe, format, sizeof(format));
                snprintf(what + strlen(what), sizeof(what) - strlen(what), " is %s (%s)", want,
                         format);
        } else {
                snprintf(what, sizeof(what),
                         "the image declares %s (%s; the executable could not be identified)", want,
                         d->subject_source);
        }
        describe_host_runs(host, &d->subject, runs, sizeof(runs));
        support = host_runs(host, &d->subject);
        if (support != PLATFORM_UNSUPPORTED &&
            (d->seccomp_gap = seccomp_arch_gap(&f->spec, host->scmp_native, &d->subject))) {
                char listed[256];
                const char *own = scmp_arch_spec_name(host->scmp_native);
                seccomp_arch_names(&f->spec, listed, sizeof(listed));
                fail(d, RULE_ARCH,
                     "%.600s, which this host runs, but not under this seccomp filter: its "
                     "architectures (%s) and runc's own (%s) leave out %s, so the filter kills "
                     "the first system call with SIGSYS (exit status 159)",
                     what, listed[0] ? listed : "none listed", own ? own : "?", d->seccomp_gap);
                skip(d, RULE_EMULATION, "not needed");
                return;
        }
        if (support != PLATFORM_UNSUPPORTED) {
                bool guessed = host->aarch32 == HOST_AARCH32_UNKNOWN &&
                               strcmp(d->subject.arch, "arm") == 0 &&
                               strcmp(host->platform.arch, "arm64") == 0;
                /* a level the host was not measured for is let through, but said */
                bool unmeasured = strcmp(d->subject.arch, "amd64") == 0 &&
                                  platform_variant_level(d->subject.variant) >= 2 &&
                                  host->platform.variant[0] == '\0';
                pass(d, RULE_ARCH, "%.600s, which this host runs %s%s", what,
                     support == PLATFORM_NATIVE ? "natively" : "as a compatible architecture",
                     guessed      ? " (assumed: whether this CPU runs 32-bit ARM was not probed)"
                     : unmeasured ? " (assumed: this host's x86-64 level was not measured)"
                                  : "");
                skip(d, RULE_EMULATION, "not needed");
                return;
        }
        if (strcmp(d->subject_source, "executable") == 0) {
                unsigned char head[BINFMT_BUF_SIZE] = {0};
                memcpy(head, v->exe->head,
                       v->exe->head_len < sizeof(head) ? v->exe->head_len : sizeof(head));
                d->emulator = binfmt_match(&host->binfmt, head, v->exe->file);
        }
        if (d->emulator == NULL) {
                fail(d, RULE_ARCH, "%.600s, which this host does not run: it runs %s", what, runs);
                skip(d, RULE_EMULATION, "no binfmt_misc entry matches%s%s",
                     host->binfmt.note[0] ? ": " : "", host->binfmt.note);
                return;
        }
        pass(d, RULE_ARCH, "%.600s: not a platform this host runs (%s), but emulated", what, runs);
        fail(d, RULE_EMULATION,
             "%.600s, which this host runs only under emulation: binfmt_misc entry %s hands it "
             "to %s%s",
             what, d->emulator->name, d->emulator->interpreter,
             d->emulator->fix_binary ? ""
                                     : " (no F flag: that path must exist inside the container)");
}

static void rule_unknown(struct decision *d, const struct exe_view *v)
{
        const struct exe_facts *e = v->exe;
        char file[PATH_MAX + 64];

        exe_label(v, file, sizeof(file));
        if (e->view_unknown) { /* the container's view could not tell what is there */
                fail(d, RULE_UNKNOWN, "%s%s could not be identified: %s",
                     v->via ? "the program run by " : "the executable", v->via ? v->via : "",
                     e->reason[0] ? e->reason : "no reason recorded");
                return;
        }
        if (e->interp == EXE_INTERP_MISSING && e->kind == EXE_UNIDENTIFIED) {
                skip(d, RULE_UNKNOWN, "its interpreter is missing (see interpreter)");
                return;
        }
        if (e->kind == EXE_UNIDENTIFIED || !e->platform.arch[0]) {
                fail(d, RULE_UNKNOWN, "%s%s could not be identified: %s",
                     v->via ? "the program run by " : "the executable", v->via ? v->via : "",
                     e->reason[0] ? e->reason : "no reason recorded");
                return;
        }
        pass(d, RULE_UNKNOWN, "%.300s identified from its %s header", file, exe_kind_name(e->kind));
}

/* The loader named by PT_INTERP, or a #! interpreter, that the kernel
 * opens before anything of the program runs. */
static void rule_interpreter(struct decision *d, const struct exe_view *v)
{
        const struct exe_facts *e = v->exe;
        char file[PATH_MAX + 64];

        exe_label(v, file, sizeof(file));
        if (e->interp == EXE_INTERP_NONE) {
                skip(d, RULE_INTERPRETER, "%.300s needs no interpreter edgeguard can see", file);
                return;
        }
        if (e->interp == EXE_INTERP_MISSING && e->n_scripts > 0 && e->kind == EXE_UNIDENTIFIED) {
                fail(d, RULE_INTERPRETER,
                     "%.300s is a #! script whose interpreter \"%.200s\" %s: the kernel fails "
                     "with \"no such file or directory\" although the script exists",
                     e->scripts[e->n_scripts - 1], e->interp_path, e->interp_problem);
                return;
        }
        if (e->interp == EXE_INTERP_MISSING) {
                fail(d, RULE_INTERPRETER,
                     "%.300s is dynamically linked: its ELF interpreter (dynamic loader) "
                     "%.200s %s, so the kernel fails with \"no such file or directory\" "
                     "although the program exists (a glibc program in a musl image?)",
                     file, e->interp_path, e->interp_problem);
                return;
        }
        if (e->interp == EXE_INTERP_BAD) {
                fail(d, RULE_INTERPRETER, "%.300s: its ELF interpreter %.200s %s", file,
                     e->interp_path, e->interp_problem);
                return;
        }
        pass(d, RULE_INTERPRETER, "the ELF interpreter %.200s of %.300s is in the image",
             e->interp_path, file);
}

static void rule_metadata(struct decision *d, const struct bundle_facts *f,
                          const struct exe_view *v)
{
        char declared[PLATFORM_TEXT_MAX], detected[PLATFORM_TEXT_MAX], file[PATH_MAX + 64];
        const struct platform *a = &f->declared, *b = &v->exe->platform;

        if (f->declared_problem[0]) {
                fail(d, RULE_METADATA, "%s", f->declared_problem);
                return;
        }
        if (!f->has_declared) {
                skip(d, RULE_METADATA, "the image declares no platform");
                return;
        }
        if (!exe_identified(f, v)) {
                skip(d, RULE_METADATA, "no identified executable to compare with");
                return;
        }
        platform_text(a, declared);
        platform_text(b, detected);
        exe_label(v, file, sizeof(file));
        if ((a->os[0] && strcmp(a->os, b->os) != 0) ||
            (a->arch[0] && strcmp(a->arch, b->arch) != 0) ||
            (a->variant[0] && b->variant[0] &&
             platform_variant_level(b->variant) > platform_variant_level(a->variant))) {
                fail(d, RULE_METADATA, "the image declares %s (%s) but %.300s is %s", declared,
                     f->declared_source, file, detected);
                return;
        }
        pass(d, RULE_METADATA, "the image declares %s (%s), which %.300s agrees with", declared,
             f->declared_source, file);
}

/* Windows host builds that run process-isolated containers of another
 * build, as Microsoft's "Windows container version compatibility" page
 * documents ("with the exception of WS2022 + Windows 11, Windows Server
 * containers are blocked from starting when the build number between the
 * container host and the container image are different"); every other pair
 * must be equal (hcsshim's 0xc0370101, "the operating system of the
 * container does not match the operating system of the host").  A table,
 * to grow with Microsoft's; Windows 11 24H2 (26100, Server 2025's build) is
 * left out until that page names it. */
static const struct {
        long host, container;
        const char *note;
} windows_compatible[] = {
        {22000, 20348, "Windows 11 21H2 runs Windows Server 2022 images"},
        {22621, 20348, "Windows 11 22H2 runs Windows Server 2022 images"},
        {22631, 20348, "Windows 11 23H2 runs Windows Server 2022 images"},
};

const char *windows_builds_match(long host, long container)
{
        if (host == container)
                return "the same build";
        for (size_t i = 0; i < sizeof(windows_compatible) / sizeof(windows_compatible[0]); i++)
                if (windows_compatible[i].host == host &&
                    windows_compatible[i].container == container)
                        return windows_compatible[i].note;
        return NULL;
}

static void rule_windows_build(struct decision *d, const struct bundle_facts *f,
                               const struct host_facts *host)
{
        const char *image_version = f->has_declared ? f->declared.os_version : "";
        long want = platform_windows_build(image_version);
        long have = platform_windows_build(host->platform.os_version);
        const char *match;

        if (strcmp(f->spec_os, "windows") != 0) {
                skip(d, RULE_WINDOWS_BUILD, "not a Windows container");
                return;
        }
        if (f->spec.has_hyperv) {
                skip(d, RULE_WINDOWS_BUILD, "Hyper-V isolation runs other builds (see hyperv)");
                return;
        }
        if (want == 0) {
                skip(d, RULE_WINDOWS_BUILD, "the image declares no Windows build (os.version%s%s)",
                     image_version[0] ? " " : "", image_version);
                return;
        }
        if (have == 0) {
                skip(d, RULE_WINDOWS_BUILD,
                     "the image is Windows build %ld; this host's build is not known (state it: "
                     "windows(10.0.BUILD)/amd64)",
                     want);
                return;
        }
        if ((match = windows_builds_match(have, want)) != NULL) {
                pass(d, RULE_WINDOWS_BUILD,
                     "the image is Windows build %ld (%s), this host %ld: %s", want,
                     f->declared_source, have, match);
                return;
        }
        fail(d, RULE_WINDOWS_BUILD,
             "the image is Windows build %ld (os.version %s, %s) but this host is build %ld: "
             "process isolation runs only the host's own build (hcsshim fails with 0xc0370101, "
             "\"the operating system of the container does not match the operating system of "
             "the host\")",
             want, image_version, f->declared_source, have);
}

/* ---- every program examined ---- */

static const enum rule exe_rules[] = {RULE_UNKNOWN, RULE_METADATA,  RULE_OS,
                                      RULE_ARCH,    RULE_EMULATION, RULE_INTERPRETER};

/* The rules about one program; results go to d. */
static void judge(struct decision *d, const struct bundle_facts *f, const struct exe_view *v,
                  const struct host_facts *host)
{
        d->subject = (struct platform){0};
        d->subject_source = "";
        d->emulator = NULL;
        d->seccomp_gap = NULL;
        pick_subject(d, f, v);
        rule_unknown(d, v);
        rule_metadata(d, f, v);
        rule_interpreter(d, v);
        if (host != NULL) {
                rule_os(d, f, v, host);
                rule_arch(d, f, v, host);
        }
}

/* args[0] and every program behind it must pass: per rule the first
 * failure stands, else the last program's result (the workload's). */
void decide_executables(struct decision *out, const struct bundle_facts *f,
                        const struct host_facts *host)
{
        struct exe_view v = {&f->exe, f->exe_mount, f->interp_mount, NULL};
        struct decision *tmp;

        judge(out, f, &v, host);
        if (f->behind_unclear && out->results[RULE_UNKNOWN].outcome != OUTCOME_FAIL)
                fail(out, RULE_UNKNOWN, "what %.300s runs could not be told: %s",
                     f->n_behind ? f->behind[f->n_behind - 1].exe.file : f->exe.file,
                     f->behind_note);
        if (f->n_behind == 0 || (tmp = calloc(1, sizeof(*tmp))) == NULL)
                return;
        for (size_t i = 0; i < f->n_behind; i++) {
                const struct exe_behind *b = &f->behind[i];
                struct exe_view bv = {&b->exe, b->mount, b->interp_mount, b->via};
                bool arch_failed = out->results[RULE_ARCH].outcome == OUTCOME_FAIL ||
                                   out->results[RULE_EMULATION].outcome == OUTCOME_FAIL;
                judge(tmp, f, &bv, host);
                for (size_t k = 0; k < sizeof(exe_rules) / sizeof(exe_rules[0]); k++) {
                        enum rule r = exe_rules[k];
                        if (out->results[r].outcome != OUTCOME_FAIL &&
                            tmp->results[r].outcome != OUTCOME_SKIPPED)
                                out->results[r] = tmp->results[r];
                }
                if (!arch_failed && tmp->subject.arch[0]) {
                        out->subject = tmp->subject;
                        out->subject_source = tmp->subject_source;
                        out->emulator = tmp->emulator;
                        out->seccomp_gap = tmp->seccomp_gap;
                }
        }
        free(tmp);
}

/* ---- the policy over the outcomes ---- */

static bool exception_covers(const struct policy_exception *e, enum rule r,
                             const struct decision_context *ctx)
{
        return (e->rules & (1u << r)) &&
               policy_exception_matches(e, ctx->name, ctx->id, ctx->image, ctx->image_id);
}

void decision_apply_policy(struct decision *d, const struct policy *p,
                           const struct decision_context *ctx)
{
        for (int r = 0; r < RULE_COUNT; r++) {
                struct rule_result *res = &d->results[r];
                if (res->outcome != OUTCOME_FAIL)
                        continue;
                for (size_t i = 0;
                     !rule_is_fact((enum rule)r) && r >= RULE_BUNDLE && i < p->n_exceptions; i++) {
                        const struct policy_exception *e = &p->exceptions[i];
                        if (!exception_covers(e, (enum rule)r, ctx))
                                continue;
                        if (e->expires && ctx->now >= e->expires_at) {
                                if (res->expired == NULL)
                                        res->expired = e;
                                continue;
                        }
                        res->exception = e;
                        break;
                }
                if (res->exception)
                        res->action = ACTION_EXCEPTED;
                else if (rule_is_fact((enum rule)r) || p->modes[r] == MODE_ENFORCE)
                        res->action = ACTION_REFUSE;
                else
                        res->action = p->modes[r] == MODE_AUDIT ? ACTION_AUDIT : ACTION_NOTE;
        }
        d->rule = RULE_COUNT;
        d->verdict = VERDICT_ALLOW;
        for (int r = 0; r < RULE_COUNT && d->verdict != VERDICT_REFUSE; r++) {
                if (d->results[r].action == ACTION_REFUSE) {
                        d->verdict = VERDICT_REFUSE;
                        d->rule = (enum rule)r;
                } else if (d->results[r].action == ACTION_AUDIT && d->verdict == VERDICT_ALLOW) {
                        d->verdict = VERDICT_AUDIT;
                        d->rule = (enum rule)r;
                }
        }
}

void decide(const struct decision_input *in, struct decision *out)
{
        const struct bundle_facts *facts = in->facts;
        const struct host_facts *host = in->host;

        memset(out, 0, sizeof(*out));
        out->subject_source = "";
        if (in->policy_error)
                fail(out, RULE_POLICY, "%s", in->policy_error);
        else
                pass(out, RULE_POLICY, "%s", in->policy->source);
        if (host == NULL)
                fail(out, RULE_HOST, "%s", in->host_error ? in->host_error : "not detected");
        else {
                char text[256];
                describe_host(host, text, sizeof(text));
                pass(out, RULE_HOST, "%s", text);
        }
        for (int r = RULE_CONFIG; r < RULE_COUNT; r++)
                skip(out, (enum rule)r, "%s",
                     facts ? "the host's platform is not known" : "config.json could not be read");
        if (facts == NULL) {
                fail(out, RULE_CONFIG, "%s", in->config_error ? in->config_error : "no facts");
        } else {
                pass(out, RULE_CONFIG, "config.json read strictly (%lld bytes)",
                     (long long)facts->config_st.st_size);
                rule_bundle(out, facts, in->ctx.caller_uid);
                rule_hyperv(out, facts);
                rules_privilege(out, in);
                rule_hooks(out, in);
                decide_executables(out, facts, host);
                if (host != NULL)
                        rule_windows_build(out, facts, host);
        }
        skip(out, RULE_RUNTIME, "the engine chose this runtime: the engine plugin judges it");
        decision_apply_policy(out, in->policy, &in->ctx);
        decision_compose_reason(in, out);
}
