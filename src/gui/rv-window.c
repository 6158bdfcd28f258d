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

#include "rv-dark-style.h"
#include "rv-export-dialog.h"
#include "rv-provider.h"
#include "rv-quick-lookup.h"
#include "rv-result.h"
#include "rv-results-view.h"
#include "rv-ruc.h"
#include "rv-session.h"
#include "rv-store.h"

/* Recent spreadsheets shown on the start page. */
#define MAX_RECENT 5

/* While a run answers, the table's filter and sort are applied again at most this often,
 * and less often when it takes longer (REFILTER_COST_FACTOR times what the last one took):
 * 100,000 rows take about half a second. */
#define REFILTER_INTERVAL_MS  250
#define REFILTER_COST_FACTOR  10

struct _RvWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  /* Opened at the first lookup, kept for the window's life. */
  RvStore              *store;
  /* The lookup in flight, cancelled when the value changes and in dispose. */
  GCancellable         *lookup_cancellable;
  char                 *lookup_value;

  /* The open file, from reading it to exporting it. */
  RvSession            *session;
  GSignalGroup         *batch_signals;
  GFile                *pending_open;   /* to open once the user agreed to stop a run */
  GtkFileChooserNative *chooser;
  GtkLabel             *counter_labels[RV_N_VERDICTS];
  gboolean              updating_choices;
  guint                 refilter_id;
  gint64                refilter_cost_us;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkButton            *export_button;
  GtkRevealer          *unavailable_revealer;
  GtkLabel             *unavailable_label;
  GtkStack             *stack;
  AdwPreferencesGroup  *recent_group;
  GtkListBox           *recent_list;
  AdwStatusPage        *loading_page;
  GtkProgressBar       *load_progress;
  GtkStack             *top_stack;
  AdwComboRow          *sheet_row;
  AdwComboRow          *column_row;
  GtkLabel             *preflight_label;
  GtkButton            *start_button;
  GtkLabel             *run_title;
  GtkLabel             *run_detail;
  GtkButton            *pause_button;
  GtkButton            *stop_button;
  GtkButton            *retry_button;
  GtkProgressBar       *run_progress;
  GtkFlowBox           *counters_box;
  GtkSearchEntry       *search_entry;
  GtkDropDown          *filter_dropdown;
  GtkLabel             *shown_label;
  RvResultsView        *results_view;
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

/* "about 30 s", "about 4 min", "about 2 h 10 min": how long something will take. */
static char *
format_estimate (guint seconds)
{
  if (seconds < 60)
    /* Translators: how long a run will take, in seconds. */
    return g_strdup_printf (_("about %u s"), MAX (seconds, 1));
  if (seconds < 3600)
    /* Translators: how long a run will take, in minutes. */
    return g_strdup_printf (_("about %u min"), (seconds + 30) / 60);
  /* Translators: how long a run will take, in hours and minutes. */
  return g_strdup_printf (_("about %u h %u min"), seconds / 3600, (seconds % 3600) / 60);
}

static const char *
verdict_style (RvVerdict verdict)
{
  static const char *styles[] = {
    [RV_VERDICT_VALID] = "verdict-valid",
    [RV_VERDICT_OBSERVED] = "verdict-observed",
    [RV_VERDICT_NOT_FOUND] = "verdict-not-found",
    [RV_VERDICT_INVALID] = "verdict-invalid",
    [RV_VERDICT_PENDING] = "verdict-pending",
  };

  g_assert (verdict < G_N_ELEMENTS (styles));
  return styles[verdict];
}

