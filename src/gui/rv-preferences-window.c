/* rv-preferences-window.c
 *
 * Copyright 2026 The RUC Validator authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 * along with this program.  If not, see <http://www.gnu.org/licenses/>.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rv-preferences-window"

#include "config.h"

#include "rv-preferences-window.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rv-store.h"
#include "rv-token.h"

struct _RvPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GCancellable         *cancellable;

  /* Template widgets */
  AdwComboRow          *provider_row;
  AdwPasswordEntryRow  *token_row;
  AdwActionRow         *token_saved_row;
  GtkButton            *token_remove_button;
  GtkSpinButton        *concurrency_spin;
  GtkSpinButton        *rate_spin;
  GtkSpinButton        *timeout_spin;
  GtkSpinButton        *max_age_found_spin;
  GtkSpinButton        *max_age_not_found_spin;
  AdwEntryRow          *base_url_row;
};

G_DEFINE_FINAL_TYPE (RvPreferencesWindow, rv_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The choices of the Source row, in its order. The padrón is not offered until it can be
 * loaded; a setting that holds it shows as Automatic, which uses the padrón when there is one.
 */
static const char * const provider_ids[] = { "auto", "migo", "offline" };

/* The provider id of the keyring item that holds the APIMIGO token. */
#define TOKEN_PROVIDER_ID "migo"

static void
show_toast (RvPreferencesWindow *self,
            const char          *title)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (title));
}

static void
set_token_saved (RvPreferencesWindow *self,
                 gboolean             saved)
{
  gtk_widget_set_visible (GTK_WIDGET (self->token_saved_row), saved);
  gtk_widget_set_sensitive (GTK_WIDGET (self->token_remove_button), saved);
}

static gboolean
provider_get_mapping (GValue   *value,
                      GVariant *variant,
                      gpointer  user_data)
{
  const char *id = g_variant_get_string (variant, NULL);

  g_value_set_uint (value, 0);
  for (guint i = 0; i < G_N_ELEMENTS (provider_ids); i++)
    if (g_str_equal (id, provider_ids[i]))
      g_value_set_uint (value, i);

  return TRUE;
}

static GVariant *
provider_set_mapping (const GValue       *value,
                      const GVariantType *expected_type,
                      gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (provider_ids))
    return NULL;

  return g_variant_new_string (provider_ids[selected]);
}

static gboolean
is_acceptable_base_url (const char *text)
{
  return text[0] == '\0' ||
         g_str_has_prefix (text, "https://") ||
         g_str_has_prefix (text, "http://");
}

static void
token_lookup_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(RvPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  token = rv_token_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    {
      g_debug ("%s", error->message);
      show_toast (self, _("The keyring cannot be reached, so no token can be saved."));
      set_token_saved (self, FALSE);
      return;
    }

  /* Only whether there is one: the token itself is never shown. */
  set_token_saved (self, token != NULL);
  if (token != NULL)
    memset (token, 0, strlen (token));
}

static void
token_store_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(RvPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!rv_token_store_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("%s", error->message);
      show_toast (self, _("The token could not be saved: the keyring cannot be reached."));
      return;
    }

  set_token_saved (self, TRUE);
  show_toast (self, _("Token saved in the keyring"));
}

static void
token_clear_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(RvPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!rv_token_clear_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("%s", error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->token_remove_button), TRUE);
      show_toast (self, _("The token could not be removed: the keyring cannot be reached."));
      return;
    }

  set_token_saved (self, FALSE);
  show_toast (self, _("Token removed from the keyring"));
}

static void
on_token_apply_cb (RvPreferencesWindow *self)
{
  g_autofree char *token = NULL;

  g_assert (RV_IS_PREFERENCES_WINDOW (self));

  token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));
  /* The entry forgets the token at once: it lives on only in the keyring. */
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");

  if (token[0] == '\0')
    return;

  rv_token_store_async (TOKEN_PROVIDER_ID, token, self->cancellable, token_store_cb,
                        g_object_ref (self));
  memset (token, 0, strlen (token));
}

static void
on_token_remove_clicked_cb (RvPreferencesWindow *self)
{
  g_assert (RV_IS_PREFERENCES_WINDOW (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->token_remove_button), FALSE);
  rv_token_clear_async (TOKEN_PROVIDER_ID, self->cancellable, token_clear_cb,
                        g_object_ref (self));
}

static void
clear_cache (RvPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RvStore) store = NULL;
  g_autofree char *path = rv_store_dup_default_path ();
  g_autofree char *message = NULL;
  gint64 count;

  /* One DELETE on a local file: quick enough for the main thread. */
  store = rv_store_new (path, &error);
  if (store != NULL && (count = rv_store_count_records (store, &error)) >= 0 &&
      rv_store_clear_records (store, &error))
    {
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Cache cleared: %u answer removed",
                                              "Cache cleared: %u answers removed",
                                              (gulong) count),
                                 (guint) count);
      show_toast (self, message);
      return;
    }

  g_assert (error != NULL);
  message = g_strdup_printf (_("The cache could not be cleared: %s"), error->message);
  show_toast (self, message);
}

