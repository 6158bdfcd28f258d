/* rv-window.c
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

#define G_LOG_DOMAIN "rv-window"

#include "config.h"

#include "rv-window.h"

#include <glib/gi18n.h>

#include "rv-provider.h"
#include "rv-quick-lookup.h"
#include "rv-result.h"
#include "rv-ruc.h"
#include "rv-store.h"

struct _RvWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  /* Opened at the first lookup, kept for the window's life. */
  RvStore              *store;
  /* The lookup in flight, cancelled when the value changes and in dispose. */
  GCancellable         *lookup_cancellable;
  char                 *lookup_value;

  /* Template widgets */
  AdwStatusPage        *status_page;
  AdwEntryRow          *check_row;
  AdwActionRow         *check_result_row;
  GtkImage             *check_result_icon;
  GtkSpinner           *lookup_spinner;
  GtkButton            *lookup_button;
  AdwPreferencesGroup  *taxpayer_group;
  AdwActionRow         *name_row;
  AdwActionRow         *state_row;
  AdwActionRow         *condition_row;
  AdwActionRow         *address_row;
  AdwActionRow         *ubigeo_row;
  AdwActionRow         *as_of_row;
  AdwActionRow         *checked_at_row;
  AdwActionRow         *source_row;
};

G_DEFINE_FINAL_TYPE (RvWindow, rv_window, ADW_TYPE_APPLICATION_WINDOW)

static void
set_result (RvWindow   *self,
            const char *icon_name,
            const char *style_class,
            const char *title,
            const char *subtitle)
{
  static const char *classes[] = { "success", "warning", "error", "accent", "dim-label", NULL };

  for (guint i = 0; classes[i] != NULL; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->check_result_icon), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->check_result_icon), style_class);
  gtk_image_set_from_icon_name (self->check_result_icon, icon_name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->check_result_row), title);
  adw_action_row_set_subtitle (self->check_result_row, subtitle);
}

static void
set_lookup_running (RvWindow *self,
                    gboolean  running)
{
  gtk_widget_set_visible (GTK_WIDGET (self->lookup_spinner), running);
  gtk_spinner_set_spinning (self->lookup_spinner, running);
}

/* Forgets the lookup in flight: its answer, if it comes, is not shown. */
static void
cancel_lookup (RvWindow *self)
{
  if (self->lookup_cancellable != NULL)
    g_cancellable_cancel (self->lookup_cancellable);
  g_clear_object (&self->lookup_cancellable);
  g_clear_pointer (&self->lookup_value, g_free);
  set_lookup_running (self, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->taxpayer_group), FALSE);
}

static void
set_property_row (AdwActionRow *row,
                  const char   *text)
{
  gtk_widget_set_visible (GTK_WIDGET (row), text != NULL && text[0] != 0);
  adw_action_row_set_subtitle (row, text != NULL ? text : "");
}

static void
set_column_row (AdwActionRow   *row,
                const RvResult *result,
                RvResultColumn  column)
{
  g_autofree char *text = rv_result_dup_column_text (result, column);

  set_property_row (row, text);
}

/* Frames during which a card just shown is kept in view while its rows settle. */
#define REVEAL_FRAMES 12

/* Scrolls the page so that @widget, just shown, is whole in view (its top first when it
 * is taller than the page). Ticks come before a frame's layout, and the card's rows take
 * a few frames to settle: it is done again on each of the first frames. */
static gboolean
reveal_card_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  guint frames = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (widget), "rv-reveal-frames"));
  gboolean again = frames + 1 < REVEAL_FRAMES && gtk_widget_get_visible (widget);
  GtkAdjustment *adjustment;
  graphene_point_t top;
  double bottom, page;

  g_object_set_data (G_OBJECT (widget), "rv-reveal-frames",
                     GUINT_TO_POINTER (again ? frames + 1 : 0));
  if (scrolled == NULL || gtk_widget_get_height (widget) == 0)
    return again ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;

  /* Where the card is in what the page shows now. */
  if (!gtk_widget_compute_point (widget, scrolled, &GRAPHENE_POINT_INIT (0, 0), &top))
    return again ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;

  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  page = gtk_widget_get_height (scrolled);
  bottom = top.y + gtk_widget_get_height (widget);
  if (bottom > page)
    gtk_adjustment_set_value (adjustment,
                              gtk_adjustment_get_value (adjustment) + MIN (top.y, bottom - page));

  return again ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
