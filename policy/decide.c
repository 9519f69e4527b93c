/* The rules, one function each, then the policy over their outcomes:
 * exceptions first, then each rule's mode.  The first refusing rule in
 * enum order names the refusal. */
#include "decision.h"

#include <stdarg.h>
#include <stdio.h>
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

/* "/bin/busybox", or "/usr/bin/python3 (interpreter of /app/run.sh)" */
static void exe_label(const struct exe_facts *exe, char *out, size_t size)
{
        if (exe->n_scripts > 0)
                snprintf(out, size, "%.1500s (the #! interpreter of %.1500s)", exe->file,
                         exe->scripts[0]);
        else
                snprintf(out, size, "%s", exe->file[0] ? exe->file : "the executable");
}

static bool exe_identified(const struct bundle_facts *f)
{
        return f->exe_checked && f->exe.kind != EXE_UNIDENTIFIED && f->exe.platform.arch[0] &&
               f->exe_mount == NULL;
}

/* ---- the rules ---- */

static void rule_bundle(struct decision *d, const struct bundle_facts *f, uid_t uid)
{
        const struct {
                const char *what;
                const struct stat *st;
        } files[] = {{"the bundle directory", &f->bundle_st}, {"config.json", &f->config_st}};

        for (size_t i = 0; i < 2; i++) {
                const struct stat *st = files[i].st;
                unsigned mode = (unsigned)st->st_mode & 07777;
                if (st->st_uid != uid && st->st_uid != 0) {
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
        pass(d, RULE_BUNDLE, "the bundle and config.json are writable only by uid %u",
             (unsigned)f->config_st.st_uid);
}

static void rule_os(struct decision *d, const struct bundle_facts *f, const struct host_facts *host)
{
        const char *host_os = host->platform.os;
        char file[PATH_MAX + 64];

        exe_label(&f->exe, file, sizeof(file));
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
        if (exe_identified(f) && f->exe.platform.os[0] &&
            strcmp(f->exe.platform.os, host_os) != 0) {
                fail(d, RULE_OS, "%.300s is a %s executable", file, f->exe.platform.os);
                return;
        }
        if (!f->spec_os[0] && !exe_identified(f) && f->has_declared && f->declared.os[0] &&
            strcmp(f->declared.os, host_os) != 0) {
                fail(d, RULE_OS, "the image declares the OS %s (%s)", f->declared.os,
                     f->declared_source);
                return;
        }
        pass(d, RULE_OS, "a %s container on a %s host",
             f->spec_os[0]       ? f->spec_os
             : exe_identified(f) ? f->exe.platform.os
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

static void pick_subject(struct decision *d, const struct bundle_facts *f)
{
        if (exe_identified(f)) {
                d->subject = f->exe.platform;
                d->subject_source = "executable";
        } else if (f->has_declared && f->declared.arch[0]) {
                d->subject = f->declared;
                d->subject_source = f->declared_source;
        }
}

static void rule_arch(struct decision *d, const struct bundle_facts *f,
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
                exe_label(&f->exe, what, PATH_MAX);
                describe_format(&f->exe, format, sizeof(format));
                snprintf(what + strlen(what), sizeof(what) - strlen(what), " is %s (%s)", want,
                         format);
        } else {
                snprintf(what, sizeof(what),
                         "the image declares %s (%s; the executable could not be identified)", want,
                         d->subject_source);
        }
        describe_host_runs(host, runs, sizeof(runs));
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
                memcpy(head, f->exe.head,
                       f->exe.head_len < sizeof(head) ? f->exe.head_len : sizeof(head));
                d->emulator = binfmt_match(&host->binfmt, head, f->exe.file);
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

static void rule_unknown(struct decision *d, const struct bundle_facts *f)
{
        const struct spec_mount *m = f->exe_mount;

        if (m != NULL) {
                fail(d, RULE_UNKNOWN,
                     "%.300s lies under the mount at %.300s (%s from %.300s): what runs comes "
                     "from there, not from the image",
                     f->exe.resolved[0] ? f->exe.resolved : f->exe.file, m->destination,
                     m->type ? m->type : "bind", m->source ? m->source : "?");
                return;
        }
        if (f->exe.kind == EXE_UNIDENTIFIED || !f->exe.platform.arch[0]) {
                fail(d, RULE_UNKNOWN, "the executable could not be identified: %s",
                     f->exe.reason[0] ? f->exe.reason : "no reason recorded");
                return;
        }
        pass(d, RULE_UNKNOWN, "identified from its %s header", exe_kind_name(f->exe.kind));
}

static void rule_metadata(struct decision *d, const struct bundle_facts *f)
{
        char declared[PLATFORM_TEXT_MAX], detected[PLATFORM_TEXT_MAX], file[PATH_MAX + 64];
        const struct platform *a = &f->declared, *b = &f->exe.platform;

        if (f->declared_problem[0]) {
                fail(d, RULE_METADATA, "%s", f->declared_problem);
                return;
        }
        if (!f->has_declared) {
                skip(d, RULE_METADATA, "the image declares no platform");
                return;
        }
        if (!exe_identified(f)) {
                skip(d, RULE_METADATA, "no identified executable to compare with");
                return;
        }
        platform_text(a, declared);
        platform_text(b, detected);
        exe_label(&f->exe, file, sizeof(file));
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
 * build, as Microsoft's "Windows container version compatibility" table
 * documents; every other pair must be equal (hcsshim's 0xc0370101, "the
 * operating system of the container does not match the operating system
 * of the host").  A table, to grow with Microsoft's. */
static const struct {
        long host, container;
        const char *note;
} windows_compatible[] = {
        {22000, 20348, "Windows 11 21H2 runs Windows Server 2022 images"},
};

static const char *windows_builds_match(long host, long container)
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

/* ---- the policy over the outcomes ---- */

static bool exception_covers(const struct policy_exception *e, enum rule r,
                             const struct decision_context *ctx)
{
        return (e->rules & (1u << r)) &&
               policy_exception_matches(e, ctx->name, ctx->id, ctx->image, ctx->image_id);
}

static void apply_policy(struct decision *d, const struct policy *p,
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
                pick_subject(out, facts);
                rule_unknown(out, facts);
                rule_metadata(out, facts);
                rules_privilege(out, in);
                if (host != NULL) {
                        rule_os(out, facts, host);
                        rule_arch(out, facts, host);
                        rule_windows_build(out, facts, host);
                }
        }
        apply_policy(out, in->policy, &in->ctx);
        decision_compose_reason(in, out);
}
