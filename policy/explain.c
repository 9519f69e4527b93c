#include "explain.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../oci/utf8.h"
#include "describe.h"

/* Hostile paths can hold control bytes and invalid UTF-8: what reaches a
 * terminal is cleaned first. */
void explain_line(FILE *f, const char *label, const char *text)
{
        char clean[2048];

        utf8_sanitize_visible(text, clean, sizeof(clean));
        fprintf(f, "%-11s %s\n", label, clean);
}

void explain_executable_text(const char *file, const char *resolved, const char *platform,
                             const char *format, char *out, size_t size)
{
        bool via = resolved && resolved[0] && strcmp(resolved, file) != 0;

        snprintf(out, size, "%.900s%s%.900s: %s, %s", file, via ? " -> " : "", via ? resolved : "",
                 platform, format);
}

void explain_heading(FILE *f, enum verdict v, const char *rule)
{
        fprintf(f, "%s",
                v == VERDICT_REFUSE  ? "REFUSE"
                : v == VERDICT_AUDIT ? "AUDIT (allowed)"
                                     : "ALLOW");
        if (rule != NULL) {
                char clean[256];
                utf8_sanitize_visible(rule, clean, sizeof(clean)); /* a log's, read back */
                fprintf(f, " by rule %s", clean);
        }
        fputc('\n', f);
}

void explain_rule_line(FILE *f, const char *rule, const char *state, const char *detail)
{
        char label[96], clean_rule[48], clean_state[24];

        /* names from a log read back are as hostile as the detail */
        utf8_sanitize_visible(rule, clean_rule, sizeof(clean_rule));
        utf8_sanitize_visible(state, clean_state, sizeof(clean_state));
        /* one column for every rule name, however long the longest is */
        snprintf(label, sizeof(label), "  %-*s %-8s", (int)rule_name_width(), clean_rule,
                 clean_state);
        explain_line(f, label, detail);
}

static void one_executable(FILE *f, const char *label, const struct exe_facts *exe,
                           const struct spec_mount *interp_mount)
{
        char text[2304], platform[4 * PLATFORM_NAME_MAX], format[256];

        platform_format(&exe->platform, platform, sizeof(platform));
        describe_format(exe, format, sizeof(format));
        if (exe->kind == EXE_UNIDENTIFIED)
                snprintf(text, sizeof(text), "not identified: %.1900s", exe->reason);
        else
                explain_executable_text(exe->file, exe->resolved, platform, format, text,
                                        sizeof(text));
        explain_line(f, label, text);
        for (size_t i = 0; i < exe->n_scripts; i++)
                explain_line(f, "  via #!:", exe->scripts[i]);
        if (exe->interp == EXE_INTERP_OK) {
                platform_format(&exe->interp_elf.platform, platform, sizeof(platform));
                snprintf(text, sizeof(text), "%.900s: %s", exe->interp_path, platform);
                explain_line(f, "  interp:", text);
        } else if (exe->interp != EXE_INTERP_NONE) {
                snprintf(text, sizeof(text), "%.900s %.900s%s%.300s", exe->interp_path,
                         exe->interp_problem, interp_mount ? "; a mount provides it: " : "",
                         interp_mount ? interp_mount->destination : "");
                explain_line(f, "  interp:", text);
        }
        if (exe->kind != EXE_UNIDENTIFIED && exe->reason[0])
                explain_line(f, "  note:", exe->reason);
}

static void executable_line(FILE *f, const struct bundle_facts *facts)
{
        if (!facts->exe_checked)
                return;
        one_executable(f, "executable:", &facts->exe, facts->interp_mount);
        for (size_t i = 0; i < facts->n_behind; i++) {
                const struct exe_behind *b = &facts->behind[i];
                explain_line(f, "  runs via:", b->via);
                one_executable(f, "behind:", &b->exe, b->interp_mount);
        }
        if (facts->behind_note[0])
                explain_line(f, "  stops:", facts->behind_note);
}

