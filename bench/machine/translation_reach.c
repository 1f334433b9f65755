/* How far this machine's address translation reaches: one load per 4 KiB page, chased in a
 * random cycle over pages spanning 2..64 MiB of 2 MiB-page memory (MADV_HUGEPAGE). Each page's
 * line sits at a different offset, so the lines (64 B per page: at most 1 MiB in all) stay in
 * L2 and only the translations change. On bare metal with 2 MiB pages the time per load stays
 * flat; where it climbs past some span, each TLB entry covers 4 KiB only (in a VM, the host
 * backing the guest with 4 KiB pages) and that span is the TLB's reach.
 *
 *   cc -O2 bench/machine/translation_reach.c -o /tmp/translation_reach && /tmp/translation_reach
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    const size_t page = 4096, huge = 2u << 20;
    const long loads = 4000000;
    printf("span MiB   ns per load (one line per 4 KiB page)\n");
    for (size_t mib = 2; mib <= 64; mib *= 2) {
        size_t bytes = mib << 20, pages = bytes / page;
        char *buf = aligned_alloc(huge, bytes);
        size_t *order = malloc(pages * sizeof *order);
        if (!buf || !order) return 1;
        madvise(buf, bytes, MADV_HUGEPAGE);
        for (size_t i = 0; i < pages; i++) order[i] = i * page + (i * 7 % 64) * 64;
        srand(1);
        for (size_t i = pages - 1; i > 0; i--) {
            size_t j = (size_t)rand() % (i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (size_t i = 0; i < pages; i++) *(void **)(buf + order[i]) = buf + order[(i + 1) % pages];
        void *p = buf + order[0];
        for (long i = 0; i < loads; i++) p = *(void **)p; /* warm */
        double start = seconds();
        for (long i = 0; i < loads; i++) p = *(void **)p;
        double ns = (seconds() - start) / loads * 1e9;
        printf("%8zu   %6.1f%s\n", mib, ns, p == NULL ? " " : "");
        free(order);
        free(buf);
    }
    return 0;
}
