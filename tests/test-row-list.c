/* test-row-list.c
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

#include <glib/gstdio.h>

#include "rv-row-list.h"
#include "rv-store.h"
#include "rv-test-sheet.h"

/*
 * The window's rows: one per row that holds a value, in the sheet's order, each changing
 * its verdict (and notifying only what changed) as the run answers, the list itself never.
 */

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

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
count_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_rows_follow_the_run (void)
{
  g_autofree char *dir = rv_test_make_dir ("test-row-list");
  g_autofree char *db = g_build_filename (dir, "cache.sqlite3", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RvStore) store = rv_store_new (db, &error);
  g_autoptr(RvRecord) record = rv_record_new ("20131312955", TRUE);
  g_autoptr(RvSheet) sheet = rv_sheet_new ("Proveedores");
  g_autoptr(RvBatch) batch = NULL;
  g_autoptr(RvRowList) list = NULL;
  const char *values[] = { NULL, "20131312955", NULL, "abc", "20131312955" };
  const char *texts[] = { "RUC", "20131312955", NULL, "abc", "20131312955" };
  guint verdict_notifies[5] = { 0 };
  guint name_notifies = 0;
  guint state_notifies = 0;
  guint ruc_notifies = 0;
  guint items_changed = 0;
  Run run = { 0 };

  g_assert_no_error (error);
  rv_record_set_field (record, RV_FIELD_NAME, "SUPERINTENDENCIA NACIONAL DE ADUANAS");
  rv_record_set_field (record, RV_FIELD_STATE, "ACTIVO");
  rv_record_set_field (record, RV_FIELD_CONDITION, "HABIDO");
  rv_record_set_checked_at (record, g_get_real_time () / G_USEC_PER_SEC);
  rv_record_set_source (record, RV_SOURCE_API);
  g_assert_true (rv_store_put_records (store, &record, 1, &error));
  g_assert_no_error (error);

  for (guint r = 0; r < G_N_ELEMENTS (texts); r++)
    if (texts[r] != NULL)
      g_assert_true (rv_sheet_set_cell (sheet, r, 0, RV_CELL_TEXT, FALSE, texts[r], -1));

  batch = rv_batch_new (store);
  rv_batch_set_offline_reason (batch, "Offline");
  rv_batch_add_rows (batch, values, G_N_ELEMENTS (values));
  list = rv_row_list_new (batch, sheet, 0);

  /* The rows with a value, in order, before any answer. */
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == RV_TYPE_ROW);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 3));
  g_assert_null (rv_row_list_find_row (list, 0));
  g_assert_null (rv_row_list_find_row (list, 2));
  g_assert_null (rv_row_list_find_row (list, 99));
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(RvRow) row = g_list_model_get_item (G_LIST_MODEL (list), i);
      guint index = rv_row_get_index (row);

      g_assert_true (rv_row_list_find_row (list, index) == row);
      g_assert_cmpstr (rv_row_get_value (row), ==, texts[index]);
      g_assert_cmpuint (rv_row_get_number (row), ==, index + 1);
      g_signal_connect (row, "notify::verdict", G_CALLBACK (count_notify), &verdict_notifies[index]);
      if (index == 1)
        {
          g_signal_connect (row, "notify::name", G_CALLBACK (count_notify), &name_notifies);
          g_signal_connect (row, "notify::state", G_CALLBACK (count_notify), &state_notifies);
          g_signal_connect (row, "notify::ruc", G_CALLBACK (count_notify), &ruc_notifies);
        }
    }
  g_assert_cmpint (rv_row_get_verdict (rv_row_list_find_row (list, 1)), ==, RV_VERDICT_PENDING);
  g_assert_cmpint (rv_row_get_verdict (rv_row_list_find_row (list, 3)), ==, RV_VERDICT_INVALID);
  g_assert_cmpstr (rv_row_get_name (rv_row_list_find_row (list, 1)), ==, "");
  g_assert_cmpstr (rv_row_get_state (rv_row_list_find_row (list, 1)), ==, "");
  g_assert_cmpstr (rv_row_get_ruc (rv_row_list_find_row (list, 1)), ==, "20131312955");
  g_assert_cmpint (rv_row_get_checked_at (rv_row_list_find_row (list, 1)), ==, 0);
  g_assert_cmpint (rv_row_get_source (rv_row_list_find_row (list, 1)), ==, RV_SOURCE_NONE);
  g_signal_connect (list, "items-changed", G_CALLBACK (count_items_changed), &items_changed);

  /* The database answers: both rows of the RUC change, once; the invalid one does not. */
  rv_batch_run_async (batch, NULL, on_run_done, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (run.error);

  for (guint r = 1; r < 5; r += 3)
    {
      RvRow *row = rv_row_list_find_row (list, r);
      RvResult *result = NULL;

      g_assert_cmpint (rv_row_get_verdict (row), ==, RV_VERDICT_VALID);
      g_assert_cmpstr (rv_row_get_name (row), ==, "SUPERINTENDENCIA NACIONAL DE ADUANAS");
      g_assert_cmpuint (verdict_notifies[r], ==, 1);
      g_object_get (row, "result", &result, NULL);
      g_assert_true (result == rv_batch_get_row_result (batch, r));
      rv_result_unref (result);
    }
  g_assert_cmpuint (name_notifies, ==, 1);
  g_assert_cmpuint (state_notifies, ==, 1);
  /* The RUC was known before the answer: no notification. */
  g_assert_cmpuint (ruc_notifies, ==, 0);
  {
    RvRow *row = rv_row_list_find_row (list, 1);
    g_autofree char *state = NULL;
    g_autofree char *condition = NULL;
    gint64 checked_at = 0;
    RvSource source = RV_SOURCE_NONE;

    g_assert_cmpstr (rv_row_get_state (row), ==, "ACTIVO");
    g_assert_cmpstr (rv_row_get_condition (row), ==, "HABIDO");
    g_assert_cmpstr (rv_row_get_suggestion (row), ==, "");
    g_assert_cmpint (rv_row_get_source (row), ==, RV_SOURCE_CACHE);
    g_assert_cmpint (rv_row_get_checked_at (row), >, 0);
    g_object_get (row, "state", &state, "condition", &condition, "checked-at", &checked_at,
                  "source", &source, NULL);
    g_assert_cmpstr (state, ==, "ACTIVO");
    g_assert_cmpstr (condition, ==, "HABIDO");
    g_assert_cmpint (checked_at, ==, rv_row_get_checked_at (row));
    g_assert_cmpint (source, ==, RV_SOURCE_CACHE);
  }
  g_assert_cmpuint (verdict_notifies[3], ==, 0);
  g_assert_cmpint (rv_row_get_verdict (rv_row_list_find_row (list, 3)), ==, RV_VERDICT_INVALID);
  g_assert_cmpstr (rv_row_get_reason (rv_row_list_find_row (list, 3)), !=, "");
  g_assert_cmpuint (items_changed, ==, 0);

  /* The same result again changes nothing. */
  rv_row_set_result (rv_row_list_find_row (list, 1), rv_batch_get_row_result (batch, 1));
  g_assert_cmpuint (verdict_notifies[1], ==, 1);

  g_clear_object (&list);
  g_clear_object (&batch);
  g_clear_object (&store);
  rv_test_remove_tree (dir);
}

