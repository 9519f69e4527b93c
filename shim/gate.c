#include "gate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/cleanup.h"
#include "../policy/record.h"
#include "decision_log.h"
#include "evaluate.h"
#include "policy_load.h"
#include "repeat_state.h"
#include "report.h"
#include "runc_log.h"
#include "start_check.h"
#include "version.h"

static long long micros_since(struct timespec start)
{
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        return (long long)(now.tv_sec - start.tv_sec) * 1000000 +
               (now.tv_nsec - start.tv_nsec) / 1000;
}

/* Writes the record; on failure says why in log_error (the decision stands). */
static void log_decision(const struct evaluation *ev, const struct runc_argv *args,
                         struct timespec started, char *log_error, size_t size)
{
        struct record_extra x = {
                .verb = args->verb, .version = EDGEGUARD_VERSION, .runtime = args->runtime};
        cleanup_free char *line = NULL;
        struct eg_error err = {0};
        const char *target = getenv("EDGEGUARD_DECISION_LOG");
        char key[REPEAT_KEY_SIZE];
        struct repeat_note note;
        size_t len;

        /* the environment's, for tests and debugging, over the policy's: it
         * also holds when the policy file cannot be read */
        if (target == NULL || target[0] == '\0')
                target = ev->policy.decision_log;
        clock_gettime(CLOCK_REALTIME, &x.time);
        /* a restart loop's refusals are counted, not each logged in full;
         * stderr and syslog have no table beside them */
        if (ev->decision.verdict != VERDICT_ALLOW && target[0] == '/' &&
            ev->policy.repeat_window > 0) {
                repeat_key(&ev->in, &ev->decision, key);
                repeat_state_observe(target, key, x.time.tv_sec, ev->policy.repeat_window, &note);
                if (!note.write)
                        return;
                x.repeat = &note;
        }
        x.duration_us = micros_since(started);
        if (record_format(&ev->in, &ev->decision, &x, &line, &len, &err) < 0 ||
            decision_log_write(target, line, len, &err) < 0)
                snprintf(log_error, size, "%s", err.msg);
}

int gate_creating_verb(const struct runc_argv *args, struct timespec started,
                       struct policy_read *preread, char **runtime)
{
        struct evaluation_request rq = {
                .bundle = args->bundle, .id = args->container_id, .preread = preread};
        struct evaluation *ev;
        char log_error[EG_ERROR_MSG_MAX] = "";
        char message[DECISION_REASON_MAX + EG_ERROR_MSG_MAX + 64];
        struct eg_error err = {0};
        int status = 0;

        *runtime = NULL;
        rq.policy_path = policy_load_path(&rq.policy_named);
        if ((ev = evaluate(&rq)) == NULL)
                return report_failure(args, "refusing: out of memory while deciding");
        log_decision(ev, args, started, log_error, sizeof(log_error));
        if (ev->decision.verdict == VERDICT_REFUSE) {
                snprintf(message, sizeof(message), "%s%s%s%s", ev->decision.reason,
                         log_error[0] ? " (the decision log could not be written: " : "", log_error,
                         log_error[0] ? ")" : "");
                status = report_failure(args, message);
        } else {
                if (log_error[0] && args->log_path) {
                        snprintf(message, sizeof(message),
                                 "edgeguard: the decision log could not be written: %s", log_error);
                        (void)runc_log_append(args->log_path, runc_argv_log_is_json(args),
                                              "warning", message, &err);
                }
                if (ev->policy.runtime && (*runtime = strdup(ev->policy.runtime)) == NULL)
                        status = report_failure(args, "refusing: out of memory");
                /* `run` starts at once: only a separate start has a gap to close */
                else if (strcmp(args->verb, "create") == 0 &&
                         start_check_record(args, ev, started, &err) < 0)
                        status = report_failure(args, err.msg);
        }
        evaluation_free(ev);
        return status;
}

char *gate_passthrough_runtime(void)
{
        struct policy p;
        struct eg_error err;
        bool named;
        const char *path = policy_load_path(&named);
        char *runtime = NULL;

        if (policy_load(path, named, false, &p, &err) == 0 && p.runtime)
                runtime = steal_pointer(&p.runtime);
        policy_free(&p);
        return runtime;
}
