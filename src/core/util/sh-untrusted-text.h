/* sh-untrusted-text.h — text from a network or a file, made safe to show.
 *
 * ARCHITECTURE.md, "Reliability rules": every text that came from a network or a
 * file is untrusted. A Page's name, an account's name or an owner's name can
 * hold terminal escape sequences (ESC ]0; retitles the terminal, ESC [2J
 * clears it), line breaks that forge lines of output, bidi overrides that
 * show "rtl", U+202E, "gnp.exe" as "rtlexe.png", bytes that are not UTF-8, or 300 KB.
 * sh_untrusted_text_sanitize() is the one place that makes such a text fit
 * for a terminal, a notification or a keyring label:
 *
 * - not UTF-8: each byte that is not part of a valid character becomes
 *   U+FFFD (never passed through);
 * - tab, line feed, vertical tab, form feed, carriage return, NEL (U+0085)
 *   and the line and paragraph separators (U+2028, U+2029) become a space:
 *   a name is one line;
 * - the other C0 controls and DEL become their visible Control Pictures
 *   (ESC is "␛", NUL "␀", DEL "␡"), so a person sees that something odd
 *   was there; the other C1 controls (U+0080–U+009F) become U+FFFD;
 * - the bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
 *   U+061C) are removed: the text shows in its own order;
 * - at most @max_chars characters: a longer text keeps @max_chars - 1 of
 *   them and ends with "…".
 *
 * The result is valid UTF-8 with none of those characters, whatever the
 * input (tests/fuzz/fuzz-untrusted-text.c holds it to that). Machine
 * output (--json, the data file) keeps the exact text: only what a person
 * reads goes through here.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Characters of a name where a person reads it: longer than any real Page
 * or account name (Facebook allows 75, X 50), short enough for one line of
 * a terminal or a notification. */
#define SH_UNTRUSTED_TEXT_MAX_CHARS 200

char *sh_untrusted_text_sanitize_full (const char *text,
                                       gssize      length,
                                       guint       max_chars);
/* NULL for NULL; else sanitize_full (text, -1, SH_UNTRUSTED_TEXT_MAX_CHARS). */
char *sh_untrusted_text_sanitize      (const char *text);

G_END_DECLS
