/* test-xls.c
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

#define G_LOG_DOMAIN "test-xls"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gsf/gsf.h>

#include "rv-sheet-reader-private.h"
#include "rv-test-sheet.h"

/* The XLS reader, called directly with a context of our own (as rv_sheet_read_file()
 * would call it), on the workbooks of fixtures/xls/ (made by make-fixtures.sh) and on
 * files the tests make: OLE2 files that are not workbooks, damaged workbooks, and
 * workbooks written record by record.
 */


/* Reads @path with the XLS reader; the workbook, or NULL with @error set. */
static RvWorkbook *
read_xls (RvTestReading     *reading,
          const char  *path,
          GError     **error)
{
  g_autoptr(RvWorkbook) workbook = NULL;

  rv_test_reading_init (reading, path);
  workbook = rv_workbook_new (reading->display_name, RV_FILE_FORMAT_XLS);
  if (!_rv_xls_read (&reading->ctx, workbook, error))
    {
      g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 0);
      return NULL;
    }
  return g_steal_pointer (&workbook);
}

static RvWorkbook *
read_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "xls", name, NULL);
  g_autoptr(GError) error = NULL;
  RvWorkbook *workbook;
  RvTestReading reading;

  workbook = read_xls (&reading, path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (workbook);
  rv_test_reading_clear (&reading);
  return workbook;
}

/* Reads @path, which must fail with @domain/@code and a message naming the file; returns
 * the message. */
static char *
assert_read_fails (const char *path,
                   GQuark      domain,
                   int         code)
{
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = g_path_get_basename (path);
  RvTestReading reading;

  workbook = read_xls (&reading, path, &error);
  g_assert_null (workbook);
  g_assert_error (error, domain, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, basename));
  /* One sentence: no line breaks, no reason glued on twice. */
  g_assert_null (strchr (error->message, '\n'));
  rv_test_reading_clear (&reading);
  return g_strdup (error->message);
}

static void
assert_cell (RvSheet    *sheet,
             guint       row,
             guint       column,
             RvCellKind  kind,
             gboolean    formula,
             const char *text)
{
  RvCell cell;

  rv_sheet_get_cell (sheet, row, column, &cell);
  if (g_strcmp0 (cell.text, text) != 0 || cell.kind != kind || cell.formula != formula)
    g_error ("%s!%u,%u: “%s” (kind %d, formula %d), expected “%s” (kind %d, formula %d)",
             rv_sheet_get_name (sheet), row, column, cell.text, cell.kind, cell.formula,
             text, kind, formula);
}

/* A temporary file for the tests that make their own input. */
static char *
temp_path (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-xls-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, name, NULL);
}

static void
remove_temp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

/* An OLE2 compound file holding streams of the given names (a NULL-terminated list),
 * each with a few bytes: what Word, PowerPoint or an encrypted Office 2007+ file is made
 * of, with nothing in it. */
static void
write_compound_file (const char *path,
                     ...)
{
  g_autoptr(GError) error = NULL;
  GsfOutput *file;
  GsfOutfile *ole;
  const char *name;
  va_list args;

  file = gsf_output_stdio_new (path, &error);
  g_assert_no_error (error);
  ole = gsf_outfile_msole_new (file);

  va_start (args, path);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      GsfOutput *stream = gsf_outfile_new_child (ole, name, FALSE);
      static const guint8 bytes[64] = { 0xec, 0xa5, 0xc1, 0x00 };

      g_assert_true (gsf_output_write (stream, sizeof bytes, bytes));
      g_assert_true (gsf_output_close (stream));
      g_object_unref (stream);
    }
  va_end (args);

  g_assert_true (gsf_output_close (GSF_OUTPUT (ole)));
  g_object_unref (ole);
  g_object_unref (file);
}

/* A BIFF8 record, appended to @stream. */
static void
add_record (GByteArray *stream,
            guint16     type,
            const void *body,
            gsize       length)
{
  guint16 header[2] = { GUINT16_TO_LE (type), GUINT16_TO_LE (length) };

  g_byte_array_append (stream, (const guint8 *) header, sizeof header);
  if (length > 0)
    g_byte_array_append (stream, body, length);
}

