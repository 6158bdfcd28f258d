/* test-cli.c
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

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rv-cli.h"

/* Runs ruc-validator as a user does, with no display at all, and returns its exit status. */
static int
run (const char * const  *args,
     const char * const  *extra_env,
     char               **out,
     char               **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *exe = g_getenv ("RUC_VALIDATOR_EXE");

  g_assert_nonnull (exe);

  g_ptr_array_add (argv, (gpointer) exe);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  for (guint i = 0; extra_env != NULL && extra_env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, extra_env[i], extra_env[i + 1], TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  return g_subprocess_get_exit_status (process);
}

#define ARGS(...) ((const char * const[]) { __VA_ARGS__, NULL })

static void
test_check_done_when (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  status = run (ARGS ("--check", "20131312955", "20131312956", "2.0131312955E10"), NULL, &out, &err);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (out, ==,
                   "20131312955\tvalid\tWell-formed RUC of a company\n"
                   "20131312956\tinvalid\tWrong check digit\tdid you mean 20131312955?\n"
                   "20131312955\tvalid\tWell-formed RUC of a company\n");
  g_assert_cmpstr (err, ==, "");
}

static void
test_check_all_valid (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  status = run (ARGS ("--check", "20100047218", "'10054148289", "RUC: 17155542071", "07654321"),
                NULL, &out, &err);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_true (g_str_has_prefix (lines[0], "20100047218\tvalid\t"));
  g_assert_true (g_str_has_prefix (lines[1], "10054148289\tvalid\t"));
  g_assert_true (g_str_has_prefix (lines[2], "17155542071\tvalid\t"));
  g_assert_cmpstr (lines[3], ==, "07654321\tdni\tDNI, not a RUC\tas a RUC: 10076543211");
  g_assert_cmpstr (lines[4], ==, "");
}

static void
test_check_bad_values (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  status = run (ARGS ("--check", "abc\tdef", "99512333792", "2.01E+10", "", "2013131295"),
                NULL, &out, &err);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (out, ==,
                   "abc def\tinvalid\tNot a number\n"
                   "99512333792\tinvalid\tUnknown prefix 99 (a RUC starts with 10, 15, 16, 17 or 20)\n"
                   "20100000000\tinvalid\tThe spreadsheet rounded this number: its last digits are lost\n"
                   "\tinvalid\tEmpty cell\n"
                   "2013131295\tinvalid\tWrong length: 10 digits (a RUC has 11, a DNI 8)\n");
}

static void
test_check_spanish (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *localedir = g_getenv ("RUC_VALIDATOR_LOCALEDIR");
  int status;

  g_assert_nonnull (localedir);
  status = run (ARGS ("--check", "20131312956", "20131312955"),
                ARGS ("LANGUAGE", "es"), &out, &err);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (out, ==,
                   "20131312956\tinvalid\tDígito verificador incorrecto\t¿quiso decir 20131312955?\n"
                   "20131312955\tvalid\tRUC con formato válido de una empresa\n");
}

static void
test_usage_errors (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *out3 = NULL;
  g_autofree char *err3 = NULL;

  g_assert_cmpint (run (ARGS ("--check"), NULL, &out, &err), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "--check needs at least one RUC or DNI"));

  g_assert_cmpint (run (ARGS ("--no-such-option"), NULL, &out2, &err2), ==, 2);
  g_assert_cmpstr (out2, ==, "");
  g_assert_nonnull (strstr (err2, "--no-such-option"));
  g_assert_nonnull (strstr (err2, "--help"));

  /* Without a display, asking for the window is an error, not a crash. */
  g_assert_cmpint (run (ARGS ("--gapplication-no-such"), NULL, &out3, &err3), !=, 0);
}

