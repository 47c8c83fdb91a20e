/* sh-picture-cache.h — Page and account pictures: fetched when a row first
 * shows them, kept on disk, shared by every row. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Pictures are small; anything bigger is not one. */
#define SH_PICTURE_MAX_BYTES (1024 * 1024)
/* Pixels across or down: more is refused before it is decoded. */
#define SH_PICTURE_MAX_SIDE  1024

#define SH_TYPE_PICTURE_CACHE (sh_picture_cache_get_type ())
G_DECLARE_FINAL_TYPE (ShPictureCache, sh_picture_cache, SH, PICTURE_CACHE, GObject)

ShPictureCache *sh_picture_cache_new     (const char     *directory);
GdkPaintable   *sh_picture_cache_lookup  (ShPictureCache *self,
                                          const char     *url);

G_END_DECLS