static void
show_toast (RvWindow   *self,
            const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
show_message (RvWindow   *self,
              const char *heading,
              const char *body)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static int
compare_recent (gconstpointer a,
                gconstpointer b)
{
  GDateTime *time_a = gtk_recent_info_get_modified ((GtkRecentInfo *) a);
  GDateTime *time_b = gtk_recent_info_get_modified ((GtkRecentInfo *) b);

  /* Newest first. */
  return g_date_time_compare (time_b, time_a);
}

/* The recent spreadsheets this application opened, newest first, that still exist. */
static void
update_recent (RvWindow *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  g_autolist(GtkRecentInfo) items = NULL;
  const char *app_name = g_get_application_name ();
  GtkWidget *child;
  guint n = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  items = gtk_recent_manager_get_items (manager);
  items = g_list_sort (items, compare_recent);
  for (GList *l = items; l != NULL && n < MAX_RECENT; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      g_autoptr(GFile) file = NULL;
      g_autoptr(GFile) parent = NULL;
      g_autofree char *folder = NULL;
      GtkWidget *row;

      if (app_name == NULL || !gtk_recent_info_has_application (info, app_name) ||
          !gtk_recent_info_is_local (info) || !gtk_recent_info_exists (info))
        continue;

      file = g_file_new_for_uri (gtk_recent_info_get_uri (info));
      parent = g_file_get_parent (file);
      folder = parent != NULL ? g_file_get_parse_name (parent) : NULL;

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     gtk_recent_info_get_display_name (info));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      if (folder != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), folder);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("x-office-spreadsheet-symbolic"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.open-file");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", gtk_recent_info_get_uri (info));
      gtk_list_box_append (self->recent_list, row);
      n++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->recent_group), n > 0);
}

static void
add_recent (RvWindow *self,
            GFile    *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *content_type = g_content_type_guess (name, NULL, 0, NULL);
  g_autofree char *mime_type = g_content_type_get_mime_type (content_type);
  GtkRecentData data = {
    .display_name = NULL,
    .mime_type = mime_type != NULL ? mime_type : (char *) "application/octet-stream",
    .app_name = (char *) g_get_application_name (),
    .app_exec = (char *) "ruc-validator %f",
  };

  if (data.app_name != NULL)
    gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static void
update_title (RvWindow *self)
{
  GFile *file = rv_session_get_file (self->session);
  RvWorkbook *workbook = rv_session_get_workbook (self->session);
  int column = rv_session_get_column (self->session);
  g_autofree char *name = NULL;
  g_autofree char *subtitle = NULL;

  if (file == NULL)
    {
      adw_window_title_set_title (self->window_title, _("RUC Validator"));
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), _("RUC Validator"));
      return;
    }

  name = g_file_get_basename (file);
  {
    g_autofree char *display = g_filename_display_name (name);

    adw_window_title_set_title (self->window_title, display);
    gtk_window_set_title (GTK_WINDOW (self), display);
  }

  if (workbook != NULL && column >= 0)
    {
      RvSheet *sheet = rv_workbook_get_sheet (workbook, rv_session_get_sheet (self->session));
      g_autofree char *label = rv_session_dup_column_label (self->session, (guint) column);

      /* Translators: the window's subtitle: a sheet's name, then the RUC column ("B · RUC"). */
      subtitle = g_strdup_printf (_("%s, column %s"), rv_sheet_get_name (sheet), label);
    }
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

/* Whether the chosen sheet offers a choice of column: a combo row of one item cannot be
 * opened, so "choose" would ask for the impossible. */
static gboolean
has_column_choice (RvWindow *self)
{
  RvColumnGuess *guess = rv_session_get_guess (self->session);

  return guess != NULL && rv_sheet_get_n_columns (rv_column_guess_get_sheet (guess)) > 1;
}

/* What the detection thinks of the chosen column. */
static void
update_column_subtitle (RvWindow *self)
{
  RvColumnGuess *guess = rv_session_get_guess (self->session);
  RvWorkbook *workbook = rv_session_get_workbook (self->session);
  int column = rv_session_get_column (self->session);

  if (guess == NULL)
    return;

  if (column < 0 && has_column_choice (self))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->column_row),
                                 _("No column looks like RUC numbers: choose the one that holds them"));
  else if (column < 0 && rv_workbook_get_n_sheets (workbook) > 1)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->column_row),
                                 _("This sheet has no RUC numbers: choose another sheet"));
  else if (column < 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->column_row),
                                 _("This sheet has no RUC numbers"));
  else if (rv_column_guess_is_ambiguous (guess))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->column_row),
                                 _("Several columns could hold the RUC numbers: check that this is the right one"));
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->column_row), NULL);
}

/* The column choices of the preview: the chosen sheet's columns, the chosen one, and what
 * the detection thinks of it. */
