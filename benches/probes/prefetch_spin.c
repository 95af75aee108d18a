/* Where prefetched records end up, for the library-index design notes
 * (src/matching/index/mod.rs, "Prefetching into L2").
 *
 *   cc -O2 benches/probes/prefetch_spin.c -o /tmp/ps && /tmp/ps
 *   cc -O2 -march=native benches/probes/prefetch_spin.c -o /tmp/psn && /tmp/psn
 *
 * Per "query": 288 runs of 88 records of 8 B at random places of a 160 MB
 * array (open search's block-major windows at 10^6 spectra). Each line of
 * every run is prefetched (T0, T1, T2, NTA) or loaded once (touch-load),
 * then the thread spins 80 us so every request has landed, then the runs
 * are summed. Prints the µs the prefetch loop took and the µs of the sum:
 * a sum as slow after the spin as without prefetching means the lines were
 * not kept close; as fast as after touch-load means they were. */
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

static uint64_t seed = 1;

static size_t rnd(size_t m) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 20) % m;
}

int main(void) {
    size_t n = 20 * 1000 * 1000;
    uint64_t *a = malloc(n * 8), s = 0;
    if (!a) return 1;
    for (size_t i = 0; i < n; i++) a[i] = i * 0x9E3779B97F4A7C15ULL >> 20;
    enum { Q = 2000, R = 288, L = 88 };
    size_t st[R];
    const char *names[] = {"none", "T0", "T1", "T2", "NTA", "touch-load"};
    for (int mode = 0; mode < 6; mode++) {
        double tread = 0, tissue = 0;
        for (int q = 0; q < Q; q++) {
            for (int r = 0; r < R; r++) st[r] = rnd(n - L);
            double tp = now();
            /* Every line the run overlaps, from its first byte's line to its
             * last byte's (a stride from an unaligned start would miss the
             * last line of most runs). */
            for (int r = 0; r < R; r++)
                for (uintptr_t l = (uintptr_t)&a[st[r]] & ~(uintptr_t)63;
                     l <= (uintptr_t)&a[st[r] + L - 1]; l += 64) {
                    char *p = (char *)l;
                    switch (mode) {
                    case 1: _mm_prefetch(p, _MM_HINT_T0); break;
                    case 2: _mm_prefetch(p, _MM_HINT_T1); break;
                    case 3: _mm_prefetch(p, _MM_HINT_T2); break;
                    case 4: _mm_prefetch(p, _MM_HINT_NTA); break;
                    case 5: s += *(volatile uint64_t *)p; break;
                    default: break;
                    }
                }
            tissue += now() - tp;
            double t0 = now();
            while ((now() - t0) * 1e6 < 80) {
            }
            double t = now();
            for (int r = 0; r < R; r++)
                for (int i = 0; i < L; i++) s += a[st[r] + i];
            tread += now() - t;
        }
        printf("%-10s prefetch loop %5.1f us, sum after an 80 us spin %5.1f us per query\n",
               names[mode], tissue * 1e6 / Q, tread * 1e6 / Q);
    }
    return s == 42;
}
