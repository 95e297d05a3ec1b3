"""ctypes mirrors of the structs and callback types of p2pcdn.h."""

import ctypes

# Opaque handles. Distinct c_void_p subclasses, so passing a content where a bitmap is
# expected fails in ctypes instead of reaching the library as a foreign pointer.
class BitmapPtr(ctypes.c_void_p):
    pass


class ContentPtr(ctypes.c_void_p):
    pass


# typedef int (*p2pcdn_progress_cb)(uint64_t done_bytes, uint64_t total_bytes, void *payload);
PROGRESS_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_uint64, ctypes.c_uint64, ctypes.c_void_p)

HASH_OPTIONS_VERSION = 1


class HashOptions(ctypes.Structure):
    """p2pcdn_hash_options, version 1. Fill it with p2pcdn_hash_options_init, never by hand:
    the library owns what a zeroed struct of each version means."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("algo", ctypes.c_int),
        ("read_size", ctypes.c_size_t),
        ("progress", PROGRESS_CB),
        ("payload", ctypes.c_void_p),
    ]


# p2pcdn_hash_algo
HASH_NONE = 0
HASH_SHA1 = 1
HASH_SHA256 = 2

# Hash list formats and bitmap decoder flags.
HASHES_RAW = 0
HASHES_HEX = 1
BITMAP_STRICT = 0
BITMAP_LENIENT = 1

# Limits from p2pcdn.h.
BITMAP_MAX_BITS = 67108864
CONTENT_ID_MAX = 128
PIECE_LENGTH_MAX = 1073741824
