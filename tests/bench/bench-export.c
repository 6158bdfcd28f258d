/* bench-export.c
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

/* Measures the writers: a supplier list of ROWS rows (100,000 unless told) × 20 columns,
 * built in memory with a result for every row (50,000 distinct RUCs: 80 % valid, 10 %
 * observed, 5 % not found, 5 % invalid), exported as CSV, XLSX and ODS. For each format it
 * prints one line (wrapped here):
 *
 *   xlsx 100000x20: write 2.10 s, peak RSS 95.0 MiB (62.0 MiB before the export), 21.3 MiB |
 *     read back 1.50 s | write/read 1.40 (goal < 3)
 *
 * The export runs in a child forked for it alone, so that its peak RSS is that process's:
 * the sheet and the results in memory, as the window holds them, plus the writer. Reading
 * the written file back with rv_sheet_read_file() runs in another child: the same data in
 * both directions. It asserts nothing about speed; it fails if a writer or reader fails.
 *
 * With --runs=N (3 unless told) each side runs N times and the best times are printed.
 *
 *   bench-export [--rows=N] [--runs=N] [--format=csv|xlsx|ods] [--keep]
 */

#define G_LOG_DOMAIN "bench-export"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "bench-child.h"
#include "rv-sheet-reader.h"
#include "rv-sheet-writer.h"
#include "rv-test-export.h"
#include "rv-test-sheet.h"

#define MIB (1024.0 * 1024.0)

typedef struct
{
  gboolean ok;
  double   seconds;
  double   before_kib;
  double   max_rss_kib;
  guint    rows;
  char     message[256];
} Measure;

static const char *districts[] = { "Miraflores", "San Isidro", "Surco", "La Molina", "Lince",
                                   "Arequipa", "Trujillo", "Chiclayo", "Piura", "Cusco" };

static void
set (RvSheet    *sheet,
     guint       row,
     guint       column,
     RvCellKind  kind,
     const char *text)
{
  if (!rv_sheet_set_cell (sheet, row, column, kind, FALSE, text, -1))
    g_error ("Could not set a cell");
}

