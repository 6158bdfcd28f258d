/* test-results-view.c
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

#include "config.h"

#include <locale.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "rv-results-view.h"
#include "rv-store.h"
#include "rv-test-gui.h"
#include "rv-test-sheet.h"

/* The results view under Xvfb, over a real run: a store whose cache answers every RUC
 * looked up (valid, observed, not found), a RUC it does not know (pending: the run is
 * offline) and invalid values, one of them with a wrong check digit.
 */

#define SUNAT_NAME "SUPERINTENDENCIA NACIONAL DE ADUANAS Y DE ADMINISTRACION TRIBUTARIA"

/* The first widget of @type below @root whose label (a GtkLabel's or a table cell's
 * GtkInscription's text, a GtkButton's label) is @text, or any when @text is NULL; with
 * @css_class, only one that has it.
 */
static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *text,
             const char *css_class)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (css_class == NULL || gtk_widget_has_css_class (root, css_class)) &&
      gtk_widget_get_visible (root))
    {
      const char *label = NULL;

      if (GTK_IS_LABEL (root))
        label = gtk_label_get_text (GTK_LABEL (root));
      else if (GTK_IS_INSCRIPTION (root))
        label = gtk_inscription_get_text (GTK_INSCRIPTION (root));
      else if (GTK_IS_BUTTON (root))
        label = gtk_button_get_label (GTK_BUTTON (root));
      if (text == NULL || g_strcmp0 (label, text) == 0)
        return root;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, text, css_class);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_icon_button (GtkWidget  *root,
                  const char *icon_name)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (root)), icon_name) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_icon_button (child, icon_name);
      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  gboolean  done;
  GError   *error;
} Run;

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  rv_batch_run_finish (RV_BATCH (source), result, &run->error);
  run->done = TRUE;
}

typedef struct
{
  guint  n;
  RvRow *row;
  char  *ruc;
} Applied;

static void
on_apply_suggestion (RvResultsView *view,
                     RvRow         *row,
                     const char    *suggestion,
                     Applied       *applied)
{
  applied->n++;
  g_set_object (&applied->row, row);
  g_free (applied->ruc);
  applied->ruc = g_strdup (suggestion);
}

typedef struct
{
  char          *dir;
  RvStore       *store;
  RvBatch       *batch;
  RvRowList     *rows;
  GtkWindow     *window;
  RvResultsView *view;
  char          *rucs[5];  /* observed, not found, pending, second valid, its name's */
} Fixture;

static RvRecord *
make_record (const char *ruc,
             const char *name,
             const char *state,
             const char *condition)
{
  RvRecord *record = rv_record_new (ruc, name != NULL);

  if (name != NULL)
    {
      rv_record_set_field (record, RV_FIELD_NAME, name);
      rv_record_set_field (record, RV_FIELD_STATE, state);
      rv_record_set_field (record, RV_FIELD_CONDITION, condition);
      rv_record_set_field (record, RV_FIELD_ADDRESS_SIMPLE, "AV. GARCILASO DE LA VEGA NRO. 1472");
      rv_record_set_field (record, RV_FIELD_DISTRICT, "LIMA");
      rv_record_set_field (record, RV_FIELD_PROVINCE, "LIMA");
      rv_record_set_field (record, RV_FIELD_REGION, "LIMA");
      rv_record_set_as_of (record, "2026-11-20");
    }
  rv_record_set_checked_at (record, g_get_real_time () / G_USEC_PER_SEC);
  rv_record_set_source (record, RV_SOURCE_API);
  return record;
}

