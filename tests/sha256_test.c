/* SHA-256 against FIPS 180-4's examples and the padding boundaries. */
#include "../oci/sha256.h"
#include "harness.h"

static const char *hex(const char *s, size_t len)
{
        static char out[SHA256_HEX_SIZE];

        sha256_hex(s, len, out);
        return out;
}

TEST(known_answers)
{
        char million[1000000];

        CHECK_STR(hex("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        CHECK_STR(hex("abc", 3),
                  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK_STR(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56),
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        memset(million, 'a', sizeof(million));
        CHECK_STR(hex(million, sizeof(million)),
                  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        /* 55, 63 and 64 bytes: the length goes in the same block, the next, a new one */
        CHECK_STR(hex(million, 55),
                  "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
        CHECK_STR(hex(million, 63),
                  "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
        CHECK_STR(hex(million, 64),
                  "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

HARNESS_MAIN(RUN(known_answers))