static void facts_lines(FILE *f, const struct decision_input *in, const struct decision *d)
{
        char text[512], platform[4 * PLATFORM_NAME_MAX];

        if (in->facts) {
                executable_line(f, in->facts);
                if (in->facts->has_declared) {
                        platform_format(&in->facts->declared, platform, sizeof(platform));
                        snprintf(text, sizeof(text), "%s (%s)", platform,
                                 in->facts->declared_source);
                        explain_line(f, "declared:", text);
                } else {
                        explain_line(f, "declared:",
                                     in->facts->declared_problem[0] ? in->facts->declared_problem
                                                                    : "nothing");
                }
        }
        if (in->ctx.engine) {
                snprintf(text, sizeof(text), "%s store %s: %.400s", in->ctx.engine,
                         in->ctx.engine_status ? in->ctx.engine_status : "?",
                         in->ctx.engine_detail ? in->ctx.engine_detail : "");
                explain_line(f, "engine:", text);
        }
        if (in->host) {
                describe_host(in->host, text, sizeof(text));
                explain_line(f, "host:", text);
                describe_host_runs(in->host, NULL, text, sizeof(text));
                explain_line(f, "  runs:", text);
                if (strcmp(in->host->platform.arch, "amd64") == 0) {
                        if (in->host->level_source)
                                snprintf(text, sizeof(text), "%s (from %s)",
                                         in->host->platform.variant, in->host->level_source);
                        else
                                snprintf(text, sizeof(text),
                                         "not measured: every level is taken to run");
                        explain_line(f, "  level:", text);
                }
                if (in->host->userland.arch[0]) {
                        platform_format(&in->host->userland, platform, sizeof(platform));
                        snprintf(text, sizeof(text), "%s (%s)", platform,
                                 in->host->userland_source);
                } else {
                        snprintf(text, sizeof(text), "as the kernel's (%s)",
                                 in->host->userland_source[0] ? in->host->userland_source : "?");
                }
                explain_line(f, "  userland:", text);
        }
        if (d->emulator) {
                snprintf(text, sizeof(text), "binfmt_misc %s -> %s (flags %s)", d->emulator->name,
                         d->emulator->interpreter,
                         d->emulator->flags[0] ? d->emulator->flags : "none");
                explain_line(f, "emulator:", text);
        }
        /* an unusable file is the refusal, not "built-in defaults": those
         * only stand in so that the other rules can still be shown */
        if (in->policy_error)
                snprintf(text, sizeof(text),
                         "%.300s cannot be used, so every create is refused (rule policy); the "
                         "other rules show what the built-in defaults would decide",
                         in->policy->path[0] ? in->policy->path : "the policy file");
        else
                snprintf(text, sizeof(text), "%s%s%s", in->policy->source,
                         in->policy->sha256[0] ? ", sha256 " : "", in->policy->sha256);
        explain_line(f, "policy:", text);
}

int explain_format(const struct decision_input *in, const struct decision *d, char **out,
                   struct eg_error *err)
{
        size_t size;
        FILE *f = open_memstream(out, &size);

        if (f == NULL)
                return eg_error_set_errno(err, errno, "open_memstream");
        explain_heading(f, d->verdict, d->rule != RULE_COUNT ? rule_name(d->rule) : NULL);
        explain_line(f, "reason:", d->reason);
        if (in->ctx.bundle)
                explain_line(f, "bundle:", in->ctx.bundle);
        facts_lines(f, in, d);
        fprintf(f, "rules:\n");
        for (int r = 0; r < RULE_COUNT; r++) {
                const struct rule_result *res = &d->results[r];
                explain_rule_line(f, rule_name((enum rule)r),
                                  res->action != ACTION_NONE ? action_name(res->action)
                                                             : outcome_name(res->outcome),
                                  res->detail);
                if (res->exception)
                        explain_line(f, "    exception:", res->exception->reason);
                if (res->expired)
                        explain_line(f, "    expired:", res->expired->reason);
        }
        if (fclose(f) != 0)
                return eg_error_set_errno(err, errno, "writing the explanation");
        return 0;
}