static void
test_version_and_help (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *help = NULL;
  g_autofree char *help_err = NULL;

  g_assert_cmpint (run (ARGS ("--version"), NULL, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "ruc-validator " PACKAGE_VERSION "\n");

  g_assert_cmpint (run (ARGS ("--help"), NULL, &help, &help_err), ==, 0);
  g_assert_nonnull (strstr (help, "--check"));
  g_assert_nonnull (strstr (help, "--version"));
  g_assert_nonnull (strstr (help, "Exit status"));
}

static GString *printed;

static void
capture_print (const char *text)
{
  g_string_append (printed, text);
}

static char *
fixture (const char *first,
         ...)
{
  va_list args;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *part;

  g_ptr_array_add (parts, (gpointer) g_getenv ("G_TEST_SRCDIR"));
  g_ptr_array_add (parts, (gpointer) "fixtures");
  va_start (args, first);
  for (part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

static JsonObject *
inspect (const char *path,
         const char *option,
         int         expected_status)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  int status;

  if (option != NULL)
    status = run (ARGS ("--inspect", path, option), NULL, &out, &err);
  else
    status = run (ARGS ("--inspect", path), NULL, &out, &err);
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, expected_status);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
assert_counts (JsonObject *result,
               const char *sheet,
               gint64      rows,
               gint64      ruc_cells,
               gint64      well_formed,
               gint64      invalid,
               gint64      dni)
{
  g_assert_cmpstr (json_object_get_string_member (result, "sheet"), ==, sheet);
  g_assert_cmpint (json_object_get_int_member (result, "rows"), ==, rows);
  g_assert_cmpint (json_object_get_int_member (result, "ruc_cells"), ==, ruc_cells);
  g_assert_cmpint (json_object_get_int_member (result, "well_formed"), ==, well_formed);
  g_assert_cmpint (json_object_get_int_member (result, "invalid"), ==, invalid);
  g_assert_cmpint (json_object_get_int_member (result, "dni"), ==, dni);
  g_assert_cmpint (json_object_get_int_member (result, "unique"), ==, well_formed + invalid + dni);
}

static void
assert_sheet (JsonObject *result,
              guint       index,
              const char *name,
              gint64      header_row,
              const char *letter,
              const char *header)
{
  JsonArray *sheets = json_object_get_array_member (result, "sheets");
  JsonObject *sheet = json_array_get_object_element (sheets, index);

  g_assert_cmpstr (json_object_get_string_member (sheet, "name"), ==, name);
  if (header_row > 0)
    g_assert_cmpint (json_object_get_int_member (sheet, "header_row"), ==, header_row);
  else
    g_assert_true (json_object_get_null_member (sheet, "header_row"));
  if (letter != NULL)
    {
      JsonObject *column = json_object_get_object_member (sheet, "ruc_column");

      g_assert_nonnull (column);
      g_assert_cmpstr (json_object_get_string_member (column, "letter"), ==, letter);
      g_assert_cmpstr (json_object_get_string_member (column, "header"), ==, header);
    }
  else
    g_assert_true (json_object_get_null_member (sheet, "ruc_column"));
}

/* The same workbook saved by LibreOffice as XLSX, ODS and XLS: the same answer. */
static void
test_inspect_workbooks (void)
{
  static const char *formats[] = { "xlsx", "ods", "xls" };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strconcat ("suppliers.", formats[i], NULL);
      g_autofree char *path = fixture ("sheets", name, NULL);
      g_autoptr(JsonObject) result = inspect (path, NULL, 0);
      JsonObject *sheet;

      g_test_message ("%s", name);
      g_assert_cmpstr (json_object_get_string_member (result, "file"), ==, path);
      g_assert_cmpstr (json_object_get_string_member (result, "format"), ==, formats[i]);
      g_assert_true (json_object_get_null_member (result, "encoding"));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "sheets")), ==, 3);
      assert_sheet (result, 0, "Notas", 0, NULL, NULL);
      assert_sheet (result, 1, "Proveedores", 3, "B", "R.U.C.");
      assert_sheet (result, 2, "Clientes", 1, "C", "Nro. Doc.");
      sheet = json_array_get_object_element (json_object_get_array_member (result, "sheets"), 1);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (sheet, "name_column"),
                                                      "header"), ==, "Razón Social");
      /* 13 rows below the header (one empty), 11 RUC cells: 5 distinct well-formed RUCs
       * (two repeated, one written "RUC: …", one "20 131 312 955"), a wrong check digit,
       * a DNI.
       */
      assert_counts (result, "Proveedores", 13, 11, 5, 1, 1);
    }
}

