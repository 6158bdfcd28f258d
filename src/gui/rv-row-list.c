/* rv-row-list.c
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

#define G_LOG_DOMAIN "rv-row-list"

#include "config.h"

#include "rv-row-list.h"

/*
 * The rows of a run as a GListModel, for the window's table: one RvRow for each row of the
 * sheet that holds a value (titles, the header and blank rows have none), in the sheet's
 * order. The list never changes length; as the batch answers, the rows of each answered
 * value get their new result and notify it, so that a bound cell redraws and nothing else
 * does. Sorting and filtering are the window's (GtkSortListModel, GtkFilterListModel).
 */

struct _RvRowList
{
  GObject     parent_instance;

  RvBatch    *batch;
  GPtrArray  *items;     /* RvRow, in the sheet's order */
  GPtrArray  *by_index;  /* RvRow or NULL, by row of the sheet (borrowed from items) */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RvRowList, rv_row_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
rv_row_list_get_item_type (GListModel *model)
{
  return RV_TYPE_ROW;
}

static guint
rv_row_list_get_n_items (GListModel *model)
{
  return RV_ROW_LIST (model)->items->len;
}

static gpointer
rv_row_list_get_item (GListModel *model,
                      guint       position)
{
  RvRowList *self = RV_ROW_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = rv_row_list_get_item_type;
  iface->get_n_items = rv_row_list_get_n_items;
  iface->get_item = rv_row_list_get_item;
}

static void
on_entry_changed (RvBatch   *batch,
                  guint      entry,
                  RvRowList *self)
{
  RvResult *result = rv_batch_get_entry_result (batch, entry);
  const guint *rows;
  guint n_rows = 0;

  rows = rv_batch_get_entry_rows (batch, entry, &n_rows);
  for (guint i = 0; i < n_rows; i++)
    {
      RvRow *row = rows[i] < self->by_index->len ? g_ptr_array_index (self->by_index, rows[i]) : NULL;

      if (row != NULL)
        rv_row_set_result (row, result);
    }
}

static void
rv_row_list_dispose (GObject *object)
{
  RvRowList *self = (RvRowList *) object;

  if (self->batch != NULL)
    g_signal_handlers_disconnect_by_data (self->batch, self);
  g_clear_object (&self->batch);

  G_OBJECT_CLASS (rv_row_list_parent_class)->dispose (object);
}

static void
rv_row_list_finalize (GObject *object)
{
  RvRowList *self = (RvRowList *) object;

  g_clear_pointer (&self->by_index, g_ptr_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (rv_row_list_parent_class)->finalize (object);
}

static void
rv_row_list_class_init (RvRowListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rv_row_list_dispose;
  object_class->finalize = rv_row_list_finalize;
}

static void
rv_row_list_init (RvRowList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_index = g_ptr_array_new ();
}

/**
 * rv_row_list_new:
 * @batch: the run, its rows added (one per row of @sheet, as rv_batch_add_rows() takes them)
 * @sheet: the sheet the rows come from
 * @column: the RUC column of @sheet
 *
 * Returns: (transfer full): the list of the rows of @batch that hold a value
 */
RvRowList *
rv_row_list_new (RvBatch *batch,
                 RvSheet *sheet,
                 guint    column)
{
  RvRowList *self;
  guint n_rows;

  g_return_val_if_fail (RV_IS_BATCH (batch), NULL);
  g_return_val_if_fail (RV_IS_SHEET (sheet), NULL);

  self = g_object_new (RV_TYPE_ROW_LIST, NULL);
  self->batch = g_object_ref (batch);
  n_rows = rv_batch_get_n_rows (batch);
  g_ptr_array_set_size (self->by_index, n_rows);

  for (guint r = 0; r < n_rows; r++)
    {
      RvRow *row;

      if (rv_batch_get_row_entry (batch, r) < 0)
        continue;

      row = rv_row_new (r, rv_sheet_get_text (sheet, r, column), rv_batch_get_row_result (batch, r));
      g_ptr_array_add (self->items, row);
      g_ptr_array_index (self->by_index, r) = row;
    }

  g_signal_connect (batch, "entry-changed", G_CALLBACK (on_entry_changed), self);
  return self;
}

/**
 * rv_row_list_get_batch:
 *
 * Returns: (transfer none): the run the rows belong to
 */
RvBatch *
rv_row_list_get_batch (RvRowList *self)
{
  g_return_val_if_fail (RV_IS_ROW_LIST (self), NULL);

  return self->batch;
}

/**
 * rv_row_list_find_row:
 * @self: a list
 * @index: a row of the sheet
 *
 * Returns: (transfer none) (nullable): the list's row for @index, or %NULL when that row
 *   holds no value
 */
RvRow *
rv_row_list_find_row (RvRowList *self,
                      guint      index)
{
  g_return_val_if_fail (RV_IS_ROW_LIST (self), NULL);

  return index < self->by_index->len ? g_ptr_array_index (self->by_index, index) : NULL;
}
