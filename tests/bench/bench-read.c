/* bench-read.c
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

/* Measures the spreadsheet readers on a realistic list of suppliers, against what a
 * Python script would use. Without FILE, it writes ROWS rows (100,000 unless told) of
 * ten columns — row number, RUC as a number, RUC as text, business name, date, amount,
 * district, e-mail, phone, state — as an XLSX (libxlsxwriter, shared strings, as Excel
 * writes them) and as a CSV (';', UTF-8 with a BOM, as Excel's "CSV UTF-8"), in a
 * temporary folder. Then, for each file, it prints one line (wrapped here):
 *
 *   xlsx 100000x10: ours 0.85 s, 45.1 MiB peak RSS | openpyxl read-only 12.3 s, 60.2 MiB |
 *     14.5x faster
 *
 * "ours" is rv_sheet_read_file() in a child process forked for that one measurement, so
 * that its peak RSS is the reading's alone (plus the few MiB of a process linked to GLib):
 * the files are written by another child, and the parent stays small, since a forked child
 * starts with its parent's resident pages. The other side is /usr/bin/python3 running
 * bench-read-openpyxl.py (openpyxl.load_workbook(read_only=True, data_only=True) for XLSX,
 * the csv module for CSV), which prints its own time and peak RSS (getrusage). With
 * --runs=N each side runs N times and the best time is printed.
 *
 * It asserts nothing about speed; it fails if a reader fails or reads the wrong shape.
 *
 *   bench-read [--rows=N] [--runs=N] [--keep] [--python=PATH] [--script=PATH] [FILE…]
 */

#define G_LOG_DOMAIN "bench-read"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <xlsxwriter.h>

#include "bench-child.h"
#include "rv-ruc.h"
#include "rv-sheet-reader.h"

#define DEFAULT_ROWS 100000
#define N_COLUMNS 10
#define MIB (1024.0 * 1024.0)

/* What one measurement of our reader found, sent from the child through a pipe. */
typedef struct
{
  gboolean ok;
  double   seconds;
  long     max_rss_kib;
  guint    n_sheets;
  guint    rows;
  guint    columns;
  guint64  cells;
  char     first_ruc[16];
  char     message[512];
} Measure;

typedef struct
{
  gboolean ok;
  double   seconds;
  long     max_rss_kib;
  guint64  rows;
  guint64  cells;
  char    *message;
} PyMeasure;

static int n_rows = DEFAULT_ROWS;
static int n_runs = 1;
static gboolean keep;
static char *python = NULL;
static char *script = NULL;
static char **files = NULL;

