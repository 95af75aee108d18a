/* Open search's block pass alone, for the library-index design notes
 * (docs/design/open-search-performance.md, "Window spans", 2026-12-06).
 *
 *   cc -O2 benches/probes/first_pair_pass.c -o /tmp/fpp && /tmp/fpp
 *   (with -march=native as well, the last way's compare is vectorised)
 *
 * 64 queries of 16 blocks x 1560 records of 4 B (a u16 key field and a u16
 * spectrum id, ids uniform over 2^16: ~18 repeats per block, as at 10^6
 * spectra), all cached. Prints the best of 40 sweeps, in µs per query, of
 * four ways to find each block's repeats and their first pairs:
 *  - u16 slots: a 128 KiB array of first-pair codes (src/matching/index/
 *    counts.rs), cleared when the codes run out;
 *  - bitmap + pass 2: an 8 KiB seen-bitmap (L1), then a second pass over the
 *    block's records for the first pairs of the repeated spectra;
 *  - epoch bytes + pass 2: a 64 KiB epoch byte per spectrum, the same pass 2;
 *  - last-code slots: the same 128 KiB slots, but every pair overwrites its
 *    slot and keeps the code it found (no branch in the pass: each pair's
 *    predecessor, not its first pair), then a vector compare over the kept
 *    codes lists the repeats (2026-12-06, late: slower than the branch).
 * The slots list only the repeats (their codes give the first pairs); the
 * other two list repeats and first pairs. The bitmap and the byte array lose
 * on store-to-load dependencies through shared words and on pass 2. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef struct { uint16_t lo, spec; } Frag;
enum { NB = 16, PER = 1560, Q = 64 };
static Frag recs[Q][NB * PER];
static uint16_t slots[65536];
static uint64_t seen[1024], want[1024];
static uint8_t epoch[65536];
static uint32_t cand[2 * PER];
static uint16_t prevc[PER];

/* One block's repeats under the u16 slots, its codes base..base+PER. */
static int u16_block(const Frag *r, uint16_t base) {
    uint16_t code = base;
    int nc = 0;
    for (int i = 0; i < PER; i++) {
        uint16_t v = slots[r[i].spec];
        if ((uint16_t)(v - base) < PER) cand[nc++] = i;
        else slots[r[i].spec] = code;
        code++;
    }
    return nc;
}

/* The same with last codes kept and a vector compare after the pass. */
static int last_block(const Frag *r, uint16_t base) {
    uint16_t code = base;
    for (int i = 0; i < PER; i++) {
        uint16_t s = r[i].spec;
        prevc[i] = slots[s];
        slots[s] = code++;
    }
    int nc = 0;
    for (int i0 = 0; i0 < PER; i0 += 32) {
        uint32_t m = 0;
        int lim = PER - i0 < 32 ? PER - i0 : 32;
        for (int j = 0; j < lim; j++)
            m |= (uint32_t)((uint16_t)(prevc[i0 + j] - base) < PER) << j;
        while (m) { cand[nc++] = i0 + __builtin_ctz(m); m &= m - 1; }
    }
    return nc;
}

/* Every block of every query through `block`, each with a fresh code range
 * of the slots (cleared when the codes run out). */
static long with_codes(int (*block)(const Frag *, uint16_t)) {
    long tot = 0;
    uint16_t next = 1;
    for (int q = 0; q < Q; q++)
        for (int b = 0; b < NB; b++) {
            if (next + PER > 65535) { memset(slots, 0, sizeof slots); next = 1; }
            tot += block(&recs[q][b * PER], next);
            next += PER;
        }
    return tot;
}

static long slots_u16(void) { return with_codes(u16_block); }
static long slots_last(void) { return with_codes(last_block); }

static long bitmap_pass2(void) {
    long tot = 0;
    for (int q = 0; q < Q; q++)
        for (int b = 0; b < NB; b++) {
            Frag *r = &recs[q][b * PER];
            memset(seen, 0, sizeof seen);
            int nc = 0;
            for (int i = 0; i < PER; i++) {
                uint32_t s = r[i].spec;
                uint64_t w = seen[s >> 6], bit = 1ULL << (s & 63);
                if (w & bit) cand[nc++] = i;
                seen[s >> 6] = w | bit;
            }
            for (int k = 0; k < nc; k++) {
                uint32_t s = r[cand[k]].spec;
                want[s >> 6] |= 1ULL << (s & 63);
            }
            int nf = 0;
            if (nc)
                for (int i = 0; i < PER; i++) {
                    uint32_t s = r[i].spec;
                    uint64_t w = want[s >> 6], bit = 1ULL << (s & 63);
                    if (w & bit) { want[s >> 6] = w & ~bit; cand[nc + nf++] = i; }
                }
            tot += nc + nf;
        }
    return tot;
}

static long epoch_pass2(void) {
    long tot = 0;
    uint8_t e = 0;
    for (int q = 0; q < Q; q++)
        for (int b = 0; b < NB; b++) {
            Frag *r = &recs[q][b * PER];
            if (++e == 128) { memset(epoch, 0, sizeof epoch); e = 1; }
            uint8_t wanted = e | 0x80;
            int nc = 0, nf = 0;
            for (int i = 0; i < PER; i++) {
                uint32_t s = r[i].spec;
                if ((epoch[s] & 0x7f) == e) { cand[nc++] = i; epoch[s] = wanted; }
                else epoch[s] = e;
            }
            if (nc)
                for (int i = 0; i < PER; i++) {
                    uint32_t s = r[i].spec;
                    if (epoch[s] == wanted) { epoch[s] = e; cand[nc + nf++] = i; }
                }
            tot += nc + nf;
        }
    return tot;
}

int main(void) {
    uint64_t x = 88172645463325252ULL;
    for (int q = 0; q < Q; q++)
        for (int i = 0; i < NB * PER; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            recs[q][i].spec = x & 0xffff;
            recs[q][i].lo = x >> 16;
        }
    const char *names[] = {"u16 slots", "bitmap + pass 2", "epoch bytes + pass 2", "last-code slots"};
    long (*ways[])(void) = {slots_u16, bitmap_pass2, epoch_pass2, slots_last};
    for (int w = 0; w < 4; w++) {
        double best = 1e9;
        long found = 0;
        for (int rep = 0; rep < 40; rep++) {
            double t = now();
            found = ways[w]();
            double e = now() - t;
            if (e < best) best = e;
        }
        printf("%-22s %6.1f us/query (%ld positions listed)\n", names[w], best * 1e6 / Q, found);
    }
    return 0;
}
