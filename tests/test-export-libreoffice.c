/* test-export-libreoffice.c
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

#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>

#include "rv-sheet-reader.h"
#include "rv-test-export.h"
#include "rv-test-sheet.h"

/*
 * Every XLSX and ODS we write, opened by a real spreadsheet: LibreOffice Calc, headless,
 * with a profile of its own for each run, converts the file to one CSV per sheet and to
 * HTML. The CSV must say what the plan says, cell by cell (RUCs as the digits they are,
 * numbers, dates and booleans as the cells' formats show them); the HTML must carry the
 * verdicts' colours and the bold header.
 *
 * LibreOffice is part of the test set-up (build-aux/dev test installs
 * libreoffice-calc-nogui); without it this test fails, saying so.
 */

/* LibreOffice's CSV filter: comma, double quotes, UTF-8, from line 1, cells as shown
 * (formats applied), every sheet to a file of its own ("NAME-SHEET.csv"). */
#define CSV_FILTER "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"

typedef struct
{
  char *dir;
  char *soffice;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->soffice = g_find_program_in_path ("soffice");
  if (fixture->soffice == NULL)
    {
      g_test_fail_printf ("LibreOffice is not installed: `build-aux/dev test` installs "
                          "libreoffice-calc-nogui");
      return;
    }
  fixture->dir = rv_test_make_dir ("test-export-lo");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->dir != NULL)
    rv_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->soffice);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Converts @path with LibreOffice into @out_dir, with a profile of its own. */
static void
convert (Fixture    *fixture,
         const char *path,
         const char *filter,
         const char *out_dir)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = g_build_filename (fixture->dir, "profile", NULL);
  g_autofree char *profile_uri = g_filename_to_uri (profile, NULL, &error);
  g_autofree char *env_arg = g_strconcat ("-env:UserInstallation=", profile_uri, NULL);
  g_autofree char *out = NULL;

  g_assert_no_error (error);
  g_subprocess_launcher_setenv (launcher, "HOME", fixture->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  g_subprocess_launcher_unsetenv (launcher, "MALLOC_CHECK_");
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, fixture->soffice, env_arg,
                                         "--headless", "--norestore", "--nologo",
                                         "--convert-to", filter, "--outdir", out_dir, path,
                                         NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("soffice: %s", out);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

/* What LibreOffice shows for a plan's cell. */
static char *
shown (const RvExportCell *cell,
       RvExportFormat      format)
{
  switch (cell->kind)
    {
    case RV_CELL_EMPTY:
      return g_strdup ("");
    case RV_CELL_NUMBER:
      /* Compared by value: the General format writes 1e-07 as 1E-07. */
      return g_strdup_printf ("%.15g", g_ascii_strtod (cell->text, NULL));
    case RV_CELL_DATE:
      /* A time alone shows as a time. */
      if (g_str_has_prefix (cell->text, "1900-01-00 "))
        return g_strdup (cell->text + strlen ("1900-01-00 "));
      return g_strdup (cell->text);
    case RV_CELL_TEXT:
      /* LibreOffice 7.4 drops the <text:tab/> of an ODS cell when it reads one, even in a
       * file of its own; the file says the tab as OpenDocument does (our reader keeps it). */
      if (format == RV_EXPORT_FORMAT_ODS && strchr (cell->text, '\t') != NULL)
        {
          g_auto(GStrv) parts = g_strsplit (cell->text, "\t", -1);
          return g_strjoinv ("", parts);
        }
      return g_strdup (cell->text);
    case RV_CELL_BOOLEAN:
    case RV_CELL_ERROR:
    default:
      return g_strdup (cell->text);
    }
}

/* Compares LibreOffice's CSV of one sheet with the plan. */
static void
check_csv (RvExportPlan   *plan,
           RvExportFormat  format,
           guint           index,
           const char     *csv_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RvWorkbook) workbook = rv_sheet_read_file (csv_path, NULL, NULL, NULL, &error);
  guint n_rows = _rv_export_plan_get_n_rows (plan, index);
  guint n_columns = _rv_export_plan_get_n_columns (plan, index);
  RvSheet *sheet;

  g_assert_no_error (error);
  sheet = rv_workbook_get_sheet (workbook, 0);
  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), <=, n_rows);

  for (guint row = 0; row < n_rows; row++)
    {
      const RvExportCell *cells = _rv_export_plan_get_row (plan, index, row);

      for (guint column = 0; column < n_columns; column++)
        {
          g_autofree char *expected = shown (&cells[column], format);
          const char *got = rv_sheet_get_text (sheet, row, column);
          g_autofree char *got_shown = NULL;

          if (cells[column].kind == RV_CELL_NUMBER && got[0] != 0)
            got = got_shown = g_strdup_printf ("%.15g", g_ascii_strtod (got, NULL));
          if (g_strcmp0 (expected, got) != 0)
            {
              g_autofree char *letter = rv_sheet_column_letter (column);

              g_test_message ("%s!%s%u differs", _rv_export_plan_get_sheet_name (plan, index),
                              letter, row + 1);
            }
          g_assert_cmpstr (got, ==, expected);
        }
    }
}

