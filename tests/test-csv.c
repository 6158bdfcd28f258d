/* test-csv.c
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

#define G_LOG_DOMAIN "test-csv"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "rv-sheet-reader-private.h"
#include "rv-test-sheet.h"

/* The CSV reader, called directly with a context of our own (as rv_sheet_read_file()
 * would call it), on the files of fixtures/csv/ (made by make-fixtures.py: one supplier
 * list saved the ways Excel, LibreOffice and ERPs save it) and on files the tests write in
 * a temporary folder: large ones, damaged ones, and ones that pin down one rule each.
 */


/* A temporary folder for the files a test writes. */
typedef struct
{
  char *dir;
} Fixture;

/* Helpers */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-csv-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_clear_pointer (&fixture->dir, g_free);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *data,
            gssize      length)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

/* Reads @reading's file with the CSV reader: the workbook, or NULL with @error set and
 * no sheet added. */
static RvWorkbook *
read_csv (RvTestReading  *reading,
          GError  **error)
{
  g_autoptr(RvWorkbook) workbook = NULL;

  workbook = rv_workbook_new (reading->display_name, RV_FILE_FORMAT_CSV);
  if (!_rv_csv_read (&reading->ctx, workbook, error))
    {
      g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 0);
      return NULL;
    }

  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 1);
  return g_steal_pointer (&workbook);
}

static RvWorkbook *
read_path (const char *path)
{
  g_autoptr(GError) error = NULL;
  RvWorkbook *workbook;
  RvTestReading reading;

  rv_test_reading_init (&reading, path);
  workbook = read_csv (&reading, &error);
  g_assert_no_error (error);
  rv_test_reading_clear (&reading);
  return workbook;
}

static RvWorkbook *
read_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "csv", name, NULL);

  return read_path (path);
}

static RvWorkbook *
read_data (Fixture    *fixture,
           const char *data,
           gssize      length)
{
  g_autofree char *path = write_file (fixture, "data.csv", data, length);

  return read_path (path);
}

/* Reads @path expecting it to fail with @code; the error's message must name the file.
 * Returns the message for further checks. */
static char *
read_path_fails (const char *path,
                 GQuark      domain,
                 int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autofree char *display_name = g_path_get_basename (path);
  RvTestReading reading;

  rv_test_reading_init (&reading, path);
  workbook = read_csv (&reading, &error);
  g_assert_null (workbook);
  g_assert_error (error, domain, code);
  g_assert_nonnull (strstr (error->message, display_name));
  rv_test_reading_clear (&reading);
  return g_strdup (error->message);
}

static RvSheet *
first_sheet (RvWorkbook *workbook)
{
  return rv_workbook_get_sheet (workbook, 0);
}

/* Asserts the cells of @row, and that nothing follows them. */
static void
assert_row (RvSheet           *sheet,
            guint              row,
            const char * const *cells)
{
  guint n = g_strv_length ((char **) cells);

  for (guint i = 0; i < n; i++)
    {
      RvCell cell;

      rv_sheet_get_cell (sheet, row, i, &cell);
      g_assert_cmpstr (cell.text, ==, cells[i]);
      g_assert_cmpint (cell.kind, ==, *cells[i] ? RV_CELL_TEXT : RV_CELL_EMPTY);
      g_assert_false (cell.formula);
    }
  g_assert_cmpstr (rv_sheet_get_text (sheet, row, n), ==, "");
}

#define ASSERT_ROW(sheet, row, ...)                                       \
  G_STMT_START {                                                          \
    const char *cells_[] = { __VA_ARGS__, NULL };                         \
    assert_row (sheet, row, cells_);                                      \
  } G_STMT_END

/*
 * The supplier list of make-fixtures.py, from @first: row 4's name holds the file's
 * @delimiter and quotes, row 5's a line break and @apostrophe (’, or ' where the
 * encoding has no ’).
 */
