/* test-csv-writer.c
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

#define G_LOG_DOMAIN "test-csv-writer"

#include "config.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "rv-record.h"
#include "rv-result.h"
#include "rv-ruc.h"
#include "rv-sheet-reader.h"
#include "rv-sheet-writer.h"
#include "rv-test-sheet.h"

/* The CSV writer, on sheets built in memory with results made the way a run makes them:
 * the exact bytes of small files, then files read back with the real readers, large
 * files, and files that cannot be written or whose writing is cancelled, where the
 * folder must hold afterwards what it held before.
 */

#define BOM "\xef\xbb\xbf"
#define TITLES "Normalised RUC,Verdict,Reason,Business name,Taxpayer state," \
               "Domicile condition,Address,Ubigeo,Data as of,Checked at,Source"

/* 2026-11-18 11:06:40 UTC; main() runs the tests in UTC. */
#define CHECKED_AT        G_GINT64_CONSTANT (1795000000)
#define CHECKED_AT_TEXT   "2026-11-18 11:06:40"

/* A sheet as a run holds it: the cells, where the header is, and a result per row. */
typedef struct
{
  RvSheet   *sheet;
  GPtrArray *results;     /* (element-type RvResult) (nullable elements) */
  int        header_row;
  guint      first_row;
} Listing;

/* A temporary folder for the files a test writes. */
typedef struct
{
  char *dir;
} Fixture;

/* Helpers */

static void
result_unref0 (gpointer result)
{
  if (result != NULL)
    rv_result_unref (result);
}

static Listing *
listing_new (int   header_row,
             guint first_row)
{
  Listing *listing = g_new0 (Listing, 1);

  listing->sheet = rv_sheet_new ("Proveedores");
  listing->results = g_ptr_array_new_with_free_func (result_unref0);
  listing->header_row = header_row;
  listing->first_row = first_row;
  return listing;
}

static void
listing_free (Listing *listing)
{
  g_assert_finalize_object (listing->sheet);
  g_ptr_array_unref (listing->results);
  g_free (listing);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Listing, listing_free)

/* Appends row @row with @cells (NULL-terminated) and @result (taken, nullable). */
static void
listing_add_row (Listing           *listing,
                 guint              row,
                 const char * const *cells,
                 RvResult          *result)
{
  for (guint column = 0; cells[column] != NULL; column++)
    {
      const char *text = cells[column];
      RvCellKind kind = RV_CELL_TEXT;

      /* Cells a spreadsheet stored as numbers, as the readers give them. */
      if (g_ascii_isdigit (text[0]) && strspn (text, "0123456789.") == strlen (text))
        kind = RV_CELL_NUMBER;
      g_assert_true (rv_sheet_set_cell (listing->sheet, row, column, kind, FALSE, text, -1));
    }

  g_assert_cmpuint (listing->results->len, <=, row);
  g_ptr_array_set_size (listing->results, row);
  g_ptr_array_add (listing->results, result);
}

#define ADD_ROW(listing, row, result, ...)                                \
  G_STMT_START {                                                          \
    const char *cells_[] = { __VA_ARGS__, NULL };                         \
    listing_add_row ((listing), (row), cells_, (result));                 \
  } G_STMT_END

/* One result per row of the sheet, NULL past the last one given. */
static RvResult * const *
listing_get_results (Listing *listing)
{
  g_ptr_array_set_size (listing->results, rv_sheet_get_n_rows (listing->sheet));
  return (RvResult * const *) listing->results->pdata;
}

static gboolean
listing_write (Listing       *listing,
               RvExportRows   rows,
               const char    *path,
               GCancellable  *cancellable,
               GError       **error)
{
  return rv_sheet_write_csv (listing->sheet, listing->header_row, listing->first_row,
                             listing_get_results (listing), rows, path, cancellable, error);
}

/* What a run starts with for the text of a cell. */
static RvResult *
parsed (const char *raw)
{
  RvRucParse parse;

  rv_ruc_parse (raw, &parse);
  return rv_result_new (&parse, raw);
}

/* What a run ends with once a source answered about @raw. */
static RvResult *
answered (const char *raw,
          gboolean    found,
          const char *name,
          const char *state,
          const char *condition,
          RvSource    source)
{
  g_autoptr(RvResult) pending = parsed (raw);
  g_autoptr(RvRecord) record = NULL;

  g_assert_nonnull (rv_result_get_ruc (pending));
  record = rv_record_new (rv_result_get_ruc (pending), found);
  if (found)
    {
      rv_record_set_field (record, RV_FIELD_NAME, name);
      rv_record_set_field (record, RV_FIELD_STATE, state);
      rv_record_set_field (record, RV_FIELD_CONDITION, condition);
      rv_record_set_field (record, RV_FIELD_UBIGEO, "150101");
      rv_record_set_field (record, RV_FIELD_ADDRESS, "AV. GARCILASO DE LA VEGA NRO. 1472");
      rv_record_set_as_of (record, "2026-11-17");
    }
  rv_record_set_checked_at (record, CHECKED_AT);
  rv_record_set_source (record, source);
  return rv_result_new_answered (pending, record);
}

/* What a run holds for @raw when the provider did not answer. */
static RvResult *
pending (const char *raw)
{
  g_autoptr(RvResult) first = parsed (raw);

  return rv_result_new_pending (first, "The provider did not answer");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-csv-writer-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    {
      g_assert_cmpint (errno, ==, ENOENT);
      return;
    }

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = NULL;
      g_autoptr(GError) error = NULL;
      const char *name;

      /* A test may have left the folder read-only. */
      g_assert_no_errno (g_chmod (path, 0700));
      dir = g_dir_open (path, 0, &error);
      g_assert_no_error (error);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_assert_no_errno (g_rmdir (path));
    }
  else
    g_assert_no_errno (g_unlink (path));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static char *
