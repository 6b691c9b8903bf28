/* sha256.h -- SHA-256 (FIPS 180-4), for the grader's checksums.
 *
 * The grader records the SHA-256 of every file the tests read and of every
 * generated skeleton (grader/checksums.txt), so it can tell a pristine file
 * from one that something changed. A cryptographic hash, not a quick one:
 * a student must not be able to make an edited file pass for the original.
 */
#ifndef GRADER_SHA256_H
#define GRADER_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t state[8];
    uint64_t length;          /* bytes hashed so far */
    unsigned char block[64];  /* the partial block not yet compressed */
    size_t used;
} Sha256;

void sha256_init(Sha256 *h);
void sha256_update(Sha256 *h, const void *data, size_t size);
/* Writes the digest as 64 lowercase hex digits and a NUL into hex[65]. */
void sha256_final_hex(Sha256 *h, char hex[65]);

/* The digest of a whole file into hex[65]; 0, or -1 when it cannot be read. */
int sha256_file(const char *path, char hex[65]);

#endif
