/* rv-results-view.c
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

#define G_LOG_DOMAIN "rv-results-view"

#include "config.h"

#include "rv-results-view.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rv-dark-style.h"
#include "rv-ruc.h"

/*
 * The review table of a run: a GtkColumnView over
 * GtkSingleSelection (GtkSortListModel (GtkFilterListModel (rows))), with a details pane
 * for the selected row. The column view is virtualised: only the cells of the rows around
 * the screen exist (about 200 rows with GTK 4.8), and each follows its row's "result" from
 * "bind" to "unbind", so that 100,000 rows cost nothing per row outside the filter and the
 * sort.
 *
 * Rows change their verdict while a run answers, under the filter and the sort, which
 * do not watch them: the window calls rv_results_view_refilter() (at most once a frame)
 * to apply both again.
 *
 * The view changes nothing itself. Accepting a suggested RUC emits "apply-suggestion";
 * that signal is the whole contract with whoever owns the rows.
 */

struct _RvResultsView
{
  AdwBin               parent_instance;

  RvRowList           *rows;
  RvVerdictFilter      verdict_filter;
  char                *search;         /* as set, stripped */
  char                *search_folded;  /* casefolded, or NULL for no search */
  char                *search_digits;  /* the digits of a query read as a number, or NULL */

  GtkCustomFilter     *filter;
  GtkFilterListModel  *filter_model;
  GtkSortListModel    *sort_model;
  GtkSingleSelection  *selection;
  GtkColumnViewColumn *row_column;

  RvRow               *selected;       /* the row in the details pane */
  GtkLabel            *detail_values[32];
  GtkLabel            *detail_keys[32];

  /* Template widgets */
  AdwFlap             *flap;
  GtkStack            *stack;
  GtkScrolledWindow   *scrolled_window;
  GtkColumnView       *column_view;
  GtkLabel            *details_title;
  GtkLabel            *details_verdict;
  GtkLabel            *details_reason;
  GtkButton           *suggestion_button;
  GtkGrid             *details_grid;
};

G_DEFINE_FINAL_TYPE (RvResultsView, rv_results_view, ADW_TYPE_BIN)