static void
assert_suppliers (RvSheet    *sheet,
                  guint       first,
                  char        delimiter,
                  const char *apostrophe)
{
  g_autofree char *name4 = g_strdup_printf ("COMERCIAL \"EL AÑO\" S.A.C.%c SEDE N° 2",
                                            delimiter);
  g_autofree char *name5 = g_strdup_printf ("INVERSIONES D%sONOFRIO E.I.R.L.\n"
                                            "AV. LA MARINA 123", apostrophe);

  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, first + 6);
  g_assert_cmpuint (rv_sheet_get_n_columns (sheet), ==, 4);

  ASSERT_ROW (sheet, first, "N°", "RUC", "Razón Social", "Importe");
  ASSERT_ROW (sheet, first + 1, "1", "20131312955",
              "SUPERINTENDENCIA NACIONAL DE ADUANAS Y DE ADMINISTRACIÓN TRIBUTARIA",
              "1.234,50");
  ASSERT_ROW (sheet, first + 2, "2", "20100047218", "BANCO DE CRÉDITO DEL PERÚ", "980,00");
  ASSERT_ROW (sheet, first + 3, "3", "10054148289", "PEÑA ÁLVAREZ MARÍA DEL ROSARIO", "15,75");
  ASSERT_ROW (sheet, first + 4, "4", "20100070970", name4, "100,00");
  ASSERT_ROW (sheet, first + 5, "5", "17155542071", name5, "2.500,00");
}

static void
assert_supplier_fixture (const char *name,
                         const char *encoding,
                         char        delimiter,
                         const char *apostrophe)
{
  g_autoptr(RvWorkbook) workbook = read_fixture (name);
  g_autofree char *sheet_name = g_strndup (name, strrchr (name, '.') - name);

  g_assert_cmpstr (rv_workbook_get_encoding (workbook), ==, encoding);
  g_assert_cmpint (rv_workbook_get_delimiter (workbook), ==, delimiter);
  g_assert_cmpstr (rv_sheet_get_name (first_sheet (workbook)), ==, sheet_name);
  assert_suppliers (first_sheet (workbook), 0, delimiter, apostrophe);
}

/* Encodings */

static void
test_encoding_utf8_bom (void)
{
  assert_supplier_fixture ("suppliers-utf8-bom.csv", "UTF-8", ';', "’");
}

static void
test_encoding_utf8 (void)
{
  assert_supplier_fixture ("suppliers-utf8.csv", "UTF-8", ',', "’");
}

static void
test_encoding_utf16le (void)
{
  assert_supplier_fixture ("suppliers-utf16le.txt", "UTF-16LE", '\t', "’");
}

static void
test_encoding_utf16be (void)
{
  assert_supplier_fixture ("suppliers-utf16be.csv", "UTF-16BE", ';', "’");
}

static void
test_encoding_windows_1252 (void)
{
  assert_supplier_fixture ("suppliers-windows-1252.csv", "WINDOWS-1252", ';', "’");
}

static void
test_encoding_iso_8859_1 (void)
{
  assert_supplier_fixture ("suppliers-iso-8859-1.csv", "ISO-8859-1", '|', "'");
}

static void
test_encoding_utf16_no_bom (Fixture       *fixture,
                            gconstpointer  data)
{
  static const char *const encodings[] = { "UTF-16LE", "UTF-16BE" };
  static const char text[] = "RUC\tNombre\r\n20131312955\tPEÑA ÁLVAREZ\r\n10054148289\tN° 2\r\n";

  for (guint i = 0; i < G_N_ELEMENTS (encodings); i++)
    {
      g_autoptr(RvWorkbook) workbook = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *utf16 = NULL;
      gsize length = 0;

      utf16 = g_convert (text, -1, encodings[i], "UTF-8", NULL, &length, &error);
      g_assert_no_error (error);
      workbook = read_data (fixture, utf16, length);

      g_assert_cmpstr (rv_workbook_get_encoding (workbook), ==, encodings[i]);
      g_assert_cmpint (rv_workbook_get_delimiter (workbook), ==, '\t');
      g_assert_cmpuint (rv_sheet_get_n_rows (first_sheet (workbook)), ==, 3);
      ASSERT_ROW (first_sheet (workbook), 0, "RUC", "Nombre");
      ASSERT_ROW (first_sheet (workbook), 1, "20131312955", "PEÑA ÁLVAREZ");
      ASSERT_ROW (first_sheet (workbook), 2, "10054148289", "N° 2");
    }
}

/* A short Windows-1252 file: uchardet alone takes "PEÑA" for Nordic ISO-8859-10 ("PEŅA"). */
static void
test_encoding_short_8bit (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(RvWorkbook) workbook = read_data (fixture, "PE\xd1" "A;20100047218\n", -1);
  const char *encoding = rv_workbook_get_encoding (workbook);

  g_assert_true (g_strcmp0 (encoding, "WINDOWS-1252") == 0 ||
                 g_strcmp0 (encoding, "ISO-8859-1") == 0);
  ASSERT_ROW (first_sheet (workbook), 0, "PEÑA", "20100047218");
}

