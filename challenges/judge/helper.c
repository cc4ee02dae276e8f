/* The judge's small helper, compiled on first use (see sandbox.helper_binary()).
 *
 *   helper launch UID CPU_S AS_BYTES NPROC FSIZE NOFILE REPORT_FD STOP_FD -- command...
 *       Outside the sandbox: start a new session, set the rlimits, move REPORT_FD to fd 3 and
 *       STOP_FD to fd 4, drop to UID (when not -1), then exec the command (bubblewrap). Doing
 *       this here rather than in a Python preexec_fn keeps the judge safe to call from threads
 *       and lets Python use vfork.
 *
 *   helper reap command...
 *       Inside the sandbox, as the parent of the user's program: wait for it and write
 *       "status cpu_microseconds maxrss_kilobytes" to fd 3, so the judge learns the program's own
 *       CPU time and peak memory (bubblewrap does not pass them on). When fd 4 becomes readable
 *       (the judge wrote to it or closed its end: the wall clock ran out, or the output overflowed)
 *       the program's process group is killed first, and its figures up to then are reported.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int limit(int resource, rlim_t value) {
    struct rlimit r = {value, value};
    return setrlimit(resource, &r);
}

/* Move `fd` (already above the targets) to `target`. */
static int place(int fd, int target) {
    if (fd < 0) return 0;
    if (dup2(fd, target) < 0) return -1;
    close(fd);
    return 0;
}

static int launch(int argc, char **argv) {
    if (argc < 12 || strcmp(argv[10], "--") != 0) return 120;
    long uid = atol(argv[2]);
    rlim_t cpu = strtoull(argv[3], NULL, 10), as = strtoull(argv[4], NULL, 10);
    rlim_t nproc = strtoull(argv[5], NULL, 10), fsize = strtoull(argv[6], NULL, 10);
    rlim_t nofile = strtoull(argv[7], NULL, 10);
    int report = atoi(argv[8]), stop = atoi(argv[9]);
    setsid();
    struct rlimit soft_cpu = {cpu, cpu + 1};
    if (setrlimit(RLIMIT_CPU, &soft_cpu) || limit(RLIMIT_AS, as) || limit(RLIMIT_FSIZE, fsize) ||
        limit(RLIMIT_NOFILE, nofile) || limit(RLIMIT_CORE, 0) || limit(RLIMIT_STACK, 64 << 20))
        return 121;
    /* Both moved high first, so that neither overwrites the other on its way to 3 or 4. */
    int report_high = report >= 0 ? fcntl(report, F_DUPFD, 10) : -1;
    int stop_high = stop >= 0 ? fcntl(stop, F_DUPFD, 10) : -1;
    if ((report >= 0 && report_high < 0) || (stop >= 0 && stop_high < 0)) return 122;
    if (report >= 0) close(report);
    if (stop >= 0) close(stop);
    if (place(report_high, 3) || place(stop_high, 4)) return 122;
    if (uid >= 0) {
        if (setgroups(0, NULL) || setgid((gid_t)uid) || setuid((uid_t)uid)) return 123;
    }
    if (limit(RLIMIT_NPROC, nproc)) return 124;
    execvp(argv[11], argv + 11);
    return 127;
}

/* Wait until the child exits, or until the judge asks to stop it (fd 4), then kill its group. */
static void watch(pid_t child) {
    if (fcntl(4, F_GETFD) < 0) return;
    int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
    if (pidfd < 0) return;
    struct pollfd fds[2] = {{pidfd, POLLIN, 0}, {4, POLLIN, 0}};
    for (;;) {
        int ready = poll(fds, 2, -1);
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0 || fds[0].revents) break;
        if (fds[1].revents) {
            kill(-child, SIGKILL);
            kill(child, SIGKILL);
            break;
        }
    }
    close(pidfd);
}

static int reap(int argc, char **argv) {
    if (argc < 3) return 125;
    pid_t child = fork();
    if (child < 0) return 126;
    if (child == 0) {
        setpgid(0, 0); /* a group of its own, so that a stop reaches whatever it started */
        close(3);
        close(4);
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    setpgid(child, child);
    watch(child);
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