static void
test_inspect_options (void)
{
  g_autofree char *path = fixture ("sheets", "suppliers.xlsx", NULL);
  g_autoptr(JsonObject) clients = inspect (path, "--sheet=Clientes", 0);
  g_autoptr(JsonObject) by_number = inspect (path, "--sheet=3", 0);
  g_autoptr(JsonObject) by_column = inspect (path, "--column=Razón Social", 0);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* 5 rows: four documents and a client without one. */
  assert_counts (clients, "Clientes", 5, 4, 3, 0, 1);
  assert_counts (by_number, "Clientes", 5, 4, 3, 0, 1);
  /* The names are nobody's RUC: all malformed, which is what the user asked to see. */
  assert_counts (by_column, "Proveedores", 13, 12, 0, 12, 0);

  g_assert_cmpint (run (ARGS ("--inspect", path, "--sheet=Ventas"), NULL, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "No sheet “Ventas” in “suppliers.xlsx”; its sheets are “Notas”, “Proveedores”, “Clientes”"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (ARGS ("--inspect", path, "--column=ZZ"), NULL, &out, &err), ==, 1);
  g_assert_cmpstr (err, ==, "ruc-validator: Column ZZ is out of range: sheet “Proveedores” of "
                            "“suppliers.xlsx” has 6 columns (A to F)\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (ARGS ("--inspect", path, "--sheet=Notas"), NULL, &out, &err), ==, 1);
  g_assert_cmpstr (err, ==, "ruc-validator: No column of sheet “Notas” of “suppliers.xlsx” holds RUC numbers\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (ARGS ("--sheet=1"), NULL, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--sheet and --column go with --inspect"));
}

/* Every CSV dialect of the fixtures: the same five suppliers. */
static void
test_inspect_csv (void)
{
  static const struct { const char *name; const char *encoding; const char *delimiter; } cases[] = {
    { "suppliers-utf8-bom.csv", "UTF-8", ";" },
    { "suppliers-utf8.csv", "UTF-8", "," },
    { "suppliers-utf16le.txt", "UTF-16LE", "\t" },
    { "suppliers-utf16be.csv", "UTF-16BE", ";" },
    { "suppliers-windows-1252.csv", "WINDOWS-1252", ";" },
    { "suppliers-iso-8859-1.csv", "ISO-8859-1", "|" },
    { "suppliers-crlf.csv", "UTF-8", ";" },
    { "suppliers-cr.csv", "UTF-8", ";" },
    { "suppliers-sep.csv", "WINDOWS-1252", ";" },
    { "suppliers-title.csv", "UTF-8", ";" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = fixture ("csv", cases[i].name, NULL);
      g_autoptr(JsonObject) result = NULL;

      g_test_message ("%s", cases[i].name);
      result = inspect (path, NULL, 0);
      g_assert_cmpstr (json_object_get_string_member (result, "format"), ==, "csv");
      g_assert_cmpstr (json_object_get_string_member (result, "encoding"), ==, cases[i].encoding);
      g_assert_cmpstr (json_object_get_string_member (result, "delimiter"), ==, cases[i].delimiter);
      g_assert_cmpint (json_object_get_int_member (result, "well_formed"), ==, 5);
      g_assert_cmpint (json_object_get_int_member (result, "rows"), ==, 5);
    }
}

/* Bad files: one sentence naming the file, exit 1, nothing on standard output. */
static void
test_inspect_bad (void)
{
  static const struct { const char *dir; const char *name; const char *sentence; } cases[] = {
    { "bad", "png-renamed.xlsx", "“png-renamed.xlsx” is not a spreadsheet: it is a PNG image" },
    { "bad", "zip-no-workbook.xlsx", "“zip-no-workbook.xlsx” is not a spreadsheet: it is a ZIP archive" },
    { "bad", "xlsx-truncated.xlsx", "“xlsx-truncated.xlsx” is a damaged or truncated archive" },
    { "bad", "xlsx-cut-sheet.xlsx", "“xlsx-cut-sheet.xlsx” is damaged" },
    { "bad", "xlsx-billion-laughs.xlsx", "“xlsx-billion-laughs.xlsx” is damaged" },
    { "bad", "ods-huge-row-repeat.ods", "“ods-huge-row-repeat.ods” is too large" },
    { "bad", "ods-broken-content.ods", "“ods-broken-content.ods” is damaged" },
    { "csv/bad", "unterminated-quote.csv", "“unterminated-quote.csv” has a quote that is never closed, from line 4" },
    /* libgsf writes its own diagnostics or a GLib-CRITICAL on these: the user sees one line. */
    { "bad", "xlsx-bad-local-header.xlsx", "“xlsx-bad-local-header.xlsx” is damaged or truncated" },
    { "../fuzz/crashes", "zip-date-critical.xlsx", "“zip-date-critical.xlsx” is damaged or truncated" },
    { "../fuzz/crashes", "zip-date-critical.ods", "“zip-date-critical.ods” is damaged or truncated" },
    { "../fuzz/crashes", "sniff-zip-gsf-warning.xlsx", "“sniff-zip-gsf-warning.xlsx” is damaged or truncated" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = fixture (cases[i].dir, cases[i].name, NULL);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_auto(GStrv) lines = NULL;

      g_test_message ("%s", cases[i].name);
      /* As a user runs it: without the tests' G_DEBUG, which makes criticals fatal. */
      g_assert_cmpint (run (ARGS ("--inspect", path), ARGS ("G_DEBUG", ""), &out, &err), ==, 1);
      g_assert_cmpstr (out, ==, "");
      lines = g_strsplit (err, "\n", -1);
      g_assert_cmpuint (g_strv_length (lines), ==, 2);
      g_assert_true (g_str_has_prefix (lines[0], "ruc-validator: "));
      g_assert_nonnull (strstr (lines[0], cases[i].sentence));
    }
}

/* Which command lines the command-line modes take, and which go to the window. */
static void
test_handle_routing (void)
{
  GPrintFunc old_print;

  static const struct { const char *argv[4]; gboolean handled; int status; } cases[] = {
    { { NULL }, FALSE, -1 },                                /* g_application_run (app, 0, NULL) */
    { { "ruc-validator", NULL }, FALSE, -1 },
    { { "ruc-validator", "--", "--check", NULL }, FALSE, -1 },
    { { "ruc-validator", "--gapplication-service", NULL }, FALSE, -1 },
    { { "ruc-validator", "--version", NULL }, TRUE, 0 },
    { { "ruc-validator", "--check", NULL }, TRUE, 2 },
    { { "ruc-validator", "--check", "1", NULL }, TRUE, 1 },
    { { "ruc-validator", "--check", "20131312955", NULL }, TRUE, 0 },
  };

  printed = g_string_new (NULL);
  old_print = g_set_print_handler (capture_print);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* An exact-size copy, so that a read past the end is a read past the allocation. */
      g_auto(GStrv) argv = g_strdupv ((char **) cases[i].argv);
      int status = -1;

      g_assert_cmpint (rv_cli_handle (&argv, &status), ==, cases[i].handled);
      g_assert_cmpint (status, ==, cases[i].status);
    }

  g_set_print_handler (old_print);
  g_assert_cmpstr (printed->str, ==,
                   "ruc-validator " PACKAGE_VERSION "\n"
                   "1\tinvalid\tWrong length: 1 digit (a RUC has 11, a DNI 8)\n"
                   "20131312955\tvalid\tWell-formed RUC of a company\n");
  g_string_free (printed, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/check/done-when", test_check_done_when);
  g_test_add_func ("/cli/check/all-valid", test_check_all_valid);
  g_test_add_func ("/cli/check/bad-values", test_check_bad_values);
  g_test_add_func ("/cli/check/spanish", test_check_spanish);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/version-and-help", test_version_and_help);
  g_test_add_func ("/cli/handle-routing", test_handle_routing);
  g_test_add_func ("/cli/inspect/workbooks", test_inspect_workbooks);
  g_test_add_func ("/cli/inspect/options", test_inspect_options);
  g_test_add_func ("/cli/inspect/csv", test_inspect_csv);
  g_test_add_func ("/cli/inspect/bad", test_inspect_bad);

  return g_test_run ();
}
