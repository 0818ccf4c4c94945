/* ecdsa_der.h - whether an ECDSA signature is DER, for the tests that hold the library's
   signature check to BearSSL's (tests/test_curves.c, tests/fuzz/fuzz_curves.c).

   BearSSL's br_ecdsa_i31_vrfy_asn1 reads the SEQUENCE of two INTEGERs leniently: an INTEGER
   with extra leading zero bytes, one whose top bit is set (a negative number, read as if it
   were unsigned), and a SEQUENCE length in the long form where the short one fits are all
   taken. The library's check takes DER alone, so it answers BearSSL's verdict for a signature
   in DER and refuses every other one. DER here is what BearSSL's own writer makes of the two
   numbers: its reader takes the signature apart, its writer (minimal lengths, minimal
   INTEGERs, a zero byte before a set top bit) puts it back, and the bytes must be the same. */
#ifndef GEMINI_ECDSA_DER_H
#define GEMINI_ECDSA_DER_H

#include <bearssl.h>
#include <string.h>

static inline int ecdsa_sig_is_der(const void *sig, size_t len)
{
    unsigned char buf[300];     /* the reader writes up to 254 bytes, the writer 263 */
    size_t raw;
    if (len > sizeof buf) return 0;
    memcpy(buf, sig, len);
    raw = br_ecdsa_asn1_to_raw(buf, len);
    return raw != 0 && br_ecdsa_raw_to_asn1(buf, raw) == len && memcmp(buf, sig, len) == 0;
}

#endif