static void
on_clear_cache_response_cb (RvPreferencesWindow *self,
                            const char          *response)
{
  g_assert (RV_IS_PREFERENCES_WINDOW (self));

  if (g_strcmp0 (response, "clear") == 0)
    clear_cache (self);
}

static void
on_clear_cache_clicked_cb (RvPreferencesWindow *self)
{
  GtkWidget *dialog;

  g_assert (RV_IS_PREFERENCES_WINDOW (self));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Clear the Cache?"),
                                   _("Every answer saved will be asked again on the next run."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "clear", _("C_lear"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "clear",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_clear_cache_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_base_url_apply_cb (RvPreferencesWindow *self)
{
  g_autofree char *text = NULL;

  g_assert (RV_IS_PREFERENCES_WINDOW (self));

  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->base_url_row))));
  if (!is_acceptable_base_url (text))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->base_url_row), "error");
      show_toast (self, _("The address must start with https:// or http://"));
      return;
    }

  g_settings_set_string (self->settings, "base-url", text);
}

static void
on_base_url_changed_cb (RvPreferencesWindow *self)
{
  g_assert (RV_IS_PREFERENCES_WINDOW (self));

  gtk_widget_remove_css_class (GTK_WIDGET (self->base_url_row), "error");
}

static void
on_base_url_setting_changed_cb (RvPreferencesWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "base-url");

  g_assert (RV_IS_PREFERENCES_WINDOW (self));

  if (g_strcmp0 (url, gtk_editable_get_text (GTK_EDITABLE (self->base_url_row))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->base_url_row), url);
}

static void
rv_preferences_window_dispose (GObject *object)
{
  RvPreferencesWindow *self = RV_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RV_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (rv_preferences_window_parent_class)->dispose (object);
}

static void
rv_preferences_window_finalize (GObject *object)
{
  RvPreferencesWindow *self = RV_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (rv_preferences_window_parent_class)->finalize (object);
}

static void
rv_preferences_window_class_init (RvPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rv_preferences_window_dispose;
  object_class->finalize = rv_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH
                                               "/rv-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RvPreferencesWindow, provider_row);
  gtk_widget_class_bind_template_child (widget_class, RvPreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, RvPreferencesWindow, token_saved_row);
  gtk_widget_class_bind_template_child (widget_class, RvPreferencesWindow, token_remove_button);
  gtk_widget_class_bind_template_child (widget_class, RvPreferencesWindow, concurrency_spin);
  gtk_widget_class_bind_template_child (widget_class, RvPreferencesWindow, rate_spin);
  gtk_widget_class_bind_template_child (widget_class, RvPreferencesWindow, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, RvPreferencesWindow, max_age_found_spin);
  gtk_widget_class_bind_template_child (widget_class, RvPreferencesWindow,
                                        max_age_not_found_spin);
  gtk_widget_class_bind_template_child (widget_class, RvPreferencesWindow, base_url_row);
  gtk_widget_class_bind_template_callback (widget_class, on_token_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_token_remove_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_cache_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_base_url_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_base_url_changed_cb);
}

static void
rv_preferences_window_init (RvPreferencesWindow *self)
{
  static const struct {
    const char *key;
    gsize       offset;
  } spins[] = {
    { "concurrency", G_STRUCT_OFFSET (RvPreferencesWindow, concurrency_spin) },
    { "rate", G_STRUCT_OFFSET (RvPreferencesWindow, rate_spin) },
    { "timeout", G_STRUCT_OFFSET (RvPreferencesWindow, timeout_spin) },
    { "cache-max-age-found", G_STRUCT_OFFSET (RvPreferencesWindow, max_age_found_spin) },
    { "cache-max-age-not-found", G_STRUCT_OFFSET (RvPreferencesWindow, max_age_not_found_spin) },
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new ("io.github.rucvalidator.RucValidator");
  self->cancellable = g_cancellable_new ();

  /* GSettings maps the spin buttons' doubles to the uint keys and back. */
  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    g_settings_bind (self->settings, spins[i].key,
                     G_STRUCT_MEMBER (GtkSpinButton *, self, spins[i].offset), "value",
                     G_SETTINGS_BIND_DEFAULT);

  g_settings_bind_with_mapping (self->settings, "provider", self->provider_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                provider_get_mapping, provider_set_mapping, NULL, NULL);

  /* The address is saved on apply only, once checked: no binding. */
  g_signal_connect_object (self->settings, "changed::base-url",
                           G_CALLBACK (on_base_url_setting_changed_cb), self,
                           G_CONNECT_SWAPPED);
  on_base_url_setting_changed_cb (self);

  set_token_saved (self, FALSE);
  rv_token_lookup_async (TOKEN_PROVIDER_ID, self->cancellable, token_lookup_cb,
                         g_object_ref (self));
}

/**
 * rv_preferences_window_new:
 * @parent: (nullable): the window it belongs to
 *
 * Returns: (transfer none): a new preferences window, modal for @parent; GTK owns it
 */
RvPreferencesWindow *
rv_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (RV_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
}