/* Runs @values (one a row, row 0 the header) against the fixture's store. */
static void
fixture_run (Fixture            *fixture,
             const char * const *values,
             guint               n_values)
{
  g_autoptr(RvSheet) sheet = rv_sheet_new ("Proveedores");
  Run run = { 0 };

  g_assert_true (rv_sheet_set_cell (sheet, 0, 0, RV_CELL_TEXT, FALSE, "RUC", -1));
  for (guint r = 1; r < n_values; r++)
    g_assert_true (rv_sheet_set_cell (sheet, r, 0, RV_CELL_TEXT, FALSE, values[r], -1));

  fixture->batch = rv_batch_new (fixture->store);
  /* Translators do not see this: a test's offline reason. */
  rv_batch_set_offline_reason (fixture->batch, "No provider: checked offline");
  rv_batch_add_rows (fixture->batch, values, n_values);
  fixture->rows = rv_row_list_new (fixture->batch, sheet, 0);

  rv_batch_run_async (fixture->batch, NULL, on_run_done, &run);
  RV_TEST_WAIT_FOR (run.done);
  g_assert_no_error (run.error);
}

static void
fixture_show (Fixture *fixture,
              int      width,
              int      height)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  fixture->view = rv_results_view_new ();
  g_object_ref_sink (fixture->view);
  gtk_window_set_default_size (fixture->window, width, height);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->view));
  rv_results_view_set_rows (fixture->view, fixture->rows);
  gtk_window_present (fixture->window);
  RV_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->view)));
  rv_test_wait_frames (GTK_WIDGET (fixture->view), 3);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) rv_record_unref);

  fixture->dir = rv_test_make_dir ("test-results-view");
  db = g_build_filename (fixture->dir, "cache.sqlite3", NULL);
  fixture->store = rv_store_new (db, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 4; i++)
    fixture->rucs[i] = rv_test_make_ruc ("20", 100001 + i);

  g_ptr_array_add (records, make_record ("20131312955", SUNAT_NAME, "ACTIVO", "HABIDO"));
  g_ptr_array_add (records, make_record (fixture->rucs[0], "COMERCIAL ANDINA S.A.C.",
                                         "BAJA DE OFICIO", "NO HALLADO"));
  g_ptr_array_add (records, make_record (fixture->rucs[1], NULL, NULL, NULL));
  g_ptr_array_add (records, make_record (fixture->rucs[3], "TRANSPORTES DEL SUR E.I.R.L.",
                                         "ACTIVO", "HABIDO"));
  g_assert_true (rv_store_put_records (fixture->store, (RvRecord **) records->pdata, records->len,
                                       &error));
  g_assert_no_error (error);

  {
    const char *values[] = {
      NULL,                /* 0: the header */
      "20131312955",       /* 1: valid */
      fixture->rucs[0],    /* 2: observed */
      fixture->rucs[1],    /* 3: not found */
      fixture->rucs[2],    /* 4: pending: not in the cache, and the run is offline */
      "abc",               /* 5: invalid */
      "20131312950",       /* 6: invalid, wrong check digit: 20131312955 suggested */
      "20.131.312.955",    /* 7: valid, typed with dots */
      fixture->rucs[3],    /* 8: valid */
      "123",               /* 9: invalid */
    };

    fixture_run (fixture, values, G_N_ELEMENTS (values));
  }

  fixture_show (fixture, 1280, 640);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWindow *dialog;

  while ((dialog = rv_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL)
    gtk_window_destroy (dialog);

  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  gtk_window_destroy (fixture->window);
  RV_TEST_WAIT_FOR (fixture->window == NULL);
  g_assert_finalize_object (fixture->view);

  g_assert_finalize_object (fixture->rows);
  g_clear_object (&fixture->batch);
  g_clear_object (&fixture->store);
  for (guint i = 0; i < G_N_ELEMENTS (fixture->rucs); i++)
    g_free (fixture->rucs[i]);
  rv_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static GtkColumnView *
get_column_view (Fixture *fixture)
{
  GtkWidget *column_view = find_widget (GTK_WIDGET (fixture->view), GTK_TYPE_COLUMN_VIEW, NULL,
                                        NULL);

  g_assert_nonnull (column_view);
  return GTK_COLUMN_VIEW (column_view);
}

static GtkSingleSelection *
get_selection (Fixture *fixture)
{
  GtkSelectionModel *model = gtk_column_view_get_model (get_column_view (fixture));

  g_assert_true (GTK_IS_SINGLE_SELECTION (model));
  return GTK_SINGLE_SELECTION (model);
}

/* The number of the row shown at @position, in the view's order. */
static guint
shown_number (Fixture *fixture,
              guint    position)
{
  g_autoptr(RvRow) row = g_list_model_get_item (G_LIST_MODEL (get_selection (fixture)), position);

  g_assert_nonnull (row);
  return rv_row_get_number (row);
}

static void
sort_by (Fixture     *fixture,
         guint        column,
         GtkSortType  order)
{
  GtkColumnView *column_view = get_column_view (fixture);
  g_autoptr(GtkColumnViewColumn) view_column =
    g_list_model_get_item (gtk_column_view_get_columns (column_view), column);

  g_assert_nonnull (view_column);
  g_assert_nonnull (gtk_column_view_column_get_sorter (view_column));
  gtk_column_view_sort_by_column (column_view, view_column, order);
}

static void
select_number (Fixture *fixture,
               guint    number)
{
  GtkSingleSelection *selection = get_selection (fixture);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (selection)); i++)
    if (shown_number (fixture, i) == number)
      {
        gtk_single_selection_set_selected (selection, i);
        return;
      }
  g_assert_not_reached ();
}