G_DEFINE_ENUM_TYPE (RvVerdictFilter, rv_verdict_filter,
  G_DEFINE_ENUM_VALUE (RV_VERDICT_FILTER_ALL, "all"),
  G_DEFINE_ENUM_VALUE (RV_VERDICT_FILTER_VALID, "valid"),
  G_DEFINE_ENUM_VALUE (RV_VERDICT_FILTER_OBSERVED, "observed"),
  G_DEFINE_ENUM_VALUE (RV_VERDICT_FILTER_NOT_FOUND, "not-found"),
  G_DEFINE_ENUM_VALUE (RV_VERDICT_FILTER_INVALID, "invalid"),
  G_DEFINE_ENUM_VALUE (RV_VERDICT_FILTER_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (RV_VERDICT_FILTER_PROBLEMS, "problems"))

enum {
  PROP_0,
  PROP_ROWS,
  PROP_VERDICT_FILTER,
  PROP_SEARCH,
  PROP_N_SHOWN,
  N_PROPS
};

enum {
  APPLY_SUGGESTION,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The table's columns, in their order. */
typedef enum
{
  COLUMN_ROW,
  COLUMN_VALUE,
  COLUMN_RUC,
  COLUMN_VERDICT,
  COLUMN_NAME,
  COLUMN_STATE,
  COLUMN_CONDITION,
  COLUMN_REASON,
  COLUMN_SOURCE,
  N_COLUMNS
} Column;

/* Every cell but the verdict's is a GtkInscription: its size comes from these widths, never
 * from its text, so that an answer arriving in a row on screen only redraws that cell,
 * where a label would have the table measure every cell of its column again. A text
 * wider than its cell is ellipsized (the name's and the reason's tooltips have it all).
 */
static const struct {
  guint    min_chars;  /* at the narrowest: a RUC fits whole */
  guint    nat_chars;  /* what the usual values need: "BAJA DE OFICIO", "NO HABIDO" */
  gboolean expand;
} columns[N_COLUMNS] = {
  [COLUMN_ROW] = { 4, 6, FALSE },
  [COLUMN_VALUE] = { 11, 16, FALSE },
  [COLUMN_RUC] = { 11, 11, FALSE },
  [COLUMN_VERDICT] = { 0, 0, FALSE },
  [COLUMN_NAME] = { 16, 30, TRUE },
  [COLUMN_STATE] = { 8, 14, FALSE },
  [COLUMN_CONDITION] = { 8, 10, FALSE },
  [COLUMN_REASON] = { 16, 30, TRUE },
  [COLUMN_SOURCE] = { 6, 8, FALSE },
};

/* The lines of the details pane after the record's fields. */
enum {
  DETAIL_VALUE = RV_N_FIELDS,
  DETAIL_RUC,
  DETAIL_SOURCE,
  DETAIL_AS_OF,
  DETAIL_CHECKED_AT,
  N_DETAILS
};

G_STATIC_ASSERT (N_DETAILS <= 32);

static const char * const verdict_classes[RV_N_VERDICTS] = {
  [RV_VERDICT_VALID] = "verdict-valid",
  [RV_VERDICT_OBSERVED] = "verdict-observed",
  [RV_VERDICT_NOT_FOUND] = "verdict-not-found",
  [RV_VERDICT_INVALID] = "verdict-invalid",
  [RV_VERDICT_PENDING] = "verdict-pending",
};

static void
set_verdict_label (GtkLabel  *label,
                   RvVerdict  verdict)
{
  const char *classes[] = { "verdict", verdict_classes[verdict], NULL };

  gtk_label_set_text (label, rv_verdict_get_label (verdict));
  gtk_widget_set_css_classes (GTK_WIDGET (label), classes);
}

static char *
dup_result_text (RvRow          *row,
                 RvResultColumn  column)
{
  RvResult *result = rv_row_get_result (row);

  return result != NULL ? rv_result_dup_column_text (result, column) : g_strdup ("");
}

static gboolean
verdict_matches (RvVerdictFilter filter,
                 RvVerdict       verdict)
{
  switch (filter)
    {
    case RV_VERDICT_FILTER_ALL:
      return TRUE;
    case RV_VERDICT_FILTER_VALID:
      return verdict == RV_VERDICT_VALID;
    case RV_VERDICT_FILTER_OBSERVED:
      return verdict == RV_VERDICT_OBSERVED;
    case RV_VERDICT_FILTER_NOT_FOUND:
      return verdict == RV_VERDICT_NOT_FOUND;
    case RV_VERDICT_FILTER_INVALID:
      return verdict == RV_VERDICT_INVALID;
    case RV_VERDICT_FILTER_PENDING:
      return verdict == RV_VERDICT_PENDING;
    case RV_VERDICT_FILTER_PROBLEMS:
      return verdict != RV_VERDICT_VALID;
    default:
      g_return_val_if_reached (FALSE);
    }
}

/* Whether every verdict @narrow shows, @wide shows too. */
static gboolean
verdict_filter_within (RvVerdictFilter narrow,
                       RvVerdictFilter wide)
{
  if (narrow == wide || wide == RV_VERDICT_FILTER_ALL)
    return TRUE;
  return wide == RV_VERDICT_FILTER_PROBLEMS && narrow != RV_VERDICT_FILTER_ALL &&
         narrow != RV_VERDICT_FILTER_VALID;
}

static gboolean
folded_contains (const char *text,
                 const char *folded_needle)
{
  g_autofree char *folded = NULL;

  if (text == NULL || text[0] == 0)
    return FALSE;
  folded = g_utf8_casefold (text, -1);
  return strstr (folded, folded_needle) != NULL;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  RvResultsView *self = user_data;
  RvRow *row = item;

  if (!verdict_matches (self->verdict_filter, rv_row_get_verdict (row)))
    return FALSE;
  if (self->search_folded == NULL)
    return TRUE;

  /* "20 131 312 955" finds 20131312955: the normalised RUC holds the digits only. */
  if (self->search_digits != NULL && strstr (rv_row_get_ruc (row), self->search_digits) != NULL)
    return TRUE;
  return folded_contains (rv_row_get_value (row), self->search_folded) ||
         folded_contains (rv_row_get_ruc (row), self->search_folded) ||
         folded_contains (rv_row_get_name (row), self->search_folded);
}

/* Whether every row the search @narrow finds, @wide finds too. */
static gboolean
search_within (const char *narrow,
               const char *narrow_digits,
               const char *wide,
               const char *wide_digits)
{
  if (wide == NULL)
    return TRUE;
  if (narrow == NULL || strstr (narrow, wide) == NULL)
    return FALSE;
  /* A row @narrow finds by its digits holds @wide's digits too. */
  return narrow_digits == NULL ||
         (wide_digits != NULL && strstr (narrow_digits, wide_digits) != NULL);
}

/* Applies the verdict filter and the search after a change. When they let every row
 * through, the filter model holds no filter: it then hands its rows on one for one,
 * where with a filter (even one that matches everything) every row fetched is looked up
 * in its set of matches, which made sorting 100,000 rows several times slower.
 */
static void
apply_filter (RvResultsView   *self,
              GtkFilterChange  change)
{
  GtkFilter *filter = NULL;

  if (self->verdict_filter != RV_VERDICT_FILTER_ALL || self->search_folded != NULL)
    filter = GTK_FILTER (self->filter);

  if (gtk_filter_list_model_get_filter (self->filter_model) != filter)
    gtk_filter_list_model_set_filter (self->filter_model, filter);
  else if (filter != NULL)
    gtk_filter_changed (filter, change);
}

static int
compare_index (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  guint index_a = rv_row_get_index ((RvRow *) a);
  guint index_b = rv_row_get_index ((RvRow *) b);

  return index_a < index_b ? GTK_ORDERING_SMALLER
       : index_a > index_b ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_verdict (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  RvRow *row_a = (RvRow *) a;
  RvRow *row_b = (RvRow *) b;
  int order = (int) rv_row_get_verdict (row_a) - (int) rv_row_get_verdict (row_b);

  if (order == 0)
    order = (int) rv_row_get_index (row_a) - (int) rv_row_get_index (row_b);
  return order < 0 ? GTK_ORDERING_SMALLER : order > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_source (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  RvRow *row_a = (RvRow *) a;
  RvRow *row_b = (RvRow *) b;
  int order = (int) rv_row_get_source (row_a) - (int) rv_row_get_source (row_b);

  if (order == 0)
    order = (int) rv_row_get_index (row_a) - (int) rv_row_get_index (row_b);
  return order < 0 ? GTK_ORDERING_SMALLER : order > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static void
update_cell (GtkWidget *cell,
             RvRow     *row)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (cell), "rv-column"));
  g_autofree char *owned = NULL;
  const char *text;

  switch (column)
    {
    case COLUMN_ROW:
      text = owned = g_strdup_printf ("%u", rv_row_get_number (row));
      break;
    case COLUMN_VALUE:
      text = rv_row_get_value (row);
      break;
    case COLUMN_RUC:
      text = rv_row_get_ruc (row);
      break;
    case COLUMN_VERDICT:
      set_verdict_label (GTK_LABEL (cell), rv_row_get_verdict (row));
      return;
    case COLUMN_NAME:
      text = rv_row_get_name (row);
      break;
    case COLUMN_STATE:
      text = rv_row_get_state (row);
      break;
    case COLUMN_CONDITION:
      text = rv_row_get_condition (row);
      break;
    case COLUMN_REASON:
      text = owned = dup_result_text (row, RV_RESULT_COLUMN_REASON);
      break;
    case COLUMN_SOURCE:
      text = owned = dup_result_text (row, RV_RESULT_COLUMN_SOURCE);
      break;
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }

  gtk_inscription_set_text (GTK_INSCRIPTION (cell), text);
}

static void
update_details (RvResultsView *self)
{
  RvRow *row = self->selected;
  RvResult *result;
  RvRecord *record;
  const char *suggestion;
  g_autofree char *title = NULL;
  g_autofree char *reason = NULL;

  if (row == NULL)
    return;

  result = rv_row_get_result (row);
  record = result != NULL ? rv_result_get_record (result) : NULL;

  /* Translators: the title of the details pane; %u is the row's number in the sheet. */
  title = g_strdup_printf (_("Row %u"), rv_row_get_number (row));
  gtk_label_set_text (self->details_title, title);
  set_verdict_label (self->details_verdict, rv_row_get_verdict (row));
  reason = dup_result_text (row, RV_RESULT_COLUMN_REASON);
  gtk_label_set_text (self->details_reason, reason);

  for (guint i = 0; i < N_DETAILS; i++)
    {
      g_autofree char *owned = NULL;
      const char *text = NULL;
      gboolean always = TRUE;

      switch (i)
        {
        case DETAIL_VALUE:
          text = rv_row_get_value (row);
          break;
        case DETAIL_RUC:
          text = rv_row_get_ruc (row);
          break;
        case DETAIL_SOURCE:
          text = owned = dup_result_text (row, RV_RESULT_COLUMN_SOURCE);
          break;
        case DETAIL_AS_OF:
          text = rv_row_get_as_of (row);
          break;
        case DETAIL_CHECKED_AT:
          text = owned = dup_result_text (row, RV_RESULT_COLUMN_CHECKED_AT);
          break;
        default:
          /* A record field: only those the provider filled in. */
          text = record != NULL ? rv_record_get_field (record, (RvField) i) : NULL;
          always = FALSE;
          break;
        }

      if (text == NULL || text[0] == 0)
        text = always ? "—" : NULL;
      gtk_widget_set_visible (GTK_WIDGET (self->detail_keys[i]), text != NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->detail_values[i]), text != NULL);
      gtk_label_set_text (self->detail_values[i], text != NULL ? text : "");
    }

  suggestion = rv_row_get_suggestion (row);
  gtk_widget_set_visible (GTK_WIDGET (self->suggestion_button),
                          suggestion[0] != 0 && rv_row_get_verdict (row) == RV_VERDICT_INVALID);
  if (suggestion[0] != 0)
    {
      /* Translators: a button; %s is the RUC with the right check digit. */
      g_autofree char *label = g_strdup_printf (_("Use %s"), suggestion);

      gtk_button_set_label (self->suggestion_button, label);
    }
}

static void
update_shown (RvResultsView *self)
{
  gboolean empty;

  empty = self->rows != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->rows)) > 0 &&
          g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0;
  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "table");
}

