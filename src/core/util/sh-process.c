/* sh-process.c — no core dumps of a process holding secrets (see the header). */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include "sh-process.h"

gboolean
sh_process_forbid_core_dumps (void)
{
  struct rlimit limit;

  if (g_strcmp0 (g_getenv ("SOCIALHUB_ALLOW_CORE_DUMPS"), "1") == 0)
    return FALSE;

  /* The soft limit only: the hard one stays, so that a child (the browser
   * a sign-in opens) could raise its own again. */
  if (getrlimit (RLIMIT_CORE, &limit) == 0)
    {
      limit.rlim_cur = 0;
      setrlimit (RLIMIT_CORE, &limit);
    }
  /* Cleared again by an exec: programs SocialHub starts are dumpable as
   * usual. */
  return prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
}
