/* sh-x-loopback-request.h — reads the head of a request to the sign-in
 * loopback server, and judges it. Pure functions: no sockets, no GObject,
 * so that the fuzz target (tests/fuzz/fuzz-x-loopback-request.c) calls
 * exactly what the server calls.
 *
 * The server reads at most SH_X_LOOPBACK_MAX_HEAD bytes and never a body:
 * the browser's redirect is a GET whose whole answer is in its address.
 * sh_x_loopback_request_parse() says whether the bytes read so far hold a
 * whole head (request line and headers up to the empty line), need more,
 * are too long, or are not HTTP/1.x. sh_x_loopback_request_judge() then
 * says what to answer: only a GET of /callback, without a body, whose Host
 * is 127.0.0.1:PORT or localhost:PORT (a page on another name that resolves
 * to 127.0.0.1 — DNS rebinding — sends its own name) is a callback.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Request line and headers, the empty line included. */
#define SH_X_LOOPBACK_MAX_HEAD 8192

typedef enum {
  SH_X_LOOPBACK_HEAD_COMPLETE,    /* *out is filled */
  SH_X_LOOPBACK_HEAD_INCOMPLETE,  /* no empty line yet, and less than the limit */
  SH_X_LOOPBACK_HEAD_TOO_LARGE,   /* no empty line within SH_X_LOOPBACK_MAX_HEAD */
  SH_X_LOOPBACK_HEAD_MALFORMED,   /* not an HTTP/1.0 or 1.1 request head */
} ShXLoopbackHead;

typedef struct {
  char     *method;      /* a token: "GET", "POST", … */
  char     *path;        /* starts with '/', no query; still %-encoded */
  char     *query;       /* after the '?', still %-encoded; NULL without one */
  char     *host;        /* the one Host header's value, or NULL */
  gboolean  has_body;    /* a Transfer-Encoding or a Content-Length not 0 */
  gsize     head_length; /* bytes of the head, its empty line included */
} ShXLoopbackRequest;

/* @data need not be NUL-terminated and may hold more than the head (the
 * start of a body): only the head is read, and at most
 * SH_X_LOOPBACK_MAX_HEAD bytes of @data are looked at. @out is zeroed
 * unless the head is complete; clear it with sh_x_loopback_request_clear(). */
ShXLoopbackHead sh_x_loopback_request_parse (const char         *data,
                                             gsize               length,
                                             ShXLoopbackRequest *out);
void            sh_x_loopback_request_clear (ShXLoopbackRequest *request);

typedef enum {
  SH_X_LOOPBACK_CALLBACK,     /* GET /callback from our own address: judge its query */
  SH_X_LOOPBACK_WRONG_HOST,   /* 421: no Host, or not 127.0.0.1:PORT / localhost:PORT */
  SH_X_LOOPBACK_HAS_BODY,     /* 413: this server reads no body */
  SH_X_LOOPBACK_WRONG_METHOD, /* 405: anything but GET */
  SH_X_LOOPBACK_NOT_FOUND,    /* 404: any other path */
} ShXLoopbackVerdict;

/* In this order: the host first, so that a page on another name learns
 * nothing about this server. */
ShXLoopbackVerdict sh_x_loopback_request_judge (const ShXLoopbackRequest *request,
                                                guint                     port);

G_END_DECLS