/* A Windows-1252 file whose first accent comes after the sample, ASCII up to there. */
static void
test_encoding_late_8bit (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("RUC;Nombre\r\n");
  g_autoptr(RvWorkbook) workbook = NULL;
  RvSheet *sheet;
  guint rows;

  while (text->len < 300 * 1024)
    g_string_append (text, "20131312955;SUNAT\r\n");
  rows = 0;
  for (const char *p = text->str; *p; p++)
    rows += *p == '\n';
  g_string_append (text, "10054148289;PE\xd1" "A D\x92ONOFRIO, MAR\xcd" "A\r\n");
  g_string_append (text, "20100047218;BANCO DE CR\xc9" "DITO\r\n");

  workbook = read_data (fixture, text->str, text->len);
  sheet = first_sheet (workbook);

  g_assert_cmpstr (rv_workbook_get_encoding (workbook), ==, "WINDOWS-1252");
  g_assert_cmpint (rv_workbook_get_delimiter (workbook), ==, ';');
  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, rows + 2);
  ASSERT_ROW (sheet, 0, "RUC", "Nombre");
  ASSERT_ROW (sheet, rows - 1, "20131312955", "SUNAT");
  ASSERT_ROW (sheet, rows, "10054148289", "PEÑA D’ONOFRIO, MARÍA");
  ASSERT_ROW (sheet, rows + 1, "20100047218", "BANCO DE CRÉDITO");
}

/* Bytes that are invalid in the encoding are replaced, never fatal. */
static void
test_encoding_invalid_bytes (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GString) text = NULL;
  RvSheet *sheet;
  guint rows;

  /* A BOM decides: UTF-8, whatever follows. A lone byte, an overlong form, a surrogate, a
   * character cut by the end of the file. */
  workbook = read_data (fixture,
                        "\xef\xbb\xbfRUC;Nombre\n1;A\xff" "B\n2;\xc0\xaf;\xed\xa0\x80\n3;\xc3", -1);
  sheet = first_sheet (workbook);
  g_assert_cmpstr (rv_workbook_get_encoding (workbook), ==, "UTF-8");
  ASSERT_ROW (sheet, 1, "1", "A\xef\xbf\xbd" "B");
  ASSERT_ROW (sheet, 2, "2", "\xef\xbf\xbd\xef\xbf\xbd", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  ASSERT_ROW (sheet, 3, "3", "\xef\xbf\xbd");
  g_clear_object (&workbook);

  /* No BOM, but UTF-8 all over but for one byte. */
  workbook = read_data (fixture, "Razón;Año\nPE\xd1" "A;NIÑO\n", -1);
  sheet = first_sheet (workbook);
  g_assert_cmpstr (rv_workbook_get_encoding (workbook), ==, "UTF-8");
  ASSERT_ROW (sheet, 0, "Razón", "Año");
  ASSERT_ROW (sheet, 1, "PE\xef\xbf\xbd" "A", "NIÑO");
  g_clear_object (&workbook);

  /* UTF-16 with a lone surrogate and an odd last byte. */
  workbook = read_data (fixture, "\xff\xfe" "a\0;\0\x00\xdc" "b\0\n\0c", 13);
  sheet = first_sheet (workbook);
  g_assert_cmpstr (rv_workbook_get_encoding (workbook), ==, "UTF-16LE");
  ASSERT_ROW (sheet, 0, "a", "\xef\xbf\xbd" "b");
  ASSERT_ROW (sheet, 1, "\xef\xbf\xbd");
  g_clear_object (&workbook);

  /* UTF-8 past doubt (accents in the sample) with a broken byte further on: still UTF-8. */
  text = g_string_new ("RUC;Razón Social\n");
  while (text->len < 300 * 1024)
    g_string_append (text, "20131312955;SUNAT\n");
  rows = 0;
  for (const char *p = text->str; *p; p++)
    rows += *p == '\n';
  g_string_append (text, "10054148289;PE\xd1" "A\n");
  workbook = read_data (fixture, text->str, text->len);
  sheet = first_sheet (workbook);
  g_assert_cmpstr (rv_workbook_get_encoding (workbook), ==, "UTF-8");
  ASSERT_ROW (sheet, 0, "RUC", "Razón Social");
  ASSERT_ROW (sheet, rows, "10054148289", "PE\xef\xbf\xbd" "A");
  g_clear_object (&workbook);

  /* ASCII up to there, then one broken byte in plenty of UTF-8: still UTF-8. */
  g_string_truncate (text, 0);
  while (text->len < 300 * 1024)
    g_string_append (text, "20131312955;SUNAT\n");
  g_string_append (text, "10054148289;\xff\n");
  for (guint i = 0; i < 200; i++)
    g_string_append (text, "20100047218;PEÑA ÁLVAREZ, MARÍA JOSÉ; AÑO DEL NIÑO\n");
  workbook = read_data (fixture, text->str, text->len);
  sheet = first_sheet (workbook);
  g_assert_cmpstr (rv_workbook_get_encoding (workbook), ==, "UTF-8");
  ASSERT_ROW (sheet, rows, "10054148289", "\xef\xbf\xbd");
  ASSERT_ROW (sheet, rows + 1, "20100047218", "PEÑA ÁLVAREZ, MARÍA JOSÉ", " AÑO DEL NIÑO");
}