static void
update_column_choices (RvWindow *self)
{
  RvColumnGuess *guess = rv_session_get_guess (self->session);
  g_autoptr(GtkStringList) columns = NULL;
  int column = rv_session_get_column (self->session);
  RvSheet *sheet;
  guint n_columns;

  if (guess == NULL)
    return;

  self->updating_choices = TRUE;

  sheet = rv_column_guess_get_sheet (guess);
  n_columns = rv_sheet_get_n_columns (sheet);
  columns = gtk_string_list_new (NULL);
  for (guint c = 0; c < n_columns; c++)
    {
      g_autofree char *label = rv_session_dup_column_label (self->session, c);

      gtk_string_list_append (columns, label);
    }
  adw_combo_row_set_model (self->column_row, G_LIST_MODEL (columns));
  adw_combo_row_set_selected (self->column_row,
                              column >= 0 ? (guint) column : GTK_INVALID_LIST_POSITION);
  gtk_widget_set_sensitive (GTK_WIDGET (self->column_row), n_columns > 0);

  self->updating_choices = FALSE;

  update_column_subtitle (self);
}

/* The sheet and column choices of the preview of a file just read. */
static void
update_choices (RvWindow *self)
{
  RvWorkbook *workbook = rv_session_get_workbook (self->session);
  g_autoptr(GtkStringList) sheets = NULL;
  guint n_sheets;

  if (workbook == NULL || rv_session_get_guess (self->session) == NULL)
    return;

  self->updating_choices = TRUE;

  n_sheets = rv_workbook_get_n_sheets (workbook);
  sheets = gtk_string_list_new (NULL);
  for (guint i = 0; i < n_sheets; i++)
    gtk_string_list_append (sheets, rv_sheet_get_name (rv_workbook_get_sheet (workbook, i)));
  adw_combo_row_set_model (self->sheet_row, G_LIST_MODEL (sheets));
  adw_combo_row_set_selected (self->sheet_row, rv_session_get_sheet (self->session));
  gtk_widget_set_visible (GTK_WIDGET (self->sheet_row), n_sheets > 1);

  self->updating_choices = FALSE;

  update_column_choices (self);
}

static void
update_preflight (RvWindow *self)
{
  const RvPreflight *pf = rv_session_get_preflight (self->session);
  g_autoptr(GString) text = g_string_new (NULL);

  if (rv_session_get_column (self->session) < 0)
    {
      gtk_label_set_text (self->preflight_label,
                          has_column_choice (self)
                            ? _("Choose the RUC column to see what a check would take.")
                            : _("Nothing to check in this sheet."));
      return;
    }

  /* Translators: the parts of the pre-flight line, joined by " · ": rows of the file. */
  g_string_append_printf (text, ngettext ("%'u row", "%'u rows", pf->rows), pf->rows);
  g_string_append (text, " · ");
  g_string_append_printf (text, ngettext ("%'u unique RUC", "%'u unique RUCs", pf->unique),
                          pf->unique);
  g_string_append (text, " · ");
  g_string_append_printf (text, ngettext ("%'u malformed", "%'u malformed", pf->malformed),
                          pf->malformed);
  g_string_append (text, " · ");
  if (!pf->counted)
    {
      g_string_append (text, _("counting what is already checked…"));
    }
  else
    {
      g_string_append_printf (text, ngettext ("%'u already checked", "%'u already checked",
                                              pf->cached), pf->cached);
      g_string_append (text, " · ");
      if (pf->to_look_up > 0 && pf->seconds == 0)
        g_string_append_printf (text, ngettext ("%'u cannot be looked up online (see Preferences)",
                                                "%'u cannot be looked up online (see Preferences)",
                                                pf->to_look_up), pf->to_look_up);
      else if (pf->to_look_up > 0)
        {
          g_autofree char *estimate = format_estimate (pf->seconds);

          /* Translators: %'u RUCs to look up, then how long it takes ("about 30 s"). */
          g_string_append_printf (text, ngettext ("%'u to look up (%s)", "%'u to look up (%s)",
                                                  pf->to_look_up), pf->to_look_up, estimate);
        }
      else
        g_string_append (text, _("nothing to look up"));
    }

  gtk_label_set_text (self->preflight_label, text->str);
}

