/* Long runs against short runs for open search's read pattern, for the
 * library-index design notes (src/matching/index/mod.rs, "Where the time
 * goes now").
 *
 *   cc -O2 benches/probes/region_runs.c -o /tmp/region_runs && /tmp/region_runs
 *
 * A query reads ~25 k fragment records of 8 B from a ~160 MB array. Prints
 * µs per query to sum them as 18 runs of 1400 records (one run per query
 * peak: records ordered by m/z alone) and as 288 runs of 88 (16 blocks x 18
 * query peaks: the block-major order), and the 18 long runs again with each
 * record's id scattered into one of 16 per-block buffers (what per-block
 * counting would need on top of the long runs); then ns per record of the
 * 2-bit pair count (load, two ORs, store) over 25 k random ids when the
 * state covers 2^20 spectra (256 KiB, L2) and when the ids come block by
 * block with 2^16-spectrum state (16 KiB, L1). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static uint64_t seed = 1;

static size_t next_start(size_t n, size_t len) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 20) % (n - len);
}

static double runs(const uint64_t *a, size_t n, int count, size_t len, int queries,
                   uint64_t *sink) {
    double t = now();
    uint64_t s = 0;
    for (int q = 0; q < queries; q++)
        for (int r = 0; r < count; r++) {
            size_t st = next_start(n, len);
            for (size_t i = st; i < st + len; i++) s += a[i];
        }
    *sink += s;
    return (now() - t) * 1e6 / queries;
}

int main(void) {
    size_t n = 20 * 1000 * 1000;
    int queries = 20000;
    uint64_t *a = malloc(n * 8), sink = 0;
    uint32_t *buf = malloc(16 * 4096 * 4);
    if (!a || !buf) return 1;
    for (size_t i = 0; i < n; i++) a[i] = (i * 0x9E3779B97F4A7C15ULL) >> 20;
    printf("18 runs x 1400 records: %.1f us/query\n", runs(a, n, 18, 1400, queries, &sink));
    printf("288 runs x 88 records:  %.1f us/query\n", runs(a, n, 288, 88, queries, &sink));
    double t = now();
    for (int q = 0; q < queries; q++) {
        int cnt[16] = {0};
        for (int r = 0; r < 18; r++) {
            size_t st = next_start(n, 1400);
            for (size_t i = st; i < st + 1400; i++) {
                uint32_t id = (uint32_t)a[i] & 0xfffff;
                int b = id >> 16;
                buf[b * 4096 + (cnt[b]++ & 4095)] = id;
            }
        }
        sink += cnt[3];
    }
    printf("18 runs x 1400, ids scattered to 16 blocks: %.1f us/query\n",
           (now() - t) * 1e6 / queries);
    enum { IDS = 25000 };
    uint32_t *ids = malloc(IDS * 4), *by_block = malloc(IDS * 4);
    uint64_t *st = calloc((1 << 20) / 32, 8);
    if (!ids || !by_block || !st) return 1;
    for (int i = 0; i < IDS; i++) ids[i] = (uint32_t)next_start(1 << 20, 0) & 0xfffff;
    int k = 0;
    for (uint32_t b = 0; b < 16; b++)
        for (int i = 0; i < IDS; i++)
            if (ids[i] >> 16 == b) by_block[k++] = ids[i];
    const uint32_t *orders[2] = {ids, by_block};
    const char *names[2] = {"2^20 state (L2)", "block by block, 2^16 state (L1)"};
    for (int o = 0; o < 2; o++) {
        t = now();
        for (int q = 0; q < queries / 10; q++) {
            for (int i = 0; i < IDS; i++) {
                uint32_t s = orders[o][i];
                uint64_t bit = 1ULL << ((s & 31) * 2), v = st[s >> 5];
                st[s >> 5] = v | bit | ((v & bit) << 1);
            }
            for (int i = 0; i < IDS; i++) st[orders[o][i] >> 5] = 0;
        }
        printf("2-bit count, %s: %.2f ns/record (with its reset)\n", names[o],
               (now() - t) * 1e9 / (queries / 10) / IDS);
    }
    return sink == 42;
}