/* NUL bytes in an 8-bit file are dropped. */
static void
test_encoding_nul_bytes (Fixture       *fixture,
                         gconstpointer  data)
{
  static const char text[] = "RUC;Nom\0bre\r\n2013131\0" "2955;PE\xd1" "A\0\r\n\0";
  g_autoptr(RvWorkbook) workbook = read_data (fixture, text, sizeof text - 1);
  RvSheet *sheet = first_sheet (workbook);

  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, 2);
  ASSERT_ROW (sheet, 0, "RUC", "Nombre");
  ASSERT_ROW (sheet, 1, "20131312955", "PEÑA");
}

/* Line ends */

static void
test_line_ends (gconstpointer data)
{
  const char *name = data;

  assert_supplier_fixture (name, "UTF-8", ';', "’");
}

/* Delimiters */

static void
test_delimiter_sep_line (void)
{
  assert_supplier_fixture ("suppliers-sep.csv", "WINDOWS-1252", ';', "’");
  assert_supplier_fixture ("suppliers-sep-quoted.csv", "UTF-8", ';', "’");
}

/* The sep= line wins over what sniffing would choose, and counts as line 1. */
static void
test_delimiter_sep_line_wins (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(RvWorkbook) workbook = read_data (fixture, "SEP=|\r\na;b|c\r\n", -1);
  g_autofree char *path = NULL;
  g_autofree char *message = NULL;

  g_assert_cmpint (rv_workbook_get_delimiter (workbook), ==, '|');
  g_assert_cmpuint (rv_sheet_get_n_rows (first_sheet (workbook)), ==, 1);
  ASSERT_ROW (first_sheet (workbook), 0, "a;b", "c");

  path = write_file (fixture, "sep.csv", "sep=;\na;b\nc;\"d\n", -1);
  message = read_path_fails (path, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED);
  g_assert_nonnull (strstr (message, "line 3"));
}

static void
test_delimiter_sniff (Fixture       *fixture,
                      gconstpointer  data)
{
  static const struct {
    const char *text;
    char        delimiter;
    guint       n_columns;
  } cases[] = {
    { "a,b,c\n1,2,3\n", ',', 3 },
    { "a;b;c\n1;2;3\n", ';', 3 },
    { "a\tb\n1\t2\n", '\t', 2 },
    { "a|b|c|d\n1|2|3|4\n", '|', 4 },
    /* Peruvian Excel: ';' between cells, ',' in the amounts. */
    { "RUC;Nombre;Importe\n20131312955;SUNAT;1,50\n20100047218;BCP;2,75\n", ';', 3 },
    /* Equally consistent: the one that gives more columns. */
    { "a,b;c;d\n1,2;3;4\n", ';', 3 },
    /* Delimiters inside quotes do not count. */
    { "\"a;b;c\",d\n\"1;2;3\",4\n", ',', 2 },
    { "\"a,\nb,c\";d\n\"1,2,3\";4\n", ';', 2 },
    /* Consistency beats numbers: names with commas in a ';' file. */
    { "RUC;Nombre\n1;PEÑA, MARÍA\n2;BCP\n3;A, B, C\n", ';', 2 },
    /* One column: no delimiter at all. */
    { "RUC\n20131312955\n20100047218\n", ',', 1 },
    { "", ',', 0 },
    /* A title row and blank lines do not confuse it. */
    { "REPORTE\n\n\nRUC|Nombre|Importe\n1|A|1,5\n2|B|2\n", '|', 3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RvWorkbook) workbook = read_data (fixture, cases[i].text, -1);

      g_test_message ("sniffing case %u", i);
      g_assert_cmpint (rv_workbook_get_delimiter (workbook), ==, cases[i].delimiter);
      g_assert_cmpuint (rv_sheet_get_n_columns (first_sheet (workbook)), ==, cases[i].n_columns);
    }
}