static void
update_actions (RvWindow *self)
{
  RvSessionState state = rv_session_get_state (self->session);
  RvBatch *batch = rv_session_get_batch (self->session);
  RvBatchState batch_state = batch != NULL ? rv_batch_get_state (batch) : RV_BATCH_STATE_READY;
  const RvBatchProgress *p = batch != NULL ? rv_batch_get_progress (batch) : NULL;
  gboolean running = state == RV_SESSION_STATE_RUNNING;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-file",
                                 state != RV_SESSION_STATE_EMPTY);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start",
                                 state == RV_SESSION_STATE_PREVIEW && batch != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pause",
                                 running && batch_state == RV_BATCH_STATE_RUNNING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.resume",
                                 running && (batch_state == RV_BATCH_STATE_PAUSED ||
                                             batch_state == RV_BATCH_STATE_UNAVAILABLE));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel",
                                 running || state == RV_SESSION_STATE_LOADING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry",
                                 state == RV_SESSION_STATE_DONE && p != NULL &&
                                 p->counts[RV_VERDICT_PENDING] > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export",
                                 state == RV_SESSION_STATE_DONE && batch != NULL);
}

static void
update_progress (RvWindow *self)
{
  RvSessionState state = rv_session_get_state (self->session);
  RvBatch *batch = rv_session_get_batch (self->session);
  const RvBatchProgress *p;
  RvBatchState batch_state;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  guint pending;

  if (batch == NULL)
    return;

  p = rv_batch_get_progress (batch);
  batch_state = rv_batch_get_state (batch);
  pending = p->counts[RV_VERDICT_PENDING];

  for (guint v = 0; v < RV_N_VERDICTS; v++)
    {
      g_autofree char *count = g_strdup_printf ("%'u", p->counts[v]);

      gtk_label_set_text (self->counter_labels[v], count);
    }

  gtk_progress_bar_set_fraction (self->run_progress,
                                 p->unique > 0 ? (double) p->done / p->unique : 1.0);

  if (state == RV_SESSION_STATE_RUNNING)
    {
      if (batch_state == RV_BATCH_STATE_PAUSED)
        /* Translators: %'u RUCs answered of %'u. */
        title = g_strdup_printf (_("Paused: %'u of %'u RUCs checked"), p->done, p->unique);
      else if (batch_state == RV_BATCH_STATE_UNAVAILABLE)
        title = g_strdup_printf (_("Waiting for the provider: %'u of %'u RUCs checked"),
                                 p->done, p->unique);
      else
        title = g_strdup_printf (_("Checking: %'u of %'u RUCs"), p->done, p->unique);

      if (batch_state == RV_BATCH_STATE_RUNNING && p->rate > 0 && p->eta_us > 0)
        {
          g_autofree char *left = format_estimate ((guint) (p->eta_us / G_USEC_PER_SEC));

          /* Translators: requests a second, then the time left ("about 30 s"). */
          detail = g_strdup_printf (_("%.1f a second · %s left"), p->rate, left);
        }
      else if (batch_state == RV_BATCH_STATE_RUNNING)
        detail = g_strdup (_("Starting…"));
    }
  else if (pending > 0)
    /* Translators: %'u RUCs answered of %'u, then how many are pending. */
    title = g_strdup_printf (ngettext ("Checked %'u of %'u RUCs: %'u is pending",
                                       "Checked %'u of %'u RUCs: %'u are pending", pending),
                             p->unique - pending, p->unique, pending);
  else
    title = g_strdup_printf (ngettext ("All %'u RUC checked", "All %'u RUCs checked", p->unique),
                             p->unique);

  if (detail == NULL)
    /* Translators: where the answers came from: the database, then the provider. */
    detail = g_strdup_printf (_("%'u from the database · %'u requests to %s"),
                              p->cache_hits, p->requests,
                              rv_session_get_provider_name (self->session) != NULL
                                ? rv_session_get_provider_name (self->session) : "APIMIGO");

  gtk_label_set_text (self->run_title, title);
  gtk_label_set_text (self->run_detail, detail);

  /* One button for pause and resume; stop while running; retry after. */
  if (batch_state == RV_BATCH_STATE_PAUSED)
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->pause_button), "win.resume");
      gtk_button_set_icon_name (self->pause_button, "media-playback-start-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button), _("Resume (Ctrl+P)"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->pause_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Resume"), -1);
    }
  else
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->pause_button), "win.pause");
      gtk_button_set_icon_name (self->pause_button, "media-playback-pause-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button), _("Pause (Ctrl+P)"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->pause_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Pause"), -1);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->pause_button), state == RV_SESSION_STATE_RUNNING);
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button), state == RV_SESSION_STATE_RUNNING);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button),
                          state == RV_SESSION_STATE_DONE && pending > 0);

  /* The provider stopped answering: the run waits, and says so above the table. */
  if (state == RV_SESSION_STATE_RUNNING && batch_state == RV_BATCH_STATE_UNAVAILABLE)
    {
      const GError *error = rv_batch_get_last_error (batch);
      g_autofree char *text = NULL;

      if (error != NULL)
        /* Translators: %s is what went wrong, a sentence without its full stop
         * ("APIMIGO failed with a server error (HTTP 500)"). */
        text = g_strdup_printf (_("The provider is not answering: %s. The check is waiting; every answer so far is saved."),
                                error->message);
      else
        text = g_strdup (_("The provider is not answering. The check is waiting; every answer so far is saved."));

      gtk_label_set_text (self->unavailable_label, text);
      gtk_revealer_set_reveal_child (self->unavailable_revealer, TRUE);
    }
  else
    gtk_revealer_set_reveal_child (self->unavailable_revealer, FALSE);

  update_actions (self);
}