/* A BOF record: BIFF8 (16 bytes) or BIFF5 (8 bytes), of the globals (0x0005), a sheet
 * (0x0010) or a chart (0x0020). */
static void
add_bof_version (GByteArray *stream,
                 gboolean    biff8,
                 guint16     kind)
{
  guint8 body[16] = { 0x00, biff8 ? 0x06 : 0x05 };

  body[2] = kind & 0xff;
  body[3] = kind >> 8;
  add_record (stream, 0x0809, body, biff8 ? 16 : 8);
}

static void
add_bof (GByteArray *stream,
         guint16     kind)
{
  add_bof_version (stream, TRUE, kind);
}

static void
add_number (GByteArray *stream,
            guint16     row,
            guint16     column,
            double      value)
{
  guint8 body[14] = { row & 0xff, row >> 8, column & 0xff, column >> 8 };
  guint64 bits;

  memcpy (&bits, &value, sizeof bits);
  bits = GUINT64_TO_LE (bits);
  memcpy (body + 6, &bits, sizeof bits);
  add_record (stream, 0x0203, body, sizeof body);
}

/* A FORMULA whose cached result is a text, and the STRING record that holds it (Latin-1). */
static void
add_text_formula (GByteArray *stream,
                  guint16     row,
                  guint16     column,
                  const char *text)
{
  guint8 formula[22] = { row & 0xff, row >> 8, column & 0xff, column >> 8 };
  guint8 string[64] = { strlen (text), 0, 0 };

  formula[12] = formula[13] = 0xff;
  add_record (stream, 0x0006, formula, sizeof formula);
  memcpy (string + 3, text, strlen (text));
  add_record (stream, 0x0207, string, 3 + strlen (text));
}

/* Writes @stream as stream @name of a compound file ("Workbook" for BIFF8, "Book" for
 * BIFF5; libgsf puts one this small in the mini stream). */
static void
write_stream (const char *path,
              const char *name,
              GByteArray *stream)
{
  g_autoptr(GError) error = NULL;
  GsfOutput *file;
  GsfOutfile *ole;
  GsfOutput *workbook;

  file = gsf_output_stdio_new (path, &error);
  g_assert_no_error (error);
  ole = gsf_outfile_msole_new (file);
  workbook = gsf_outfile_new_child (ole, name, FALSE);
  g_assert_true (gsf_output_write (workbook, stream->len, stream->data));
  g_assert_true (gsf_output_close (workbook));
  g_object_unref (workbook);
  g_assert_true (gsf_output_close (GSF_OUTPUT (ole)));
  g_object_unref (ole);
  g_object_unref (file);
}

static void
test_sheets (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("rucs.xls");

  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 2);
  g_assert_cmpstr (rv_sheet_get_name (rv_workbook_get_sheet (workbook, 0)), ==, "Proveedores");
  g_assert_cmpstr (rv_sheet_get_name (rv_workbook_get_sheet (workbook, 1)), ==, "Año 2024");
}

static void
test_numbers (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("rucs.xls");
  RvSheet *sheet = rv_workbook_get_sheet (workbook, 0);

  /* RUCs stored as doubles: their exact digits, never 2.0131312955E10. */
  assert_cell (sheet, 1, 0, RV_CELL_NUMBER, FALSE, "20131312955");
  assert_cell (sheet, 2, 0, RV_CELL_NUMBER, FALSE, "20100047218");
  assert_cell (sheet, 3, 0, RV_CELL_NUMBER, FALSE, "10054148289");

  /* Amounts: the shortest text that is the same double. */
  assert_cell (sheet, 1, 4, RV_CELL_NUMBER, FALSE, "1234.56");
  assert_cell (sheet, 2, 4, RV_CELL_NUMBER, FALSE, "0.1");
  assert_cell (sheet, 3, 4, RV_CELL_NUMBER, FALSE, "-45.5");

  /* A small integer, which the file stores as an RK number. */
  assert_cell (rv_workbook_get_sheet (workbook, 1), 1, 1, RV_CELL_NUMBER, FALSE, "42");
}