static void
on_cell_row_notify_cb (RvRow      *row,
                       GParamSpec *pspec,
                       GtkWidget  *cell)
{
  g_assert (RV_IS_ROW (row));

  update_cell (cell, row);
}

/* The name and the reason cells show their whole text as a tooltip, asked for only when
 * the pointer rests on one: gtk_widget_set_tooltip_text() on every bind and every answer
 * would ask the display server where the pointer is each time (a round trip), which
 * stalled the window while a run answered and while the table scrolled.
 */
static gboolean
on_cell_query_tooltip_cb (GtkInscription *cell,
                          int             x,
                          int             y,
                          gboolean        keyboard_mode,
                          GtkTooltip     *tooltip,
                          gpointer        user_data)
{
  const char *text = gtk_inscription_get_text (cell);

  if (text == NULL || text[0] == 0)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
on_setup_cell_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *cell;

  if (column == COLUMN_VERDICT)
    {
      cell = gtk_label_new (NULL);
      gtk_widget_set_halign (cell, GTK_ALIGN_START);
    }
  else
    {
      cell = gtk_inscription_new (NULL);
      gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), column == COLUMN_ROW ? 1.0 : 0.0);
      gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell),
                                         GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
      gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), columns[column].min_chars);
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), columns[column].nat_chars);
    }
  g_object_set_data (G_OBJECT (cell), "rv-column", user_data);
  if (column == COLUMN_ROW)
    gtk_widget_add_css_class (cell, "numeric");
  if (column == COLUMN_NAME || column == COLUMN_REASON)
    {
      gtk_widget_set_has_tooltip (cell, TRUE);
      g_signal_connect (cell, "query-tooltip", G_CALLBACK (on_cell_query_tooltip_cb), NULL);
    }
  gtk_list_item_set_child (list_item, cell);
}

