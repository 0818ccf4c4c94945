/* impl.c - the implementation alone, to measure the library's own object code (`size`). */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
