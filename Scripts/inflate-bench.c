/* Bare zlib baseline for the input stage: inflate each file (multi-member gzip) with a
 * 256 KiB input and a 1 MiB output buffer, count newlines with memchr, print totals.
 * Build: gcc -O2 -o inflate-bench inflate-bench.c -lz */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

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
    double start = now();
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) { perror(argv[i]); return 1; }
        z_stream s;
        memset(&s, 0, sizeof s);
        if (inflateInit2(&s, 15 + 32) != Z_OK) return 1;
        ssize_t n;
        int rc = Z_OK;
        while ((n = read(fd, in, IN_SIZE)) > 0) {
            bytes_in += n;
            s.next_in = in;
            s.avail_in = n;
            while (s.avail_in > 0) {
                if (rc == Z_STREAM_END) inflateReset(&s);
                s.next_out = out;
                s.avail_out = OUT_SIZE;
                rc = inflate(&s, Z_NO_FLUSH);
                if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
                    fprintf(stderr, "%s: zlib error %d\n", argv[i], rc);
                    break;
                }
                size_t produced = OUT_SIZE - s.avail_out;
                bytes_out += produced;
                for (unsigned char *p = out, *end = out + produced;
                     (p = memchr(p, '\n', end - p)) != NULL; p++)
                    lines++;
                if (rc == Z_BUF_ERROR) break;
            }
        }
        inflateEnd(&s);
        close(fd);
    }
    double seconds = now() - start;
    printf("lines=%llu bytes_in=%llu bytes_decoded=%llu\nseconds=%.2f mb_per_s=%.2f\n", lines,
           bytes_in, bytes_out, seconds, bytes_out / 1e6 / seconds);
    return 0;
}
