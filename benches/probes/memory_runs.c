/* What this machine's memory allows a single thread, for the library-index
 * design notes (src/matching/index/mod.rs, "What the memory ... allows").
 *
 *   cc -O2 benches/probes/memory_runs.c -o /tmp/memory_runs && /tmp/memory_runs
 *
 * Prints sequential GB/s over 200 MB, then, for runs of 40 B to 1408 B at
 * random places in that array, ns per run and GB/s with no prefetch (D=0)
 * and with _mm_prefetch of the run D runs ahead; then the latency of one
 * dependent random read (a pointer chase over the same 200 MB). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <xmmintrin.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    size_t n = 200 * 1000 * 1000 / 8, runs = 400000;
    uint64_t *a = malloc(n * 8), *st = malloc(runs * 8), seed = 1, s = 0;
    if (!a || !st) return 1;
    for (size_t i = 0; i < n; i++) a[i] = i;
    double t = now();
    for (size_t i = 0; i < n; i++) s += a[i];
    printf("sequential: %.1f GB/s\n", n * 8 / (now() - t) / 1e9);
    for (size_t r = 0; r < runs; r++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        st[r] = (seed >> 20) % (n - 256);
    }
    int lens[] = {5, 11, 88, 176};
    for (int li = 0; li < 4; li++) {
        int len = lens[li];
        for (int d = 0; d <= 16; d = d ? d * 4 : 1) {
            t = now();
            for (size_t r = 0; r < runs; r++) {
                if (d && r + d < runs)
                    for (int i = 0; i < len; i += 8) _mm_prefetch((char *)&a[st[r + d] + i], _MM_HINT_T0);
                for (int i = 0; i < len; i++) s += a[st[r] + i];
            }
            double dt = now() - t;
            printf("runs of %4d B, D=%2d: %6.1f ns/run %5.2f GB/s\n", len * 8, d, dt / runs * 1e9,
                   runs * len * 8 / dt / 1e9);
        }
    }
    /* A random cycle through the array: each load's address is the last load's value. */
    for (size_t i = 0; i < n; i++) a[i] = i;
    for (size_t i = n - 1; i > 0; i--) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t j = (seed >> 20) % i;
        uint64_t x = a[i]; a[i] = a[j]; a[j] = x;
    }
    uint64_t p = 0, hops = 2000000;
    t = now();
    for (uint64_t h = 0; h < hops; h++) p = a[p];
    printf("dependent random read: %.1f ns\n", (now() - t) / hops * 1e9);
    s += p;
    printf("(checksum %llu)\n", (unsigned long long)s);
    return 0;
}