static void
test_texts (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("rucs.xls");
  RvSheet *sheet = rv_workbook_get_sheet (workbook, 0);

  assert_cell (sheet, 0, 0, RV_CELL_TEXT, FALSE, "RUC");
  assert_cell (sheet, 0, 2, RV_CELL_TEXT, FALSE, "Razón social");
  assert_cell (sheet, 1, 1, RV_CELL_TEXT, FALSE, "20131312955");
  assert_cell (sheet, 2, 1, RV_CELL_TEXT, FALSE, "20100047218");
  assert_cell (sheet, 3, 1, RV_CELL_TEXT, FALSE, "10054148289");
  assert_cell (sheet, 1, 2, RV_CELL_TEXT, FALSE,
               "Superintendencia Nacional de Aduanas y de Administración Tributaria");
  assert_cell (sheet, 2, 2, RV_CELL_TEXT, FALSE, "Banco de Crédito del Perú");
  assert_cell (sheet, 3, 2, RV_CELL_TEXT, FALSE, "Muñoz Ñahui, José Ángel");
  assert_cell (rv_workbook_get_sheet (workbook, 1), 1, 0, RV_CELL_TEXT, FALSE, "Cañete");
}

static void
test_dates (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("rucs.xls");
  RvSheet *sheet = rv_workbook_get_sheet (workbook, 0);

  assert_cell (sheet, 1, 3, RV_CELL_DATE, FALSE, "2024-03-15");
  assert_cell (sheet, 2, 3, RV_CELL_DATE, FALSE, "2023-12-31 10:30:00");
  /* A time alone is day 0, as _rv_format_serial_date() writes it for the other formats. */
  assert_cell (rv_workbook_get_sheet (workbook, 1), 1, 2, RV_CELL_DATE, FALSE,
               "1900-01-00 08:15:00");
}

static void
test_dates_1904 (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("dates-1904.xls");
  RvSheet *sheet = rv_workbook_get_sheet (workbook, 0);

  assert_cell (sheet, 0, 0, RV_CELL_DATE, FALSE, "2024-03-15");
  assert_cell (sheet, 0, 1, RV_CELL_NUMBER, FALSE, "20131312955");
}

/* FreeXL skips formulas and gives booleans as numbers: the reader's own pass over the
 * records brings them back. */
static void
test_formulas (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("rucs.xls");
  RvSheet *sheet = rv_workbook_get_sheet (workbook, 0);
  RvCell cell;

  assert_cell (sheet, 1, 5, RV_CELL_BOOLEAN, FALSE, "TRUE");
  assert_cell (sheet, 2, 5, RV_CELL_BOOLEAN, FALSE, "FALSE");
  assert_cell (sheet, 1, 6, RV_CELL_NUMBER, TRUE, "2469.12");
  assert_cell (sheet, 2, 6, RV_CELL_NUMBER, TRUE, "0.2");
  /* A RUC made by a formula, =TEXT(A2;"0"). */
  assert_cell (sheet, 1, 7, RV_CELL_TEXT, TRUE, "20131312955");
  assert_cell (sheet, 2, 7, RV_CELL_ERROR, TRUE, "#DIV/0!");

  /* =REPT("ñ€";2500): 10,000 bytes of UTF-16, more than one record holds (the rest is in
   * a CONTINUE record). */
  rv_sheet_get_cell (rv_workbook_get_sheet (workbook, 1), 1, 3, &cell);
  g_assert_cmpint (cell.kind, ==, RV_CELL_TEXT);
  g_assert_true (cell.formula);
  g_assert_cmpuint (g_utf8_strlen (cell.text, -1), ==, 5000);
  for (const char *p = cell.text; *p; p = g_utf8_next_char (p))
    g_assert_cmpuint (g_utf8_get_char (p), ==, (p - cell.text) % 5 == 0 ? 0xf1 : 0x20ac);
}

/* Empty cells: stored between others, left out at the end of a row; empty rows in
 * between kept, so that row numbers stay those of the file. */