fixture_path (Fixture    *fixture,
              const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names in @dir, sorted and joined by spaces: what a test expects the folder to hold. */
static char *
list_folder (const char *dir)
{
  g_autoptr(GDir) handle = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *name;

  handle = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

#define assert_folder(dir, expected)                                      \
  G_STMT_START {                                                          \
    g_autofree char *names_ = list_folder (dir);                          \
    g_assert_cmpstr (names_, ==, (expected));                             \
  } G_STMT_END

static void
assert_file_contents (const char *path,
                      const char *expected,
                      gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize size;

  g_file_get_contents (path, &contents, &size, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, size, expected, length >= 0 ? (gsize) length : strlen (expected));
}

static void
prefix_apostrophe (char **text)
{
  char *prefixed = g_strconcat ("'", *text, NULL);

  g_free (*text);
  *text = prefixed;
}

static mode_t
current_umask (void)
{
  mode_t mask = umask (0);

  umask (mask);
  return mask;
}

static void
write_old_file (const char *path)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "OLD CONTENTS\r\n", -1, &error);
  g_assert_no_error (error);
}

/* Writes @listing to @path, expecting success. */
static void
write_ok (Listing      *listing,
          RvExportRows  rows,
          const char   *path)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (listing_write (listing, rows, path, NULL, &error));
  g_assert_no_error (error);
}

/* Reads @path back with the real readers: one UTF-8, comma-separated sheet. */
static RvWorkbook *
read_back (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RvWorkbook) workbook = NULL;

  workbook = rv_sheet_read_file (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rv_workbook_get_format (workbook), ==, RV_FILE_FORMAT_CSV);
  g_assert_cmpstr (rv_workbook_get_encoding (workbook), ==, "UTF-8");
  g_assert_cmpint (rv_workbook_get_delimiter (workbook), ==, ',');
  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 1);
  return g_steal_pointer (&workbook);
}

/* Asserts that @row of @read holds @cells and then the texts of @result (or nothing). */
static void
assert_read_row (RvSheet            *read,
                 guint               row,
                 guint               n_columns,
                 const char * const *cells,
                 const RvResult     *result)
{
  guint n_cells = g_strv_length ((char **) cells);

  g_assert_cmpuint (n_cells, <=, n_columns);

  for (guint column = 0; column < n_columns; column++)
    {
      const char *expected = column < n_cells ? cells[column] : "";

      g_test_message ("row %u, column %u", row, column);
      g_assert_cmpstr (rv_sheet_get_text (read, row, column), ==, expected);
    }

  for (guint column = 0; column < RV_N_RESULT_COLUMNS; column++)
    {
      g_autofree char *expected = NULL;

      if (result != NULL)
        expected = rv_result_dup_column_text (result, column);
      /* The only result text of these tests that looks like a formula, the name a
       * provider answered with in make_suppliers(), is neutralised like any cell.
       */
      if (expected != NULL && expected[0] == '=')
        prefix_apostrophe (&expected);
      g_assert_cmpstr (rv_sheet_get_text (read, row, n_columns + column), ==,
                       expected != NULL ? expected : "");
    }

  g_assert_cmpstr (rv_sheet_get_text (read, row, n_columns + RV_N_RESULT_COLUMNS), ==, "");
}

#define ASSERT_READ_ROW(read, row, n_columns, result, ...)                \
  G_STMT_START {                                                          \
    const char *cells_[] = { __VA_ARGS__, NULL };                         \
    assert_read_row ((read), (row), (n_columns), cells_, (result));       \
  } G_STMT_END

/* Asserts that @row of @read is the header line: @cells, then the result titles. */
static void
assert_read_header (RvSheet            *read,
                    guint               row,
                    guint               n_columns,
                    const char * const *cells)
{
  guint n_cells = g_strv_length ((char **) cells);

  for (guint column = 0; column < n_columns; column++)
    g_assert_cmpstr (rv_sheet_get_text (read, row, column), ==,
                     column < n_cells ? cells[column] : "");

  for (guint column = 0; column < RV_N_RESULT_COLUMNS; column++)
    g_assert_cmpstr (rv_sheet_get_text (read, row, n_columns + column), ==,
                     rv_result_column_get_title (column));
}

#define ASSERT_READ_HEADER(read, row, n_columns, ...)                     \
  G_STMT_START {                                                          \
    const char *cells_[] = { __VA_ARGS__, NULL };                         \
    assert_read_header ((read), (row), (n_columns), cells_);              \
  } G_STMT_END

/*
 * A small list, one rule per cell: a comma, quotes with a line break, a number with a
 * sign, a formula, an '@', blanks around a DNI, and its three results.
 */
static Listing *
make_small (void)
{
  Listing *listing = listing_new (0, 1);

  ADD_ROW (listing, 0, NULL, "RUC", "Nombre", "Nota");
  ADD_ROW (listing, 1, answered ("20131312955", TRUE, "SUNAT", "ACTIVO", "HABIDO", RV_SOURCE_API),
           "20131312955", "SUNAT, Lima", "-125.50");
  ADD_ROW (listing, 2, parsed ("20131312956"),
           "20131312956", "Dice \"hola\"\r\nadiós", "=1+1");
  ADD_ROW (listing, 3, pending (" 12345678 "),
           " 12345678 ", "", "@x");
  return listing;
}

#define SMALL_HEADER \
  "RUC,Nombre,Nota," TITLES "\r\n"
#define SMALL_VALID \
  "20131312955,\"SUNAT, Lima\",-125.50,20131312955,Valid,Active and domiciled,SUNAT,ACTIVO," \
  "HABIDO,AV. GARCILASO DE LA VEGA NRO. 1472,150101,2026-11-17," CHECKED_AT_TEXT ",api\r\n"
