/* sh-http.h — the one REST client every provider talks through: a keep-alive
 * session, GET and POST below a base address with the token in a header or
 * the form body (never the URL), and one reply type that carries the status,
 * the body and the response headers. Each provider reads its own headers
 * (usage, rate limits) from the reply; nothing here knows a network.
 *
 * Also: a limit on the size of an answer, reading an answer within it, and
 * words a person understands for a request that failed on the way.
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

typedef enum {
  SH_HTTP_CLIENT_FLAGS_NONE = 0,
  /* Answers hold tokens: ask everything in between not to keep them
   * (Cache-Control: no-store). */
  SH_HTTP_CLIENT_NO_STORE   = 1 << 0,
} ShHttpClientFlags;

/* One answer, whatever it was. */
typedef struct {
  guint               status;   /* 0 when the request never got an answer */
  char               *body;     /* NUL-terminated; "" for one too large to read */
  gsize               length;
  SoupMessageHeaders *headers;  /* the response's; NULL when status is 0 */
  GError             *error;    /* transport error (status 0), or the refusal
                                 * of a body too large (sh_http_error_is_too_large) */
} ShHttpReply;

/* Wipes the body (it may hold tokens) and frees. */
void        sh_http_reply_free           (ShHttpReply          *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShHttpReply, sh_http_reply_free)

/* A response header of @reply, or NULL (also when it got no answer). */
const char *sh_http_reply_get_header     (const ShHttpReply    *reply,
                                          const char           *name);
/* TRUE when the request was cancelled. */
gboolean    sh_http_reply_is_cancelled   (const ShHttpReply    *reply);

/* The base address of a network's API, read at each request (the
 * configuration may change while the client lives). */
typedef char *(*ShHttpBaseFunc) (void);

#define SH_TYPE_HTTP_CLIENT (sh_http_client_get_type ())
G_DECLARE_FINAL_TYPE (ShHttpClient, sh_http_client, SH, HTTP_CLIENT, GObject)

/* A client for the API below @base_url's address; a token goes in the
 * Authorization header as "@auth_scheme TOKEN". @max_conns: connections to
 * the host at once. */
ShHttpClient *sh_http_client_new         (ShHttpBaseFunc        base_url,
                                          const char           *auth_scheme,
                                          ShHttpClientFlags     flags,
                                          guint                 max_conns);
SoupSession  *sh_http_client_get_session (ShHttpClient         *self);

/* Signal "replied" (const ShHttpReply *reply): each answer that came
 * (status not 0), before the caller gets it; for headers a provider notes
 * on every answer, whoever asked. */

/* GET @path (below the base address, query included) with @token, if not
 * NULL, in the Authorization header. */
void          sh_http_client_get_async   (ShHttpClient         *self,
                                          const char           *path,
                                          const char           *token,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
/* POST @path with an urlencoded @form (tokens travel in the body). */
void          sh_http_client_post_async  (ShHttpClient         *self,
                                          const char           *path,
                                          GHashTable           *form,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
/* Never fails: a transport error is in the reply. */
ShHttpReply  *sh_http_client_finish      (ShHttpClient         *self,
                                          GAsyncResult         *result);

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