/* The list, and a result for each row, as a finished run holds them. */
static RvSheet *
build (guint       n_rows,
       GPtrArray **results_out)
{
  static const char *titles[] = { "N°", "RUC", "Razón social", "Dirección", "Distrito", "Fecha",
                                  "Base imponible", "IGV", "Total", "Moneda", "Tipo", "Serie",
                                  "Número", "Glosa", "Cuenta", "Centro de costo", "Correo",
                                  "Teléfono", "Estado", "Observación" };
  RvSheet *sheet = rv_sheet_new ("Compras");
  GPtrArray *results = g_ptr_array_new_full (n_rows + 1, NULL);
  g_autoptr(GHashTable) by_ruc = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  char text[256];

  for (guint c = 0; c < G_N_ELEMENTS (titles); c++)
    set (sheet, 0, c, RV_CELL_TEXT, titles[c]);
  g_ptr_array_add (results, NULL);

  for (guint r = 1; r <= n_rows; r++)
    {
      guint i = (r * 7919u) % 50000;
      g_autofree char *ruc = rv_test_make_ruc ("20", 10000000 + i * 13);
      RvResult *result;
      double base = (r % 9973) * 12.5 + 0.5;

      if (i % 20 == 0)
        ruc[10] = ruc[10] == '9' ? '0' : ruc[10] + 1;

      g_snprintf (text, sizeof text, "%u", r);
      set (sheet, r, 0, RV_CELL_NUMBER, text);
      set (sheet, r, 1, i % 2 ? RV_CELL_NUMBER : RV_CELL_TEXT, ruc);
      g_snprintf (text, sizeof text, "Comercial %u Sociedad Anónima Cerrada", i);
      set (sheet, r, 2, RV_CELL_TEXT, text);
      g_snprintf (text, sizeof text, "Av. José Larco %u, Of. %u", 100 + i % 900, r % 50);
      set (sheet, r, 3, RV_CELL_TEXT, text);
      set (sheet, r, 4, RV_CELL_TEXT, districts[r % G_N_ELEMENTS (districts)]);
      g_snprintf (text, sizeof text, "2026-%02u-%02u", 1 + r % 12, 1 + r % 28);
      set (sheet, r, 5, RV_CELL_DATE, text);
      g_snprintf (text, sizeof text, "%.2f", base);
      set (sheet, r, 6, RV_CELL_NUMBER, text);
      g_snprintf (text, sizeof text, "%.2f", base * 0.18);
      set (sheet, r, 7, RV_CELL_NUMBER, text);
      g_snprintf (text, sizeof text, "%.2f", base * 1.18);
      set (sheet, r, 8, RV_CELL_NUMBER, text);
      set (sheet, r, 9, RV_CELL_TEXT, "PEN");
      set (sheet, r, 10, RV_CELL_TEXT, "01");
      g_snprintf (text, sizeof text, "F%03u", r % 7);
      set (sheet, r, 11, RV_CELL_TEXT, text);
      g_snprintf (text, sizeof text, "%u", 1000 + r);
      set (sheet, r, 12, RV_CELL_NUMBER, text);
      g_snprintf (text, sizeof text, "Compra de mercadería, pedido %u", r * 3);
      set (sheet, r, 13, RV_CELL_TEXT, text);
      set (sheet, r, 14, RV_CELL_TEXT, "601101");
      g_snprintf (text, sizeof text, "CC-%02u", r % 40);
      set (sheet, r, 15, RV_CELL_TEXT, text);
      g_snprintf (text, sizeof text, "facturacion%u@proveedor.com.pe", i);
      set (sheet, r, 16, RV_CELL_TEXT, text);
      g_snprintf (text, sizeof text, "01 %03u %04u", r % 1000, i % 10000);
      set (sheet, r, 17, RV_CELL_TEXT, text);
      set (sheet, r, 18, RV_CELL_BOOLEAN, r % 3 ? "TRUE" : "FALSE");
      if (r % 5 == 0)
        set (sheet, r, 19, RV_CELL_TEXT, "Revisar con contabilidad antes del cierre");

      result = g_hash_table_lookup (by_ruc, ruc);
      if (result == NULL)
        {
          if (i % 20 == 0)
            {
              RvRucParse parse;

              rv_ruc_parse (ruc, &parse);
              result = rv_result_new (&parse, ruc);
            }
          else
            result = rv_test_export_answer (ruc, i % 20 != 1, "COMERCIAL S.A.C.",
                                            i % 10 == 2 ? "BAJA DE OFICIO" : "ACTIVO", "HABIDO");
          g_hash_table_insert (by_ruc, g_strdup (ruc), result);
        }
      g_ptr_array_add (results, rv_result_ref (result));
    }

  *results_out = results;
  return sheet;
}

static void
measure_write (RvExportFormat  format,
               const char     *path,
               guint           n_rows,
               Measure        *m)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RvSheet) sheet = NULL;
  GPtrArray *results = NULL;
  RvExportSummary summary = { 0 };
  RvExport export = { 0 };
  struct rusage usage;
  gint64 start;

  sheet = build (n_rows, &results);
  getrusage (RUSAGE_SELF, &usage);
  m->before_kib = usage.ru_maxrss;

  summary.file_name = "compras.xlsx";
  summary.file_sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
  summary.sheet_name = "Compras";
  summary.column = "B · RUC";
  summary.provider = "APIMIGO";
  summary.total = n_rows;
  summary.unique = 50000;
  export.sheet = sheet;
  export.header_row = 0;
  export.first_row = 1;
  export.ruc_column = 1;
  export.results = (RvResult * const *) results->pdata;
  export.rows = RV_EXPORT_ALL;
  export.summary = &summary;

  start = g_get_monotonic_time ();
  m->ok = rv_export_write (&export, format, path, NULL, &error);
  m->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  getrusage (RUSAGE_SELF, &usage);
  m->max_rss_kib = usage.ru_maxrss;
  if (!m->ok)
    g_strlcpy (m->message, error->message, sizeof m->message);
}