#define SMALL_INVALID \
  "20131312956,\"Dice \"\"hola\"\"\r\nadiós\",'=1+1,20131312956,Invalid," \
  "Wrong check digit. Did you mean 20131312955?,,,,,,,,offline\r\n"
#define SMALL_PENDING \
  "\" 12345678 \",,'@x,10123456781,Pending,The provider did not answer,,,,,,,,\r\n"

/*
 * A supplier list as accountants keep them: a title above the header, a blank row, a
 * row longer than the header, and cells of every kind a spreadsheet would misread.
 */
static Listing *
make_suppliers (void)
{
  Listing *listing = listing_new (1, 2);

  ADD_ROW (listing, 0, NULL, "Proveedores — noviembre 2026");
  ADD_ROW (listing, 1, NULL, "RUC", "Razón social", "Nota", "Monto");
  ADD_ROW (listing, 2,
           answered ("20131312955", TRUE, "SUNAT", "ACTIVO", "HABIDO", RV_SOURCE_API),
           "20131312955", "SUNAT, sede central",
           "=HYPERLINK(\"http://example.com\",\"ver\")", "-125.50");
  ADD_ROW (listing, 3, parsed ("20131312956"),
           "20131312956", "Dice \"hola\"", "+51 999", "1500");
  ADD_ROW (listing, 4, answered ("12345678", FALSE, NULL, NULL, NULL, RV_SOURCE_API),
           "12345678", "Línea 1\nLínea 2", "@SUM(A1:A3)", "0.5");
  ADD_ROW (listing, 5, parsed (""),
           "", " espacio inicial", "\tcon tabulador", "-");
  /* Row 6 is blank. */
  ADD_ROW (listing, 7,
           answered ("20100047218", TRUE, "BANCO DE CREDITO DEL PERU", "BAJA DE OFICIO",
                     "HABIDO", RV_SOURCE_PADRON),
           "20100047218", "Baja SAC", "espacio final ", "2.5E3");
  ADD_ROW (listing, 8, pending ("20100070970"),
           "20100070970", "Pendiente SRL", "\rretorno", "-1e5", "extra");
  /* A provider's answer is not to be trusted either. */
  ADD_ROW (listing, 9,
           answered ("10054148289", TRUE, "=HYPERLINK(\"http://example.com\")", "ACTIVO",
                     "HABIDO", RV_SOURCE_CACHE),
           "10054148289", "Persona natural");
  return listing;
}

/* A large list: @n_rows data rows below a header of @n_columns, results shared by value
 * as a run shares them.
 */
static Listing *
make_large (guint n_rows,
            guint n_columns)
{
  Listing *listing = listing_new (0, 1);
  static const char *rucs[] = { "20131312955", "20100047218", "20131312956", "12345678",
                                "20100070970" };
  RvResult *shared[G_N_ELEMENTS (rucs)];

  shared[0] = answered (rucs[0], TRUE, "SUNAT", "ACTIVO", "HABIDO", RV_SOURCE_API);
  shared[1] = answered (rucs[1], TRUE, "BANCO DE CREDITO DEL PERU", "BAJA DE OFICIO", "HABIDO",
                        RV_SOURCE_PADRON);
  shared[2] = parsed (rucs[2]);
  shared[3] = answered (rucs[3], FALSE, NULL, NULL, NULL, RV_SOURCE_CACHE);
  shared[4] = pending (rucs[4]);

  for (guint column = 0; column < n_columns; column++)
    {
      g_autofree char *title = column == 0 ? g_strdup ("RUC")
                                           : g_strdup_printf ("Columna %u", column + 1);

      rv_sheet_set_cell (listing->sheet, 0, column, RV_CELL_TEXT, FALSE, title, -1);
    }
  g_ptr_array_add (listing->results, NULL);

  for (guint row = 1; row <= n_rows; row++)
    {
      guint kind = row % G_N_ELEMENTS (rucs);

      for (guint column = 0; column < n_columns; column++)
        {
          char text[64];

          if (column == 0)
            g_strlcpy (text, rucs[kind], sizeof text);
          else if (column == 1)
            g_snprintf (text, sizeof text, "Proveedor %u, S.A.C.", row);
          else if (column == 2)
            g_snprintf (text, sizeof text, "-%u.50", row);
          else
            g_snprintf (text, sizeof text, "dato %u-%u", row, column);

          rv_sheet_set_cell (listing->sheet, row, column, RV_CELL_TEXT, FALSE, text, -1);
        }
      g_ptr_array_add (listing->results, rv_result_ref (shared[kind]));
    }

  for (guint i = 0; i < G_N_ELEMENTS (shared); i++)
    rv_result_unref (shared[i]);

  return listing;
}

/* /csv-writer/export-rows */

static void
test_export_rows (void)
{
  static const struct {
    const char   *nick;
    RvExportRows  rows;
  } cases[] = {
    { "all", RV_EXPORT_ALL },
    { "valid", RV_EXPORT_VALID },
    { "problems", RV_EXPORT_PROBLEMS },
  };
  g_autoptr(GEnumClass) klass = g_type_class_ref (RV_TYPE_EXPORT_ROWS);
  RvExportRows rows;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      rows = -1;
      g_assert_true (rv_export_rows_from_nick (cases[i].nick, &rows));
      g_assert_cmpint (rows, ==, cases[i].rows);
      g_assert_cmpstr (g_enum_get_value (klass, cases[i].rows)->value_nick, ==, cases[i].nick);
    }

  rows = RV_EXPORT_VALID;
  g_assert_false (rv_export_rows_from_nick ("ALL", &rows));
  g_assert_false (rv_export_rows_from_nick ("", &rows));
  g_assert_false (rv_export_rows_from_nick ("invalid", &rows));
  g_assert_false (rv_export_rows_from_nick (NULL, &rows));
  g_assert_cmpint (rows, ==, RV_EXPORT_VALID);
  g_assert_cmpstr (g_type_name (RV_TYPE_EXPORT_ROWS), ==, "RvExportRows");
}