static void
test_columns (Fixture       *fixture,
              gconstpointer  data)
{
  GtkColumnView *column_view = get_column_view (fixture);
  GListModel *columns = gtk_column_view_get_columns (column_view);
  const char *titles[] = {
    "Row", "Value", "Normalised RUC", "Verdict", "Business name", "Taxpayer state",
    "Domicile condition", "Reason", "Source",
  };

  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, G_N_ELEMENTS (titles));
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_assert_cmpstr (gtk_column_view_column_get_title (column), ==, titles[i]);
      g_assert_nonnull (gtk_column_view_column_get_sorter (column));
    }

  /* Every row with a value, by number, and one verdict pill of each kind on screen. */
  g_assert_cmpuint (rv_results_view_get_n_shown (fixture->view), ==, 9);
  for (guint i = 0; i < 9; i++)
    g_assert_cmpuint (shown_number (fixture, i), ==, i + 2);
  g_assert_nonnull (find_widget (GTK_WIDGET (column_view), GTK_TYPE_LABEL, "Valid", "verdict-valid"));
  g_assert_nonnull (find_widget (GTK_WIDGET (column_view), GTK_TYPE_LABEL, "Observed",
                                 "verdict-observed"));
  g_assert_nonnull (find_widget (GTK_WIDGET (column_view), GTK_TYPE_LABEL, "Not found",
                                 "verdict-not-found"));
  g_assert_nonnull (find_widget (GTK_WIDGET (column_view), GTK_TYPE_LABEL, "Invalid",
                                 "verdict-invalid"));
  g_assert_nonnull (find_widget (GTK_WIDGET (column_view), GTK_TYPE_LABEL, "Pending",
                                 "verdict-pending"));
  g_assert_nonnull (find_widget (GTK_WIDGET (column_view), GTK_TYPE_INSCRIPTION, SUNAT_NAME,
                                 NULL));
}