static void
test_shape (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("rucs.xls");
  RvSheet *sheet = rv_workbook_get_sheet (workbook, 0);
  RvSheet *second = rv_workbook_get_sheet (workbook, 1);
  RvCell cell;

  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, 4);
  g_assert_cmpuint (rv_sheet_get_n_columns (sheet), ==, 8);
  /* Rows of 8, 8 and 8 cells, then one of 5 (D4 empty between others, F4… left out). */
  g_assert_cmpuint (rv_sheet_get_n_cells (sheet), ==, 8 + 8 + 8 + 5);
  g_assert_false (rv_sheet_get_cell (sheet, 3, 3, &cell));
  g_assert_cmpint (cell.kind, ==, RV_CELL_EMPTY);
  g_assert_cmpstr (cell.text, ==, "");

  g_assert_cmpuint (rv_sheet_get_n_rows (second), ==, 5);
  g_assert_cmpuint (rv_sheet_get_n_columns (second), ==, 4);
  g_assert_false (rv_sheet_get_cell (second, 2, 0, &cell));
  g_assert_false (rv_sheet_get_cell (second, 3, 2, &cell));
  assert_cell (second, 4, 2, RV_CELL_TEXT, FALSE, "fin");
}

static void
test_progress (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "xls", "many-rows.xls",
                                                 NULL);
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  RvSheet *sheet;
  RvTestReading reading;
  double last = 0;

  workbook = read_xls (&reading, path, &error);
  g_assert_no_error (error);

  sheet = rv_workbook_get_sheet (workbook, 0);
  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, 2501);
  assert_cell (sheet, 2500, 0, RV_CELL_NUMBER, FALSE, "2500");
  assert_cell (sheet, 2500, 1, RV_CELL_NUMBER, FALSE, "20000002500");

  /* 2,501 rows: at the start, after rows 1,000 and 2,000. */
  g_assert_cmpuint (reading.fractions->len, >=, 3);
  for (guint i = 0; i < reading.fractions->len; i++)
    {
      double fraction = g_array_index (reading.fractions, double, i);

      g_assert_cmpfloat (fraction, >=, last);
      g_assert_cmpfloat (fraction, <=, 1.0);
      last = fraction;
    }
  g_assert_cmpfloat_with_epsilon (last, 2000.0 / 2501.0, 1e-9);

  rv_test_reading_clear (&reading);
}

static void
test_cancelled (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "xls", "rucs.xls",
                                                 NULL);
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  RvTestReading reading;

  rv_test_reading_init (&reading, path);
  reading.ctx.cancellable = g_cancellable_new ();
  g_cancellable_cancel (reading.ctx.cancellable);

  workbook = rv_workbook_new (reading.display_name, RV_FILE_FORMAT_XLS);
  g_assert_false (_rv_xls_read (&reading.ctx, workbook, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 0);

  rv_test_reading_clear (&reading);
}

/* Cancelled while reading, from the progress callback, as a worker thread sees it. */
static void
test_cancelled_midway (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "xls", "many-rows.xls",
                                                 NULL);
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  RvTestReading reading;

  rv_test_reading_init (&reading, path);
  reading.ctx.cancellable = g_cancellable_new ();
  reading.cancel_at = 0.3;

  workbook = rv_workbook_new (reading.display_name, RV_FILE_FORMAT_XLS);
  g_assert_false (_rv_xls_read (&reading.ctx, workbook, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Stopped at the first report after the cancellation: row 2,000 was never reached. */
  g_assert_cmpfloat (g_array_index (reading.fractions, double, reading.fractions->len - 1),
                     <, 0.5);

  rv_test_reading_clear (&reading);
}

static void
test_encrypted (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "xls", "protected.xls",
                                                 NULL);

  g_free (assert_read_fails (path, RV_SHEET_ERROR, RV_SHEET_ERROR_ENCRYPTED));
}

/* An Office 2007+ file saved with a password is an OLE2 file, not a ZIP: the sniffer
 * sends it here. */
static void
test_encrypted_package (void)
{
  g_autofree char *path = temp_path ("Cuentas por pagar.xlsx");

  write_compound_file (path, "EncryptionInfo", "EncryptedPackage", NULL);
  g_free (assert_read_fails (path, RV_SHEET_ERROR, RV_SHEET_ERROR_ENCRYPTED));
  remove_temp (path);
}

static void
test_word (void)
{
  g_autofree char *path = temp_path ("carta.doc");
  g_autofree char *message = NULL;

  write_compound_file (path, "WordDocument", "1Table", "\005SummaryInformation", NULL);
  message = assert_read_fails (path, RV_SHEET_ERROR, RV_SHEET_ERROR_NOT_A_SPREADSHEET);
  g_assert_nonnull (strstr (message, "Word document"));
  remove_temp (path);
}