static const GOptionEntry entries[] = {
  { "rows", 0, 0, G_OPTION_ARG_INT, &n_rows, "Rows to write (100,000)", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Measure each side N times, keep the best", "N" },
  { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the files written", NULL },
  { "python", 0, 0, G_OPTION_ARG_FILENAME, &python, "Python with openpyxl (/usr/bin/python3)",
    "PATH" },
  { "script", 0, 0, G_OPTION_ARG_FILENAME, &script, "bench-read-openpyxl.py", "PATH" },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "FILE…" },
  { NULL }
};

static const char * const name_heads[] = {
  "INVERSIONES", "COMERCIALIZADORA", "CORPORACION", "DISTRIBUIDORA", "CONSTRUCTORA",
  "TRANSPORTES", "SERVICIOS GENERALES", "AGROINDUSTRIAS", "FERRETERIA", "IMPORTACIONES",
};
static const char * const name_tails[] = {
  "ANDINA", "DEL SUR", "PACIFICO", "SAN MARTIN", "LOS OLIVOS", "NORTE CHICO", "SANTA ROSA",
  "MUÑOZ", "EL AÑO NUEVO", "CAÑETE",
};
static const char * const company_types[] = { "S.A.C.", "E.I.R.L.", "S.R.L.", "S.A." };
static const char * const districts[] = {
  "SAN ISIDRO", "MIRAFLORES", "SANTIAGO DE SURCO", "ATE", "SAN JUAN DE LURIGANCHO",
  "CHORRILLOS", "BREÑA", "JESÚS MARÍA", "LA VICTORIA", "CERCADO DE LIMA", "AREQUIPA",
  "TRUJILLO", "CUSCO", "PIURA", "CHICLAYO",
};
static const char * const states[] = {
  "ACTIVO", "ACTIVO", "ACTIVO", "ACTIVO", "ACTIVO", "ACTIVO", "ACTIVO", "BAJA DE OFICIO",
  "SUSPENSION TEMPORAL", "BAJA PROVISIONAL POR OFICIO",
};
static const char * const headers[N_COLUMNS] = {
  "N°", "RUC", "RUC (texto)", "Razón social", "Fecha de emisión", "Monto (S/)", "Distrito",
  "Correo", "Teléfono", "Estado",
};

#define PICK(array, i) ((array)[(i) % G_N_ELEMENTS (array)])

/* Row @i's supplier: a RUC with a right check digit (one in five of a person, "10…"). */
static void
make_ruc (guint i,
          char  ruc[12])
{
  guint body = (i * 2654435761u) % 100000000u;

  g_snprintf (ruc, 12, "%s%08u0", i % 5 == 0 ? "10" : "20", body);
  ruc[10] = '0' + rv_ruc_compute_check_digit (ruc);
}

static char *
make_name (guint i)
{
  /* Now and then a name with quotes, which a CSV must quote. */
  if (i % 50 == 7)
    return g_strdup_printf ("INVERSIONES \"EL SOL %u\" %s", i % 97, PICK (company_types, i));
  return g_strdup_printf ("%s %s %s", PICK (name_heads, i / 3), PICK (name_tails, i / 7),
                          PICK (company_types, i / 11));
}

static void
make_date (guint         i,
           lxw_datetime *when)
{
  g_autoptr(GDate) date = g_date_new_dmy (1, G_DATE_JANUARY, 2020);

  g_date_add_days (date, (i * 37) % 1800);
  when->year = g_date_get_year (date);
  when->month = g_date_get_month (date);
  when->day = g_date_get_day (date);
  when->hour = 0;
  when->min = 0;
  when->sec = 0;
}

static double
make_amount (guint i)
{
  return ((i * 7919u) % 10000000u) / 100.0;
}

static char *
make_email (guint i)
{
  return g_strdup_printf ("ventas%u@proveedor%u.com.pe", i, i % 1000);
}

static char *
make_phone (guint i)
{
  return g_strdup_printf ("9%08u", (i * 48271u) % 100000000u);
}

static void
csv_field (GString    *line,
           const char *text,
           gboolean    last)
{
  if (strpbrk (text, ";\"\r\n") != NULL)
    {
      g_string_append_c (line, '"');
      for (const char *p = text; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (line, '"');
          g_string_append_c (line, *p);
        }
      g_string_append_c (line, '"');
    }
  else
    g_string_append (line, text);
  g_string_append (line, last ? "\r\n" : ";");
}

static gboolean
write_files (const char  *xlsx_path,
             const char  *csv_path,
             guint        rows,
             GError     **error)
{
  g_autoptr(GString) line = g_string_new (NULL);
  lxw_workbook *workbook;
  lxw_worksheet *worksheet;
  lxw_format *date_format;
  lxw_format *amount_format;
  lxw_error status;
  FILE *csv;

  csv = g_fopen (csv_path, "wbe");
  if (csv == NULL)
    {
      int errsv = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   "Cannot write %s: %s", csv_path, g_strerror (errsv));
      return FALSE;
    }

  workbook = workbook_new (xlsx_path);
  worksheet = workbook_add_worksheet (workbook, "Proveedores");
  date_format = workbook_add_format (workbook);
  format_set_num_format (date_format, "yyyy-mm-dd");
  amount_format = workbook_add_format (workbook);
  format_set_num_format (amount_format, "#,##0.00");

  g_string_append (line, "\xef\xbb\xbf");
  for (guint c = 0; c < N_COLUMNS; c++)
    {
      worksheet_write_string (worksheet, 0, c, headers[c], NULL);
      csv_field (line, headers[c], c == N_COLUMNS - 1);
    }

  for (guint i = 1; i <= rows; i++)
    {
      g_autofree char *name = make_name (i);
      g_autofree char *email = make_email (i);
      g_autofree char *phone = make_phone (i);
      const char *district = PICK (districts, i / 13);
      const char *state = PICK (states, i / 17);
      char number[16];
      char ruc[12];
      char date_text[16];
      char amount_text[G_ASCII_DTOSTR_BUF_SIZE];
      lxw_datetime when;
      double amount = make_amount (i);

      make_ruc (i, ruc);
      make_date (i, &when);

      worksheet_write_number (worksheet, i, 0, i, NULL);
      worksheet_write_number (worksheet, i, 1, g_ascii_strtod (ruc, NULL), NULL);
      worksheet_write_string (worksheet, i, 2, ruc, NULL);
      worksheet_write_string (worksheet, i, 3, name, NULL);
      worksheet_write_datetime (worksheet, i, 4, &when, date_format);
      worksheet_write_number (worksheet, i, 5, amount, amount_format);
      worksheet_write_string (worksheet, i, 6, district, NULL);
      worksheet_write_string (worksheet, i, 7, email, NULL);
      worksheet_write_string (worksheet, i, 8, phone, NULL);
      worksheet_write_string (worksheet, i, 9, state, NULL);

      g_snprintf (number, sizeof number, "%u", i);
      g_snprintf (date_text, sizeof date_text, "%04d-%02d-%02d", when.year, when.month, when.day);
      g_ascii_formatd (amount_text, sizeof amount_text, "%.2f", amount);
      csv_field (line, number, FALSE);
      csv_field (line, ruc, FALSE);
      csv_field (line, ruc, FALSE);
      csv_field (line, name, FALSE);
      csv_field (line, date_text, FALSE);
      csv_field (line, amount_text, FALSE);
      csv_field (line, district, FALSE);
      csv_field (line, email, FALSE);
      csv_field (line, phone, FALSE);
      csv_field (line, state, TRUE);

      if (line->len > 1 << 20)
        {
          fwrite (line->str, 1, line->len, csv);
          g_string_truncate (line, 0);
        }
    }

  fwrite (line->str, 1, line->len, csv);
  if (fclose (csv) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "Cannot write %s", csv_path);
      workbook_close (workbook);
      return FALSE;
    }

  status = workbook_close (workbook);
  if (status != LXW_NO_ERROR)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "Cannot write %s: %s", xlsx_path,
                   lxw_strerror (status));
      return FALSE;
    }

  return TRUE;
}

