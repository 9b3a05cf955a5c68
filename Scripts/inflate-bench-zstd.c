/* Bare zstd baseline for the input stage (issue 18): decompress each file (any number of
 * frames) with ZSTD_decompressStream, a 256 KiB input and a 1 MiB output buffer, count newlines
 * with memchr, print totals. Build: gcc -O2 -o inflate-bench-zstd inflate-bench-zstd.c -lzstd */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#define IN_SIZE (256 * 1024)
#define OUT_SIZE (1024 * 1024)

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    static unsigned char in[IN_SIZE], out[OUT_SIZE];
    unsigned long long lines = 0, bytes_in = 0, bytes_out = 0;
    ZSTD_DStream *z = ZSTD_createDStream();
    double start = now();
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) { perror(argv[i]); return 1; }
        ZSTD_initDStream(z);
        ssize_t n;
        while ((n = read(fd, in, IN_SIZE)) > 0) {
            bytes_in += n;
            ZSTD_inBuffer ib = {in, (size_t)n, 0};
            while (ib.pos < ib.size) {
                ZSTD_outBuffer ob = {out, OUT_SIZE, 0};
                size_t rc = ZSTD_decompressStream(z, &ob, &ib);
                if (ZSTD_isError(rc)) {
                    fprintf(stderr, "%s: %s\n", argv[i], ZSTD_getErrorName(rc));
                    return 1;
                }
                bytes_out += ob.pos;
                for (unsigned char *p = out, *end = out + ob.pos;
                     (p = memchr(p, '\n', end - p)) != NULL; p++)
                    lines++;
            }
        }
        /* Flush what is left for input already taken. */
        for (;;) {
            ZSTD_inBuffer ib = {in, 0, 0};
            ZSTD_outBuffer ob = {out, OUT_SIZE, 0};
            size_t rc = ZSTD_decompressStream(z, &ob, &ib);
            if (ZSTD_isError(rc) || ob.pos == 0) break;
            bytes_out += ob.pos;
            for (unsigned char *p = out, *end = out + ob.pos; (p = memchr(p, '\n', end - p)) != NULL; p++) lines++;
        }
        close(fd);
    }
    ZSTD_freeDStream(z);
    double seconds = now() - start;
    printf("lines=%llu bytes_in=%llu bytes_decoded=%llu\nseconds=%.2f mb_per_s=%.2f\n", lines,
           bytes_in, bytes_out, seconds, bytes_out / 1e6 / seconds);
    return 0;
}