static void
test_other_compound_file (void)
{
  g_autofree char *path = temp_path ("mensaje.msg");

  write_compound_file (path, "__properties_version1.0", NULL);
  g_free (assert_read_fails (path, RV_SHEET_ERROR, RV_SHEET_ERROR_NOT_A_SPREADSHEET));
  remove_temp (path);
}

/* The first half of a real workbook. */
static void
test_truncated (void)
{
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "fixtures", "xls", "rucs.xls",
                                                    NULL);
  g_autofree char *path = temp_path ("truncado.xls");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_file_get_contents (fixture, &contents, &length, &error);
  g_assert_no_error (error);

  for (gsize cut = 512; cut < length; cut += 1536)
    {
      g_file_set_contents (path, contents, cut, &error);
      g_assert_no_error (error);
      g_test_message ("%" G_GSIZE_FORMAT " bytes of %" G_GSIZE_FORMAT, cut, length);
      g_free (assert_read_fails (path, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED));
    }
  remove_temp (path);
}

/* The OLE2 signature, then noise. */
static void
test_garbage (void)
{
  g_autofree char *path = temp_path ("ruido.xls");
  g_autoptr(GRand) rand = g_rand_new_with_seed (20131312);
  g_autoptr(GError) error = NULL;
  guint8 bytes[8192];

  for (guint size = 8; size <= sizeof bytes; size *= 4)
    {
      memcpy (bytes, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
      for (guint i = 8; i < size; i++)
        bytes[i] = g_rand_int_range (rand, 0, 256);

      g_file_set_contents (path, (const char *) bytes, size, &error);
      g_assert_no_error (error);
      g_free (assert_read_fails (path, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED));
    }
  remove_temp (path);
}

/* A copy of fixtures/xls/rucs.xls whose first DIMENSION record (type 0x0200, 14 bytes:
 * first row, last row + 1, first column, last column + 1, as 32, 32, 16 and 16 bits)
 * gets another type and the given last row and column. */
static char *
write_patched_dimension (const char *name,
                         guint16     type,
                         guint32     rows,
                         guint16     columns)
{
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "fixtures", "xls", "rucs.xls",
                                                    NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  char *path = temp_path (name);
  char *dimension = NULL;
  gsize length;

  g_file_get_contents (fixture, &contents, &length, &error);
  g_assert_no_error (error);

  for (gsize i = 0; i + 18 <= length && dimension == NULL; i++)
    if (memcmp (contents + i, "\x00\x02\x0e\x00", 4) == 0)
      dimension = contents + i;
  g_assert_nonnull (dimension);

  type = GUINT16_TO_LE (type);
  rows = GUINT32_TO_LE (rows);
  columns = GUINT16_TO_LE (columns);
  memcpy (dimension, &type, 2);
  memcpy (dimension + 8, &rows, 4);
  memcpy (dimension + 14, &columns, 2);

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return path;
}

/* FreeXL takes the DIMENSION record at its word (it fails on a cell outside, allocates
 * what it says, and loses a sheet's cells when a sheet has none): the copy it reads has
 * the right one, whatever the file says. */
static void
test_wrong_dimension (void)
{
  const struct {
    const char *name;
    guint16     type;
    guint32     rows;
    guint16     columns;
  } cases[] = {
    { "pequeña.xls", 0x0200, 1, 1 },
    { "enorme.xls", 0x0200, 2000000, 8 },
    { "sin-dimension.xls", 0x7fff, 4, 8 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_patched_dimension (cases[i].name, cases[i].type,
                                                       cases[i].rows, cases[i].columns);
      g_autoptr(RvWorkbook) workbook = NULL;
      g_autoptr(GError) error = NULL;
      RvSheet *sheet;
      RvTestReading reading;

      g_test_message ("%s", cases[i].name);
      workbook = read_xls (&reading, path, &error);
      g_assert_no_error (error);
      rv_test_reading_clear (&reading);

      g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 2);
      sheet = rv_workbook_get_sheet (workbook, 0);
      g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, 4);
      g_assert_cmpuint (rv_sheet_get_n_columns (sheet), ==, 8);
      assert_cell (sheet, 3, 0, RV_CELL_NUMBER, FALSE, "10054148289");
      assert_cell (sheet, 1, 7, RV_CELL_TEXT, TRUE, "20131312955");
      assert_cell (rv_workbook_get_sheet (workbook, 1), 4, 2, RV_CELL_TEXT, FALSE, "fin");
      remove_temp (path);
    }
}

