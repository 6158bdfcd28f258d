/* rv-test-sheet.c
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

#include "rv-test-sheet.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "rv-ruc.h"

static void
reading_progress_cb (double   fraction,
                     gpointer user_data)
{
  RvTestReading *reading = user_data;

  g_array_append_val (reading->fractions, fraction);
  if (reading->cancel_at > 0 && fraction >= reading->cancel_at)
    g_cancellable_cancel (reading->ctx.cancellable);
}

/**
 * rv_test_reading_init:
 * @reading: (out caller-allocates): the context to set up
 * @path: the file
 *
 * Sets up a read context over @path whose progress is recorded in @reading->fractions.
 */
void
rv_test_reading_init (RvTestReading *reading,
                      const char    *path)
{
  GStatBuf st;

  memset (reading, 0, sizeof *reading);
  reading->path = g_strdup (path);
  reading->display_name = g_path_get_basename (path);
  reading->fractions = g_array_new (FALSE, FALSE, sizeof (double));

  reading->ctx.path = reading->path;
  reading->ctx.display_name = reading->display_name;
  reading->ctx.file_size = g_stat (path, &st) == 0 ? st.st_size : 0;
  reading->ctx.progress = reading_progress_cb;
  reading->ctx.progress_data = reading;
}

void
rv_test_reading_clear (RvTestReading *reading)
{
  g_clear_object (&reading->ctx.cancellable);
  g_clear_pointer (&reading->fractions, g_array_unref);
  g_clear_pointer (&reading->path, g_free);
  g_clear_pointer (&reading->display_name, g_free);
}

/**
 * rv_test_fixture:
 * @folder: a folder of tests/fixtures/
 * @name: a file in it
 *
 * Returns: (transfer full): the fixture's path
 */
char *
rv_test_fixture (const char *folder,
                 const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", folder, name, NULL);
}

/**
 * rv_test_read:
 *
 * Reads @path with @reader alone, as rv_sheet_read_file() would after sniffing.
 *
 * Returns: (transfer full): the workbook, or %NULL with @error set
 */
RvWorkbook *
rv_test_read (RvTestReader     reader,
              RvFileFormat     format,
              const char      *path,
              GCancellable    *cancellable,
              RvReadProgress   progress,
              gpointer         progress_data,
              GError         **error)
{
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autofree char *display_name = g_path_get_basename (path);
  RvReadContext ctx = { 0 };
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);

  ctx.path = path;
  ctx.display_name = display_name;
  ctx.file_size = st.st_size;
  ctx.cancellable = cancellable;
  ctx.progress = progress;
  ctx.progress_data = progress_data;

  workbook = rv_workbook_new (display_name, format);
  if (!reader (&ctx, workbook, error))
    return NULL;
  return g_steal_pointer (&workbook);
}

/**
 * rv_test_check_cell:
 * @sheet: a sheet
 * @reference: a cell, "B7"
 * @expected: its kind and text, "number:20131312955"; "=" first for a formula
 *
 * Compares "B7 number:20131312955" strings, so that a failure shows where and what.
 */
void
rv_test_check_cell (RvSheet    *sheet,
                    const char *reference,
                    const char *expected)
{
  g_autofree char *want = g_strdup_printf ("%s %s", reference, expected);
  g_autofree char *letters = NULL;
  g_autofree char *got = NULL;
  GEnumClass *kinds = g_type_class_ref (RV_TYPE_CELL_KIND);
  const char *digits = reference;
  guint column;
  RvCell cell;

  while (g_ascii_isalpha (*digits))
    digits++;
  letters = g_strndup (reference, digits - reference);
  g_assert_true (rv_sheet_parse_column (letters, &column));
  g_assert_true (g_ascii_isdigit (*digits));
  rv_sheet_get_cell (sheet, atoi (digits) - 1, column, &cell);

  got = g_strdup_printf ("%s %s%s:%s", reference, cell.formula ? "=" : "",
                         g_enum_get_value (kinds, cell.kind)->value_nick, cell.text);
  g_type_class_unref (kinds);

  g_assert_cmpstr (got, ==, want);
}

/**
 * rv_test_get_sheet:
 *
 * Returns: (transfer none): sheet @index of @workbook, after checking its name and size
 */