/* The rows changed their results under the table's filter and sort, which do not watch
 * them (see rv_results_view_refilter()). */
static void
refilter (RvWindow *self)
{
  gint64 start = g_get_monotonic_time ();

  g_clear_handle_id (&self->refilter_id, g_source_remove);
  rv_results_view_refilter (self->results_view);
  self->refilter_cost_us = g_get_monotonic_time () - start;
}

static gboolean
refilter_timeout_cb (gpointer data)
{
  RvWindow *self = data;

  self->refilter_id = 0;
  refilter (self);
  return G_SOURCE_REMOVE;
}

static void
queue_refilter (RvWindow *self)
{
  gint64 interval_ms;

  if (self->refilter_id != 0)
    return;

  interval_ms = MAX (REFILTER_INTERVAL_MS, REFILTER_COST_FACTOR * self->refilter_cost_us / 1000);
  self->refilter_id = g_timeout_add ((guint) interval_ms, refilter_timeout_cb, self);
}

static void
update_shown (RvWindow *self)
{
  RvRowList *rows = rv_session_get_rows (self->session);
  guint total = rows != NULL ? g_list_model_get_n_items (G_LIST_MODEL (rows)) : 0;
  guint shown = rv_results_view_get_n_shown (self->results_view);
  g_autofree char *text = NULL;

  if (shown == total)
    text = g_strdup_printf (ngettext ("%'u row", "%'u rows", total), total);
  else
    /* Translators: rows shown by the search or filter, of all rows. */
    text = g_strdup_printf (ngettext ("%'u of %'u row", "%'u of %'u rows", total), shown, total);
  gtk_label_set_text (self->shown_label, text);
}

static void
update_state (RvWindow *self)
{
  RvSessionState state = rv_session_get_state (self->session);

  switch (state)
    {
    case RV_SESSION_STATE_EMPTY:
      update_recent (self);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      break;

    case RV_SESSION_STATE_LOADING:
      {
        g_autofree char *name = g_file_get_basename (rv_session_get_file (self->session));
        g_autofree char *display = g_filename_display_name (name);
        /* Translators: %s is a file's name. */
        g_autofree char *title = g_strdup_printf (_("Opening “%s”…"), display);

        adw_status_page_set_title (self->loading_page, title);
        gtk_progress_bar_set_fraction (self->load_progress, 0);
        gtk_stack_set_visible_child_name (self->stack, "loading");
      }
      break;

    case RV_SESSION_STATE_PREVIEW:
      add_recent (self, rv_session_get_file (self->session));
      update_choices (self);
      update_preflight (self);
      gtk_stack_set_visible_child_name (self->top_stack, "preview");
      gtk_stack_set_visible_child_name (self->stack, "file");
      break;

    case RV_SESSION_STATE_RUNNING:
    case RV_SESSION_STATE_DONE:
      gtk_stack_set_visible_child_name (self->top_stack, "run");
      gtk_stack_set_visible_child_name (self->stack, "file");
      update_progress (self);
      /* The run is over: the table shows every row where its verdict puts it. */
      if (state == RV_SESSION_STATE_DONE)
        refilter (self);
      break;

    default:
      g_assert_not_reached ();
    }

  gtk_widget_set_visible (GTK_WIDGET (self->export_button), state == RV_SESSION_STATE_DONE);
  update_title (self);
  update_actions (self);
}