static void
test_delimiter_one_column (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("one-column.csv");
  RvSheet *sheet = first_sheet (workbook);

  g_assert_cmpint (rv_workbook_get_delimiter (workbook), ==, ',');
  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, 4);
  g_assert_cmpuint (rv_sheet_get_n_columns (sheet), ==, 1);
  ASSERT_ROW (sheet, 0, "RUC");
  ASSERT_ROW (sheet, 3, "10054148289");
}

/* Parsing */

static void
test_parse_quotes (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char text[] =
    "\"abc\"def,x\n"              /* text after the closing quote is kept */
    "ab\"c,d\"\n"                 /* quotes inside an unquoted field are literal */
    "\"a\"\"b\",\"\"\"\"\n"       /* doubled quotes */
    "\"\",x\n"                    /* an empty quoted field */
    "\" spaced \",  y  ,\t\n"     /* whitespace stays */
    "\"a\r\nb\",\"c\rd\",\"e\nf\"\n"  /* line ends inside quotes stay as they are */
    " \"q\",\"r\" s\n"            /* a quote after a space does not open a quoted field */
    "\"end\"";                    /* the last record has no line end */
  g_autoptr(RvWorkbook) workbook = read_data (fixture, text, -1);
  RvSheet *sheet = first_sheet (workbook);

  g_assert_cmpint (rv_workbook_get_delimiter (workbook), ==, ',');
  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, 8);
  ASSERT_ROW (sheet, 0, "abcdef", "x");
  ASSERT_ROW (sheet, 1, "ab\"c", "d\"");
  ASSERT_ROW (sheet, 2, "a\"b", "\"");
  ASSERT_ROW (sheet, 3, "", "x");
  ASSERT_ROW (sheet, 4, " spaced ", "  y  ", "\t");
  ASSERT_ROW (sheet, 5, "a\r\nb", "c\rd", "e\nf");
  ASSERT_ROW (sheet, 6, " \"q\"", "r s");
  ASSERT_ROW (sheet, 7, "end");
}

static void
test_parse_ragged (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("ragged.csv");
  RvSheet *sheet = first_sheet (workbook);

  g_assert_cmpint (rv_workbook_get_delimiter (workbook), ==, ',');
  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, 7);
  g_assert_cmpuint (rv_sheet_get_n_columns (sheet), ==, 3);
  ASSERT_ROW (sheet, 0, "RUC", "Nombre");
  ASSERT_ROW (sheet, 1, "20131312955");
  ASSERT_ROW (sheet, 2, "20100047218", "BANCO DE CRÉDITO DEL PERÚ", "extra");
  /* Empty lines and rows of empty cells are empty rows. */
  g_assert_cmpstr (rv_sheet_get_text (sheet, 3, 0), ==, "");
  g_assert_cmpstr (rv_sheet_get_text (sheet, 4, 0), ==, "");
  ASSERT_ROW (sheet, 5, "  10054148289 ", " PEÑA ");
  ASSERT_ROW (sheet, 6, "", "20100070970");
  /* Trailing empty cells are not stored. */
  g_assert_cmpuint (rv_sheet_get_n_cells (sheet), ==, 2 + 1 + 3 + 2 + 2);
}

static void
test_parse_title_row (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("suppliers-title.csv");
  RvSheet *sheet = first_sheet (workbook);

  g_assert_cmpstr (rv_workbook_get_encoding (workbook), ==, "UTF-8");
  g_assert_cmpint (rv_workbook_get_delimiter (workbook), ==, ';');
  ASSERT_ROW (sheet, 0, "REPORTE DE PROVEEDORES - NOVIEMBRE 2026");
  ASSERT_ROW (sheet, 1, "");
  assert_suppliers (sheet, 2, ';', "’");
}

static void
test_parse_empty_file (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(RvWorkbook) workbook = read_data (fixture, "", 0);

  g_assert_cmpuint (rv_sheet_get_n_rows (first_sheet (workbook)), ==, 0);
  g_assert_cmpstr (rv_workbook_get_encoding (workbook), ==, "UTF-8");
  g_assert_cmpint (rv_workbook_get_delimiter (workbook), ==, ',');
  g_clear_object (&workbook);

  /* A BOM alone, and blank lines alone. */
  workbook = read_data (fixture, "\xef\xbb\xbf", -1);
  g_assert_cmpuint (rv_sheet_get_n_rows (first_sheet (workbook)), ==, 0);
  g_clear_object (&workbook);
  workbook = read_data (fixture, "\r\n\r\n\n", -1);
  g_assert_cmpuint (rv_sheet_get_n_rows (first_sheet (workbook)), ==, 0);
}