static void
on_bind_cell_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *cell = gtk_list_item_get_child (list_item);
  RvRow *row = gtk_list_item_get_item (list_item);
  gulong handler;

  update_cell (cell, row);

  /* The row's number and value never change: only the other cells follow the result. */
  if (column == COLUMN_ROW || column == COLUMN_VALUE)
    return;
  handler = g_signal_connect_object (row, "notify::result", G_CALLBACK (on_cell_row_notify_cb),
                                     cell, 0);
  g_object_set_data (G_OBJECT (cell), "rv-handler", GSIZE_TO_POINTER (handler));
}

static void
on_unbind_cell_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  GtkWidget *cell = gtk_list_item_get_child (list_item);
  RvRow *row = gtk_list_item_get_item (list_item);
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (cell), "rv-handler"));

  if (handler != 0)
    {
      g_signal_handler_disconnect (row, handler);
      g_object_set_data (G_OBJECT (cell), "rv-handler", NULL);
    }
}

static void
on_selected_row_notify_cb (RvResultsView *self)
{
  update_details (self);
}

static void
on_selection_changed_cb (RvResultsView *self)
{
  RvRow *row = gtk_single_selection_get_selected_item (self->selection);

  if (row == self->selected)
    return;

  if (self->selected != NULL)
    g_signal_handlers_disconnect_by_func (self->selected, on_selected_row_notify_cb, self);
  g_set_object (&self->selected, row);
  if (row != NULL)
    {
      g_signal_connect_object (row, "notify::result", G_CALLBACK (on_selected_row_notify_cb),
                               self, G_CONNECT_SWAPPED);
      update_details (self);
    }
  adw_flap_set_reveal_flap (self->flap, row != NULL);
}

