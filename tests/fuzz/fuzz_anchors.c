/* fuzz_anchors.c - the trust-anchor readers (gemini__load_pem: our PEM reader and DER reader)
   against the loader they replaced, on BearSSL's PEM and X.509 decoders (tests/anchors_ref.h).

   The first byte picks the input's form: even, the rest is PEM text; odd, the rest is a DER
   certificate, wrapped as PEM after nothing (bit 1 clear) or after a good P-256 CA (bit 1 set).
   Checks: both loaders give the same error code and the same anchors, byte for byte (DN, flags,
   key type, n and e, curve and point). */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include "fuzz_common.h"
#include "tests/anchors_ref.h"

/* tests/pki/ca.pem */
static const char good_ca[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBhzCCASygAwIBAgIUR5WiLpGmIV33ooGvwPBxRE/NDT8wCgYIKoZIzj0EAwIw\n"
    "IDEeMBwGA1UEAwwVZ2VtaW5pX3N0cmVhbSB0ZXN0IENBMCAXDTI1MDEwMTAwMDAw\n"
    "MFoYDzIxMjUwMTAxMDAwMDAwWjAgMR4wHAYDVQQDDBVnZW1pbmlfc3RyZWFtIHRl\n"
    "c3QgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASYhPR1/Uxv0HXQoquKTgbg\n"
    "jkWVssZZ0gtfKeorJavKhRu/vgTUBDiItisaZM95XFZCQy1zH2K1EtO7xagB4J1s\n"
    "o0IwQDAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQU\n"
    "TRRUD+oGEghFpgtuRwwGhvhhXKswCgYIKoZIzj0EAwIDSQAwRgIhAMgDkW17EVkH\n"
    "qTlDKvyjOfWhvkYUJL9KbMcA6+RcEpsBAiEAwTeG17YQXbKYHh3Zmt0NK+SbCgL8\n"
    "P4kpXAJJ5DvV4Ss=\n"
    "-----END CERTIFICATE-----\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gemini__buf text = {0, 0, 0, 0};
    const char *diff;
    if (size == 0) return 0;
    if (data[0] & 1) {
        if (data[0] & 2) gemini__buf_add(&text, good_ca, sizeof good_ca - 1);
        anchors_pem_wrap(&text, data + 1, size - 1, NULL);
    } else {
        gemini__buf_add(&text, data + 1, size - 1);
    }
    FZ_CHECK(!text.oom);
    /* the library is never given a NULL text (cfg.ca_pem is checked first) */
    diff = anchors_compare(text.data ? (const char *)text.data : "", text.len, NULL, NULL);
    FZ_CHECK_MSG(diff == NULL, "the loaders differ in %s", diff);
    free(text.data);
    return 0;
}
