/* test_impl.c - the one translation unit of the unit tests that compiles the implementation;
   the other test files include the header alone, which proves that two units link. */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
