/* content_tour FILE [PIECE_LENGTH]
 *
 * A tour of p2pcdn's two core models through the C ABI: the content layout with its piece
 * hashes (what a tracker and a CCS agree a content is), and piece bitmaps (what each peer
 * holds), with the set operations a tracker and a UE use to decide who can give what. */
#include <p2pcdn/p2pcdn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#define TRY(call)                                                                     \
    do {                                                                              \
        int rc_ = (call);                                                             \
        if (rc_ < 0) {                                                                \
            fprintf(stderr, "%s failed: %s: %s\n", #call, p2pcdn_strerror(rc_),       \
                    p2pcdn_last_error());                                             \
            exit(1);                                                                  \
        }                                                                             \
    } while (0)

static int on_progress(uint64_t done, uint64_t total, void *payload) {
    int *last_percent = payload;
    int percent = (int)(done * 100 / (total ? total : 1));
    if (percent / 10 != *last_percent / 10) {
        fprintf(stderr, "\r  hashing %3d%%", percent);
        *last_percent = percent;
    }
    return 0;
}

static void print_ranges(const char *label, const p2pcdn_bitmap *bits) {
    char *text;
    size_t size = 0, count = 0;
    TRY(p2pcdn_bitmap_to_ranges(bits, NULL, 0, &size));
    text = malloc(size);
    TRY(p2pcdn_bitmap_to_ranges(bits, text, size, &size));
    TRY(p2pcdn_bitmap_count(bits, &count));
    printf("  %-34s %6zu pieces: %s\n", label, count, text);
    free(text);
}

static p2pcdn_bitmap *every_nth(size_t pieces, size_t n, size_t start) {
    p2pcdn_bitmap *bits = NULL;
    size_t i;
    TRY(p2pcdn_bitmap_new(&bits, pieces));
    for (i = start; i < pieces; i += n) {
        TRY(p2pcdn_bitmap_set(bits, i));
    }
    return bits;
}

static void show_layout(const p2pcdn_content *content) {
    uint64_t total = 0, offset = 0;
    uint32_t piece_length = 0, length = 0;
    size_t pieces = 0, size = 0, i;
    unsigned char digest[32];

    TRY(p2pcdn_content_total_length(content, &total));
    TRY(p2pcdn_content_piece_length(content, &piece_length));
    TRY(p2pcdn_content_piece_count(content, &pieces));
    printf("Content layout\n");
    printf("  id            %s\n", p2pcdn_content_id(content));
    printf("  total length  %llu bytes\n", (unsigned long long)total);
    printf("  piece length  %lu bytes\n", (unsigned long)piece_length);
    printf("  piece count   %zu\n", pieces);
    for (i = 0; i < pieces; i = (i == 2 && pieces > 4) ? pieces - 1 : i + 1) {
        size_t k;
        TRY(p2pcdn_content_piece_range(content, i, &offset, &length));
        TRY(p2pcdn_content_piece_hash(content, i, digest, sizeof digest, &size));
        printf("  piece %-7zu bytes %llu-%llu (%lu)  sha1 ", i, (unsigned long long)offset,
               (unsigned long long)(offset + length - 1), (unsigned long)length);
        for (k = 0; k < size; ++k) {
            printf("%02x", digest[k]);
        }
        printf("\n");
        if (i == 2 && pieces > 4) {
            printf("  ...\n");
        }
    }
    TRY(p2pcdn_content_hashes_export(content, P2PCDN_HASHES_RAW, NULL, 0, &size));
    printf("  torrent 'pieces' string: %zu bytes (%zu SHA-1 digests)\n\n", size, size / 20);
}

