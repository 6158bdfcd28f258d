/* rv-workbook.c
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

#define G_LOG_DOMAIN "rv-workbook"

#include "config.h"

#include "rv-workbook.h"


#include <glib/gi18n-lib.h>

/**
 * RvWorkbook:
 *
 * What a reader made of a file: its format, the encoding and delimiter of a CSV, and
 * its sheets in workbook order.
 */
struct _RvWorkbook
{
  GObject       parent_instance;

  char         *file_name;
  char         *encoding;
  GPtrArray    *sheets;
  RvFileFormat  format;
  char          delimiter;
};

G_DEFINE_FINAL_TYPE (RvWorkbook, rv_workbook, G_TYPE_OBJECT)
G_DEFINE_QUARK (rv-sheet-error-quark, rv_sheet_error)
G_DEFINE_ENUM_TYPE (RvFileFormat, rv_file_format,
  G_DEFINE_ENUM_VALUE (RV_FILE_FORMAT_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (RV_FILE_FORMAT_CSV, "csv"),
  G_DEFINE_ENUM_VALUE (RV_FILE_FORMAT_XLSX, "xlsx"),
  G_DEFINE_ENUM_VALUE (RV_FILE_FORMAT_ODS, "ods"),
  G_DEFINE_ENUM_VALUE (RV_FILE_FORMAT_XLS, "xls"))

static void
rv_workbook_finalize (GObject *object)
{
  RvWorkbook *self = (RvWorkbook *)object;

  g_clear_pointer (&self->file_name, g_free);
  g_clear_pointer (&self->encoding, g_free);
  g_clear_pointer (&self->sheets, g_ptr_array_unref);

  G_OBJECT_CLASS (rv_workbook_parent_class)->finalize (object);
}

static void
rv_workbook_class_init (RvWorkbookClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rv_workbook_finalize;
}

static void
rv_workbook_init (RvWorkbook *self)
{
  self->sheets = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * rv_file_format_get_nick:
 * @format: a format
 *
 * Returns: "csv", "xlsx", "ods", "xls" or "unknown"
 */
const char *
rv_file_format_get_nick (RvFileFormat format)
{
  static const char *nicks[] = { "unknown", "csv", "xlsx", "ods", "xls" };

  g_return_val_if_fail (format < G_N_ELEMENTS (nicks), NULL);

  return nicks[format];
}

/**
 * rv_workbook_new:
 * @file_name: the file's name, as messages show it
 * @format: its format
 *
 * Returns: (transfer full): an empty workbook
 */
RvWorkbook *
rv_workbook_new (const char   *file_name,
                 RvFileFormat  format)
{
  RvWorkbook *self;

  g_return_val_if_fail (file_name != NULL, NULL);

  self = g_object_new (RV_TYPE_WORKBOOK, NULL);
  self->file_name = g_strdup (file_name);
  self->format = format;
  return self;
}

const char *
rv_workbook_get_file_name (RvWorkbook *self)
{
  g_return_val_if_fail (RV_IS_WORKBOOK (self), NULL);

  return self->file_name;
}

RvFileFormat
rv_workbook_get_format (RvWorkbook *self)
{
  g_return_val_if_fail (RV_IS_WORKBOOK (self), RV_FILE_FORMAT_UNKNOWN);

  return self->format;
}

/**
 * rv_workbook_get_encoding:
 * @self: a #RvWorkbook
 *
 * Returns: (nullable): the encoding a CSV was read in ("UTF-8", "WINDOWS-1252", …)
 */
const char *
rv_workbook_get_encoding (RvWorkbook *self)
{
  g_return_val_if_fail (RV_IS_WORKBOOK (self), NULL);

  return self->encoding;
}

void
rv_workbook_set_encoding (RvWorkbook *self,
                          const char *encoding)
{
  g_return_if_fail (RV_IS_WORKBOOK (self));

  g_free (self->encoding);
  self->encoding = g_strdup (encoding);
}

/**
 * rv_workbook_get_delimiter:
 * @self: a #RvWorkbook
 *
 * Returns: the delimiter of a CSV (',', ';', '\t' or '|'), or 0
 */
char
rv_workbook_get_delimiter (RvWorkbook *self)
{
  g_return_val_if_fail (RV_IS_WORKBOOK (self), 0);

  return self->delimiter;
}

void
rv_workbook_set_delimiter (RvWorkbook *self,
                           char        delimiter)
{
  g_return_if_fail (RV_IS_WORKBOOK (self));

  self->delimiter = delimiter;
}

guint
rv_workbook_get_n_sheets (RvWorkbook *self)
{
  g_return_val_if_fail (RV_IS_WORKBOOK (self), 0);

  return self->sheets->len;
}

/**
 * rv_workbook_get_sheet:
 * @self: a #RvWorkbook
 * @index: from 0, in workbook order
 *
 * Returns: (transfer none): the sheet
 */
RvSheet *
rv_workbook_get_sheet (RvWorkbook *self,
                       guint       index)
{
  g_return_val_if_fail (RV_IS_WORKBOOK (self), NULL);
  g_return_val_if_fail (index < self->sheets->len, NULL);

  return g_ptr_array_index (self->sheets, index);
}

/**
 * rv_workbook_add_sheet:
 * @self: a #RvWorkbook
 * @sheet: the next sheet, in workbook order
 */
void
rv_workbook_add_sheet (RvWorkbook *self,
                       RvSheet    *sheet)
{
  g_return_if_fail (RV_IS_WORKBOOK (self));
  g_return_if_fail (RV_IS_SHEET (sheet));

  g_ptr_array_add (self->sheets, g_object_ref (sheet));
}

/**
 * rv_workbook_find_sheet:
 * @self: a #RvWorkbook
 * @name_or_number: a sheet's name (exact, then ignoring case) or its number, from 1
 * @error: a location for a #GError, or %NULL
 *
 * Returns: (transfer none): the sheet, or %NULL with %RV_SHEET_ERROR_SHEET_NOT_FOUND
 */
RvSheet *
rv_workbook_find_sheet (RvWorkbook  *self,
                        const char  *name_or_number,
                        GError     **error)
{
  g_autoptr(GString) names = NULL;
  char *end = NULL;
  guint64 number;

  g_return_val_if_fail (RV_IS_WORKBOOK (self), NULL);
  g_return_val_if_fail (name_or_number != NULL, NULL);

  for (guint i = 0; i < self->sheets->len; i++)
    if (g_strcmp0 (rv_sheet_get_name (self->sheets->pdata[i]), name_or_number) == 0)
      return self->sheets->pdata[i];

  for (guint i = 0; i < self->sheets->len; i++)
    {
      g_autofree char *a = g_utf8_casefold (rv_sheet_get_name (self->sheets->pdata[i]), -1);
      g_autofree char *b = g_utf8_casefold (name_or_number, -1);

      if (g_strcmp0 (a, b) == 0)
        return self->sheets->pdata[i];
    }

  number = g_ascii_strtoull (name_or_number, &end, 10);
  if (end != name_or_number && *end == 0 && number >= 1 && number <= self->sheets->len)
    return self->sheets->pdata[number - 1];

  names = g_string_new (NULL);
  for (guint i = 0; i < self->sheets->len; i++)
    g_string_append_printf (names, "%s“%s”", i > 0 ? ", " : "",
                            rv_sheet_get_name (self->sheets->pdata[i]));

  g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_SHEET_NOT_FOUND,
               /* Translators: the sheet asked for, the file, then the list of its sheets. */
               _("No sheet “%s” in “%s”; its sheets are %s"),
               name_or_number, self->file_name, names->str);
  return NULL;
}