static void
on_reveal_flap_changed_cb (RvResultsView *self)
{
  /* A folded pane closed by a click beside it: the selection goes with it. */
  if (!adw_flap_get_reveal_flap (self->flap) && self->selected != NULL)
    gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
}

static void
on_filter_items_changed_cb (RvResultsView *self)
{
  update_shown (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SHOWN]);
}

static void
on_close_clicked_cb (RvResultsView *self)
{
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
}

static void
on_copy_clicked_cb (RvResultsView *self)
{
  if (self->selected != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                            rv_row_get_ruc (self->selected));
}

typedef struct
{
  RvResultsView *self;
  RvRow         *row;
  char          *suggestion;
} SuggestionData;

static void
suggestion_data_free (gpointer  data,
                      GClosure *closure)
{
  SuggestionData *sd = data;

  g_object_unref (sd->self);
  g_object_unref (sd->row);
  g_free (sd->suggestion);
  g_free (sd);
}

static void
on_suggestion_response_cb (AdwMessageDialog *dialog,
                           const char       *response,
                           SuggestionData   *sd)
{
  if (g_str_equal (response, "use"))
    g_signal_emit (sd->self, signals[APPLY_SUGGESTION], 0, sd->row, sd->suggestion);
}

static void
on_suggestion_clicked_cb (RvResultsView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;
  SuggestionData *sd;
  const char *suggestion;

  if (self->selected == NULL)
    return;
  suggestion = rv_row_get_suggestion (self->selected);
  if (suggestion[0] == 0)
    return;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Use the Suggested RUC?"), NULL);
  /* Translators: %u is the row's number, %s the RUC with the right check digit. */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Replace the RUC of row %u with %s? Only this row changes; "
                                    "the file is not modified."),
                                  rv_row_get_number (self->selected), suggestion);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    /* Translators: confirms replacing a RUC by the suggested one. */
                                    "use", _("_Replace"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "use",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  sd = g_new0 (SuggestionData, 1);
  sd->self = g_object_ref (self);
  sd->row = g_object_ref (self->selected);
  sd->suggestion = g_strdup (suggestion);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_suggestion_response_cb), sd,
                         suggestion_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_column (RvResultsView *self,
            Column         column,
            const char    *title,
            GtkSorter     *sorter)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (on_setup_cell_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (on_bind_cell_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "unbind", G_CALLBACK (on_unbind_cell_cb), GINT_TO_POINTER (column));

  view_column = gtk_column_view_column_new (title, g_object_ref (factory));
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_column_set_expand (view_column, columns[column].expand);
  gtk_column_view_column_set_sorter (view_column, sorter);
  gtk_column_view_append_column (self->column_view, view_column);
  if (column == COLUMN_ROW)
    self->row_column = view_column;

  g_object_unref (sorter);
}

static GtkSorter *
string_sorter (const char *property)
{
  return GTK_SORTER (gtk_string_sorter_new (gtk_property_expression_new (RV_TYPE_ROW, NULL,
                                                                         property)));
}

