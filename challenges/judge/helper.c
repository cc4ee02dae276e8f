/* The judge's small helper, compiled on first use (see sandbox.helper_binary()).
 *
 *   helper launch UID CPU_S AS_BYTES NPROC FSIZE NOFILE REPORT_FD -- command...
 *       Outside the sandbox: start a new session, set the rlimits, move REPORT_FD to fd 3, drop
 *       to UID (when not -1), then exec the command (bubblewrap). Doing this here rather than in
 *       a Python preexec_fn keeps the judge safe to call from threads and lets Python use vfork.
 *
 *   helper reap command...
 *       Inside the sandbox, as the parent of the user's program: wait for it and write
 *       "status cpu_microseconds maxrss_kilobytes" to fd 3, so the judge learns the program's own
 *       CPU time and peak memory (bubblewrap does not pass them on).
 */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int limit(int resource, rlim_t value) {
    struct rlimit r = {value, value};
    return setrlimit(resource, &r);
}

static int launch(int argc, char **argv) {
    if (argc < 11 || strcmp(argv[9], "--") != 0) return 120;
    long uid = atol(argv[2]);
    rlim_t cpu = strtoull(argv[3], NULL, 10), as = strtoull(argv[4], NULL, 10);
    rlim_t nproc = strtoull(argv[5], NULL, 10), fsize = strtoull(argv[6], NULL, 10);
    rlim_t nofile = strtoull(argv[7], NULL, 10);
    int report = atoi(argv[8]);
    setsid();
    struct rlimit soft_cpu = {cpu, cpu + 1};
    if (setrlimit(RLIMIT_CPU, &soft_cpu) || limit(RLIMIT_AS, as) || limit(RLIMIT_FSIZE, fsize) ||
        limit(RLIMIT_NOFILE, nofile) || limit(RLIMIT_CORE, 0) || limit(RLIMIT_STACK, 64 << 20))
        return 121;
    if (report >= 0 && report != 3) {
        if (dup2(report, 3) < 0) return 122;
        close(report);
    }
    if (uid >= 0) {
        if (setgroups(0, NULL) || setgid((gid_t)uid) || setuid((uid_t)uid)) return 123;
    }
    if (limit(RLIMIT_NPROC, nproc)) return 124;
    execvp(argv[10], argv + 10);
    return 127;
}

static int reap(int argc, char **argv) {
    if (argc < 3) return 125;
    pid_t child = fork();
    if (child < 0) return 126;
    if (child == 0) {
        close(3);
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    if (wait4(child, &status, 0, &usage) < 0) return 125;
    long long cpu = (long long)usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec +
                    (long long)usage.ru_stime.tv_sec * 1000000 + usage.ru_stime.tv_usec;
    dprintf(3, "%d %lld %ld\n", status, cpu, usage.ru_maxrss);
    close(3);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "launch") == 0) return launch(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "reap") == 0) return reap(argc, argv);
    fprintf(stderr, "usage: helper launch|reap ...\n");
    return 2;
}