show_result (RvWindow       *self,
             const RvResult *result)
{
  static const struct {
    const char *icon_name;
    const char *style_class;
  } looks[] = {
    [RV_VERDICT_VALID] = { "emblem-ok-symbolic", "success" },
    [RV_VERDICT_OBSERVED] = { "dialog-warning-symbolic", "warning" },
    [RV_VERDICT_NOT_FOUND] = { "edit-find-symbolic", "error" },
    [RV_VERDICT_INVALID] = { "dialog-error-symbolic", "error" },
    [RV_VERDICT_PENDING] = { "content-loading-symbolic", "dim-label" },
  };
  RvVerdict verdict = rv_result_get_verdict (result);
  g_autofree char *ruc = rv_result_dup_column_text (result, RV_RESULT_COLUMN_RUC);
  g_autofree char *reason = rv_result_dup_column_text (result, RV_RESULT_COLUMN_REASON);
  g_autofree char *title = NULL;
  g_autofree char *checked_at = NULL;
  g_autofree char *source = NULL;

  g_assert (verdict < G_N_ELEMENTS (looks));

  /* Translators: the title of a looked-up value: a RUC, then its verdict ("Valid"…). */
  title = g_strdup_printf (_("%s: %s"), ruc, rv_verdict_get_label (verdict));
  set_result (self, looks[verdict].icon_name, looks[verdict].style_class, title, reason);

  /* An offline verdict has no card: the row above says it all. */
  if (verdict == RV_VERDICT_INVALID)
    return;

  set_column_row (self->name_row, result, RV_RESULT_COLUMN_NAME);
  set_column_row (self->state_row, result, RV_RESULT_COLUMN_STATE);
  set_column_row (self->condition_row, result, RV_RESULT_COLUMN_CONDITION);
  set_column_row (self->address_row, result, RV_RESULT_COLUMN_ADDRESS);
  set_column_row (self->ubigeo_row, result, RV_RESULT_COLUMN_UBIGEO);
  set_column_row (self->as_of_row, result, RV_RESULT_COLUMN_AS_OF);
  set_column_row (self->checked_at_row, result, RV_RESULT_COLUMN_CHECKED_AT);

  checked_at = rv_result_dup_column_text (result, RV_RESULT_COLUMN_CHECKED_AT);
  switch (rv_result_get_source (result))
    {
    case RV_SOURCE_API:
      source = g_strdup (_("From APIMIGO, just now"));
      break;
    case RV_SOURCE_CACHE:
      /* Translators: %s is a date and time, "2026-01-31 10:20:00". */
      source = g_strdup_printf (_("From the database, checked %s"), checked_at);
      break;
    case RV_SOURCE_PADRON:
      source = g_strdup (_("From SUNAT’s padrón"));
      break;
    case RV_SOURCE_OFFLINE:
      source = g_strdup (_("Not checked online"));
      break;
    case RV_SOURCE_NONE:
    default:
      break;
    }
  set_property_row (self->source_row, source);
  gtk_widget_set_visible (GTK_WIDGET (self->taxpayer_group), TRUE);
  /* Once it has a place on screen, bring the card into view: it opens below the fold. */
  gtk_widget_add_tick_callback (GTK_WIDGET (self->taxpayer_group), reveal_card_cb, NULL, NULL);
}

static void
show_error (RvWindow   *self,
            const char *message)
{
  set_result (self, "dialog-error-symbolic", "error", self->lookup_value, message);
}

static void
on_token_dialog_response_cb (RvWindow   *self,
                             const char *response)
{
  g_assert (RV_IS_WINDOW (self));

  if (g_strcmp0 (response, "preferences") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "app.preferences", NULL);
}

static void
show_token_rejected (RvWindow *self)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("The API token was rejected"),
                                                       _("APIMIGO did not accept the saved API token. "
                                                         "Check it, or paste a new one, in Preferences.")));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "close", _("_Close"),
                                    "preferences", _("Open _Preferences"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "preferences", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "preferences");
  adw_message_dialog_set_close_response (dialog, "close");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_token_dialog_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_lookup_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(RvWindow) self = user_data;
  g_autoptr(RvResult) lookup_result = NULL;
  g_autoptr(GError) error = NULL;

  lookup_result = rv_quick_lookup_finish (result, &error);

  /* A newer value, or a closed window: this answer is stale. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_lookup_running (self, FALSE);

  if (lookup_result != NULL)
    show_result (self, lookup_result);
  else if (g_error_matches (error, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_AUTHENTICATION))
    {
      show_error (self, _("Not checked: the API token was refused"));
      show_token_rejected (self);
    }
  else
    show_error (self, error->message);
}

static void
start_lookup (RvWindow *self)
{
  rv_quick_lookup_async (self->store, self->settings, self->lookup_value,
                         self->lookup_cancellable, on_lookup_done_cb, g_object_ref (self));
}

static void
on_store_opened_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(RvWindow) self = user_data;
  g_autoptr(RvStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = rv_store_new_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (self->store == NULL && store != NULL)
    self->store = g_steal_pointer (&store);

  /* The value changed while the database opened: a newer lookup takes over. */
  if (self->lookup_cancellable == NULL || g_cancellable_is_cancelled (self->lookup_cancellable))
    return;

  if (self->store == NULL)
    {
      set_lookup_running (self, FALSE);
      show_error (self, error->message);
      return;
    }

  start_lookup (self);
}

