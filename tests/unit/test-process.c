/* test-process.c — sh_process_forbid_core_dumps() on this very process:
 * what the kernel says of it afterwards (PR_GET_DUMPABLE, RLIMIT_CORE).
 * tests/e2e/core-dumps.py shows the effect on a real crash of the real binary;
 * this says which of the two settings each case leaves.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include "sh-process.h"

static void
set_core_limit (rlim_t soft)
{
  struct rlimit limit;

  g_assert_cmpint (getrlimit (RLIMIT_CORE, &limit), ==, 0);
  limit.rlim_cur = MIN (soft, limit.rlim_max);
  g_assert_cmpint (setrlimit (RLIMIT_CORE, &limit), ==, 0);
}

static struct rlimit
core_limit (void)
{
  struct rlimit limit;

  g_assert_cmpint (getrlimit (RLIMIT_CORE, &limit), ==, 0);
  return limit;
}

/* Run first: the other case cannot be undone in this process. */
static void
test_allowed (void)
{
  struct rlimit before;

  set_core_limit (RLIM_INFINITY);
  before = core_limit ();
  g_setenv ("SOCIALHUB_ALLOW_CORE_DUMPS", "1", TRUE);
  g_assert_false (sh_process_forbid_core_dumps ());
  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 1);
  g_assert_cmpuint (core_limit ().rlim_cur, ==, before.rlim_cur);
}

static void
test_forbidden (void)
{
  struct rlimit before;

  /* Any other value than "1" does not allow them. */
  g_setenv ("SOCIALHUB_ALLOW_CORE_DUMPS", "yes", TRUE);
  set_core_limit (RLIM_INFINITY);
  before = core_limit ();
  g_assert_true (sh_process_forbid_core_dumps ());
  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 0);
  g_assert_cmpuint (core_limit ().rlim_cur, ==, 0);
  /* The hard limit stays for children to raise their own. */
  g_assert_cmpuint (core_limit ().rlim_max, ==, before.rlim_max);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/process/core-dumps/allowed", test_allowed);
  g_test_add_func ("/process/core-dumps/forbidden", test_forbidden);
  return g_test_run ();
}
