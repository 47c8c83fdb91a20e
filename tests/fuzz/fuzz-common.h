/* fuzz-common.h — what the fuzz targets share.
 *
 * Each target is one LLVMFuzzerTestOneInput, linked either with libFuzzer
 * (clang, -Dfuzzing=true) or with replay-main.c, which feeds it the corpus
 * and the regression inputs in every build, so that CI runs them with gcc.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "sh-enums.h"

G_BEGIN_DECLS

/* libFuzzer's entry points (it finds them by name). */
int  LLVMFuzzerInitialize   (int             *argc,
                             char          ***argv);
int  LLVMFuzzerTestOneInput (const uint8_t   *data,
                             size_t           size);

/* Hands a verdict to a token exactly as the providers' check code does
 * (sh_token_apply_verdict for valid/expired/invalid, sh_token_mark_unknown
 * otherwise), so that a verdict the token model refuses is a critical, and
 * criticals are fatal here. */
void sh_fuzz_apply_verdict  (ShTokenState     state,
                             ShTokenReason    reason);

/* An input as a C string: headers and queries are NUL-ended text. A NUL
 * inside cuts it, as it would in a header. */
char *sh_fuzz_strndup       (const uint8_t   *data,
                             size_t           size);

G_END_DECLS