static void
test_parse_sheet_name (Fixture       *fixture,
                       gconstpointer  data)
{
  static const struct {
    const char *file;
    const char *sheet;
  } cases[] = {
    { "proveedores.csv", "proveedores" },
    { "lista.2026.txt", "lista.2026" },
    { "PADRON", "PADRON" },
    { ".csv", ".csv" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_file (fixture, cases[i].file, "RUC\n", -1);
      g_autoptr(RvWorkbook) workbook = read_path (path);

      g_assert_cmpstr (rv_sheet_get_name (first_sheet (workbook)), ==, cases[i].sheet);
    }
}

/* A file of 100,000 rows. */
static void
test_parse_large (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("\xef\xbb\xbfN°;RUC;Razón Social;Importe\r\n");
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autofree char *path = NULL;
  RvSheet *sheet;

  for (guint i = 1; i <= 100000; i++)
    g_string_append_printf (text, "%u;%" G_GUINT64_FORMAT ";\"EMPRESA N° %u; S.A.C.\";%u,%02u\r\n",
                            i, G_GUINT64_CONSTANT (20000000000) + i, i, i / 100, i % 100);
  path = write_file (fixture, "large.csv", text->str, text->len);
  workbook = read_path (path);
  sheet = first_sheet (workbook);

  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, 100001);
  g_assert_cmpuint (rv_sheet_get_n_columns (sheet), ==, 4);
  ASSERT_ROW (sheet, 0, "N°", "RUC", "Razón Social", "Importe");
  ASSERT_ROW (sheet, 1, "1", "20000000001", "EMPRESA N° 1; S.A.C.", "0,01");
  ASSERT_ROW (sheet, 54321, "54321", "20000054321", "EMPRESA N° 54321; S.A.C.", "543,21");
  ASSERT_ROW (sheet, 100000, "100000", "20000100000", "EMPRESA N° 100000; S.A.C.", "1000,00");
}

/* Progress and cancelling */

static char *
write_large (Fixture *fixture)
{
  g_autoptr(GString) text = g_string_new ("RUC,Nombre\n");

  for (guint i = 0; i < 40000; i++)
    g_string_append_printf (text, "%" G_GUINT64_FORMAT ",EMPRESA %u\n",
                            G_GUINT64_CONSTANT (20000000000) + i, i);
  return write_file (fixture, "progress.csv", text->str, text->len);
}

static void
test_progress (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *path = write_large (fixture);
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  RvTestReading reading;
  double last = 0.0;

  rv_test_reading_init (&reading, path);
  workbook = read_csv (&reading, &error);
  g_assert_no_error (error);

  /* About 1 MB in chunks of 64 KiB. */
  g_assert_cmpuint (reading.fractions->len, >, 10);
  for (guint i = 0; i < reading.fractions->len; i++)
    {
      double fraction = g_array_index (reading.fractions, double, i);

      g_assert_cmpfloat (fraction, >=, last);
      last = fraction;
    }
  g_assert_cmpfloat (last, <=, 1.0);
  g_assert_cmpfloat (last, >, 0.99);
  rv_test_reading_clear (&reading);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = write_large (fixture);
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  RvTestReading reading;

  /* Cancelled before it starts. */
  rv_test_reading_init (&reading, path);
  reading.ctx.cancellable = g_cancellable_new ();
  g_cancellable_cancel (reading.ctx.cancellable);
  workbook = read_csv (&reading, &error);
  g_assert_null (workbook);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  rv_test_reading_clear (&reading);
  g_clear_error (&error);

  /* Cancelled half-way. */
  rv_test_reading_init (&reading, path);
  reading.ctx.cancellable = g_cancellable_new ();
  reading.cancel_at = 0.5;
  workbook = read_csv (&reading, &error);
  g_assert_null (workbook);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (g_array_index (reading.fractions, double, reading.fractions->len - 1),
                     <, 0.7);
  rv_test_reading_clear (&reading);
}

/* Bad files */