/* A RUC with a wrong check digit carries its suggestion; an answer for another value
 * changes every property that follows the result, and notifies each once.
 */
static void
test_row_properties (void)
{
  RvRucParse parse;
  g_autoptr(RvResult) wrong = NULL;
  g_autoptr(RvResult) pending = NULL;
  g_autoptr(RvResult) answered = NULL;
  g_autoptr(RvRecord) record = rv_record_new ("20131312955", TRUE);
  g_autoptr(RvRow) row = NULL;
  g_autofree char *suggestion = NULL;
  g_autofree char *ruc = NULL;
  guint notifies[6] = { 0 };
  const char *names[] = { "suggestion", "ruc", "address", "as-of", "checked-at", "source" };

  rv_ruc_parse ("20131312950", &parse);
  wrong = rv_result_new (&parse, "20131312950");
  row = rv_row_new (6, "20131312950", wrong);
  g_assert_cmpint (rv_row_get_verdict (row), ==, RV_VERDICT_INVALID);
  g_assert_cmpstr (rv_row_get_suggestion (row), ==, "20131312955");
  g_assert_cmpstr (rv_row_get_ruc (row), ==, "20131312950");
  g_assert_cmpstr (rv_row_get_address (row), ==, "");
  g_assert_cmpstr (rv_row_get_as_of (row), ==, "");
  g_object_get (row, "suggestion", &suggestion, "ruc", &ruc, NULL);
  g_assert_cmpstr (suggestion, ==, "20131312955");
  g_assert_cmpstr (ruc, ==, "20131312950");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *signal = g_strconcat ("notify::", names[i], NULL);
      g_signal_connect (row, signal, G_CALLBACK (count_notify), &notifies[i]);
    }

  rv_ruc_parse ("20131312955", &parse);
  pending = rv_result_new (&parse, "20131312955");
  rv_record_set_field (record, RV_FIELD_ADDRESS_SIMPLE, "AV. GARCILASO DE LA VEGA 1472");
  rv_record_set_as_of (record, "2026-11-01");
  rv_record_set_checked_at (record, 1700000000);
  rv_record_set_source (record, RV_SOURCE_API);
  answered = rv_result_new_answered (pending, record);
  rv_row_set_result (row, answered);

  g_assert_cmpstr (rv_row_get_suggestion (row), ==, "");
  g_assert_cmpstr (rv_row_get_ruc (row), ==, "20131312955");
  g_assert_cmpstr (rv_row_get_address (row), ==, "AV. GARCILASO DE LA VEGA 1472");
  g_assert_cmpstr (rv_row_get_as_of (row), ==, "2026-11-01");
  g_assert_cmpint (rv_row_get_checked_at (row), ==, 1700000000);
  g_assert_cmpint (rv_row_get_source (row), ==, RV_SOURCE_API);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpuint (notifies[i], ==, 1);

  /* No result: every property goes back to its empty value. */
  rv_row_set_result (row, NULL);
  g_assert_cmpstr (rv_row_get_ruc (row), ==, "");
  g_assert_cmpint (rv_row_get_source (row), ==, RV_SOURCE_NONE);
  g_assert_cmpint (rv_row_get_checked_at (row), ==, 0);
  for (guint i = 1; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpuint (notifies[i], ==, 2);
  g_assert_cmpuint (notifies[0], ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/row-list/rows-follow-the-run", test_rows_follow_the_run);
  g_test_add_func ("/row-list/row-properties", test_row_properties);

  return g_test_run ();
}