static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  static const struct {
    RvVerdictFilter filter;
    guint           n_shown;
  } verdicts[] = {
    { RV_VERDICT_FILTER_ALL, 9 },
    { RV_VERDICT_FILTER_VALID, 3 },
    { RV_VERDICT_FILTER_OBSERVED, 1 },
    { RV_VERDICT_FILTER_NOT_FOUND, 1 },
    { RV_VERDICT_FILTER_INVALID, 3 },
    { RV_VERDICT_FILTER_PENDING, 1 },
    { RV_VERDICT_FILTER_PROBLEMS, 6 },
  };
  static const struct {
    const char *search;
    guint       n_shown;
  } searches[] = {
    { "aduanas", 2 },            /* a part of a name, in another case */
    { "20 131 312 955", 2 },     /* a RUC typed with spaces finds it however it was typed */
    { "20131312955", 2 },
    { "20131312950", 1 },        /* the invalid one, by its digits */
    { "ABC", 1 },                /* a value */
    { "  andina ", 1 },
    { "no such taxpayer", 0 },
    { "", 9 },
  };
  GtkStack *stack = GTK_STACK (find_widget (GTK_WIDGET (fixture->view), GTK_TYPE_STACK, NULL, NULL));
  RvVerdictFilter filter;
  g_autofree char *search = NULL;

  g_assert_nonnull (stack);
  for (guint i = 0; i < G_N_ELEMENTS (verdicts); i++)
    {
      rv_results_view_set_verdict_filter (fixture->view, verdicts[i].filter);
      g_assert_cmpuint (rv_results_view_get_n_shown (fixture->view), ==, verdicts[i].n_shown);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (get_selection (fixture))), ==,
                        verdicts[i].n_shown);
      g_object_get (fixture->view, "verdict-filter", &filter, NULL);
      g_assert_cmpint (filter, ==, verdicts[i].filter);
    }
  rv_results_view_set_verdict_filter (fixture->view, RV_VERDICT_FILTER_ALL);

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      g_object_set (fixture->view, "search", searches[i].search, NULL);
      g_assert_cmpuint (rv_results_view_get_n_shown (fixture->view), ==, searches[i].n_shown);
      g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==,
                       searches[i].n_shown > 0 ? "table" : "empty");
    }
  g_object_get (fixture->view, "search", &search, NULL);
  g_assert_cmpstr (search, ==, "");

  /* A search and a verdict together. */
  rv_results_view_set_search (fixture->view, "2013131295");
  g_assert_cmpuint (rv_results_view_get_n_shown (fixture->view), ==, 3);
  rv_results_view_set_verdict_filter (fixture->view, RV_VERDICT_FILTER_INVALID);
  g_assert_cmpuint (rv_results_view_get_n_shown (fixture->view), ==, 1);
  g_assert_cmpuint (shown_number (fixture, 0), ==, 7);
  rv_results_view_set_verdict_filter (fixture->view, RV_VERDICT_FILTER_PENDING);
  g_assert_cmpuint (rv_results_view_get_n_shown (fixture->view), ==, 0);
  RV_TEST_WAIT_FOR (g_str_equal (gtk_stack_get_visible_child_name (stack), "empty"));
  g_assert_nonnull (find_widget (GTK_WIDGET (stack), ADW_TYPE_STATUS_PAGE, NULL, NULL));

  /* No rows: the table, empty, not "no rows match". */
  rv_results_view_set_rows (fixture->view, NULL);
  g_assert_cmpuint (rv_results_view_get_n_shown (fixture->view), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "table");
  g_assert_null (rv_results_view_get_rows (fixture->view));
}

static void
test_sort (Fixture       *fixture,
           gconstpointer  data)
{
  guint n = rv_results_view_get_n_shown (fixture->view);

  /* Verdicts in their order (valid first), then by row. */
  sort_by (fixture, 3, GTK_SORT_ASCENDING);
  g_assert_cmpuint (shown_number (fixture, 0), ==, 2);
  g_assert_cmpuint (shown_number (fixture, 1), ==, 8);
  g_assert_cmpuint (shown_number (fixture, 2), ==, 9);
  g_assert_cmpuint (shown_number (fixture, 3), ==, 3);
  sort_by (fixture, 3, GTK_SORT_DESCENDING);
  g_assert_cmpuint (shown_number (fixture, 0), ==, 5);

  /* Rows by number, both ways. */
  sort_by (fixture, 0, GTK_SORT_DESCENDING);
  g_assert_cmpuint (shown_number (fixture, 0), ==, 10);
  g_assert_cmpuint (shown_number (fixture, n - 1), ==, 2);
  sort_by (fixture, 0, GTK_SORT_ASCENDING);
  g_assert_cmpuint (shown_number (fixture, 0), ==, 2);

  /* Names, backwards: the empty ones last, equal names in their previous order. */
  sort_by (fixture, 4, GTK_SORT_DESCENDING);
  g_assert_cmpuint (shown_number (fixture, 0), ==, 9);
  g_assert_cmpuint (shown_number (fixture, 1), ==, 2);
  g_assert_cmpuint (shown_number (fixture, 2), ==, 8);
}