static void
setup_columns (RvResultsView *self)
{
  /* The rows' own order, compared directly: a property expression would be evaluated for
   * every row each time the table is sorted, and it is sorted by row whenever a file opens.
   */
  /* Translators: a column header: the row's number in the sheet. */
  add_column (self, COLUMN_ROW, _("Row"),
              GTK_SORTER (gtk_custom_sorter_new (compare_index, NULL, NULL)));
  /* Translators: a column header: the cell's text as the sheet holds it. */
  add_column (self, COLUMN_VALUE, _("Value"), string_sorter ("value"));
  add_column (self, COLUMN_RUC, rv_result_column_get_title (RV_RESULT_COLUMN_RUC),
              string_sorter ("ruc"));
  add_column (self, COLUMN_VERDICT, rv_result_column_get_title (RV_RESULT_COLUMN_VERDICT),
              GTK_SORTER (gtk_custom_sorter_new (compare_verdict, NULL, NULL)));
  add_column (self, COLUMN_NAME, rv_result_column_get_title (RV_RESULT_COLUMN_NAME),
              string_sorter ("name"));
  add_column (self, COLUMN_STATE, rv_result_column_get_title (RV_RESULT_COLUMN_STATE),
              string_sorter ("state"));
  add_column (self, COLUMN_CONDITION, rv_result_column_get_title (RV_RESULT_COLUMN_CONDITION),
              string_sorter ("condition"));
  add_column (self, COLUMN_REASON, rv_result_column_get_title (RV_RESULT_COLUMN_REASON),
              string_sorter ("reason"));
  add_column (self, COLUMN_SOURCE, rv_result_column_get_title (RV_RESULT_COLUMN_SOURCE),
              GTK_SORTER (gtk_custom_sorter_new (compare_source, NULL, NULL)));

  gtk_column_view_sort_by_column (self->column_view, self->row_column, GTK_SORT_ASCENDING);
}

static void
setup_details (RvResultsView *self)
{
  for (guint i = 0; i < N_DETAILS; i++)
    {
      const char *key;
      GtkWidget *key_label;
      GtkWidget *value_label;

      switch (i)
        {
        case DETAIL_VALUE:
          key = _("Value");
          break;
        case DETAIL_RUC:
          key = rv_result_column_get_title (RV_RESULT_COLUMN_RUC);
          break;
        case DETAIL_SOURCE:
          key = rv_result_column_get_title (RV_RESULT_COLUMN_SOURCE);
          break;
        case DETAIL_AS_OF:
          key = rv_result_column_get_title (RV_RESULT_COLUMN_AS_OF);
          break;
        case DETAIL_CHECKED_AT:
          key = rv_result_column_get_title (RV_RESULT_COLUMN_CHECKED_AT);
          break;
        default:
          key = rv_field_get_label ((RvField) i);
          break;
        }

      key_label = gtk_label_new (key);
      gtk_label_set_xalign (GTK_LABEL (key_label), 1.0);
      gtk_label_set_yalign (GTK_LABEL (key_label), 0.0);
      gtk_label_set_wrap (GTK_LABEL (key_label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (key_label), 14);
      gtk_widget_add_css_class (key_label, "dim-label");

      value_label = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (value_label), 0.0);
      gtk_label_set_yalign (GTK_LABEL (value_label), 0.0);
      gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (GTK_LABEL (value_label), 28);
      gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
      gtk_widget_set_hexpand (value_label, TRUE);

      /* The sheet's own lines first, then the record's. */
      gtk_grid_attach (self->details_grid, key_label, 0, (i + N_DETAILS - RV_N_FIELDS) % N_DETAILS,
                       1, 1);
      gtk_grid_attach (self->details_grid, value_label, 1,
                       (i + N_DETAILS - RV_N_FIELDS) % N_DETAILS, 1, 1);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (value_label),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, key_label, NULL, -1);
      self->detail_keys[i] = GTK_LABEL (key_label);
      self->detail_values[i] = GTK_LABEL (value_label);
    }
}

