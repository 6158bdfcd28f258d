/* rv-sheet.c
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

#define G_LOG_DOMAIN "rv-sheet"

#include "config.h"

#include "rv-sheet.h"

#include <string.h>

/**
 * RvSheet:
 *
 * One sheet of a workbook: rows of cells, each with its text and kind.
 *
 * Compact by design (100,000 rows × 10 columns in well under 100 MB): every cell is
 * eight bytes (an offset into one text buffer, its kind) and rows are ranges of one
 * cell array. Texts are stored once, nul-terminated, in a single growing buffer, so a
 * sheet costs three allocations whatever its size. Sheets are built row by row by a
 * reader, then only read.
 */
typedef struct
{
  guint32 offset;    /* into texts; 0 is the shared empty string */
  guint8  kind;      /* RvCellKind */
  guint8  formula;
  guint16 reserved;
} Slot;

G_STATIC_ASSERT (sizeof (Slot) == 8);

struct _RvSheet
{
  GObject     parent_instance;

  char       *name;
  GArray     *slots;       /* Slot, row after row */
  GArray     *row_starts;  /* guint32: row r is slots[row_starts[r] .. row_starts[r + 1]) */
  GByteArray *texts;
  guint       n_columns;
};

G_DEFINE_FINAL_TYPE (RvSheet, rv_sheet, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (RvCellKind, rv_cell_kind,
  G_DEFINE_ENUM_VALUE (RV_CELL_EMPTY, "empty"),
  G_DEFINE_ENUM_VALUE (RV_CELL_TEXT, "text"),
  G_DEFINE_ENUM_VALUE (RV_CELL_NUMBER, "number"),
  G_DEFINE_ENUM_VALUE (RV_CELL_BOOLEAN, "boolean"),
  G_DEFINE_ENUM_VALUE (RV_CELL_DATE, "date"),
  G_DEFINE_ENUM_VALUE (RV_CELL_ERROR, "error"))

static guint
row_end (RvSheet *self,
         guint    row)
{
  return row + 1 < self->row_starts->len ? g_array_index (self->row_starts, guint32, row + 1)
                                         : self->slots->len;
}

static void
rv_sheet_finalize (GObject *object)
{
  RvSheet *self = (RvSheet *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->slots, g_array_unref);
  g_clear_pointer (&self->row_starts, g_array_unref);
  g_clear_pointer (&self->texts, g_byte_array_unref);

  G_OBJECT_CLASS (rv_sheet_parent_class)->finalize (object);
}

static void
rv_sheet_class_init (RvSheetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rv_sheet_finalize;
}

static void
rv_sheet_init (RvSheet *self)
{
  /* Cleared: cells between sparse ones must read as empty. */
  self->slots = g_array_new (FALSE, TRUE, sizeof (Slot));
  self->row_starts = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->texts = g_byte_array_new ();
  /* Offset 0: the empty string every empty cell points to. */
  g_byte_array_append (self->texts, (const guint8 *) "", 1);
}

/**
 * rv_sheet_new:
 * @name: the sheet's name as the workbook gives it
 *
 * Returns: (transfer full): an empty sheet
 */
RvSheet *
rv_sheet_new (const char *name)
{
  RvSheet *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (RV_TYPE_SHEET, NULL);
  self->name = g_strdup (name);
  return self;
}

const char *
rv_sheet_get_name (RvSheet *self)
{
  g_return_val_if_fail (RV_IS_SHEET (self), NULL);

  return self->name;
}

/**
 * rv_sheet_get_n_rows:
 * @self: a #RvSheet
 *
 * Returns: the number of rows, up to the last row with a cell
 */
guint
rv_sheet_get_n_rows (RvSheet *self)
{
  g_return_val_if_fail (RV_IS_SHEET (self), 0);

  return self->row_starts->len;
}

/**
 * rv_sheet_get_n_columns:
 * @self: a #RvSheet
 *
 * Returns: the number of columns, up to the rightmost cell of any row
 */
guint
rv_sheet_get_n_columns (RvSheet *self)
{
  g_return_val_if_fail (RV_IS_SHEET (self), 0);

  return self->n_columns;
}

/**
 * rv_sheet_get_n_cells:
 * @self: a #RvSheet
 *
 * Returns: how many cells are stored, empty ones between others included
 */
guint64
rv_sheet_get_n_cells (RvSheet *self)
{
  g_return_val_if_fail (RV_IS_SHEET (self), 0);

  return self->slots->len;
}

/**
 * rv_sheet_get_memory_size:
 * @self: a #RvSheet
 *
 * Returns: the bytes the sheet's contents take (for limits and benchmarks)
 */
gsize
rv_sheet_get_memory_size (RvSheet *self)
{
  g_return_val_if_fail (RV_IS_SHEET (self), 0);

  return sizeof *self + self->slots->len * sizeof (Slot) +
         self->row_starts->len * sizeof (guint32) + self->texts->len;
}

/**
 * rv_sheet_get_cell:
 * @self: a #RvSheet
 * @row: the row, from 0
 * @column: the column, from 0
 * @cell: (out caller-allocates): the cell
 *
 * Any row and column may be asked for: outside the stored cells, the cell is empty.
 *
 * Returns: %TRUE if the cell is not empty
 */
gboolean
rv_sheet_get_cell (RvSheet *self,
                   guint    row,
                   guint    column,
                   RvCell  *cell)
{
  const Slot *slot = NULL;

  g_return_val_if_fail (RV_IS_SHEET (self), FALSE);
  g_return_val_if_fail (cell != NULL, FALSE);

  if (row < self->row_starts->len)
    {
      guint start = g_array_index (self->row_starts, guint32, row);

      if (start + column < row_end (self, row))
        slot = &g_array_index (self->slots, Slot, start + column);
    }

  if (slot == NULL)
    {
      cell->text = (const char *) self->texts->data;
      cell->kind = RV_CELL_EMPTY;
      cell->formula = FALSE;
      return FALSE;
    }

  cell->text = (const char *) self->texts->data + slot->offset;
  cell->kind = slot->kind;
  cell->formula = slot->formula;
  return slot->kind != RV_CELL_EMPTY;
}

/**
 * rv_sheet_get_text:
 * @self: a #RvSheet
 * @row: the row, from 0
 * @column: the column, from 0
 *
 * Returns: the cell's text; "" when empty or outside the sheet
 */
const char *
rv_sheet_get_text (RvSheet *self,
                   guint    row,
                   guint    column)
{
  RvCell cell;

  g_return_val_if_fail (RV_IS_SHEET (self), NULL);

  rv_sheet_get_cell (self, row, column, &cell);
  return cell.text;
}

/**
 * rv_sheet_set_cell:
 * @self: a #RvSheet
 * @row: the row, from 0; never before the last row set
 * @column: the column, from 0
 * @kind: what the cell holds
 * @formula: whether it is the result of a formula
 * @text: (nullable): the text (UTF-8)
 * @length: its length in bytes, or -1 if nul-terminated
 *
 * Sets a cell while the sheet is built. Rows come in increasing order; within the last
 * row, columns in any order (a cell set twice keeps the last text). Empty texts are
 * stored as empty cells.
 *
 * Returns: %FALSE, and stores nothing, when @row comes before the last row set or a limit
 *   of rv-sheet.h is passed (the reader then reports the file as malformed or too large)
 */
gboolean
rv_sheet_set_cell (RvSheet    *self,
                   guint       row,
                   guint       column,
                   RvCellKind  kind,
                   gboolean    formula,
                   const char *text,
                   gssize      length)
{
  guint n_rows;
  guint start;
  guint index;
  Slot *slot;

  g_return_val_if_fail (RV_IS_SHEET (self), FALSE);

  if (row >= RV_SHEET_MAX_ROWS || column >= RV_SHEET_MAX_COLUMNS)
    return FALSE;

  if (text == NULL)
    length = 0;
  else if (length < 0)
    length = strlen (text);
  if (length > RV_SHEET_MAX_CELL_BYTES)
    return FALSE;
  if (length == 0)
    kind = RV_CELL_EMPTY;

  n_rows = self->row_starts->len;
  if (n_rows > 0 && row < n_rows - 1)
    return FALSE;

  /* Empty rows up to @row. */
  while (self->row_starts->len <= row)
    {
      guint32 here = self->slots->len;
      g_array_append_val (self->row_starts, here);
    }

  start = g_array_index (self->row_starts, guint32, row);
  index = start + column;
  if (index >= self->slots->len)
    {
      if (kind == RV_CELL_EMPTY)
        return TRUE;
      if ((guint64) index + 1 > RV_SHEET_MAX_CELLS)
        return FALSE;
      g_array_set_size (self->slots, index + 1);  /* zeroed: empty cells */
    }

  if (self->texts->len + (guint64) length + 1 > G_MAXUINT32)
    return FALSE;

  slot = &g_array_index (self->slots, Slot, index);
  slot->kind = kind;
  slot->formula = !!formula;
  if (kind == RV_CELL_EMPTY)
    slot->offset = 0;
  else
    {
      const guint8 nul = 0;

      slot->offset = self->texts->len;
      g_byte_array_append (self->texts, (const guint8 *) text, length);
      g_byte_array_append (self->texts, &nul, 1);
    }

  self->n_columns = MAX (self->n_columns, column + 1);
  return TRUE;
}

/**
 * rv_sheet_row_is_blank:
 * @self: a #RvSheet
 * @row: a row, from 0
 *
 * Returns: whether no cell of @row holds anything
 */
gboolean
rv_sheet_row_is_blank (RvSheet *self,
                       guint    row)
{
  g_return_val_if_fail (RV_IS_SHEET (self), TRUE);

  for (guint c = 0; c < self->n_columns; c++)
    {
      RvCell cell;

      if (rv_sheet_get_cell (self, row, c, &cell) && cell.kind != RV_CELL_EMPTY)
        return FALSE;
    }
  return TRUE;
}

/**
 * rv_sheet_dup_column_values:
 * @self: a #RvSheet
 * @first_row: the first row of data (under the header)
 * @column: the column of the values
 * @n_values: (out) (optional): how many rows have a value
 *
 * The values a run checks, one per row of the sheet: %NULL above @first_row and for
 * blank rows (they are not data), the cell's text otherwise ("" for an empty cell in a
 * row that holds something else).
 *
 * Returns: (transfer container) (element-type utf8): the values, owned by @self
 */
GPtrArray *
rv_sheet_dup_column_values (RvSheet *self,
                            guint    first_row,
                            guint    column,
                            guint   *n_values)
{
  guint n_rows;
  GPtrArray *values;
  guint n = 0;

  g_return_val_if_fail (RV_IS_SHEET (self), NULL);

  n_rows = rv_sheet_get_n_rows (self);
  values = g_ptr_array_new_full (n_rows, NULL);
  for (guint r = 0; r < n_rows; r++)
    {
      const char *value = NULL;

      if (r >= first_row && !rv_sheet_row_is_blank (self, r))
        {
          value = rv_sheet_get_text (self, r, column);
          if (value == NULL)
            value = "";
          n++;
        }
      g_ptr_array_add (values, (gpointer) value);
    }

  if (n_values != NULL)
    *n_values = n;
  return values;
}

/**
 * rv_sheet_dup_column_label:
 * @self: a #RvSheet
 * @header_row: the header row, or -1 for none
 * @column: a column, from 0
 *
 * Returns: (transfer full): "B · RUC": the column's letters and its title, or the letters
 *   alone when it has none
 */
char *
rv_sheet_dup_column_label (RvSheet *self,
                           int      header_row,
                           guint    column)
{
  g_autofree char *letter = rv_sheet_column_letter (column);
  const char *title;

  g_return_val_if_fail (RV_IS_SHEET (self), NULL);

  title = header_row >= 0 ? rv_sheet_get_text (self, (guint) header_row, column) : NULL;
  if (title == NULL || title[0] == 0)
    return g_steal_pointer (&letter);
  return g_strdup_printf ("%s · %s", letter, title);
}

/**
 * rv_sheet_column_letter:
 * @column: a column, from 0
 *
 * Returns: (transfer full): its spreadsheet letters: "A", "Z", "AA", "XFD"
 */
char *
rv_sheet_column_letter (guint column)
{
  char buffer[8];
  int i = G_N_ELEMENTS (buffer) - 1;

  buffer[i] = 0;
  column++;
  while (column > 0 && i > 0)
    {
      buffer[--i] = 'A' + (column - 1) % 26;
      column = (column - 1) / 26;
    }
  return g_strdup (buffer + i);
}

/**
 * rv_sheet_parse_column:
 * @letters: column letters, any case ("c", "AB")
 * @column: (out): the column, from 0
 *
 * Returns: %TRUE if @letters name a column within the limits
 */
gboolean
rv_sheet_parse_column (const char *letters,
                       guint      *column)
{
  guint64 value = 0;

  g_return_val_if_fail (letters != NULL, FALSE);
  g_return_val_if_fail (column != NULL, FALSE);

  if (*letters == 0)
    return FALSE;

  for (const char *p = letters; *p; p++)
    {
      if (!g_ascii_isalpha (*p))
        return FALSE;
      value = value * 26 + (g_ascii_toupper (*p) - 'A' + 1);
      if (value > RV_SHEET_MAX_COLUMNS)
        return FALSE;
    }

  *column = value - 1;
  return TRUE;
}