static void
test_details_and_suggestion (Fixture       *fixture,
                             gconstpointer  data)
{
  GtkWidget *root = GTK_WIDGET (fixture->view);
  AdwFlap *flap = ADW_FLAP (find_widget (root, ADW_TYPE_FLAP, NULL, NULL));
  GtkWidget *button;
  GtkWindow *dialog;
  Applied applied = { 0 };
  gulong handler;

  g_assert_nonnull (flap);
  g_assert_false (adw_flap_get_reveal_flap (flap));

  /* A valid row: its record, no suggestion. */
  select_number (fixture, 2);
  g_assert_true (adw_flap_get_reveal_flap (flap));
  rv_test_wait_frames (root, 2);
  g_assert_nonnull (find_widget (root, GTK_TYPE_LABEL, "Row 2", NULL));
  g_assert_nonnull (find_widget (root, GTK_TYPE_LABEL, "AV. GARCILASO DE LA VEGA NRO. 1472", NULL));
  g_assert_nonnull (find_widget (root, GTK_TYPE_LABEL, "2026-11-20", NULL));
  g_assert_nonnull (find_widget (root, GTK_TYPE_LABEL, "cache", NULL));
  g_assert_null (find_widget (root, GTK_TYPE_BUTTON, "Use 20131312955", NULL));

  /* The icon buttons of the pane say what they do. */
  g_assert_nonnull (find_icon_button (GTK_WIDGET (flap), "window-close-symbolic"));
  g_assert_nonnull (gtk_widget_get_tooltip_text (find_icon_button (GTK_WIDGET (flap),
                                                                   "window-close-symbolic")));
  g_assert_nonnull (find_icon_button (GTK_WIDGET (flap), "edit-copy-symbolic"));
  g_assert_nonnull (gtk_widget_get_tooltip_text (find_icon_button (GTK_WIDGET (flap),
                                                                   "edit-copy-symbolic")));

  /* The invalid row with a wrong check digit offers the right one. */
  select_number (fixture, 7);
  g_assert_nonnull (find_widget (root, GTK_TYPE_LABEL, "Row 7", NULL));
  button = find_widget (root, GTK_TYPE_BUTTON, "Use 20131312955", NULL);
  g_assert_nonnull (button);

  handler = g_signal_connect (fixture->view, "apply-suggestion", G_CALLBACK (on_apply_suggestion),
                              &applied);

  /* Cancelled: nothing is applied. */
  g_signal_emit_by_name (button, "clicked");
  RV_TEST_WAIT_FOR ((dialog = rv_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  g_assert_true (gtk_window_get_transient_for (dialog) == fixture->window);
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Replace the RUC of row 7 with 20131312955? Only this row changes; "
                   "the file is not modified.");
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "use"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_destroy (dialog);
  g_assert_cmpuint (applied.n, ==, 0);

  /* Confirmed: the signal names the row and the suggested RUC, and that is all. */
  g_signal_emit_by_name (button, "clicked");
  RV_TEST_WAIT_FOR ((dialog = rv_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "use");
  gtk_window_destroy (dialog);
  g_assert_cmpuint (applied.n, ==, 1);
  g_assert_nonnull (applied.row);
  g_assert_cmpuint (rv_row_get_number (applied.row), ==, 7);
  g_assert_cmpstr (applied.ruc, ==, "20131312955");
  g_assert_cmpstr (rv_row_get_value (applied.row), ==, "20131312950");
  g_signal_handler_disconnect (fixture->view, handler);
  g_clear_object (&applied.row);
  g_clear_pointer (&applied.ruc, g_free);

  /* The close button closes the pane and clears the selection. */
  button = find_icon_button (GTK_WIDGET (flap), "window-close-symbolic");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_false (adw_flap_get_reveal_flap (flap));
  g_assert_cmpuint (gtk_single_selection_get_selected (get_selection (fixture)), ==,
                    GTK_INVALID_LIST_POSITION);
}

/* A row answered after it is shown: its cells follow at once, and the filter and the
 * sort on the next refilter.
 */
static void
test_cells_follow (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *column_view = GTK_WIDGET (get_column_view (fixture));
  RvRow *row = rv_row_list_find_row (fixture->rows, 4);
  g_autoptr(RvRecord) record = make_record (fixture->rucs[2], "NUEVA EMPRESA S.A.", "ACTIVO",
                                            "HABIDO");
  g_autoptr(RvResult) answered = rv_result_new_answered (rv_row_get_result (row), record);
  g_autoptr(RvResult) pending_again = rv_result_new_pending (answered, "Later");
  GtkWidget *label = find_widget (column_view, GTK_TYPE_LABEL, "Pending", "verdict-pending");

  g_assert_nonnull (label);
  g_assert_cmpint (rv_row_get_verdict (row), ==, RV_VERDICT_PENDING);
  rv_results_view_set_verdict_filter (fixture->view, RV_VERDICT_FILTER_VALID);
  g_assert_cmpuint (rv_results_view_get_n_shown (fixture->view), ==, 3);
  rv_results_view_set_verdict_filter (fixture->view, RV_VERDICT_FILTER_ALL);
  rv_test_wait_frames (column_view, 2);
  label = find_widget (column_view, GTK_TYPE_LABEL, "Pending", "verdict-pending");
  g_assert_nonnull (label);

  rv_row_set_result (row, answered);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "Valid");
  g_assert_true (gtk_widget_has_css_class (label, "verdict-valid"));
  g_assert_false (gtk_widget_has_css_class (label, "verdict-pending"));
  g_assert_null (find_widget (column_view, GTK_TYPE_LABEL, "Pending", "verdict-pending"));
  g_assert_nonnull (find_widget (column_view, GTK_TYPE_INSCRIPTION, "NUEVA EMPRESA S.A.", NULL));

  /* The filter does not watch the rows: a refilter applies it again. */
  rv_results_view_set_verdict_filter (fixture->view, RV_VERDICT_FILTER_VALID);
  g_assert_cmpuint (rv_results_view_get_n_shown (fixture->view), ==, 4);
  rv_results_view_set_verdict_filter (fixture->view, RV_VERDICT_FILTER_PROBLEMS);
  g_assert_cmpuint (rv_results_view_get_n_shown (fixture->view), ==, 5);
  rv_row_set_result (row, pending_again);
  g_assert_cmpuint (rv_results_view_get_n_shown (fixture->view), ==, 5);
  rv_results_view_refilter (fixture->view);
  g_assert_cmpuint (rv_results_view_get_n_shown (fixture->view), ==, 6);
  g_assert_cmpuint (shown_number (fixture, 2), ==, 5);
}

static void
screenshot (Fixture    *fixture,
            const char *name,
            const char *use_label)
{
  GtkWidget *root = GTK_WIDGET (fixture->window);

  select_number (fixture, 7);
  g_assert_nonnull (find_widget (root, GTK_TYPE_BUTTON, use_label, NULL));
  rv_test_wait_frames (root, 30);
  rv_test_save_screenshot (root, name);
}

static void
test_screenshot_en (Fixture       *fixture,
                    gconstpointer  data)
{
  screenshot (fixture, "results-view.png", "Use 20131312955");
}

static void
screenshot_es (Fixture       *fixture,
               gconstpointer  data)
{
  GtkWidget *column_view = GTK_WIDGET (get_column_view (fixture));
  g_autoptr(GtkColumnViewColumn) column =
    g_list_model_get_item (gtk_column_view_get_columns (GTK_COLUMN_VIEW (column_view)), 0);

  /* Everything in Spanish: the view's strings, the export's titles, the run's verdicts. */
  g_assert_cmpstr (gtk_column_view_column_get_title (column), ==, "Fila");
  g_assert_nonnull (find_widget (column_view, GTK_TYPE_LABEL, "Válido", "verdict-valid"));
  screenshot (fixture, "results-view-es.png", "Usar 20131312955");
}

/* In a process of its own started in Spanish: GLib decides once per process whether
 * libraries' strings are translated (g_dgettext()), so switching LANGUAGE later is not
 * enough for the strings of rv-core.
 */
static void
test_screenshot_es (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture_set_up (&fixture, NULL);
      screenshot_es (&fixture, NULL);
      fixture_tear_down (&fixture, NULL);
      return;
    }

  g_setenv ("RV_TEST_LANGUAGE", "es", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT |
                                   G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("RV_TEST_LANGUAGE");
  g_test_trap_assert_passed ();
}

static void
test_screenshot_dark (Fixture       *fixture,
                      gconstpointer  data)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  RV_TEST_WAIT_FOR (gtk_widget_has_css_class (GTK_WIDGET (fixture->view), "dark"));
  screenshot (fixture, "results-view-dark.png", "Use 20131312955");
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
  RV_TEST_WAIT_FOR (!gtk_widget_has_css_class (GTK_WIDGET (fixture->view), "dark"));
}