/* Writes the files in a child, so that this process never holds libxlsxwriter's memory. */
static gboolean
write_files_in_child (const char *xlsx_path,
                      const char *csv_path,
                      guint       rows)
{
  int status;
  pid_t pid;

  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  if (pid < 0)
    g_error ("fork: %s", g_strerror (errno));

  if (pid == 0)
    {
      g_autoptr(GError) error = NULL;

      if (!write_files (xlsx_path, csv_path, rows, &error))
        {
          g_printerr ("%s\n", error->message);
          _exit (1);
        }
      _exit (0);
    }

  if (waitpid (pid, &status, 0) < 0)
    g_error ("waitpid: %s", g_strerror (errno));
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* In the child: reads @path once and describes what it read. */
static void
measure_here (const char *path,
              Measure    *m)
{
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  struct rusage usage;
  gint64 start;

  start = g_get_monotonic_time ();
  workbook = rv_sheet_read_file (path, NULL, NULL, NULL, &error);
  m->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  getrusage (RUSAGE_SELF, &usage);
  m->max_rss_kib = usage.ru_maxrss;

  if (workbook == NULL)
    {
      g_strlcpy (m->message, error->message, sizeof m->message);
      return;
    }

  m->ok = TRUE;
  m->n_sheets = rv_workbook_get_n_sheets (workbook);
  for (guint i = 0; i < m->n_sheets; i++)
    {
      RvSheet *sheet = rv_workbook_get_sheet (workbook, i);

      m->rows += rv_sheet_get_n_rows (sheet);
      m->columns = MAX (m->columns, rv_sheet_get_n_columns (sheet));
      m->cells += rv_sheet_get_n_cells (sheet);
    }
  g_strlcpy (m->first_ruc, rv_sheet_get_text (rv_workbook_get_sheet (workbook, 0), 1, 1),
             sizeof m->first_ruc);
}

static void
measure_in_child (gpointer data,
                  gpointer result)
{
  measure_here (data, result);
}

/* Reads @path in a child forked for this measurement alone. */
static Measure
measure_ours (const char *path)
{
  Measure m = { 0 };

  if (!bench_in_child (measure_in_child, (gpointer) path, &m, sizeof m))
    {
      m.ok = FALSE;
      g_strlcpy (m.message, "the measuring process died or failed", sizeof m.message);
    }
  return m;
}

static PyMeasure
measure_python (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { python, script, path, NULL };
  PyMeasure m = { 0 };
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &status, &error))
    {
      m.message = g_strdup (error->message);
      return m;
    }
  if (!g_spawn_check_wait_status (status, NULL) ||
      sscanf (out,
              "seconds=%lf max_rss_kib=%ld rows=%" G_GUINT64_FORMAT " cells=%" G_GUINT64_FORMAT,
              &m.seconds, &m.max_rss_kib, &m.rows, &m.cells) != 4)
    {
      m.message = g_strdup_printf ("%s failed: %s", script, g_strstrip (err));
      return m;
    }

  m.ok = TRUE;
  return m;
}