static void
on_session_state_cb (RvWindow *self)
{
  update_state (self);
}

static void
on_load_fraction_cb (RvWindow *self)
{
  gtk_progress_bar_set_fraction (self->load_progress,
                                 rv_session_get_load_fraction (self->session));
}

static void
on_session_rows_cb (RvWindow *self)
{
  RvRowList *rows = rv_session_get_rows (self->session);

  rv_results_view_set_rows (self->results_view, rows);
  g_signal_group_set_target (self->batch_signals, rv_session_get_batch (self->session));
  update_shown (self);
  update_title (self);
  update_progress (self);
}

static void
on_session_failed_cb (RvWindow   *self,
                      const char *message)
{
  if (rv_session_get_state (self->session) == RV_SESSION_STATE_EMPTY)
    show_message (self, _("Could Not Open the Spreadsheet"), message);
  else
    show_toast (self, message);
}

static void
on_preflight_cb (RvWindow *self)
{
  update_preflight (self);
  update_actions (self);
}

static void
on_batch_progress_cb (RvWindow *self)
{
  update_progress (self);
  if (rv_session_get_state (self->session) == RV_SESSION_STATE_RUNNING)
    queue_refilter (self);
}

static void
on_token_rejected_cb (RvWindow *self)
{
  show_token_rejected (self);
}

static void
on_sheet_selected_cb (RvWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->sheet_row);

  if (self->updating_choices || selected == GTK_INVALID_LIST_POSITION ||
      rv_session_get_state (self->session) != RV_SESSION_STATE_PREVIEW)
    return;
  rv_session_set_sheet (self->session, selected);
  /* The session stays in the preview: the other sheet's columns are shown from here. */
  update_column_choices (self);
  update_title (self);
}

static void
on_column_selected_cb (RvWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->column_row);

  if (self->updating_choices || selected == GTK_INVALID_LIST_POSITION ||
      rv_session_get_state (self->session) != RV_SESSION_STATE_PREVIEW)
    return;
  rv_session_set_column (self->session, selected);
  update_column_subtitle (self);
  update_title (self);
}

static void
on_search_changed_cb (RvWindow       *self,
                      GtkSearchEntry *entry)
{
  rv_results_view_set_search (self->results_view, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_filter_selected_cb (RvWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->filter_dropdown);

  if (selected != GTK_INVALID_LIST_POSITION)
    rv_results_view_set_verdict_filter (self->results_view, (RvVerdictFilter) selected);
}

static void
on_counter_clicked_cb (GtkButton *button,
                       RvWindow  *self)
{
  RvVerdict verdict = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "rv-verdict"));

  /* The filter's choices are "All rows" and then the verdicts in their order. */
  gtk_drop_down_set_selected (self->filter_dropdown, RV_VERDICT_FILTER_VALID + verdict);
}

static void
on_apply_suggestion_cb (RvWindow   *self,
                        RvRow      *row,
                        const char *suggestion)
{
  g_autoptr(GError) error = NULL;

  if (!rv_session_apply_suggestion (self->session, rv_row_get_index (row), suggestion, &error))
    show_toast (self, error->message);
}

static void
on_stop_and_open_cb (RvWindow   *self,
                     const char *response)
{
  g_autoptr(GFile) file = g_steal_pointer (&self->pending_open);

  if (g_strcmp0 (response, "open") == 0 && file != NULL)
    rv_session_load (self->session, file);
}

