#ifndef SEAM_CZLIB_SHIM_H
#define SEAM_CZLIB_SHIM_H
#include <zlib.h>

/// `inflateInit2` is a macro, which Swift cannot import: wrap it.
static inline int seam_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