static gint64
elapsed_ms (gint64 since)
{
  return (g_get_monotonic_time () - since) / 1000;
}

/* 100,000 rows (5,000 taxpayers, each in 20 rows): set, sorted by name, scrolled. The
 * figures are printed; the bounds only catch a freeze.
 */
static void
test_large (Fixture       *fixture,
            gconstpointer  data)
{
  enum { N_ROWS = 100000, N_TAXPAYERS = 5000 };
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) rv_record_unref);
  g_autoptr(GPtrArray) rucs = g_ptr_array_new_with_free_func (g_free);
  g_autofree const char **values = g_new0 (const char *, N_ROWS + 1);
  GtkAdjustment *vadjustment;
  g_autoptr(RvRow) first = NULL;
  g_autoptr(RvRow) second = NULL;
  gint64 start;
  gint64 set_ms, sort_ms, scroll_ms, refilter_ms;

  fixture->dir = rv_test_make_dir ("test-results-view-large");
  db = g_build_filename (fixture->dir, "cache.sqlite3", NULL);
  fixture->store = rv_store_new (db, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < N_TAXPAYERS; i++)
    {
      g_autofree char *name = g_strdup_printf ("EMPRESA %05u S.A.C.", (i * 7919) % N_TAXPAYERS);

      g_ptr_array_add (rucs, rv_test_make_ruc ("20", 200000 + i));
      g_ptr_array_add (records, make_record (rucs->pdata[i], name, "ACTIVO",
                                             i % 10 == 0 ? "NO HALLADO" : "HABIDO"));
    }
  g_assert_true (rv_store_put_records (fixture->store, (RvRecord **) records->pdata, records->len,
                                       &error));
  g_assert_no_error (error);

  for (guint r = 1; r <= N_ROWS; r++)
    values[r] = rucs->pdata[r % N_TAXPAYERS];
  fixture_run (fixture, values, N_ROWS + 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->rows)), ==, N_ROWS);

  start = g_get_monotonic_time ();
  fixture_show (fixture, 1280, 720);
  set_ms = elapsed_ms (start);
  g_assert_cmpuint (rv_results_view_get_n_shown (fixture->view), ==, N_ROWS);

  start = g_get_monotonic_time ();
  sort_by (fixture, 4, GTK_SORT_ASCENDING);
  rv_test_wait_frames (GTK_WIDGET (fixture->view), 1);
  sort_ms = elapsed_ms (start);
  first = g_list_model_get_item (G_LIST_MODEL (get_selection (fixture)), 0);
  second = g_list_model_get_item (G_LIST_MODEL (get_selection (fixture)), N_ROWS - 1);
  g_assert_cmpstr (rv_row_get_name (first), ==, "EMPRESA 00000 S.A.C.");
  g_assert_cmpstr (rv_row_get_name (second), ==, "EMPRESA 04999 S.A.C.");

  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (get_column_view (fixture)));
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadjustment), >, 100000.0);
  start = g_get_monotonic_time ();
  for (guint step = 1; step <= 20; step++)
    {
      double upper = gtk_adjustment_get_upper (vadjustment) - gtk_adjustment_get_page_size (vadjustment);

      gtk_adjustment_set_value (vadjustment, upper * step / 20.0);
      rv_test_wait_frames (GTK_WIDGET (fixture->view), 1);
    }
  scroll_ms = elapsed_ms (start);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >, 0.0);

  start = g_get_monotonic_time ();
  rv_results_view_set_verdict_filter (fixture->view, RV_VERDICT_FILTER_PROBLEMS);
  rv_results_view_refilter (fixture->view);
  rv_test_wait_frames (GTK_WIDGET (fixture->view), 1);
  refilter_ms = elapsed_ms (start);
  g_assert_cmpuint (rv_results_view_get_n_shown (fixture->view), ==, N_ROWS / 10);

  g_test_message ("100,000 rows: shown in %" G_GINT64_FORMAT " ms, sorted by name in %"
                  G_GINT64_FORMAT " ms, 20 scroll steps in %" G_GINT64_FORMAT
                  " ms, filtered and sorted again in %" G_GINT64_FORMAT " ms",
                  set_ms, sort_ms, scroll_ms, refilter_ms);
  g_assert_cmpint (sort_ms, <, 10000);
  g_assert_cmpint (scroll_ms, <, 10000);
  g_assert_cmpint (refilter_ms, <, 10000);
}