/* /csv-writer/bytes */

static void
test_bytes (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(Listing) listing = make_small ();
  g_autofree char *path = fixture_path (fixture, "salida.csv");

  /* A BOM, CRLF line ends, quotes where RFC 4180 wants them and only there, and an
   * apostrophe before what a spreadsheet would evaluate; a negative amount stays a number.
   */
  write_ok (listing, RV_EXPORT_ALL, path);
  assert_file_contents (path, BOM SMALL_HEADER SMALL_VALID SMALL_INVALID SMALL_PENDING, -1);

  write_ok (listing, RV_EXPORT_VALID, path);
  assert_file_contents (path, BOM SMALL_HEADER SMALL_VALID, -1);

  write_ok (listing, RV_EXPORT_PROBLEMS, path);
  assert_file_contents (path, BOM SMALL_HEADER SMALL_INVALID SMALL_PENDING, -1);

  assert_folder (fixture->dir, "salida.csv");
}

/* /csv-writer/neutralise */

static void
test_neutralise (Fixture       *fixture,
                 gconstpointer  data)
{
  static const struct {
    const char *cell;
    const char *written;
  } cases[] = {
    /* Formulas, and what starts one in some spreadsheet. */
    { "=1+1", "'=1+1" },
    { "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
    { "+51 999", "'+51 999" },
    { "-2+3", "'-2+3" },
    { "@SUM(A1)", "'@SUM(A1)" },
    { "\tx", "'\tx" },
    { "\rx", "\"'\rx\"" },
    { "-", "'-" },
    { "+", "'+" },
    { "--5", "'--5" },
    { "-5e", "'-5e" },
    { "-e5", "'-e5" },
    { "-.", "'-." },
    { "- 5", "'- 5" },
    { "-5 ", "\"'-5 \"" },
    /* Plain numbers compute nothing: they stay numbers. */
    { "-125.50", "-125.50" },
    { "+125", "+125" },
    { "-0.5", "-0.5" },
    { "-.5", "-.5" },
    { "-5.", "-5." },
    { "-1e5", "-1e5" },
    { "-2.5E-3", "-2.5E-3" },
    { "+1E+10", "+1E+10" },
    /* Only the first character counts. */
    { "a=b", "a=b" },
    { "1-2", "1-2" },
    { "20131312955", "20131312955" },
    { "2.01313E+10", "2.01313E+10" },
    /* Quoting alone. */
    { " =1", "\" =1\"" },
    { "x ", "\"x \"" },
    { "a\nb", "\"a\nb\"" },
    { "a\"b", "\"a\"\"b\"" },
    { "'ya", "'ya" },
    { "ñandú", "ñandú" },
  };
  g_autoptr(Listing) listing = listing_new (-1, 0);
  g_autoptr(GString) expected = g_string_new (BOM "," TITLES "\r\n");
  g_autofree char *path = fixture_path (fixture, "formulas.csv");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ADD_ROW (listing, i, NULL, cases[i].cell);
      g_string_append_printf (expected, "%s,,,,,,,,,,,\r\n", cases[i].written);
    }

  write_ok (listing, RV_EXPORT_ALL, path);
  assert_file_contents (path, expected->str, expected->len);
}

/* /csv-writer/round-trip */

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(Listing) listing = make_suppliers ();
  g_autofree char *path = fixture_path (fixture, "proveedores.csv");
  g_autoptr(RvWorkbook) workbook = NULL;
  RvResult * const *results = listing_get_results (listing);
  RvSheet *read;

  write_ok (listing, RV_EXPORT_ALL, path);
  workbook = read_back (path);

  /* Every row in place, each padded to the longest one (5 columns), then ours. */
  read = rv_test_get_sheet (workbook, 0, "proveedores", 10, 5 + RV_N_RESULT_COLUMNS);
  ASSERT_READ_ROW (read, 0, 5, NULL, "Proveedores — noviembre 2026");
  ASSERT_READ_HEADER (read, 1, 5, "RUC", "Razón social", "Nota", "Monto");
  ASSERT_READ_ROW (read, 2, 5, results[2],
                   "20131312955", "SUNAT, sede central",
                   "'=HYPERLINK(\"http://example.com\",\"ver\")", "-125.50");
  ASSERT_READ_ROW (read, 3, 5, results[3],
                   "20131312956", "Dice \"hola\"", "'+51 999", "1500");
  ASSERT_READ_ROW (read, 4, 5, results[4],
                   "12345678", "Línea 1\nLínea 2", "'@SUM(A1:A3)", "0.5");
  ASSERT_READ_ROW (read, 5, 5, results[5],
                   "", " espacio inicial", "'\tcon tabulador", "'-");
  ASSERT_READ_ROW (read, 6, 5, NULL, "");
  ASSERT_READ_ROW (read, 7, 5, results[7],
                   "20100047218", "Baja SAC", "espacio final ", "2.5E3");
  ASSERT_READ_ROW (read, 8, 5, results[8],
                   "20100070970", "Pendiente SRL", "'\rretorno", "-1e5", "extra");

  /* Row 9: a provider's name that is a formula is neutralised like any cell. */
  rv_test_check_cell (read, "A10", "text:10054148289");
  rv_test_check_cell (read, "I10", "text:'=HYPERLINK(\"http://example.com\")");
  rv_test_check_cell (read, "G10", "text:Valid");
  rv_test_check_cell (read, "P10", "text:cache");

  /* The result columns, spelled out once. */
  rv_test_check_cell (read, "F3", "text:20131312955");
  rv_test_check_cell (read, "G3", "text:Valid");
  rv_test_check_cell (read, "H3", "text:Active and domiciled");
  rv_test_check_cell (read, "I3", "text:SUNAT");
  rv_test_check_cell (read, "J3", "text:ACTIVO");
  rv_test_check_cell (read, "K3", "text:HABIDO");
  rv_test_check_cell (read, "L3", "text:AV. GARCILASO DE LA VEGA NRO. 1472");
  rv_test_check_cell (read, "M3", "text:150101");
  rv_test_check_cell (read, "N3", "text:2026-11-17");
  rv_test_check_cell (read, "O3", "text:" CHECKED_AT_TEXT);
  rv_test_check_cell (read, "P3", "text:api");
  rv_test_check_cell (read, "H4", "text:Wrong check digit. Did you mean 20131312955?");
  rv_test_check_cell (read, "F5", "text:10123456781");
  rv_test_check_cell (read, "G5", "text:Not found");
  rv_test_check_cell (read, "H5",
                      "text:DNI 12345678, as RUC 10123456781: No taxpayer has this RUC");
  rv_test_check_cell (read, "H6", "text:Empty cell");
  rv_test_check_cell (read, "G8", "text:Observed");
  rv_test_check_cell (read, "P8", "text:padrón");
  rv_test_check_cell (read, "G9", "text:Pending");
  rv_test_check_cell (read, "P9", "empty:");

  assert_folder (fixture->dir, "proveedores.csv");
}

