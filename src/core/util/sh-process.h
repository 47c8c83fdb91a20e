/* sh-process.h — what a process that holds secrets does about itself.
 *
 * SocialHub holds access and refresh tokens in memory (and libsoup keeps
 * request bodies that carry them): a core dump of a crashed window would
 * write them to disk, readable by whoever reads the dump. So, like
 * gnome-keyring and ssh-agent, the process makes itself non-dumpable at
 * start: prctl(PR_SET_DUMPABLE, 0), which also keeps other programs of the
 * same user from attaching a debugger to it or reading its memory through
 * /proc, and a core size limit of 0 (soft), which stops systems that dump
 * non-dumpable processes for root (fs.suid_dumpable = 2) from writing it
 * either. SOCIALHUB_ALLOW_CORE_DUMPS=1 leaves both alone, for debugging
 * (README.md, "Crashes and core dumps").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Call first thing in main(). TRUE when the process is now non-dumpable,
 * FALSE when SOCIALHUB_ALLOW_CORE_DUMPS=1 asked to keep dumps (or the
 * kernel refused, which it does not). */
gboolean sh_process_forbid_core_dumps (void);

G_END_DECLS