static void
measure_read (const char *path,
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
  m->rows = rv_sheet_get_n_rows (rv_workbook_get_sheet (workbook, 0));
}

typedef struct
{
  RvExportFormat  format;
  const char     *path;
  guint           n_rows;
  gboolean        write_it;
} Job;

static void
measure_in_child (gpointer data,
                  gpointer result)
{
  Job *job = data;

  if (job->write_it)
    measure_write (job->format, job->path, job->n_rows, result);
  else
    measure_read (job->path, result);
}

/* Runs one measurement in a child of its own. */
static Measure
in_child (RvExportFormat  format,
          const char     *path,
          guint           n_rows,
          gboolean        write_it)
{
  Job job = { format, path, n_rows, write_it };
  Measure m = { 0 };

  if (!bench_in_child (measure_in_child, &job, &m, sizeof m))
    g_strlcpy (m.message, "the measuring process died or failed", sizeof m.message);
  return m;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  gboolean keep = FALSE;
  g_autofree char *only = NULL;
  int n_rows = 100000;
  int n_runs = 3;
  gboolean ok = TRUE;
  GOptionEntry entries[] = {
    { "rows", 0, 0, G_OPTION_ARG_INT, &n_rows, "Rows of the list (100,000)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs of each measurement; the best is kept (3)", "N" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &only, "Measure this format alone", "csv|xlsx|ods" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the written files", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  g_setenv ("LANGUAGE", "en", TRUE);
  context = g_option_context_new ("— measure the CSV, XLSX and ODS writers");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_rows < 1 || n_runs < 1)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--rows and --runs must be 1 or more");
      return 2;
    }

  dir = g_dir_make_tmp ("bench-export-XXXXXX", &error);
  g_assert_no_error (error);

  for (RvExportFormat format = RV_EXPORT_FORMAT_CSV; format <= RV_EXPORT_FORMAT_ODS; format++)
    {
      const char *ext = rv_export_format_get_extension (format);
      g_autofree char *name = g_strdup_printf ("compras.%s", ext);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      Measure w, r;
      GStatBuf st = { 0 };

      if (only != NULL && !g_str_equal (only, ext))
        continue;

      w = in_child (format, path, n_rows, TRUE);
      for (int run = 1; run < n_runs && w.ok; run++)
        {
          Measure again = in_child (format, path, n_rows, TRUE);

          if (!again.ok || again.seconds < w.seconds)
            w = again;
        }
      if (!w.ok)
        {
          g_print ("%s: the export failed: %s\n", ext, w.message);
          ok = FALSE;
          continue;
        }
      g_stat (path, &st);
      r = in_child (format, path, n_rows, FALSE);
      for (int run = 1; run < n_runs && r.ok; run++)
        {
          Measure again = in_child (format, path, n_rows, FALSE);

          if (!again.ok || again.seconds < r.seconds)
            r = again;
        }
      if (!r.ok || r.rows != (guint) n_rows + 1)
        {
          g_print ("%s: reading it back failed (%u rows): %s\n", ext, r.rows, r.message);
          ok = FALSE;
          continue;
        }
      g_print ("%s %ux20: write %.2f s, peak RSS %.1f MiB (%.1f MiB before the export), "
               "%.1f MiB | read back %.2f s | write/read %.2f (goal < 3)\n",
               ext, n_rows, w.seconds, w.max_rss_kib / 1024.0, w.before_kib / 1024.0,
               st.st_size / MIB, r.seconds, w.seconds / r.seconds);
      if (!keep)
        g_unlink (path);
    }

  if (keep)
    g_print ("Files kept in %s\n", dir);
  else
    g_rmdir (dir);

  return ok ? 0 : 1;
}
