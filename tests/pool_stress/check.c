/* Stress for csrc/core/pool.c, built from the source tree by
 * tests/test_pool.py (also under ThreadSanitizer where the compiler has
 * it): several threads call fi_pool_run at once and back to back, with
 * idle gaps so that workers go to sleep and are woken, then a forked child
 * runs a threaded job on a fresh team.  Every part must run exactly once
 * per call.  Prints "ok" and exits 0, else names what went wrong. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/pool.h"

enum { PARTS = 64, CALLS = 5000, CALLERS = 3 };

static void add_part(void *ctx, fi_index part, int slot) {
    (void)slot;
    ((long long *)ctx)[part] += part + 1;
}

static void *caller(void *arg) {
    long long sums[PARTS] = {0};
    for (int i = 0; i < CALLS; i++) {
        fi_pool_run(2, PARTS, add_part, sums);
        if (i % 1000 == 999)
            usleep(2000); /* workers fall asleep: the next call wakes them */
    }
    for (int p = 0; p < PARTS; p++)
        if (sums[p] != (long long)(p + 1) * CALLS) {
            printf("part %d ran %lld times, not %d\n", p, sums[p] / (p + 1), CALLS);
            *(int *)arg = 1;
        }
    return NULL;
}

int main(void) {
    pthread_t t[CALLERS];
    int bad[CALLERS] = {0};
    for (int i = 0; i < CALLERS; i++)
        pthread_create(&t[i], NULL, caller, &bad[i]);
    for (int i = 0; i < CALLERS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < CALLERS; i++)
        if (bad[i])
            return 1;
    if (fi_pool_team_runs() == 0) {
        printf("no call used the team\n");
        return 1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        long long sums[PARTS] = {0};
        fi_pool_run(2, PARTS, add_part, sums);
        _exit(sums[PARTS - 1] == PARTS && fi_pool_workers() >= 1 ? 0 : 3);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("forked child failed (status %d)\n", status);
        return 1;
    }
    printf("ok\n");
    return 0;
}