RvSheet *
rv_test_get_sheet (RvWorkbook *workbook,
                   guint       index,
                   const char *name,
                   guint       n_rows,
                   guint       n_columns)
{
  RvSheet *sheet;

  g_assert_cmpuint (index, <, rv_workbook_get_n_sheets (workbook));
  sheet = rv_workbook_get_sheet (workbook, index);
  g_assert_cmpstr (rv_sheet_get_name (sheet), ==, name);
  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, n_rows);
  g_assert_cmpuint (rv_sheet_get_n_columns (sheet), ==, n_columns);
  return sheet;
}

/**
 * rv_test_check_refused:
 *
 * Reads @path with @reader and checks the error, its code, that its message names the
 * file (and holds @message_part, when given), and that the refusal was quick.
 */
void
rv_test_check_refused (RvTestReader  reader,
                       RvFileFormat  format,
                       const char   *path,
                       GQuark        domain,
                       int           code,
                       const char   *message_part)
{
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_path_get_basename (path);
  gint64 start = g_get_monotonic_time ();

  workbook = rv_test_read (reader, format, path, NULL, NULL, NULL, &error);
  g_test_message ("%s: %s", name, error != NULL ? error->message : "(read)");
  g_assert_error (error, domain, code);
  g_assert_null (workbook);
  g_assert_nonnull (strstr (error->message, name));
  if (message_part != NULL)
    g_assert_nonnull (strstr (error->message, message_part));
  g_assert_cmpint (g_get_monotonic_time () - start, <, RV_TEST_QUICKLY_US);
}

/**
 * rv_test_check_suppliers:
 * @workbook: the shared master, tests/fixtures/sheets/suppliers.fods, as LibreOffice saved
 *   it in one of the formats
 *
 * The same data in XLSX, ODS and XLS must read as the same cells, kinds and formula flags.
 */
void
rv_test_check_suppliers (RvWorkbook *workbook)
{
  RvSheet *sheet;

  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 3);

  sheet = rv_test_get_sheet (workbook, 0, "Notas", 2, 1);
  rv_test_check_cell (sheet, "A1", "text:Proveedores y clientes de noviembre, para validar.");
  rv_test_check_cell (sheet, "A2", "text:Los RUC están en las hojas Proveedores y Clientes.");

  sheet = rv_test_get_sheet (workbook, 1, "Proveedores", 16, 6);
  /* The merged title stays in its first cell; the covered cells are empty. */
  rv_test_check_cell (sheet, "A1", "text:REPORTE DE PROVEEDORES");
  rv_test_check_cell (sheet, "B1", "empty:");
  rv_test_check_cell (sheet, "F1", "empty:");
  rv_test_check_cell (sheet, "A2", "text:Periodo: noviembre 2026");
  rv_test_check_cell (sheet, "A3", "text:N°");
  rv_test_check_cell (sheet, "B3", "text:R.U.C.");
  rv_test_check_cell (sheet, "C3", "text:Razón Social");
  rv_test_check_cell (sheet, "D3", "text:Fecha");
  rv_test_check_cell (sheet, "E3", "text:Importe");
  rv_test_check_cell (sheet, "F3", "text:Activo");

  rv_test_check_cell (sheet, "A4", "number:1");
  rv_test_check_cell (sheet, "B4", "number:20131312955");
  rv_test_check_cell (sheet, "C4", "text:SUPERINTENDENCIA NACIONAL DE ADUANAS Y DE ADMINISTRACIÓN TRIBUTARIA");
  rv_test_check_cell (sheet, "D4", "date:2026-11-22");
  rv_test_check_cell (sheet, "E4", "number:1234.5");
  rv_test_check_cell (sheet, "F4", "boolean:TRUE");

  rv_test_check_cell (sheet, "B5", "number:20100047218");
  rv_test_check_cell (sheet, "C5", "text:BANCO DE CRÉDITO DEL PERÚ");
  rv_test_check_cell (sheet, "D5", "date:2026-11-03");
  rv_test_check_cell (sheet, "E5", "number:980.25");

  rv_test_check_cell (sheet, "B6", "text:20100070970");
  rv_test_check_cell (sheet, "E6", "=number:1960.5");
  rv_test_check_cell (sheet, "F6", "boolean:FALSE");

  rv_test_check_cell (sheet, "B7", "number:10054148289");
  rv_test_check_cell (sheet, "C7", "text:PEÑA QUISPE, JOSÉ ÁNGEL");
  rv_test_check_cell (sheet, "E7", "number:150");
  rv_test_check_cell (sheet, "B8", "number:17155542071");
  rv_test_check_cell (sheet, "C8", "text:ASOCIACIÓN CIVIL AÑAY");
  rv_test_check_cell (sheet, "B9", "number:20131312956");
  rv_test_check_cell (sheet, "E9", "number:10.1");
  rv_test_check_cell (sheet, "B10", "text:07654321");
  rv_test_check_cell (sheet, "C10", "text:MUÑOZ ÑAHUI, MARÍA");
  rv_test_check_cell (sheet, "E10", "number:0.5");
  rv_test_check_cell (sheet, "A11", "number:8");
  rv_test_check_cell (sheet, "B11", "empty:");
  rv_test_check_cell (sheet, "C11", "text:SIN RUC S.R.L.");
  rv_test_check_cell (sheet, "B12", "text:RUC: 20131312955");
  rv_test_check_cell (sheet, "E12", "number:1000000");
  rv_test_check_cell (sheet, "B13", "number:20100047218");
  rv_test_check_cell (sheet, "D13", "date:2026-11-21");
  /* An empty row between data rows still counts. */
  rv_test_check_cell (sheet, "A14", "empty:");
  rv_test_check_cell (sheet, "F14", "empty:");
  rv_test_check_cell (sheet, "A15", "number:11");
  rv_test_check_cell (sheet, "B15", "text:20 131 312 955");
  rv_test_check_cell (sheet, "C15", "text:Cañete Ñuñoa & Cía.");
  rv_test_check_cell (sheet, "D15", "date:2026-11-22 10:15:00");
  rv_test_check_cell (sheet, "E15", "number:-45.6");
  rv_test_check_cell (sheet, "B16", "number:20100070970");
  rv_test_check_cell (sheet, "C16", "text:Línea 1\nLínea 2");
  rv_test_check_cell (sheet, "D16", "date:2026-11-30");
  rv_test_check_cell (sheet, "E16", "number:3.14159");
  rv_test_check_cell (sheet, "F16", "boolean:TRUE");
  rv_test_check_cell (sheet, "G16", "empty:");
  rv_test_check_cell (sheet, "A17", "empty:");

  sheet = rv_test_get_sheet (workbook, 2, "Clientes", 6, 4);
  rv_test_check_cell (sheet, "C1", "text:Nro. Doc.");
  rv_test_check_cell (sheet, "C2", "number:20100047218");
  rv_test_check_cell (sheet, "C3", "number:10054148289");
  rv_test_check_cell (sheet, "C4", "text:07654321");
  rv_test_check_cell (sheet, "A4", "text:Ana Peña");
  rv_test_check_cell (sheet, "C5", "number:20131312955");
  rv_test_check_cell (sheet, "A6", "text:Cliente sin documento");
  rv_test_check_cell (sheet, "C6", "empty:");
}