static void show_bitmaps(size_t pieces) {
    p2pcdn_bitmap *ue = NULL, *peer = NULL, *cdn = NULL, *wanted = NULL, *swarm = NULL;
    size_t n = 0, size = 0, first = 0;
    char text[64];

    printf("Piece bitmaps (%zu pieces)\n", pieces);
    TRY(p2pcdn_bitmap_new(&ue, pieces));
    TRY(p2pcdn_bitmap_set_range(ue, 0, pieces / 2, 1));
    peer = every_nth(pieces, 3, 0);
    TRY(p2pcdn_bitmap_new(&cdn, pieces));
    TRY(p2pcdn_bitmap_set_range(cdn, pieces - pieces / 10, pieces, 1));
    print_ranges("UE holds (first half)", ue);
    print_ranges("peer holds (every third)", peer);
    print_ranges("CDN serves (last tenth)", cdn);

    TRY(p2pcdn_bitmap_count_andnot(peer, ue, &n));
    printf("  %-34s %6zu pieces (count_andnot, no allocation)\n", "peer can give the UE", n);

    TRY(p2pcdn_bitmap_copy(&swarm, ue));
    TRY(p2pcdn_bitmap_or(swarm, peer));
    TRY(p2pcdn_bitmap_copy(&wanted, swarm));
    TRY(p2pcdn_bitmap_fill(wanted, 1));
    TRY(p2pcdn_bitmap_andnot(wanted, swarm));
    print_ranges("no peer holds (need CSS or CDN)", wanted);
    TRY(p2pcdn_bitmap_count_and(wanted, cdn, &n));
    printf("  %-34s %6zu pieces\n", "...of which the CDN serves", n);
    if (p2pcdn_bitmap_find_next_set(wanted, 0, &first) == P2PCDN_OK) {
        printf("  %-34s piece %zu\n", "first piece no peer holds", first);
    }

    TRY(p2pcdn_bitmap_to_wire(peer, NULL, 0, &size));
    printf("  peer bitmap on the wire (BEP 3): %zu bytes", size);
    if (p2pcdn_bitmap_to_base64(peer, text, sizeof text, &size) == P2PCDN_OK) {
        printf(", base64 %s", text);
    } else {
        printf(", base64 takes %zu bytes", size - 1);
    }
    printf("\n\n");

    p2pcdn_bitmap_free(ue);
    p2pcdn_bitmap_free(peer);
    p2pcdn_bitmap_free(cdn);
    p2pcdn_bitmap_free(wanted);
    p2pcdn_bitmap_free(swarm);
}

static void show_verification(const p2pcdn_content *content, const char *path) {
    uint64_t offset = 0;
    uint32_t length = 0;
    unsigned char *piece;
    FILE *f = fopen(path, "rb");
    int rc;
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    TRY(p2pcdn_content_piece_range(content, 1, &offset, &length));
    piece = malloc(length);
    if (fseek(f, (long)offset, SEEK_SET) != 0 || fread(piece, 1, length, f) != length) {
        fprintf(stderr, "cannot read piece 1 of %s\n", path);
        exit(1);
    }
    fclose(f);
    printf("Piece verification\n");
    rc = p2pcdn_content_verify_piece(content, 1, piece, length);
    printf("  piece 1 as read from the file:  %s\n", rc == P2PCDN_OK ? "ok" : p2pcdn_last_error());
    piece[length / 2] ^= 0x01;
    rc = p2pcdn_content_verify_piece(content, 1, piece, length);
    printf("  piece 1 with one bit flipped:   %s (%s)\n", p2pcdn_strerror(rc), p2pcdn_last_error());
    free(piece);
}

int main(int argc, char **argv) {
    p2pcdn_content *content = NULL;
    p2pcdn_hash_options opts = P2PCDN_HASH_OPTIONS_INIT;
    unsigned long piece_length = argc > 2 ? strtoul(argv[2], NULL, 10) : 262144;
    size_t pieces = 0;
    int last_percent = -10;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE [PIECE_LENGTH]\n", argv[0]);
        return 2;
    }
    printf("p2pcdn %s (ABI %u)\n\n", p2pcdn_version_string(), p2pcdn_abi_version());
    if (isatty(2)) {
        opts.progress = on_progress;
        opts.payload = &last_percent;
    }
    TRY(p2pcdn_content_new_from_file(&content, "demo-content", argv[1], (uint32_t)piece_length,
                                     &opts));
    if (opts.progress != NULL) {
        fprintf(stderr, "\r  hashing done \n");
    }
    show_layout(content);
    TRY(p2pcdn_content_piece_count(content, &pieces));
    show_bitmaps(pieces);
    if (pieces > 1) {
        show_verification(content, argv[1]);
    }
    p2pcdn_content_free(content);
    return 0;
}