/* /csv-writer/export-valid */

static void
test_export_valid (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(Listing) listing = make_suppliers ();
  g_autofree char *path = fixture_path (fixture, "validos.csv");
  g_autoptr(RvWorkbook) workbook = NULL;
  RvResult * const *results = listing_get_results (listing);
  RvSheet *read;

  /* The header and the valid rows: no title, no blank row, nothing else. */
  write_ok (listing, RV_EXPORT_VALID, path);
  workbook = read_back (path);
  read = rv_test_get_sheet (workbook, 0, "validos", 3, 5 + RV_N_RESULT_COLUMNS);
  ASSERT_READ_HEADER (read, 0, 5, "RUC", "Razón social", "Nota", "Monto");
  ASSERT_READ_ROW (read, 1, 5, results[2],
                   "20131312955", "SUNAT, sede central",
                   "'=HYPERLINK(\"http://example.com\",\"ver\")", "-125.50");
  ASSERT_READ_ROW (read, 2, 5, results[9], "10054148289", "Persona natural");
}

/* /csv-writer/export-problems */

static void
test_export_problems (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(Listing) listing = make_suppliers ();
  g_autofree char *path = fixture_path (fixture, "problemas.csv");
  g_autoptr(RvWorkbook) workbook = NULL;
  RvResult * const *results = listing_get_results (listing);
  RvSheet *read;

  /* Invalid, not found, empty, observed and pending: every verdict but VALID. */
  write_ok (listing, RV_EXPORT_PROBLEMS, path);
  workbook = read_back (path);
  read = rv_test_get_sheet (workbook, 0, "problemas", 6, 5 + RV_N_RESULT_COLUMNS);
  ASSERT_READ_HEADER (read, 0, 5, "RUC", "Razón social", "Nota", "Monto");
  ASSERT_READ_ROW (read, 1, 5, results[3], "20131312956", "Dice \"hola\"", "'+51 999", "1500");
  ASSERT_READ_ROW (read, 2, 5, results[4],
                   "12345678", "Línea 1\nLínea 2", "'@SUM(A1:A3)", "0.5");
  ASSERT_READ_ROW (read, 3, 5, results[5],
                   "", " espacio inicial", "'\tcon tabulador", "'-");
  ASSERT_READ_ROW (read, 4, 5, results[7],
                   "20100047218", "Baja SAC", "espacio final ", "2.5E3");
  ASSERT_READ_ROW (read, 5, 5, results[8],
                   "20100070970", "Pendiente SRL", "'\rretorno", "-1e5", "extra");
}

/* /csv-writer/no-header */

static void
test_no_header (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(Listing) listing = listing_new (-1, 0);
  g_autoptr(Listing) titled = listing_new (-1, 1);
  g_autoptr(Listing) empty = listing_new (-1, 0);
  g_autofree char *path = fixture_path (fixture, "sin-cabecera.csv");
  g_autoptr(RvWorkbook) workbook = NULL;
  RvSheet *read;

  /* A bare column of RUCs: a header line of our own comes first, empty over the
   * original columns.
   */
  ADD_ROW (listing, 0, parsed ("20131312956"), "20131312956", "a");
  ADD_ROW (listing, 1, pending ("20131312955"), "20131312955", "b");

  write_ok (listing, RV_EXPORT_ALL, path);
  assert_file_contents (path,
                        BOM ",," TITLES "\r\n"
                        "20131312956,a,20131312956,Invalid,"
                        "Wrong check digit. Did you mean 20131312955?,,,,,,,,offline\r\n"
                        "20131312955,b,20131312955,Pending,The provider did not answer,,,,,,,,\r\n",
                        -1);

  workbook = read_back (path);
  read = rv_test_get_sheet (workbook, 0, "sin-cabecera", 3, 2 + RV_N_RESULT_COLUMNS);
  ASSERT_READ_HEADER (read, 0, 2, "");
  ASSERT_READ_ROW (read, 1, 2, listing_get_results (listing)[0], "20131312956", "a");
  ASSERT_READ_ROW (read, 2, 2, listing_get_results (listing)[1], "20131312955", "b");

  write_ok (listing, RV_EXPORT_PROBLEMS, path);
  assert_file_contents (path,
                        BOM ",," TITLES "\r\n"
                        "20131312956,a,20131312956,Invalid,"
                        "Wrong check digit. Did you mean 20131312955?,,,,,,,,offline\r\n"
                        "20131312955,b,20131312955,Pending,The provider did not answer,,,,,,,,\r\n",
                        -1);

  write_ok (listing, RV_EXPORT_VALID, path);
  assert_file_contents (path, BOM ",," TITLES "\r\n", -1);

  /* A title row above data without a header: ours first, the title after it, and only
   * when every row is written.
   */
  ADD_ROW (titled, 0, NULL, "Lista");
  ADD_ROW (titled, 1, parsed ("20131312956"), "20131312956");
  write_ok (titled, RV_EXPORT_ALL, path);
  assert_file_contents (path,
                        BOM "," TITLES "\r\n"
                        "Lista,,,,,,,,,,,\r\n"
                        "20131312956,20131312956,Invalid,"
                        "Wrong check digit. Did you mean 20131312955?,,,,,,,,offline\r\n",
                        -1);
  write_ok (titled, RV_EXPORT_PROBLEMS, path);
  assert_file_contents (path,
                        BOM "," TITLES "\r\n"
                        "20131312956,20131312956,Invalid,"
                        "Wrong check digit. Did you mean 20131312955?,,,,,,,,offline\r\n",
                        -1);

  /* An empty sheet still gets its header line. */
  write_ok (empty, RV_EXPORT_ALL, path);
  assert_file_contents (path, BOM TITLES "\r\n", -1);

  assert_folder (fixture->dir, "sin-cabecera.csv");
}