/* Opens @file, after asking when a run would be stopped. */
static void
open_file (RvWindow *self,
           GFile    *file)
{
  AdwMessageDialog *dialog;
  g_autofree char *name = NULL;
  g_autofree char *display = NULL;
  g_autofree char *heading = NULL;

  if (rv_session_get_state (self->session) != RV_SESSION_STATE_RUNNING)
    {
      rv_session_load (self->session, file);
      return;
    }

  g_set_object (&self->pending_open, file);
  name = g_file_get_basename (file);
  display = g_filename_display_name (name);
  /* Translators: %s is the name of the file to open. */
  heading = g_strdup_printf (_("Stop the Check and Open “%s”?"), display);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       _("Every answer so far is saved: checking "
                                                         "this list again later only asks for "
                                                         "the rest.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Keep Checking"),
                                    "open", _("_Stop and Open"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "open", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_stop_and_open_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            RvWindow      *self)
{
  GFile *file = NULL;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);

      if (files != NULL)
        file = files->data;
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    file = g_value_get_object (value);

  if (file == NULL)
    return FALSE;

  open_file (self, file);
  return TRUE;
}

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        RvWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        open_file (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RvWindow *self = RV_WINDOW (widget);
  g_autoptr(GtkFileFilter) spreadsheets = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  static const char *patterns[] = { "*.csv", "*.txt", "*.xlsx", "*.xlsm", "*.ods", "*.xls", NULL };
  static const char *mime_types[] = {
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.ms-excel",
    NULL
  };

  if (self->chooser != NULL)
    return;

  gtk_file_filter_set_name (spreadsheets, _("Spreadsheets (CSV, XLSX, ODS, XLS)"));
  for (guint i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_suffix (spreadsheets, patterns[i] + 2);
  for (guint i = 0; mime_types[i] != NULL; i++)
    gtk_file_filter_add_mime_type (spreadsheets, mime_types[i]);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");

  self->chooser = gtk_file_chooser_native_new (_("Open Spreadsheet"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), spreadsheets);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (self->chooser), spreadsheets);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  RvWindow *self = RV_WINDOW (widget);
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  open_file (self, file);
}

static void
close_file_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  rv_session_close (RV_WINDOW (widget)->session);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  RvWindow *self = RV_WINDOW (widget);

  /* After a run, the rows left pending are checked again by win.retry (Ctrl+R). */
  if (rv_session_get_state (self->session) == RV_SESSION_STATE_PREVIEW &&
      rv_session_get_batch (self->session) != NULL)
    rv_session_start (self->session);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  RvWindow *self = RV_WINDOW (widget);

  if (rv_session_get_state (self->session) == RV_SESSION_STATE_DONE)
    rv_session_start (self->session);
}

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  rv_session_pause (RV_WINDOW (widget)->session);
}

static void
resume_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  rv_session_resume (RV_WINDOW (widget)->session);
}

/* Ctrl+P: pause when running, resume when paused. */
static void
toggle_pause_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  RvWindow *self = RV_WINDOW (widget);
  RvBatch *batch = rv_session_get_batch (self->session);

  if (batch != NULL && rv_batch_get_state (batch) == RV_BATCH_STATE_RUNNING)
    rv_session_pause (self->session);
  else
    rv_session_resume (self->session);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  rv_session_cancel (RV_WINDOW (widget)->session);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  rv_show_in_folder (GTK_WINDOW (widget), file);
}

static void
on_exported_cb (RvWindow *self,
                GFile    *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *display = g_filename_display_name (name);
  g_autofree char *uri = g_file_get_uri (file);
  /* Translators: %s is the written file's name. */
  g_autofree char *title = g_strdup_printf (_("Exported “%s”"), display);
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_button_label (toast, _("Open _Folder"));
  adw_toast_set_action_name (toast, "win.open-folder");
  adw_toast_set_action_target_value (toast, g_variant_new_string (uri));
  adw_toast_set_timeout (toast, 10);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RvWindow *self = RV_WINDOW (widget);
  RvExportSummary summary;
  RvExport export;
  RvExportDialog *dialog;
  g_autofree char *path = NULL;

  if (!rv_session_build_export (self->session, &export, &summary))
    return;

  path = g_file_get_path (rv_session_get_file (self->session));
  dialog = rv_export_dialog_new (GTK_WINDOW (self), &export, path);
  g_signal_connect_object (dialog, "exported", G_CALLBACK (on_exported_cb), self,
                           G_CONNECT_SWAPPED);
  rv_export_dialog_present (dialog);
}

static GtkWidget *
new_counter (RvWindow  *self,
             RvVerdict  verdict)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *count = gtk_label_new ("0");
  GtkWidget *name = gtk_label_new (rv_verdict_get_label (verdict));
  g_autofree char *tooltip = NULL;

  gtk_widget_add_css_class (count, "title-3");
  gtk_widget_add_css_class (count, "numeric");
  gtk_widget_add_css_class (name, "verdict");
  gtk_widget_add_css_class (name, verdict_style (verdict));
  gtk_widget_set_halign (name, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), count);
  gtk_box_append (GTK_BOX (box), name);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "counter");
  /* Translators: tooltip of a verdict's counter; %s is the verdict ("Valid"). */
  tooltip = g_strdup_printf (_("Show Only “%s” Rows"), rv_verdict_get_label (verdict));
  gtk_widget_set_tooltip_text (button, tooltip);
  g_object_set_data (G_OBJECT (button), "rv-verdict", GUINT_TO_POINTER (verdict));
  g_signal_connect (button, "clicked", G_CALLBACK (on_counter_clicked_cb), self);

  self->counter_labels[verdict] = GTK_LABEL (count);
  return button;
}

