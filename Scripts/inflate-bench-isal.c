/* Bare ISA-L baseline for the input stage (issue 18), as inflate-bench.c is for zlib: inflate
 * each file (multi-member gzip) with isal_inflate (ISAL_GZIP: header, CRC-32 and ISIZE checked
 * by ISA-L), a 256 KiB input and a 1 MiB output buffer, count newlines with memchr, print totals.
 * Build: gcc -O2 -o inflate-bench-isal inflate-bench-isal.c -lisal   (needs libisal-dev) */
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IN_SIZE (256 * 1024)
#define OUT_SIZE (1024 * 1024)

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    static unsigned char in[IN_SIZE], out[OUT_SIZE];
    static struct inflate_state s;
    unsigned long long lines = 0, bytes_in = 0, bytes_out = 0;
    double start = now();
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) { perror(argv[i]); return 1; }
        isal_inflate_init(&s);
        s.crc_flag = ISAL_GZIP;
        ssize_t n;
        while ((n = read(fd, in, IN_SIZE)) > 0) {
            bytes_in += n;
            s.next_in = in;
            s.avail_in = n;
            while (s.avail_in > 0) {
                if (s.block_state == ISAL_BLOCK_FINISH) {
                    if (s.next_in[0] != 0x1f) { s.avail_in = 0; break; } /* padding: done */
                    isal_inflate_reset(&s);
                    s.crc_flag = ISAL_GZIP;
                }
                s.next_out = out;
                s.avail_out = OUT_SIZE;
                int rc = isal_inflate(&s);
                if (rc != ISAL_DECOMP_OK) {
                    fprintf(stderr, "%s: isal error %d\n", argv[i], rc);
                    return 1;
                }
                size_t produced = OUT_SIZE - s.avail_out;
                bytes_out += produced;
                for (unsigned char *p = out, *end = out + produced;
                     (p = memchr(p, '\n', end - p)) != NULL; p++)
                    lines++;
                if (produced == 0 && s.block_state != ISAL_BLOCK_FINISH) break; /* needs input */
            }
        }
        close(fd);
    }
    double seconds = now() - start;
    printf("lines=%llu bytes_in=%llu bytes_decoded=%llu\nseconds=%.2f mb_per_s=%.2f\n", lines,
           bytes_in, bytes_out, seconds, bytes_out / 1e6 / seconds);
    return 0;
}
