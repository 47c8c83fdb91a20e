/* sh-qr-code.c — a QR code drawn as crisp squares on white.
 *
 * libqrencode makes the matrix; the snapshot draws each row's runs of dark
 * modules as rectangles of a whole number of pixels, inside a quiet zone of
 * four modules. The code is always dark on white, whatever the style: phone
 * cameras read light-on-dark codes badly, and a white card reads well in
 * the dark style too.
 */
#include "config.h"

#include <errno.h>
#include <qrencode.h>

#include "sh-qr-code.h"

#define QUIET_ZONE     4   /* modules, as the QR specification asks */
#define NATURAL_SIZE 196   /* pixels */
#define MINIMUM_SIZE 132

struct _ShQrCode
{
  GtkWidget  parent_instance;

  char      *text;
  QRcode    *code;
};

G_DEFINE_FINAL_TYPE (ShQrCode, sh_qr_code, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sh_qr_code_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  *minimum = MINIMUM_SIZE;
  *natural = NATURAL_SIZE;
}

static void
sh_qr_code_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  ShQrCode *self = SH_QR_CODE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int side = MIN (width, height);
  int modules, module, x0, y0;
  GdkRGBA white = { 1, 1, 1, 1 };
  GdkRGBA black = { 0, 0, 0, 1 };

  if (self->code == NULL || side <= 0)
    return;

  modules = self->code->width + 2 * QUIET_ZONE;
  module = MAX (side / modules, 1);
  /* Centred on whole pixels, so that no edge falls between two. */
  x0 = (width - module * modules) / 2;
  y0 = (height - module * modules) / 2;

  gtk_snapshot_append_color (snapshot, &white,
                             &GRAPHENE_RECT_INIT (x0, y0, module * modules, module * modules));

  for (int y = 0; y < self->code->width; y++)
    {
      const unsigned char *row = self->code->data + y * self->code->width;
      int x = 0;

      while (x < self->code->width)
        {
          int start;

          /* Bit 0 of each byte is the module's colour (1 = dark). */
          if (!(row[x] & 1))
            {
              x++;
              continue;
            }
          start = x;
          while (x < self->code->width && (row[x] & 1))
            x++;
          gtk_snapshot_append_color (snapshot, &black,
                                     &GRAPHENE_RECT_INIT (x0 + (QUIET_ZONE + start) * module,
                                                          y0 + (QUIET_ZONE + y) * module,
                                                          (x - start) * module,
                                                          module));
        }
    }
}

static void
sh_qr_code_finalize (GObject *object)
{
  ShQrCode *self = SH_QR_CODE (object);

  g_clear_pointer (&self->code, QRcode_free);
  g_free (self->text);

  G_OBJECT_CLASS (sh_qr_code_parent_class)->finalize (object);
}

static void
sh_qr_code_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ShQrCode *self = SH_QR_CODE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_qr_code_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  ShQrCode *self = SH_QR_CODE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      sh_qr_code_set_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_qr_code_class_init (ShQrCodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sh_qr_code_finalize;
  object_class->get_property = sh_qr_code_get_property;
  object_class->set_property = sh_qr_code_set_property;
  widget_class->measure = sh_qr_code_measure;
  widget_class->snapshot = sh_qr_code_snapshot;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "qrcode");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sh_qr_code_init (ShQrCode *self)
{
}

GtkWidget *
sh_qr_code_new (void)
{
  return g_object_new (SH_TYPE_QR_CODE, NULL);
}

const char *
sh_qr_code_get_text (ShQrCode *self)
{
  g_return_val_if_fail (SH_IS_QR_CODE (self), NULL);

  return self->text;
}

void
sh_qr_code_set_text (ShQrCode   *self,
                     const char *text)
{
  g_return_if_fail (SH_IS_QR_CODE (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  g_clear_pointer (&self->code, QRcode_free);
  /* Medium error correction: a phone reads it off a screen at an angle. */
  if (text != NULL && *text != '\0')
    {
      self->code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
      if (self->code == NULL)
        g_warning ("Could not make a QR code: %s", g_strerror (errno));
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

int
sh_qr_code_get_size (ShQrCode *self)
{
  g_return_val_if_fail (SH_IS_QR_CODE (self), 0);

  return self->code != NULL ? self->code->width : 0;
}
