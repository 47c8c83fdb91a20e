/* sh-sandbox-control.h — the control endpoint: break things on purpose.
 *
 * POST /control/<action> with form fields; answers JSON. Loopback only.
 *
 *   GET  /control/world                        people, Pages, accounts, tokens
 *   GET  /control/requests                     every request received so far, as
 *        "METHOD /path?query" (the server's request log: never a header or a
 *        body), for tests that check what reached a URL
 *   POST /control/issue-token kind=fb-user|fb-page|x person=ID [target=ID]
 *   POST /control/expire-token token=T
 *   POST /control/revoke-token token=T
 *   POST /control/change-password person=ID    (190/460)
 *   POST /control/remove-app person=ID         (190/458)
 *   POST /control/checkpoint person=ID         (190/459)
 *   POST /control/remove-role page=ID person=ID (190/492)
 *   POST /control/link-instagram page=ID id=IGID username=NAME  link an Instagram account
 *   POST /control/unlink-instagram page=ID     the Page's Instagram account unlinked
 *   POST /control/withhold-instagram person=ID the person withholds instagram_basic (#10)
 *   POST /control/restore person=ID            clear checkpoint, lock, removal, withholding
 *   POST /control/fault network=graph|x kind=latency|status|hang|truncated|
 *        html|empty|throttle|batch-null|huge|hang-body|offline [path=/prefix]
 *        [count=N] [delay_ms=N] [status=N] [code=N] [form=problem|v1]
 *   POST /control/clear-faults
 *   POST /control/advance seconds=N            move the world's clock
 *   POST /control/app-usage percent=N          X-App-Usage floor
 *   POST /control/approve-delay seconds=N
 *   POST /control/next-device person=ID [decline=1]
 *   POST /control/approver [person=ID]         who approves sign-ins from now
 *        on (device codes; X with their account); none: people take turns
 *   POST /control/allow-redirect uri=URI
 */
#pragma once

#include <libsoup/soup.h>
#include "sh-sandbox-world.h"

G_BEGIN_DECLS

void sh_sandbox_control_handle (ShSandboxWorld    *world,
                                GPtrArray         *request_log,
                                SoupServerMessage *msg,
                                const char        *path,
                                GHashTable        *params);

G_END_DECLS