static void
on_check_changed_cb (RvWindow    *self,
                     GtkEditable *editable)
{
  const char *text;
  RvRucParse parse;
  g_autofree char *reason = NULL;
  g_autofree char *subtitle = NULL;

  g_assert (RV_IS_WINDOW (self));

  cancel_lookup (self);

  text = gtk_editable_get_text (editable);
  rv_ruc_parse (text, &parse);
  gtk_widget_set_sensitive (GTK_WIDGET (self->lookup_button), parse.kind != RV_ID_KIND_NONE);
  gtk_widget_set_visible (GTK_WIDGET (self->check_result_row),
                          parse.reason != RV_RUC_REASON_EMPTY);
  if (parse.reason == RV_RUC_REASON_EMPTY)
    return;

  reason = rv_ruc_parse_dup_reason (&parse);

  switch (parse.kind)
    {
    case RV_ID_KIND_RUC:
      set_result (self, "emblem-ok-symbolic", "success", parse.value, reason);
      break;

    case RV_ID_KIND_DNI:
      {
        char ruc[12];

        rv_ruc_from_dni (parse.value, ruc);
        /* Translators: the first %s is a sentence about the DNI, the second a RUC number. */
        subtitle = g_strdup_printf (_("%s. As a taxpayer, this person’s RUC would be %s."),
                                    reason, ruc);
        set_result (self, "contact-new-symbolic", "accent", parse.value, subtitle);
      }
      break;

    case RV_ID_KIND_NONE:
    default:
      if (parse.suggestion[0] != 0)
        /* Translators: the first %s is the reason, the second the corrected RUC. */
        subtitle = g_strdup_printf (_("%s. Did you mean %s?"), reason, parse.suggestion);
      set_result (self, "dialog-error-symbolic", "error",
                  parse.value[0] != 0 ? parse.value : text,
                  subtitle != NULL ? subtitle : reason);
      break;
    }
}

static void
on_lookup_cb (RvWindow *self)
{
  const char *text;
  RvRucParse parse;

  g_assert (RV_IS_WINDOW (self));

  text = gtk_editable_get_text (GTK_EDITABLE (self->check_row));
  rv_ruc_parse (text, &parse);

  /* A malformed value never leaves the machine: the row already shows why. */
  if (parse.kind == RV_ID_KIND_NONE)
    return;

  cancel_lookup (self);
  self->lookup_cancellable = g_cancellable_new ();
  self->lookup_value = g_strdup (text);
  set_lookup_running (self, TRUE);

  if (self->store != NULL)
    {
      start_lookup (self);
    }
  else
    {
      g_autofree char *path = rv_store_dup_default_path ();

      rv_store_new_async (path, self->lookup_cancellable, on_store_opened_cb, g_object_ref (self));
    }
}

static void
lookup_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RvWindow *self = RV_WINDOW (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->check_row));
}

static void
rv_window_constructed (GObject *object)
{
  RvWindow *self = (RvWindow *)object;

  G_OBJECT_CLASS (rv_window_parent_class)->constructed (object);

  adw_status_page_set_icon_name (self->status_page, APP_ID);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row),
                                 rv_result_column_get_title (RV_RESULT_COLUMN_NAME));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->state_row),
                                 rv_result_column_get_title (RV_RESULT_COLUMN_STATE));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->condition_row),
                                 rv_result_column_get_title (RV_RESULT_COLUMN_CONDITION));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->address_row),
                                 rv_result_column_get_title (RV_RESULT_COLUMN_ADDRESS));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->ubigeo_row),
                                 rv_result_column_get_title (RV_RESULT_COLUMN_UBIGEO));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->as_of_row),
                                 rv_result_column_get_title (RV_RESULT_COLUMN_AS_OF));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->checked_at_row),
                                 rv_result_column_get_title (RV_RESULT_COLUMN_CHECKED_AT));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->source_row),
                                 rv_result_column_get_title (RV_RESULT_COLUMN_SOURCE));

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
}

static void
rv_window_dispose (GObject *object)
{
  RvWindow *self = (RvWindow *)object;

  if (self->lookup_cancellable != NULL)
    g_cancellable_cancel (self->lookup_cancellable);
  g_clear_object (&self->lookup_cancellable);
  g_clear_pointer (&self->lookup_value, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), RV_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (rv_window_parent_class)->dispose (object);
}

static void
rv_window_class_init (RvWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rv_window_constructed;
  object_class->dispose = rv_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/rv-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RvWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, check_row);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, check_result_row);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, check_result_icon);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, lookup_spinner);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, lookup_button);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, taxpayer_group);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, state_row);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, condition_row);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, address_row);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, ubigeo_row);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, as_of_row);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, checked_at_row);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, source_row);
  gtk_widget_class_bind_template_callback (widget_class, on_check_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_lookup_cb);

  /* Ctrl+F and Ctrl+L: set as the application's accelerators, listed in the shortcuts window. */
  gtk_widget_class_install_action (widget_class, "win.lookup", NULL, lookup_action);
}

static void
rv_window_init (RvWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new ("io.github.rucvalidator.RucValidator");
}

/**
 * rv_window_new:
 * @application: the application
 *
 * Returns: (transfer full): a new main window
 */
RvWindow *
rv_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (RV_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