static const char *
format_nick (const char *path)
{
  g_autoptr(GError) error = NULL;
  RvFileFormat format = rv_sheet_sniff_format (path, NULL, &error);

  return format == RV_FILE_FORMAT_UNKNOWN ? "?" : rv_file_format_get_nick (format);
}

/* Measures one file and prints its line; @expect_rows is 0 for a file given by the user. */
static gboolean
bench_file (const char *path,
            guint       expect_rows)
{
  const char *nick = format_nick (path);
  gboolean python_side = g_str_equal (nick, "xlsx") || g_str_equal (nick, "csv");
  g_autoptr(GString) line = g_string_new (NULL);
  Measure best = { 0 };
  PyMeasure py_best = { 0 };
  char ruc[12];

  for (int run = 0; run < n_runs; run++)
    {
      Measure m = measure_ours (path);

      if (!m.ok)
        {
          g_printerr ("%s: our reader failed: %s\n", path, m.message);
          return FALSE;
        }
      if (run == 0 || m.seconds < best.seconds)
        best = m;
    }

  if (expect_rows > 0)
    {
      /* The header, the rows, ten columns: a reader that loses anything fails the bench. */
      make_ruc (1, ruc);
      if (best.n_sheets != 1 || best.rows != expect_rows + 1 || best.columns != N_COLUMNS ||
          best.cells != (guint64) (expect_rows + 1) * N_COLUMNS ||
          strcmp (best.first_ruc, ruc) != 0)
        {
          g_printerr ("%s: read %u sheets, %u rows, %u columns, %" G_GUINT64_FORMAT
                      " cells, B2 “%s”; expected 1, %u, %d, %" G_GUINT64_FORMAT ", “%s”\n",
                      path, best.n_sheets, best.rows, best.columns, best.cells, best.first_ruc,
                      expect_rows + 1, N_COLUMNS, (guint64) (expect_rows + 1) * N_COLUMNS, ruc);
          return FALSE;
        }
    }

  g_string_append_printf (line, "%s %ux%u: ours %.2f s, %.1f MiB peak RSS",
                          nick, expect_rows > 0 ? expect_rows : best.rows, best.columns,
                          best.seconds, best.max_rss_kib / 1024.0);

  if (python_side)
    {
      for (int run = 0; run < n_runs; run++)
        {
          PyMeasure m = measure_python (path);

          if (!m.ok)
            {
              g_free (py_best.message);
              py_best = m;
              break;
            }
          if (run == 0 || m.seconds < py_best.seconds)
            py_best = m;
        }

      if (!py_best.ok)
        g_string_append_printf (line, " | %s unavailable: %s",
                                g_str_equal (nick, "xlsx") ? "openpyxl" : "python csv",
                                py_best.message);
      else
        {
          double ratio = py_best.seconds / MAX (best.seconds, 1e-6);

          g_string_append_printf (line, " | %s %.2f s, %.1f MiB | ",
                                  g_str_equal (nick, "xlsx") ? "openpyxl read-only" : "python csv",
                                  py_best.seconds, py_best.max_rss_kib / 1024.0);
          if (ratio >= 1.0)
            g_string_append_printf (line, "%.1fx faster", ratio);
          else
            g_string_append_printf (line, "%.1fx slower", 1.0 / ratio);
        }
      g_free (py_best.message);
    }

  g_print ("%s\n", line->str);
  return TRUE;
}