/* /csv-writer/large */

static void
test_large (Fixture       *fixture,
            gconstpointer  data)
{
  const guint n_rows = 100000;
  const guint n_columns = 30;
  g_autoptr(Listing) listing = make_large (n_rows, n_columns);
  g_autofree char *path = fixture_path (fixture, "grande.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(RvWorkbook) workbook = NULL;
  RvResult * const *results = listing_get_results (listing);
  RvSheet *read;
  GStatBuf st;
  double seconds;

  g_test_timer_start ();
  g_assert_true (listing_write (listing, RV_EXPORT_ALL, path, NULL, &error));
  seconds = g_test_timer_elapsed ();
  g_assert_no_error (error);
  g_assert_no_errno (g_stat (path, &st));
  g_test_message ("%u rows x %u columns: %.1f MB written in %.3f s", n_rows, n_columns,
                  st.st_size / 1e6, seconds);
  /* Well under a second on any machine of today; a loose bound keeps busy CI green. */
  g_assert_cmpfloat (seconds, <, 2.0);

  workbook = read_back (path);
  read = rv_test_get_sheet (workbook, 0, "grande", n_rows + 1, n_columns + RV_N_RESULT_COLUMNS);
  rv_test_check_cell (read, "A1", "text:RUC");
  rv_test_check_cell (read, "AE1", "text:Normalised RUC");
  for (guint row = 1; row <= n_rows; row += 9973)
    {
      g_autofree char *name = g_strdup_printf ("Proveedor %u, S.A.C.", row);
      g_autofree char *amount = g_strdup_printf ("-%u.50", row);
      g_autofree char *last = g_strdup_printf ("dato %u-%u", row, n_columns - 1);

      g_assert_cmpstr (rv_sheet_get_text (read, row, 1), ==, name);
      g_assert_cmpstr (rv_sheet_get_text (read, row, 2), ==, amount);
      g_assert_cmpstr (rv_sheet_get_text (read, row, n_columns - 1), ==, last);
      for (guint column = 0; column < RV_N_RESULT_COLUMNS; column++)
        {
          g_autofree char *text = rv_result_dup_column_text (results[row], column);

          g_assert_cmpstr (rv_sheet_get_text (read, row, n_columns + column), ==, text);
        }
    }
  g_clear_object (&workbook);

  /* A fifth of the rows is valid. */
  g_test_timer_start ();
  g_assert_true (listing_write (listing, RV_EXPORT_VALID, path, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("the valid rows written in %.3f s", g_test_timer_elapsed ());
  workbook = read_back (path);
  read = rv_test_get_sheet (workbook, 0, "grande", n_rows / 5 + 1,
                            n_columns + RV_N_RESULT_COLUMNS);
  rv_test_check_cell (read, "A2", "text:20131312955");
  rv_test_check_cell (read, "AF2", "text:Valid");
  g_clear_object (&workbook);

  assert_folder (fixture->dir, "grande.csv");
}

/* /csv-writer/fail/no-folder */

static void
test_fail_no_folder (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(Listing) listing = make_small ();
  g_autofree char *missing = fixture_path (fixture, "no-existe");
  g_autofree char *in_missing = g_build_filename (missing, "salida.csv", NULL);
  g_autofree char *plain = fixture_path (fixture, "carpeta");
  g_autofree char *in_plain = g_build_filename (plain, "salida.csv", NULL);
  g_autofree char *folder = fixture_path (fixture, "es-carpeta.csv");
  g_autoptr(GError) error = NULL;

  /* A folder that does not exist. */
  g_assert_false (listing_write (listing, RV_EXPORT_ALL, in_missing, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Cannot write “salida.csv”: No such file or directory");
  g_clear_error (&error);
  assert_folder (fixture->dir, "");

  /* A folder replaced by a file, which stays as it was. */
  write_old_file (plain);
  g_assert_false (listing_write (listing, RV_EXPORT_ALL, in_plain, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_assert_cmpstr (error->message, ==, "Cannot write “salida.csv”: Not a directory");
  g_clear_error (&error);
  assert_file_contents (plain, "OLD CONTENTS\r\n", -1);
  assert_folder (fixture->dir, "carpeta");

  /* A folder where the file should be. */
  g_assert_no_errno (g_mkdir (folder, 0700));
  g_assert_false (listing_write (listing, RV_EXPORT_ALL, folder, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_assert_true (g_str_has_prefix (error->message, "Cannot write “es-carpeta.csv”: "));
  g_assert_null (strchr (error->message, '\n'));
  g_clear_error (&error);
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
  assert_folder (fixture->dir, "carpeta es-carpeta.csv");
  assert_folder (folder, "");
}

/* /csv-writer/fail/read-only-folder */

/* File permissions do not apply to root, and CI runs as root: the body then runs in a
 * subprocess that drops to nobody, so that this test really runs everywhere.
 */
static void
read_only_folder_body (const char *base)
{
  g_autoptr(Listing) listing = make_small ();
  g_autofree char *folder = g_build_filename (base, "solo-lectura", NULL);
  g_autofree char *path = g_build_filename (folder, "salida.csv", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (geteuid (), !=, 0);
  g_assert_no_errno (g_mkdir (folder, 0700));
  g_assert_no_errno (g_chmod (folder, 0500));

  /* A new file: one sentence naming it, and nothing left behind. */
  g_assert_false (listing_write (listing, RV_EXPORT_ALL, path, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_cmpstr (error->message, ==, "Cannot write “salida.csv”: Permission denied");
  g_clear_error (&error);
  assert_folder (folder, "");

  /* An existing file in a folder that turned read-only: no temporary file can be made
   * beside it, and it stays as it was.
   */
  g_assert_no_errno (g_chmod (folder, 0700));
  write_old_file (path);
  g_assert_no_errno (g_chmod (folder, 0500));

  g_assert_false (listing_write (listing, RV_EXPORT_ALL, path, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_true (g_str_has_prefix (error->message, "Cannot write “salida.csv”: "));
  g_assert_nonnull (strstr (error->message, "Permission denied"));
  g_clear_error (&error);
  assert_file_contents (path, "OLD CONTENTS\r\n", -1);
  assert_folder (folder, "salida.csv");

  /* Writable again, the same call works. */
  g_assert_no_errno (g_chmod (folder, 0700));
  write_ok (listing, RV_EXPORT_VALID, path);
  assert_file_contents (path, BOM SMALL_HEADER SMALL_VALID, -1);
  assert_folder (folder, "salida.csv");
}

static void
test_fail_read_only_folder (void)
{
  g_autofree char *base = NULL;
  g_autoptr(GError) error = NULL;

  if (geteuid () == 0 && !g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC,
                              G_TEST_SUBPROCESS_INHERIT_STDOUT |
                              G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  if (geteuid () == 0)
    {
      /* nobody:nogroup */
      g_assert_no_errno (setgroups (0, NULL));
      g_assert_no_errno (setgid (65534));
      g_assert_no_errno (setuid (65534));
    }

  base = g_dir_make_tmp ("test-csv-writer-read-only-XXXXXX", &error);
  g_assert_no_error (error);
  read_only_folder_body (base);
  remove_tree (base);
}

/* /csv-writer/fail/mid-write */

/* A disk that fills up halfway through: the process may write files of 256 KiB at most,
 * in a subprocess, so that the writer meets a real write error after many rows.
 */
static void
test_fail_mid_write (void)
{
  g_autoptr(Listing) listing = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *fresh = NULL;
  g_autoptr(GError) error = NULL;
  struct rlimit limit = { 256 * 1024, 256 * 1024 };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC,
                              G_TEST_SUBPROCESS_INHERIT_STDOUT |
                              G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  listing = make_large (20000, 10);
  dir = g_dir_make_tmp ("test-csv-writer-full-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "salida.csv", NULL);
  fresh = g_build_filename (dir, "nueva.csv", NULL);
  write_old_file (path);

  /* Past the limit, write() fails with EFBIG instead of the process being killed. */
  signal (SIGXFSZ, SIG_IGN);
  g_assert_no_errno (setrlimit (RLIMIT_FSIZE, &limit));

  g_assert_false (listing_write (listing, RV_EXPORT_ALL, path, NULL, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  g_assert_cmpstr (error->message, ==, "Cannot write “salida.csv”: File too large");
  g_clear_error (&error);
  assert_file_contents (path, "OLD CONTENTS\r\n", -1);
  assert_folder (dir, "salida.csv");

  g_assert_false (listing_write (listing, RV_EXPORT_ALL, fresh, NULL, &error));
  g_assert_cmpstr (error->message, ==, "Cannot write “nueva.csv”: File too large");
  g_clear_error (&error);
  assert_folder (dir, "salida.csv");

  remove_tree (dir);
}

/* /csv-writer/cancel/before */

static void
test_cancel_before (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(Listing) listing = make_small ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = fixture_path (fixture, "salida.csv");
  g_autofree char *fresh = fixture_path (fixture, "nueva.csv");
  g_autoptr(GError) error = NULL;

  write_old_file (path);
  g_cancellable_cancel (cancellable);

  g_assert_false (listing_write (listing, RV_EXPORT_ALL, path, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, "salida.csv"));
  g_clear_error (&error);
  assert_file_contents (path, "OLD CONTENTS\r\n", -1);

  g_assert_false (listing_write (listing, RV_EXPORT_ALL, fresh, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  assert_folder (fixture->dir, "salida.csv");
}

/* /csv-writer/cancel/during */

typedef struct
{
  Listing      *listing;
  const char   *path;
  GCancellable *cancellable;
  GError       *error;
  gboolean      ok;
  gint          done;
} Writing;

static gpointer
writing_thread (gpointer data)
{
  Writing *writing = data;

  writing->ok = listing_write (writing->listing, RV_EXPORT_ALL, writing->path,
                               writing->cancellable, &writing->error);
  g_atomic_int_set (&writing->done, TRUE);
  return NULL;
}

/* The bytes of the files in @dir. */
static goffset
folder_size (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  goffset size = 0;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_stat (path, &st) == 0)
        size += st.st_size;
    }
  return size;
}

/* Writes @listing to @path in a thread and cancels it once the first bytes reached the
 * disk, wherever the writer puts them. Returns FALSE when the write finished before it
 * could be cancelled.
 */
static gboolean
write_and_cancel (Listing    *listing,
                  const char *dir,
                  const char *path)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GThread) thread = NULL;
  Writing writing = { listing, path, cancellable, NULL, FALSE, FALSE };
  goffset size_before = folder_size (dir);

  thread = g_thread_new ("writer", writing_thread, &writing);
  while (!g_atomic_int_get (&writing.done) && folder_size (dir) <= size_before)
    g_usleep (50);
  g_cancellable_cancel (cancellable);
  g_thread_join (g_steal_pointer (&thread));

  if (writing.ok)
    return FALSE;

  g_assert_error (writing.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&writing.error);
  return TRUE;
}

static void
test_cancel_during (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(Listing) listing = make_large (100000, 30);
  g_autofree char *path = fixture_path (fixture, "salida.csv");
  g_autofree char *fresh = fixture_path (fixture, "nueva.csv");

  /* Over an existing file, which stays as it was. */
  write_old_file (path);
  if (!write_and_cancel (listing, fixture->dir, path))
    {
      g_test_skip ("The write finished before it could be cancelled");
      return;
    }
  assert_file_contents (path, "OLD CONTENTS\r\n", -1);
  assert_folder (fixture->dir, "salida.csv");

  /* A new file: nothing is left at all. */
  if (!write_and_cancel (listing, fixture->dir, fresh))
    {
      g_test_skip ("The write finished before it could be cancelled");
      return;
    }
  assert_folder (fixture->dir, "salida.csv");
}

/* /csv-writer/replace */

static void
test_replace (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(Listing) listing = make_small ();
  g_autofree char *path = fixture_path (fixture, "salida.csv");
  GStatBuf st;

  /* An existing file is replaced whole, and a new one gets the usual permissions. */
  write_old_file (path);
  write_ok (listing, RV_EXPORT_VALID, path);
  assert_file_contents (path, BOM SMALL_HEADER SMALL_VALID, -1);
  assert_folder (fixture->dir, "salida.csv");

  g_assert_no_errno (g_unlink (path));
  write_ok (listing, RV_EXPORT_VALID, path);
  assert_file_contents (path, BOM SMALL_HEADER SMALL_VALID, -1);
  g_assert_no_errno (g_stat (path, &st));
  g_assert_cmpint (st.st_mode & 0777, ==, 0666 & ~current_umask ());
  assert_folder (fixture->dir, "salida.csv");
}

/* /csv-writer/preconditions */

static void
test_preconditions (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(Listing) listing = make_small ();
  g_autofree char *path = fixture_path (fixture, "salida.csv");
  RvResult * const *results = listing_get_results (listing);

  /* The header row must come before the first data row, inside the sheet. */
  g_test_expect_message ("rv-sheet-writer", G_LOG_LEVEL_CRITICAL, "*header_row*");
  g_assert_false (rv_sheet_write_csv (listing->sheet, 1, 1, results, RV_EXPORT_ALL, path,
                                      NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("rv-sheet-writer", G_LOG_LEVEL_CRITICAL, "*header_row*");
  g_assert_false (rv_sheet_write_csv (listing->sheet, 4, 5, results, RV_EXPORT_ALL, path,
                                      NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("rv-sheet-writer", G_LOG_LEVEL_CRITICAL, "*header_row*");
  g_assert_false (rv_sheet_write_csv (listing->sheet, -2, 0, results, RV_EXPORT_ALL, path,
                                      NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("rv-sheet-writer", G_LOG_LEVEL_CRITICAL, "*results*");
  g_assert_false (rv_sheet_write_csv (listing->sheet, 0, 1, NULL, RV_EXPORT_ALL, path,
                                      NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("rv-sheet-writer", G_LOG_LEVEL_CRITICAL, "*rows*");
  g_assert_false (rv_sheet_write_csv (listing->sheet, 0, 1, results, 7, path, NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("rv-sheet-writer", G_LOG_LEVEL_CRITICAL, "*path*");
  g_assert_false (rv_sheet_write_csv (listing->sheet, 0, 1, results, RV_EXPORT_ALL, NULL,
                                      NULL, NULL));
  g_test_assert_expected_messages ();

  /* Nothing was written. */
  assert_folder (fixture->dir, "");
}

int
main (int   argc,
      char *argv[])
{
  /* Times in the files are local: make them the same everywhere. */
  g_setenv ("TZ", "UTC", TRUE);

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/csv-writer/export-rows", test_export_rows);
  ADD ("/csv-writer/bytes", test_bytes);
  ADD ("/csv-writer/neutralise", test_neutralise);
  ADD ("/csv-writer/round-trip", test_round_trip);
  ADD ("/csv-writer/export-valid", test_export_valid);
  ADD ("/csv-writer/export-problems", test_export_problems);
  ADD ("/csv-writer/no-header", test_no_header);
  ADD ("/csv-writer/large", test_large);
  ADD ("/csv-writer/replace", test_replace);
  ADD ("/csv-writer/fail/no-folder", test_fail_no_folder);
  g_test_add_func ("/csv-writer/fail/read-only-folder", test_fail_read_only_folder);
  g_test_add_func ("/csv-writer/fail/mid-write", test_fail_mid_write);
  ADD ("/csv-writer/cancel/before", test_cancel_before);
  ADD ("/csv-writer/cancel/during", test_cancel_during);
  ADD ("/csv-writer/preconditions", test_preconditions);

#undef ADD

  return g_test_run ();
}