/* What FreeXL alone gets wrong, written record by record: no DIMENSION record (FreeXL
 * would allocate another sheet's cells again), a chart inside the sheet with cells after
 * it (FreeXL would take the chart's EOF for the sheet's and fail), a cell written twice
 * (FreeXL would leak), a formula whose text is empty, and a sheet whose records are not
 * there at all. */
static void
test_crafted (void)
{
  g_autofree char *path = temp_path ("hecho-a-mano.xls");
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  static const guint8 data_sheet[] = { 0, 0, 0, 0, 0, 0, 5, 0, 'D', 'a', 't', 'o', 's' };
  static const guint8 lost_sheet[] = { 0x3f, 0x42, 0x0f, 0, 0, 0, 5, 0, 'V', 'a', 'c', 0xed, 'a' };
  static const guint8 label[] = { 0, 0, 1, 0, 0, 0, 3, 0, 0, 'A', 0xf1, 'o' };
  guint32 offset;
  RvSheet *sheet;
  RvTestReading reading;
  RvCell cell;

  add_bof (stream, 0x0005);
  add_record (stream, 0x0085, data_sheet, sizeof data_sheet);
  add_record (stream, 0x0085, lost_sheet, sizeof lost_sheet);
  add_record (stream, 0x000a, NULL, 0);

  /* The first BOUNDSHEET points here. */
  offset = GUINT32_TO_LE (stream->len);
  memcpy (stream->data + 4 + 16 + 4, &offset, sizeof offset);

  add_bof (stream, 0x0010);
  add_number (stream, 0, 0, 20131312955.0);
  add_number (stream, 0, 0, 99);
  add_record (stream, 0x0204, label, sizeof label);
  add_text_formula (stream, 1, 0, "");
  add_text_formula (stream, 2, 0, "20100047218");
  add_bof (stream, 0x0020);
  add_record (stream, 0x000a, NULL, 0);
  add_number (stream, 3, 0, 10054148289.0);
  add_record (stream, 0x000a, NULL, 0);

  write_stream (path, "Workbook", stream);
  workbook = read_xls (&reading, path, &error);
  g_assert_no_error (error);
  rv_test_reading_clear (&reading);

  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 2);
  sheet = rv_workbook_get_sheet (workbook, 0);
  g_assert_cmpstr (rv_sheet_get_name (sheet), ==, "Datos");
  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, 4);
  g_assert_cmpuint (rv_sheet_get_n_columns (sheet), ==, 2);
  /* FreeXL reads the first record of a cell written twice. */
  assert_cell (sheet, 0, 0, RV_CELL_NUMBER, FALSE, "20131312955");
  assert_cell (sheet, 0, 1, RV_CELL_TEXT, FALSE, "Año");
  g_assert_false (rv_sheet_get_cell (sheet, 1, 0, &cell));
  assert_cell (sheet, 2, 0, RV_CELL_TEXT, TRUE, "20100047218");
  assert_cell (sheet, 3, 0, RV_CELL_NUMBER, FALSE, "10054148289");

  sheet = rv_workbook_get_sheet (workbook, 1);
  g_assert_cmpstr (rv_sheet_get_name (sheet), ==, "Vacía");
  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, 0);

  remove_temp (path);
}

/* Excel 95 (BIFF5, in a "Book" stream): texts in the workbook's code page, and a formula's
 * text without the flags byte of BIFF8. LibreOffice no longer writes it: made by hand. */
