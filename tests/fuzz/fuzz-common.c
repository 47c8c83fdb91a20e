/* fuzz-common.c — see fuzz-common.h. */
#include "config.h"

#include "fuzz-common.h"
#include "sh-token.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A warning or a critical (a g_return_if_fail that hostile input reached)
   * is a finding like a crash: make it abort, so that libFuzzer keeps the
   * input. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

void
sh_fuzz_apply_verdict (ShTokenState  state,
                       ShTokenReason reason)
{
  /* One token for the whole run: its type is registered once and the
   * verdicts only overwrite its check fields. */
  static ShToken *token = NULL;

  if (token == NULL)
    token = sh_token_new ("fuzz-token", "facebook", "fuzz-channel");

  if (sh_token_state_is_verdict (state))
    sh_token_apply_verdict (token, state, reason, 1764000000, SH_TOKEN_DEFAULT_WARNING_WINDOW);
  else
    sh_token_mark_unknown (token, reason);
}

char *
sh_fuzz_strndup (const uint8_t *data,
                 size_t         size)
{
  /* libFuzzer may hand an empty input as NULL; g_strndup would answer
   * NULL, not "". */
  return size > 0 ? g_strndup ((const char *) data, size) : g_strdup ("");
}