static void
rv_results_view_dispose (GObject *object)
{
  RvResultsView *self = (RvResultsView *) object;

  if (self->selected != NULL)
    g_signal_handlers_disconnect_by_func (self->selected, on_selected_row_notify_cb, self);
  g_clear_object (&self->selected);

  /* AdwBin would unparent its child after the template disposed of it: go first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), RV_TYPE_RESULTS_VIEW);

  g_clear_object (&self->selection);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->filter);
  g_clear_object (&self->rows);

  G_OBJECT_CLASS (rv_results_view_parent_class)->dispose (object);
}

static void
rv_results_view_finalize (GObject *object)
{
  RvResultsView *self = (RvResultsView *) object;

  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->search_folded, g_free);
  g_clear_pointer (&self->search_digits, g_free);

  G_OBJECT_CLASS (rv_results_view_parent_class)->finalize (object);
}

static void
rv_results_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  RvResultsView *self = RV_RESULTS_VIEW (object);

  switch (prop_id)
    {
    case PROP_ROWS:
      g_value_set_object (value, self->rows);
      break;
    case PROP_VERDICT_FILTER:
      g_value_set_enum (value, self->verdict_filter);
      break;
    case PROP_SEARCH:
      g_value_set_string (value, rv_results_view_get_search (self));
      break;
    case PROP_N_SHOWN:
      g_value_set_uint (value, rv_results_view_get_n_shown (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rv_results_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  RvResultsView *self = RV_RESULTS_VIEW (object);

  switch (prop_id)
    {
    case PROP_ROWS:
      rv_results_view_set_rows (self, g_value_get_object (value));
      break;
    case PROP_VERDICT_FILTER:
      rv_results_view_set_verdict_filter (self, g_value_get_enum (value));
      break;
    case PROP_SEARCH:
      rv_results_view_set_search (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rv_results_view_class_init (RvResultsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rv_results_view_dispose;
  object_class->finalize = rv_results_view_finalize;
  object_class->get_property = rv_results_view_get_property;
  object_class->set_property = rv_results_view_set_property;

  properties[PROP_ROWS] =
    g_param_spec_object ("rows", NULL, NULL, RV_TYPE_ROW_LIST,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERDICT_FILTER] =
    g_param_spec_enum ("verdict-filter", NULL, NULL, RV_TYPE_VERDICT_FILTER,
                       RV_VERDICT_FILTER_ALL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH] =
    g_param_spec_string ("search", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SHOWN] =
    g_param_spec_uint ("n-shown", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RvResultsView::apply-suggestion:
   * @self: the view
   * @row: the row whose RUC has a wrong check digit
   * @suggestion: the RUC with the right check digit
   *
   * Emitted when the user confirmed replacing the RUC of @row by @suggestion. The view
   * changes nothing itself: this signal is all it tells, and the handler decides what
   * the replacement does (the file is never modified).
   */
  signals[APPLY_SUGGESTION] =
    g_signal_new ("apply-suggestion",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, RV_TYPE_ROW, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/rucvalidator/RucValidator/rv-results-view.ui");
  gtk_widget_class_bind_template_child (widget_class, RvResultsView, flap);
  gtk_widget_class_bind_template_child (widget_class, RvResultsView, stack);
  gtk_widget_class_bind_template_child (widget_class, RvResultsView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, RvResultsView, column_view);
  gtk_widget_class_bind_template_child (widget_class, RvResultsView, details_title);
  gtk_widget_class_bind_template_child (widget_class, RvResultsView, details_verdict);
  gtk_widget_class_bind_template_child (widget_class, RvResultsView, details_reason);
  gtk_widget_class_bind_template_child (widget_class, RvResultsView, suggestion_button);
  gtk_widget_class_bind_template_child (widget_class, RvResultsView, details_grid);
  gtk_widget_class_bind_template_callback (widget_class, on_reveal_flap_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_suggestion_clicked_cb);
}

static void
rv_results_view_init (RvResultsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The models and the columns are built here, not in the template: the column titles
   * are the export's (rv_result_column_get_title()), and the sort model takes the column
   * view's own sorter.
   */
  self->search = g_strdup ("");
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  /* No filter until one hides something: see apply_filter(). */
  self->filter_model = gtk_filter_list_model_new (NULL, NULL);
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)),
                                              g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sort_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (on_filter_items_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  setup_columns (self);
  setup_details (self);

  rv_follow_dark_style (GTK_WIDGET (self));
}

/**
 * rv_results_view_new:
 *
 * Returns: (transfer floating): a new, empty results view
 */
RvResultsView *
rv_results_view_new (void)
{
  return g_object_new (RV_TYPE_RESULTS_VIEW, NULL);
}

