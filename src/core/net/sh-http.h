/* sh-http.h — what every provider's HTTP code shares: a limit on the size
 * of an answer, reading an answer within it, and words a person understands
 * for a request that failed on the way.
 *
 * The largest answer SocialHub asks for is a Graph batch of 50 items (about
 * 30 KiB); X's answers are smaller still. Anything much bigger is not an
 * answer to our question (a misconfigured proxy, a download page, an
 * attack): it is refused before it fills memory.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Bytes of a response body read at most; one more and it is refused. */
#define SH_HTTP_MAX_BODY (1024 * 1024)

/* Sends @msg on @session and reads its body, stopping as soon as the body
 * is known to exceed @max_body bytes (by its Content-Length, or once read
 * that far). A body that is too large fails with SH_ERROR_SERVER, with the
 * response's status still on @msg; a request that got no answer fails with
 * the GIO, TLS or libsoup error, as soup_session_send_and_read_async would. */
void        sh_http_send_and_read_async  (SoupSession          *session,
                                          SoupMessage          *msg,
                                          gsize                 max_body,
                                          int                   io_priority,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
GBytes     *sh_http_send_and_read_finish (SoupSession          *session,
                                          GAsyncResult         *result,
                                          GError              **error);

/* TRUE when @error is the refusal of an answer larger than the limit. */
gboolean    sh_http_error_is_too_large   (const GError         *error);

/* What went wrong on the way, for a person: a certificate that is not
 * trusted is said so (the TLS library’s own words are "Unacceptable TLS
 * certificate"); other errors keep their message. */
const char *sh_http_describe_error       (const GError         *error);

G_END_DECLS
