/* Why a C shim with dlopen: SwiftPM cannot link a library only where it is installed, and
 * README's quick start must build where only zlib1g-dev is. So nothing here is linked at build
 * time: libisal.so.2 and libzstd.so.1 are loaded on first use with dlopen/dlsym, and a missing
 * one only turns its codec off (ISA-L: Seam inflates with zlib; zstd: a named per-file error).
 * ISA-L's calls are compiled only where its header is (`__has_include`), since its inflate state
 * is a large struct whose layout comes from that header. zstd's streaming API is a small, frozen
 * ABI (stable since 1.3), declared below when <zstd.h> is absent, so a machine with just the
 * libzstd1 runtime reads .zst files too; where the header is there, its own declarations are
 * used, so CI type-checks ours against it. SEAM_NO_ISAL / SEAM_NO_ZSTD_H (-Xcc -D...) build as
 * if a header were absent (how the fresh-machine build is tested on a machine that has them). */
#include "seam_codecs.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---------------- ISA-L ---------------- */
#if __has_include(<isa-l/igzip_lib.h>) && !defined(SEAM_NO_ISAL)
#include <isa-l/igzip_lib.h>
#define SEAM_HAVE_ISAL 1

static void (*p_isal_inflate_init)(struct inflate_state *);
static void (*p_isal_inflate_reset)(struct inflate_state *);
static int (*p_isal_inflate)(struct inflate_state *);
static int isal_loaded;
static pthread_once_t isal_once = PTHREAD_ONCE_INIT;