/**
 * rv_results_view_get_rows:
 *
 * Returns: (transfer none) (nullable): the rows shown
 */
RvRowList *
rv_results_view_get_rows (RvResultsView *self)
{
  g_return_val_if_fail (RV_IS_RESULTS_VIEW (self), NULL);

  return self->rows;
}

/**
 * rv_results_view_set_rows:
 * @self: a results view
 * @rows: (nullable): the rows of a run, or %NULL to clear the view
 */
void
rv_results_view_set_rows (RvResultsView *self,
                          RvRowList     *rows)
{
  g_return_if_fail (RV_IS_RESULTS_VIEW (self));
  g_return_if_fail (rows == NULL || RV_IS_ROW_LIST (rows));

  if (!g_set_object (&self->rows, rows))
    return;

  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (rows));
  update_shown (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROWS]);
}

RvVerdictFilter
rv_results_view_get_verdict_filter (RvResultsView *self)
{
  g_return_val_if_fail (RV_IS_RESULTS_VIEW (self), RV_VERDICT_FILTER_ALL);

  return self->verdict_filter;
}

/**
 * rv_results_view_set_verdict_filter:
 * @self: a results view
 * @filter: which verdicts to show
 */
void
rv_results_view_set_verdict_filter (RvResultsView   *self,
                                    RvVerdictFilter  filter)
{
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  g_return_if_fail (RV_IS_RESULTS_VIEW (self));
  g_return_if_fail (filter <= RV_VERDICT_FILTER_PROBLEMS);

  if (self->verdict_filter == filter)
    return;

  if (verdict_filter_within (filter, self->verdict_filter))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (verdict_filter_within (self->verdict_filter, filter))
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  self->verdict_filter = filter;
  apply_filter (self, change);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERDICT_FILTER]);
}

/**
 * rv_results_view_get_search:
 *
 * Returns: the search, stripped ("" for none)
 */
const char *
rv_results_view_get_search (RvResultsView *self)
{
  g_return_val_if_fail (RV_IS_RESULTS_VIEW (self), NULL);

  return self->search;
}

/**
 * rv_results_view_set_search:
 * @self: a results view
 * @search: (nullable): text to find, case-insensitively, in the value, the normalised RUC
 *   or the name of a row; a number typed with spaces or dots also finds its digits
 */
void
rv_results_view_set_search (RvResultsView *self,
                            const char    *search)
{
  g_autofree char *stripped = NULL;
  g_autofree char *old_folded = NULL;
  g_autofree char *old_digits = NULL;
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;
  RvRucParse parse;

  g_return_if_fail (RV_IS_RESULTS_VIEW (self));

  stripped = g_strstrip (g_strdup (search != NULL ? search : ""));
  if (g_str_equal (stripped, self->search))
    return;

  old_folded = g_steal_pointer (&self->search_folded);
  old_digits = g_steal_pointer (&self->search_digits);
  g_free (self->search);
  self->search = g_steal_pointer (&stripped);

  if (self->search[0] != 0)
    {
      self->search_folded = g_utf8_casefold (self->search, -1);
      rv_ruc_parse (self->search, &parse);
      if (parse.value[0] != 0)
        self->search_digits = g_strdup (parse.value);
    }

  if (search_within (self->search_folded, self->search_digits, old_folded, old_digits))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (search_within (old_folded, old_digits, self->search_folded, self->search_digits))
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  apply_filter (self, change);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
}

/**
 * rv_results_view_refilter:
 * @self: a results view
 *
 * Applies the filter and the sort again, after rows changed their results. The rows do
 * not do it themselves, so that a run answering thousands of rows a second costs one
 * pass a frame: call this at most once a frame while a run answers.
 */
void
rv_results_view_refilter (RvResultsView *self)
{
  g_return_if_fail (RV_IS_RESULTS_VIEW (self));

  apply_filter (self, GTK_FILTER_CHANGE_DIFFERENT);
  gtk_sorter_changed (gtk_column_view_get_sorter (self->column_view), GTK_SORTER_CHANGE_DIFFERENT);
}

/**
 * rv_results_view_get_n_shown:
 *
 * Returns: how many rows the filter lets through
 */
guint
rv_results_view_get_n_shown (RvResultsView *self)
{
  g_return_val_if_fail (RV_IS_RESULTS_VIEW (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
}