static void
test_bad_unterminated_quote (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *fixture_path = g_test_build_filename (G_TEST_DIST, "fixtures", "csv", "bad",
                                                         "unterminated-quote.csv", NULL);
  g_autofree char *message = NULL;
  g_autofree char *path = NULL;

  message = read_path_fails (fixture_path, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED);
  g_assert_nonnull (strstr (message, "line 4"));
  g_clear_pointer (&message, g_free);

  /* Lines are counted as physical lines, inside quoted cells and with all three ends. */
  path = write_file (fixture, "lines.csv", "a,\"b\r\nc\"\r\nd,e\rf,g\n\n,\"h\ni\n", -1);
  message = read_path_fails (path, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED);
  g_assert_nonnull (strstr (message, "line 6"));
}

static void
test_bad_huge_cell (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("RUC,Nombre\n20131312955,SUNAT\n20100047218,");
  g_autofree char *path = NULL;
  g_autofree char *message = NULL;

  /* One byte past the limit; the limit itself fits. */
  for (guint i = 0; i < RV_SHEET_MAX_CELL_BYTES; i++)
    g_string_append_c (text, 'A');
  g_string_append (text, "\n20100070970,");
  for (guint i = 0; i <= RV_SHEET_MAX_CELL_BYTES; i++)
    g_string_append_c (text, 'B');
  g_string_append (text, "\n");

  path = write_file (fixture, "huge-cell.csv", text->str, text->len);
  message = read_path_fails (path, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (message, "line 4"));
}

/* A quote at the start of a large file: refused once the cell passes the limit, without
 * reading on. */
static void
test_bad_huge_quoted (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("RUC;Nombre\n\"");
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  RvTestReading reading;

  while (text->len < 8 * 1024 * 1024)
    g_string_append (text, "20131312955;SUNAT\n");
  path = write_file (fixture, "open-quote.csv", text->str, text->len);

  rv_test_reading_init (&reading, path);
  workbook = read_csv (&reading, &error);
  g_assert_null (workbook);
  g_assert_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "open-quote.csv"));
  g_assert_nonnull (strstr (error->message, "line 2"));
  g_assert_cmpfloat (g_array_index (reading.fractions, double, reading.fractions->len - 1),
                     <, 0.1);
  rv_test_reading_clear (&reading);
}

/* A long line with no line end: bounded, whatever it holds. */
static void
test_bad_long_line (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GString) text = g_string_sized_new (4 * 1024 * 1024);
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autofree char *path = NULL;
  g_autofree char *message = NULL;

  /* Empty cells only: nothing to store, the line is read to its end. */
  while (text->len < 4 * 1024 * 1024)
    g_string_append_c (text, ';');
  g_string_append (text, "\nRUC");
  workbook = read_data (fixture, text->str, text->len);
  g_assert_cmpuint (rv_sheet_get_n_rows (first_sheet (workbook)), ==, 2);
  ASSERT_ROW (first_sheet (workbook), 1, "RUC");

  /* Cells: past the last column. */
  g_string_truncate (text, 0);
  while (text->len < 4 * 1024 * 1024)
    g_string_append (text, "x;");
  path = write_file (fixture, "wide.csv", text->str, text->len);
  message = read_path_fails (path, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (message, "16384"));
  g_assert_nonnull (strstr (message, "line 1"));
}

static void
test_bad_too_many_rows (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GString) text = g_string_sized_new (2 * (RV_SHEET_MAX_ROWS + 2));
  g_autofree char *path = NULL;
  g_autofree char *message = NULL;
  g_autoptr(RvWorkbook) workbook = NULL;

  for (guint i = 0; i < RV_SHEET_MAX_ROWS; i++)
    g_string_append (text, "1\n");
  g_string_append (text, "\n\r\n");

  /* The limit itself, and empty lines past it, fit. */
  path = write_file (fixture, "rows.csv", text->str, text->len);
  workbook = read_path (path);
  g_assert_cmpuint (rv_sheet_get_n_rows (first_sheet (workbook)), ==, RV_SHEET_MAX_ROWS);
  g_clear_object (&workbook);
  g_clear_pointer (&path, g_free);

  g_string_append (text, "2\n");
  path = write_file (fixture, "rows.csv", text->str, text->len);
  message = read_path_fails (path, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (message, "1048576"));
}

static void
test_bad_not_text (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("\xef\xbb\xbf");
  g_autofree char *path = NULL;

  /* A UTF-8 BOM in front of bytes that are not UTF-8 at all. */
  for (guint i = 0; i < 4096; i++)
    g_string_append_c (text, (char) (0xf8 + i % 8));
  path = write_file (fixture, "junk.csv", text->str, text->len);
  g_free (read_path_fails (path, RV_SHEET_ERROR, RV_SHEET_ERROR_ENCODING));
}