static void
test_opens (Fixture       *fixture,
            gconstpointer  data)
{
  RvExportFormat format = GPOINTER_TO_INT (data);
  g_autoptr(RvTestExport) export = rv_test_export_new ();
  g_autoptr(RvExportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("resultado.%s", rv_export_format_get_extension (format));
  g_autofree char *path = NULL;
  g_autofree char *csv_dir = NULL;
  g_autofree char *html_dir = NULL;
  g_autofree char *html_path = NULL;
  g_autofree char *html = NULL;
  g_autofree char *html_upper = NULL;

  if (fixture->soffice == NULL)
    return;

  path = g_build_filename (fixture->dir, name, NULL);
  g_assert_true (rv_export_write (&export->export, format, path, NULL, &error));
  g_assert_no_error (error);
  plan = _rv_export_plan_new (&export->export, format, name, &error);
  g_assert_no_error (error);

  /* Every sheet, every cell, as LibreOffice reads them. */
  csv_dir = g_build_filename (fixture->dir, "csv", NULL);
  convert (fixture, path, CSV_FILTER, csv_dir);
  for (guint i = 0; i < _rv_export_plan_get_n_sheets (plan); i++)
    {
      g_autofree char *csv_name = g_strdup_printf ("resultado-%s.csv",
                                                   _rv_export_plan_get_sheet_name (plan, i));
      g_autofree char *csv_path = g_build_filename (csv_dir, csv_name, NULL);

      g_test_message ("%s", csv_path);
      g_assert_true (g_file_test (csv_path, G_FILE_TEST_IS_REGULAR));
      check_csv (plan, format, i, csv_path);
    }

  /* The colours of the five verdicts and the bold titles. */
  html_dir = g_build_filename (fixture->dir, "html", NULL);
  convert (fixture, path, "html:HTML (StarCalc)", html_dir);
  html_path = g_build_filename (html_dir, "resultado.html", NULL);
  g_assert_true (g_file_get_contents (html_path, &html, NULL, &error));
  g_assert_no_error (error);
  html_upper = g_ascii_strup (html, -1);
  for (RvVerdict verdict = 0; verdict < RV_N_VERDICTS; verdict++)
    {
      const RvExportColors *colors = _rv_export_get_verdict_colors (verdict);
      g_autofree char *fill = g_strdup_printf ("BGCOLOR=\"#%06X\"", colors->fill);
      g_autofree char *font = g_strdup_printf ("COLOR=\"#%06X\"", colors->font);

      g_test_message ("%s, %s", fill, font);
      g_assert_nonnull (strstr (html_upper, fill));
      g_assert_nonnull (strstr (html_upper, font));
    }
  g_assert_true (g_regex_match_simple ("<b>(<font[^>]*>)?Verdict<", html, 0, 0));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/export/libreoffice/xlsx", Fixture, GINT_TO_POINTER (RV_EXPORT_FORMAT_XLSX),
              fixture_set_up, test_opens, fixture_tear_down);
  g_test_add ("/export/libreoffice/ods", Fixture, GINT_TO_POINTER (RV_EXPORT_FORMAT_ODS),
              fixture_set_up, test_opens, fixture_tear_down);

  return g_test_run ();
}