/**
 * rv_test_make_ruc:
 * @prefix: two digits ("10", "20"…)
 * @n: the body; its last eight digits are used
 *
 * Returns: (transfer full): the 11-digit RUC @prefix + @n with its right check digit
 */
char *
rv_test_make_ruc (const char *prefix,
                  guint       n)
{
  char ruc[12];

  g_snprintf (ruc, sizeof ruc, "%s%08u", prefix, n % 100000000);
  ruc[10] = '0' + rv_ruc_compute_check_digit (ruc);
  ruc[11] = 0;
  g_assert_true (rv_ruc_is_valid (ruc));
  return g_strdup (ruc);
}

/**
 * rv_test_make_dir:
 * @name: the test's name, for the folder's
 *
 * Returns: (transfer full): a new empty folder in the temporary folder, "NAME-XXXXXX"
 */
char *
rv_test_make_dir (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("%s-XXXXXX", name);
  char *dir = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  return dir;
}

/**
 * rv_test_remove_tree:
 * @path: a file or a folder a test made
 *
 * Removes @path and, for a folder, everything in it (links are removed, not followed),
 * asserting that each removal succeeds.
 */
void
rv_test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          rv_test_remove_tree (child);
        }
      g_assert_no_errno (g_rmdir (path));
    }
  else
    g_assert_no_errno (g_unlink (path));
}

/**
 * rv_test_progress_cb:
 * @fraction: what the reader reported
 * @user_data: a #RvTestProgress
 *
 * Counts the reports, notes one that went backwards, and cancels the reading at the first
 * when the #RvTestProgress has a cancellable.
 */
void
rv_test_progress_cb (double   fraction,
                     gpointer user_data)
{
  RvTestProgress *progress = user_data;

  if (fraction < progress->last)
    progress->backwards = TRUE;
  progress->last = fraction;
  progress->calls++;

  if (progress->cancellable != NULL)
    g_cancellable_cancel (progress->cancellable);
}