/* The Python side's script: told, next to this source file, or in the source tree. */
static char *
find_script (void)
{
  g_autofree char *here = g_path_get_dirname (__FILE__);
  g_autofree char *next_to_source = g_build_filename (here, "bench-read-openpyxl.py", NULL);
  const char *in_tree = "tests/bench/bench-read-openpyxl.py";

  if (g_file_test (next_to_source, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&next_to_source);
  if (g_file_test (in_tree, G_FILE_TEST_EXISTS))
    return g_strdup (in_tree);
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *xlsx_path = NULL;
  g_autofree char *csv_path = NULL;
  gboolean ok = TRUE;
  GStatBuf st_xlsx, st_csv;

  context = g_option_context_new ("[FILE…] — time the readers against openpyxl");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (n_rows < 1 || n_runs < 1)
    {
      g_printerr ("--rows and --runs take a number above 0\n");
      return 2;
    }

  if (python == NULL)
    python = g_strdup ("/usr/bin/python3");
  if (script == NULL)
    script = find_script ();
  if (script == NULL)
    {
      g_printerr ("bench-read-openpyxl.py not found: run from the source tree or give --script\n");
      return 2;
    }

  if (files != NULL)
    {
      for (guint i = 0; files[i] != NULL; i++)
        ok &= bench_file (files[i], 0);
      return ok ? 0 : 1;
    }

  dir = g_dir_make_tmp ("bench-read-XXXXXX", &error);
  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  xlsx_path = g_build_filename (dir, "proveedores.xlsx", NULL);
  csv_path = g_build_filename (dir, "proveedores.csv", NULL);

  if (!write_files_in_child (xlsx_path, csv_path, n_rows) ||
      g_stat (xlsx_path, &st_xlsx) != 0 || g_stat (csv_path, &st_csv) != 0)
    {
      g_printerr ("Cannot write the files in %s\n", dir);
      return 1;
    }
  g_print ("# %d rows x %d columns: %s %.1f MiB, %s %.1f MiB\n", n_rows, N_COLUMNS,
           xlsx_path, st_xlsx.st_size / MIB, csv_path, st_csv.st_size / MIB);

  ok &= bench_file (xlsx_path, n_rows);
  ok &= bench_file (csv_path, n_rows);

  if (!keep)
    {
      g_unlink (xlsx_path);
      g_unlink (csv_path);
      g_rmdir (dir);
    }

  return ok ? 0 : 1;
}