static void
large_set_up (Fixture       *fixture,
              gconstpointer  data)
{
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("RUC_VALIDATOR_LOCALEDIR");
  g_autoptr(GtkCssProvider) provider = NULL;

  /* English, but for the Spanish screenshot's subprocess (which a C.UTF-8 locale honours). */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", g_getenv ("RV_TEST_LANGUAGE") ?: "en", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);

  /* A display is required: CI runs this under xvfb-run. */
  rv_test_gui_init ();

  /* The application loads style.css from its resource path; without one, the test does. */
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/rucvalidator/RucValidator/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_test_add ("/results-view/columns", Fixture, NULL,
              fixture_set_up, test_columns, fixture_tear_down);
  g_test_add ("/results-view/filters", Fixture, NULL,
              fixture_set_up, test_filters, fixture_tear_down);
  g_test_add ("/results-view/sort", Fixture, NULL,
              fixture_set_up, test_sort, fixture_tear_down);
  g_test_add ("/results-view/details-and-suggestion", Fixture, NULL,
              fixture_set_up, test_details_and_suggestion, fixture_tear_down);
  g_test_add ("/results-view/cells-follow", Fixture, NULL,
              fixture_set_up, test_cells_follow, fixture_tear_down);
  g_test_add ("/results-view/large", Fixture, NULL,
              large_set_up, test_large, fixture_tear_down);
  g_test_add ("/results-view/screenshot/en", Fixture, NULL,
              fixture_set_up, test_screenshot_en, fixture_tear_down);
  g_test_add_func ("/results-view/screenshot/es", test_screenshot_es);
  g_test_add ("/results-view/screenshot/dark", Fixture, NULL,
              fixture_set_up, test_screenshot_dark, fixture_tear_down);

  return g_test_run ();
}