static void
test_bad_missing (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "missing.csv", NULL);

  g_free (read_path_fails (path, RV_SHEET_ERROR, RV_SHEET_ERROR_IO));
}

/* Random bytes, biased towards what the parser and the decoders care about: whatever the
 * input, a sheet of valid UTF-8 or an error of ours, never a crash. */
static void
test_bad_random (Fixture       *fixture,
                 gconstpointer  data)
{
  static const char alphabet[] = "a1 ,;|\t\"\"\r\n\n\0\xc3\xb1\xff\xfe\xef\xbb\xbf\x92";

  for (guint round = 0; round < 300; round++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(RvWorkbook) workbook = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      guint length = g_test_rand_int_range (0, 3000);
      RvSheet *sheet;
      RvTestReading reading;

      for (guint i = 0; i < length; i++)
        g_string_append_c (text, alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)]);
      path = write_file (fixture, "random.csv", text->str, text->len);

      rv_test_reading_init (&reading, path);
      workbook = read_csv (&reading, &error);
      rv_test_reading_clear (&reading);
      if (workbook == NULL)
        {
          g_assert_true (error->domain == RV_SHEET_ERROR);
          continue;
        }

      sheet = first_sheet (workbook);
      for (guint row = 0; row < rv_sheet_get_n_rows (sheet); row++)
        for (guint column = 0; column < rv_sheet_get_n_columns (sheet); column++)
          g_assert_true (g_utf8_validate (rv_sheet_get_text (sheet, row, column), -1, NULL));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/csv/encoding/utf8-bom", test_encoding_utf8_bom);
  g_test_add_func ("/csv/encoding/utf8", test_encoding_utf8);
  g_test_add_func ("/csv/encoding/utf16le", test_encoding_utf16le);
  g_test_add_func ("/csv/encoding/utf16be", test_encoding_utf16be);
  g_test_add_func ("/csv/encoding/windows-1252", test_encoding_windows_1252);
  g_test_add_func ("/csv/encoding/iso-8859-1", test_encoding_iso_8859_1);
  ADD ("/csv/encoding/utf16-no-bom", test_encoding_utf16_no_bom);
  ADD ("/csv/encoding/short-8bit", test_encoding_short_8bit);
  ADD ("/csv/encoding/late-8bit", test_encoding_late_8bit);
  ADD ("/csv/encoding/invalid-bytes", test_encoding_invalid_bytes);
  ADD ("/csv/encoding/nul-bytes", test_encoding_nul_bytes);

  g_test_add_data_func ("/csv/line-ends/crlf", "suppliers-crlf.csv", test_line_ends);
  g_test_add_data_func ("/csv/line-ends/lf", "suppliers-lf.csv", test_line_ends);
  g_test_add_data_func ("/csv/line-ends/cr", "suppliers-cr.csv", test_line_ends);
  g_test_add_data_func ("/csv/line-ends/mixed", "suppliers-mixed-ends.csv", test_line_ends);

  g_test_add_func ("/csv/delimiter/sep-line", test_delimiter_sep_line);
  ADD ("/csv/delimiter/sep-line-wins", test_delimiter_sep_line_wins);
  ADD ("/csv/delimiter/sniff", test_delimiter_sniff);
  g_test_add_func ("/csv/delimiter/one-column", test_delimiter_one_column);

  ADD ("/csv/parse/quotes", test_parse_quotes);
  g_test_add_func ("/csv/parse/ragged", test_parse_ragged);
  g_test_add_func ("/csv/parse/title-row", test_parse_title_row);
  ADD ("/csv/parse/empty-file", test_parse_empty_file);
  ADD ("/csv/parse/sheet-name", test_parse_sheet_name);
  ADD ("/csv/parse/large", test_parse_large);

  ADD ("/csv/progress", test_progress);
  ADD ("/csv/cancel", test_cancel);

  ADD ("/csv/bad/unterminated-quote", test_bad_unterminated_quote);
  ADD ("/csv/bad/huge-cell", test_bad_huge_cell);
  ADD ("/csv/bad/huge-quoted", test_bad_huge_quoted);
  ADD ("/csv/bad/long-line", test_bad_long_line);
  ADD ("/csv/bad/too-many-rows", test_bad_too_many_rows);
  ADD ("/csv/bad/not-text", test_bad_not_text);
  ADD ("/csv/bad/missing", test_bad_missing);
  ADD ("/csv/bad/random", test_bad_random);

#undef ADD

  return g_test_run ();
}
