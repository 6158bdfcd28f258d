/* rv-sheet-writer.c
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

#define G_LOG_DOMAIN "rv-sheet-writer"

#include "config.h"

#include "rv-sheet-writer.h"

/* What the writers share: which rows an export writes. The CSV writer is in
 * rv-csv-writer.c; the XLSX and ODS writers will sit beside it.
 */

G_DEFINE_ENUM_TYPE (RvExportRows, rv_export_rows,
  G_DEFINE_ENUM_VALUE (RV_EXPORT_ALL, "all"),
  G_DEFINE_ENUM_VALUE (RV_EXPORT_VALID, "valid"),
  G_DEFINE_ENUM_VALUE (RV_EXPORT_PROBLEMS, "problems"))

/**
 * rv_export_rows_from_nick:
 * @nick: (nullable): "all", "valid" or "problems", as `--only` takes it
 * @rows: (out): which rows to write
 *
 * Returns: %TRUE if @nick names a choice; @rows is left alone otherwise
 */
gboolean
rv_export_rows_from_nick (const char   *nick,
                          RvExportRows *rows)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *value;

  g_return_val_if_fail (rows != NULL, FALSE);

  if (nick == NULL)
    return FALSE;

  klass = g_type_class_ref (RV_TYPE_EXPORT_ROWS);
  value = g_enum_get_value_by_nick (klass, nick);
  if (value == NULL)
    return FALSE;

  *rows = value->value;
  return TRUE;
}
