/* Runs inside the sandbox as the parent of the user's program: starts it, waits for it, and
 * writes "status cpu_microseconds maxrss_kilobytes" to fd 3 so that the judge learns the
 * program's own CPU time and peak memory (bubblewrap does not pass them on). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) return 125;
    pid_t child = fork();
    if (child < 0) return 126;
    if (child == 0) {
        close(3);
        execvp(argv[1], argv + 1);
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