static void isal_load(void) {
    void *lib = dlopen("libisal.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return;
    p_isal_inflate_init = (void (*)(struct inflate_state *))dlsym(lib, "isal_inflate_init");
    p_isal_inflate_reset = (void (*)(struct inflate_state *))dlsym(lib, "isal_inflate_reset");
    p_isal_inflate = (int (*)(struct inflate_state *))dlsym(lib, "isal_inflate");
    isal_loaded = p_isal_inflate_init && p_isal_inflate_reset && p_isal_inflate;
}

int seam_isal_available(void) {
    pthread_once(&isal_once, isal_load);
    return isal_loaded;
}

void *seam_isal_create(void) {
    if (!seam_isal_available()) return NULL;
    struct inflate_state *s = aligned_alloc(64, (sizeof *s + 63) / 64 * 64);
    if (!s) return NULL;
    p_isal_inflate_init(s);
    s->crc_flag = ISAL_GZIP;
    return s;
}

void seam_isal_reset(void *state) {
    struct inflate_state *s = state;
    p_isal_inflate_reset(s);
    s->crc_flag = ISAL_GZIP;
}

void seam_isal_free(void *state) { free(state); }

uint32_t seam_isal_crc(void *state) { return ((struct inflate_state *)state)->crc; }

int seam_isal_inflate(void *state, const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_len,
                      uint32_t *used, uint32_t *produced, int *finished) {
    struct inflate_state *s = state;
    s->next_in = (uint8_t *)in;
    s->avail_in = in_len;
    s->next_out = out;
    s->avail_out = out_len;
    int rc = p_isal_inflate(s);
    *finished = s->block_state == ISAL_BLOCK_FINISH;
    /* At the member's end ISA-L may hold bytes past its trailer in its bit buffer: give them
     * back, so the next member (or padding, or garbage) starts at the right byte. */
    uint32_t held = *finished ? (uint32_t)(s->read_in_length / 8) : 0;
    *used = in_len - s->avail_in - held;
    *produced = out_len - s->avail_out;
    return rc;
}
#else
int seam_isal_available(void) { return 0; }
void *seam_isal_create(void) { return NULL; }
void seam_isal_reset(void *state) { (void)state; }
void seam_isal_free(void *state) { (void)state; }
uint32_t seam_isal_crc(void *state) { (void)state; return 0; }
int seam_isal_inflate(void *state, const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_len,
                      uint32_t *used, uint32_t *produced, int *finished) {
    (void)state; (void)in; (void)in_len; (void)out; (void)out_len;
    *used = 0; *produced = 0; *finished = 0;
    return -9;
}
#endif

/* ---------------- zstd ---------------- */
#if __has_include(<zstd.h>) && !defined(SEAM_NO_ZSTD_H)
#include <zstd.h>
#else
typedef struct ZSTD_DCtx_s ZSTD_DStream;
typedef struct ZSTD_inBuffer_s { const void *src; size_t size; size_t pos; } ZSTD_inBuffer;
typedef struct ZSTD_outBuffer_s { void *dst; size_t size; size_t pos; } ZSTD_outBuffer;
ZSTD_DStream *ZSTD_createDStream(void);
size_t ZSTD_freeDStream(ZSTD_DStream *zds);
size_t ZSTD_initDStream(ZSTD_DStream *zds);
size_t ZSTD_decompressStream(ZSTD_DStream *zds, ZSTD_outBuffer *output, ZSTD_inBuffer *input);
unsigned ZSTD_isError(size_t code);
const char *ZSTD_getErrorName(size_t code);
size_t ZSTD_compress(void *dst, size_t dstCapacity, const void *src, size_t srcSize, int compressionLevel);
size_t ZSTD_compressBound(size_t srcSize);
#endif

/* Pointers of the declared types: a mismatch with <zstd.h> is a compile error where it is. */
static __typeof__(&ZSTD_createDStream) p_zstd_create;
static __typeof__(&ZSTD_freeDStream) p_zstd_free;
static __typeof__(&ZSTD_initDStream) p_zstd_init;
static __typeof__(&ZSTD_decompressStream) p_zstd_decompress;
static __typeof__(&ZSTD_isError) p_zstd_is_error;
static __typeof__(&ZSTD_getErrorName) p_zstd_error_name;
static __typeof__(&ZSTD_compress) p_zstd_compress;
static __typeof__(&ZSTD_compressBound) p_zstd_compress_bound;
static int zstd_loaded;
static pthread_once_t zstd_once = PTHREAD_ONCE_INIT;

static void zstd_load(void) {
    if (getenv("SEAM_NO_ZSTD")) return; /* tests: behave as on a machine without libzstd */
    void *lib = dlopen("libzstd.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return;
    p_zstd_create = (__typeof__(p_zstd_create))dlsym(lib, "ZSTD_createDStream");
    p_zstd_free = (__typeof__(p_zstd_free))dlsym(lib, "ZSTD_freeDStream");
    p_zstd_init = (__typeof__(p_zstd_init))dlsym(lib, "ZSTD_initDStream");
    p_zstd_decompress = (__typeof__(p_zstd_decompress))dlsym(lib, "ZSTD_decompressStream");
    p_zstd_is_error = (__typeof__(p_zstd_is_error))dlsym(lib, "ZSTD_isError");
    p_zstd_error_name = (__typeof__(p_zstd_error_name))dlsym(lib, "ZSTD_getErrorName");
    p_zstd_compress = (__typeof__(p_zstd_compress))dlsym(lib, "ZSTD_compress");
    p_zstd_compress_bound = (__typeof__(p_zstd_compress_bound))dlsym(lib, "ZSTD_compressBound");
    zstd_loaded = p_zstd_create && p_zstd_free && p_zstd_init && p_zstd_decompress && p_zstd_is_error
        && p_zstd_error_name && p_zstd_compress && p_zstd_compress_bound;
}

int seam_zstd_available(void) {
    pthread_once(&zstd_once, zstd_load);
    return zstd_loaded;
}

void *seam_zstd_create(void) {
    if (!seam_zstd_available()) return NULL;
    ZSTD_DStream *s = p_zstd_create();
    if (s && p_zstd_is_error(p_zstd_init(s))) {
        p_zstd_free(s);
        return NULL;
    }
    return s;
}

void seam_zstd_free(void *stream) {
    if (stream) p_zstd_free((ZSTD_DStream *)stream);
}

size_t seam_zstd_decompress(void *stream, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len,
                            size_t *used, size_t *produced) {
    ZSTD_inBuffer i = {in, in_len, 0};
    ZSTD_outBuffer o = {out, out_len, 0};
    size_t rc = p_zstd_decompress((ZSTD_DStream *)stream, &o, &i);
    *used = i.pos;
    *produced = o.pos;
    return rc;
}

int seam_zstd_is_error(size_t code) { return seam_zstd_available() && p_zstd_is_error(code); }

const char *seam_zstd_error_name(size_t code) {
    return seam_zstd_available() ? p_zstd_error_name(code) : "libzstd not loaded";
}

size_t seam_zstd_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, int level) {
    if (!seam_zstd_available()) return (size_t)-1;
    return p_zstd_compress(out, out_cap, in, in_len, level);
}

size_t seam_zstd_compress_bound(size_t in_len) {
    return seam_zstd_available() ? p_zstd_compress_bound(in_len) : 0;
}