static void
test_biff5 (void)
{
  g_autofree char *path = temp_path ("excel95.xls");
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  static const guint8 codepage[] = { 0xe4, 0x04 };
  static const guint8 sheet_record[] = { 0, 0, 0, 0, 0, 0, 3, 'A', 0xf1, 'o' };
  static const guint8 label[] = { 0, 0, 0, 0, 0, 0, 5, 0, 'S', 'e', 0xf1, 'o', 'r' };
  static const guint8 string[] = { 11, 0, '1', '0', '0', '5', '4', '1', '4', '8', '2', '8', '9' };
  guint8 formula[22] = { 1, 0, 0, 0 };
  guint32 offset;
  RvSheet *sheet;
  RvTestReading reading;

  add_bof_version (stream, FALSE, 0x0005);
  add_record (stream, 0x0042, codepage, sizeof codepage);
  add_record (stream, 0x0085, sheet_record, sizeof sheet_record);
  add_record (stream, 0x000a, NULL, 0);

  offset = GUINT32_TO_LE (stream->len);
  memcpy (stream->data + 4 + 8 + 4 + 2 + 4, &offset, sizeof offset);

  add_bof_version (stream, FALSE, 0x0010);
  add_record (stream, 0x0204, label, sizeof label);
  add_number (stream, 0, 1, 20131312955.0);
  formula[12] = formula[13] = 0xff;
  add_record (stream, 0x0006, formula, sizeof formula);
  add_record (stream, 0x0207, string, sizeof string);
  add_record (stream, 0x000a, NULL, 0);

  write_stream (path, "Book", stream);
  workbook = read_xls (&reading, path, &error);
  g_assert_no_error (error);
  rv_test_reading_clear (&reading);

  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 1);
  sheet = rv_workbook_get_sheet (workbook, 0);
  g_assert_cmpstr (rv_sheet_get_name (sheet), ==, "Año");
  assert_cell (sheet, 0, 0, RV_CELL_TEXT, FALSE, "Señor");
  assert_cell (sheet, 0, 1, RV_CELL_NUMBER, FALSE, "20131312955");
  assert_cell (sheet, 1, 0, RV_CELL_TEXT, TRUE, "10054148289");

  remove_temp (path);
}

/* Four sheets from A1 to IV65536: 67 million cells, refused before FreeXL allocates them. */
static void
test_too_large (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "xls", "sparse.xls",
                                                 NULL);

  g_free (assert_read_fails (path, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE));
}

static void
test_missing (void)
{
  g_autofree char *path = temp_path ("no-existe.xls");

  g_free (assert_read_fails (path, RV_SHEET_ERROR, RV_SHEET_ERROR_IO));
  remove_temp (path);
}

/* The shared master (fixtures/sheets/suppliers.fods) as LibreOffice writes it in XLS: the
 * same cells as the XLSX and ODS readers read from the same master. */
static void
test_suppliers (void)
{
  g_autofree char *path = rv_test_fixture ("sheets", "suppliers.xls");
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  RvTestReading reading;

  workbook = read_xls (&reading, path, &error);
  g_assert_no_error (error);
  rv_test_reading_clear (&reading);

  rv_test_check_suppliers (workbook);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xls/read/sheets", test_sheets);
  g_test_add_func ("/xls/read/numbers", test_numbers);
  g_test_add_func ("/xls/read/texts", test_texts);
  g_test_add_func ("/xls/read/dates", test_dates);
  g_test_add_func ("/xls/read/dates-1904", test_dates_1904);
  g_test_add_func ("/xls/read/formulas", test_formulas);
  g_test_add_func ("/xls/read/shape", test_shape);
  g_test_add_func ("/xls/read/wrong-dimension", test_wrong_dimension);
  g_test_add_func ("/xls/read/crafted", test_crafted);
  g_test_add_func ("/xls/read/biff5", test_biff5);
  g_test_add_func ("/xls/read/progress", test_progress);
  g_test_add_func ("/xls/read/suppliers", test_suppliers);
  g_test_add_func ("/xls/cancel/before", test_cancelled);
  g_test_add_func ("/xls/cancel/midway", test_cancelled_midway);
  g_test_add_func ("/xls/error/encrypted", test_encrypted);
  g_test_add_func ("/xls/error/encrypted-package", test_encrypted_package);
  g_test_add_func ("/xls/error/word", test_word);
  g_test_add_func ("/xls/error/other-compound-file", test_other_compound_file);
  g_test_add_func ("/xls/error/truncated", test_truncated);
  g_test_add_func ("/xls/error/garbage", test_garbage);
  g_test_add_func ("/xls/error/too-large", test_too_large);
  g_test_add_func ("/xls/error/missing", test_missing);

  return g_test_run ();
}
