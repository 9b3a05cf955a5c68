#ifndef SEAM_CODECS_H
#define SEAM_CODECS_H
#include <stddef.h>
#include <stdint.h>

/* ISA-L's gzip inflate and libzstd's streaming decompression, both loaded at run time (see
 * seam_codecs.c for why). Every function is safe to call when its library is absent: the
 * `available` check says so and `create` returns NULL. */

/* ---- ISA-L (libisal.so.2), gzip framing (ISAL_GZIP: header, deflate, CRC-32 and ISIZE) ---- */

/* 1 when the ISA-L calls were compiled in (its header was there) and libisal.so.2 loaded. */
int seam_isal_available(void);
/* A new inflate state for one gzip member, or NULL. */
void *seam_isal_create(void);
/* Back to the start of a member (keeps the allocation). */
void seam_isal_reset(void *state);
void seam_isal_free(void *state);
/* Inflates from in[0..<in_len] into out[0..<out_len]: sets *used (input bytes taken, net of
 * those ISA-L had buffered but not decoded when the member ended), *produced, *finished (the
 * member, trailer included, is complete and checked). Returns ISA-L's code: 0 fine, < 0 damage. */
int seam_isal_inflate(void *state, const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_len,
                      uint32_t *used, uint32_t *produced, int *finished);

/* CRC-32 of the current member's output so far (zlib's crc32 of the same bytes). */
uint32_t seam_isal_crc(void *state);

/* ---- libzstd (libzstd.so.1), streaming frames ---- */

/* 1 when libzstd.so.1 loaded. */
int seam_zstd_available(void);
/* A new decompression stream, or NULL. */
void *seam_zstd_create(void);
void seam_zstd_free(void *stream);
/* ZSTD_decompressStream over in/out: sets *used and *produced; returns its hint (0: a frame is
 * complete and flushed) or an error code (seam_zstd_is_error). */
size_t seam_zstd_decompress(void *stream, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len,
                            size_t *used, size_t *produced);
int seam_zstd_is_error(size_t code);
const char *seam_zstd_error_name(size_t code);
/* One zstd frame of `in` at `level` into `out` (tests and fuzz targets); returns its size, or
 * an error code (seam_zstd_is_error). */
size_t seam_zstd_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, int level);
size_t seam_zstd_compress_bound(size_t in_len);

#endif
