/* rv-sheet.h
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

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * RvCellKind:
 * @RV_CELL_EMPTY: nothing
 * @RV_CELL_TEXT: text
 * @RV_CELL_NUMBER: a number, as its exact decimal text ("20131312955", "0.5")
 * @RV_CELL_BOOLEAN: "TRUE" or "FALSE"
 * @RV_CELL_DATE: a date ("2026-11-22") or date and time ("2026-11-22 10:15:00")
 * @RV_CELL_ERROR: a formula error such as "#N/A"
 */
typedef enum
{
  RV_CELL_EMPTY,
  RV_CELL_TEXT,
  RV_CELL_NUMBER,
  RV_CELL_BOOLEAN,
  RV_CELL_DATE,
  RV_CELL_ERROR,
} RvCellKind;

/**
 * RvCell:
 * @text: the cell's text, never %NULL ("" when empty); valid while the sheet lives
 * @kind: what the cell holds
 * @formula: the cell is the cached result of a formula
 */
typedef struct
{
  const char *text;
  RvCellKind  kind;
  gboolean    formula;
} RvCell;

/* Limits: past them a file is refused with one sentence (see README.md, Limits). */
#define RV_SHEET_MAX_ROWS        1048576   /* Excel's own limit */
#define RV_SHEET_MAX_COLUMNS     16384     /* Excel's own limit */
#define RV_SHEET_MAX_CELL_BYTES  131072    /* 32,767 characters, Excel's limit, in UTF-8 */
#define RV_SHEET_MAX_CELLS       (G_GUINT64_CONSTANT (50000000))

#define RV_TYPE_SHEET      (rv_sheet_get_type ())
#define RV_TYPE_CELL_KIND  (rv_cell_kind_get_type ())

G_DECLARE_FINAL_TYPE (RvSheet, rv_sheet, RV, SHEET, GObject)

GType       rv_cell_kind_get_type      (void) G_GNUC_CONST;

RvSheet    *rv_sheet_new               (const char  *name);
const char *rv_sheet_get_name          (RvSheet     *self);
guint       rv_sheet_get_n_rows        (RvSheet     *self);
guint       rv_sheet_get_n_columns     (RvSheet     *self);
gboolean    rv_sheet_get_cell          (RvSheet     *self,
                                        guint        row,
                                        guint        column,
                                        RvCell      *cell);
const char *rv_sheet_get_text          (RvSheet     *self,
                                        guint        row,
                                        guint        column);
gboolean    rv_sheet_set_cell          (RvSheet     *self,
                                        guint        row,
                                        guint        column,
                                        RvCellKind   kind,
                                        gboolean     formula,
                                        const char  *text,
                                        gssize       length);
guint64     rv_sheet_get_n_cells       (RvSheet     *self);
gsize       rv_sheet_get_memory_size   (RvSheet     *self);
gboolean    rv_sheet_row_is_blank      (RvSheet     *self,
                                        guint        row);
GPtrArray  *rv_sheet_dup_column_values (RvSheet     *self,
                                        guint        first_row,
                                        guint        column,
                                        guint       *n_values);
char       *rv_sheet_column_letter     (guint        column);
char       *rv_sheet_dup_column_label  (RvSheet     *self,
                                        int          header_row,
                                        guint        column);
gboolean    rv_sheet_parse_column      (const char  *letters,
                                        guint       *column);

G_END_DECLS