static void
lookup_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RvWindow *self = RV_WINDOW (widget);

  /* With a file open, the search is in its rows; without one, the quick lookup. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "file") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  else
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

  for (RvVerdict v = 0; v < RV_N_VERDICTS; v++)
    gtk_flow_box_append (self->counters_box, new_counter (self, v));

  self->session = rv_session_new (self->settings);
  g_signal_connect_object (self->session, "notify::state", G_CALLBACK (on_session_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::load-fraction", G_CALLBACK (on_load_fraction_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::rows", G_CALLBACK (on_session_rows_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "failed", G_CALLBACK (on_session_failed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "preflight-changed", G_CALLBACK (on_preflight_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "token-rejected", G_CALLBACK (on_token_rejected_cb),
                           self, G_CONNECT_SWAPPED);

  self->batch_signals = g_signal_group_new (RV_TYPE_BATCH);
  g_signal_group_connect_object (self->batch_signals, "progress", G_CALLBACK (on_batch_progress_cb),
                                 self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->batch_signals, "notify::state",
                                 G_CALLBACK (on_batch_progress_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->sheet_row, "notify::selected", G_CALLBACK (on_sheet_selected_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->column_row, "notify::selected",
                           G_CALLBACK (on_column_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_dropdown, "notify::selected",
                           G_CALLBACK (on_filter_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->results_view, "notify::n-shown", G_CALLBACK (update_shown), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->results_view, "apply-suggestion",
                           G_CALLBACK (on_apply_suggestion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (update_recent), self, G_CONNECT_SWAPPED);

  {
    GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
    GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };

    gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
    g_signal_connect_object (target, "drop", G_CALLBACK (on_drop_cb), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
  }

  rv_follow_dark_style (GTK_WIDGET (self->counters_box));

  update_state (self);

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

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      rv_session_close (self->session);
    }
  if (self->batch_signals != NULL)
    g_signal_group_set_target (self->batch_signals, NULL);
  g_clear_object (&self->batch_signals);
  g_clear_object (&self->session);
  g_clear_object (&self->pending_open);
  g_clear_handle_id (&self->refilter_id, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

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
  gtk_widget_class_bind_template_child (widget_class, RvWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, unavailable_revealer);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, unavailable_label);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, recent_group);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, loading_page);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, load_progress);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, top_stack);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, sheet_row);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, column_row);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, preflight_label);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, run_title);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, run_detail);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, run_progress);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, counters_box);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, shown_label);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, results_view);
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
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);

  /* Ctrl+F and Ctrl+L: set as the application's accelerators, listed in the shortcuts window. */
  gtk_widget_class_install_action (widget_class, "win.lookup", NULL, lookup_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-file", "s", open_file_action);
  gtk_widget_class_install_action (widget_class, "win.close-file", NULL, close_file_action);
  gtk_widget_class_install_action (widget_class, "win.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "win.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "win.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-pause", NULL, toggle_pause_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder", "s", open_folder_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "win.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "win.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.toggle-pause", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_period, GDK_CONTROL_MASK, "win.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.retry", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);

  g_type_ensure (RV_TYPE_RESULTS_VIEW);
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

/**
 * rv_window_open_file:
 * @self: a #RvWindow
 * @file: a spreadsheet
 *
 * Opens @file as the open action, a drop or the command line do (asking first when a
 * check is running).
 */
void
rv_window_open_file (RvWindow *self,
                     GFile    *file)
{
  g_return_if_fail (RV_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  open_file (self, file);
}

/**
 * rv_window_get_session:
 * @self: a #RvWindow
 *
 * Returns: (transfer none): the window's file, its rows and run
 */
RvSession *
rv_window_get_session (RvWindow *self)
{
  g_return_val_if_fail (RV_IS_WINDOW (self), NULL);

  return self->session;
}
