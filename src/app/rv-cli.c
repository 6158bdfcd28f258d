/* rv-cli.c
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

#define G_LOG_DOMAIN "rv-cli"

#include "config.h"

#include "rv-cli.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "rv-headless.h"
#include "rv-ruc.h"
#include "rv-sheet-reader.h"

/* The command-line modes run here, before GtkApplication starts up, so that they work
 * on a machine without a display: nothing in this file may touch GTK.
 */

typedef struct
{
  gboolean   version;
  gboolean   check;
  gboolean   headless;
  char      *inspect;
  char      *sheet;
  char      *column;
  char      *output;
  char      *provider;
  char      *base_url;
  char      *token_file;
  char      *only;
  char      *db;
  char      *progress;
  int        concurrency;
  int        rate;
  int        timeout;
  int        max_age;
  char     **remaining;
} Options;

static void
options_clear (Options *options)
{
  g_clear_pointer (&options->inspect, g_free);
  g_clear_pointer (&options->sheet, g_free);
  g_clear_pointer (&options->column, g_free);
  g_clear_pointer (&options->output, g_free);
  g_clear_pointer (&options->provider, g_free);
  g_clear_pointer (&options->base_url, g_free);
  g_clear_pointer (&options->token_file, g_free);
  g_clear_pointer (&options->only, g_free);
  g_clear_pointer (&options->db, g_free);
  g_clear_pointer (&options->progress, g_free);
  g_clear_pointer (&options->remaining, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

/* Arguments that GApplication itself understands and the window mode needs. */
static gboolean
is_gapplication_option (const char *arg)
{
  return g_str_has_prefix (arg, "--gapplication-");
}

static gboolean
wants_cli (char **argv)
{
  /* g_application_run() may be given no arguments at all, not even a program name. */
  if (argv[0] == NULL)
    return FALSE;

  for (guint i = 1; argv[i] != NULL; i++)
    {
      if (strcmp (argv[i], "--") == 0)
        return FALSE;
      if (argv[i][0] == '-' && argv[i][1] != 0 && !is_gapplication_option (argv[i]))
        return TRUE;
    }
  return FALSE;
}

static void
drop_text (const char *text)
{
}

/**
 * rv_cli_read_file:
 * @path: a spreadsheet
 * @error: one sentence naming the file and the reason
 *
 * Reads @path in this thread, for the command-line modes. libgsf prints its own
 * diagnostics ("Header is 0x…") on a damaged archive; the error says what is wrong, so
 * they are dropped while reading.
 *
 * Returns: (transfer full) (nullable): the workbook
 */
RvWorkbook *
rv_cli_read_file (const char  *path,
                  GError     **error)
{
  GPrintFunc old_printerr = g_set_printerr_handler (drop_text);
  RvWorkbook *workbook = rv_sheet_read_file (path, NULL, NULL, NULL, error);

  g_set_printerr_handler (old_printerr);
  return workbook;
}

/**
 * rv_cli_dup_column_error:
 * @error: what rv_column_detect_workbook() said
 *
 * Returns: (transfer full): the sentence to print; for an ambiguous column it also says
 *   how to choose
 */
char *
rv_cli_dup_column_error (const GError *error)
{
  if (g_error_matches (error, RV_SHEET_ERROR, RV_SHEET_ERROR_AMBIGUOUS_COLUMN))
    return g_strdup_printf ("%s; %s", error->message, _("choose one with --column"));
  return g_strdup (error->message);
}

/* Keeps a line of --check output on one line whatever the argument holds. */
static char *
printable (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    g_string_append_c (s, (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p);
  if (!g_utf8_validate (s->str, s->len, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (s->str, s->len);
      g_string_assign (s, valid);
    }
  return g_string_free (s, FALSE);
}

/**
 * rv_cli_check:
 * @values: the arguments of `--check`
 *
 * Prints one line per value on standard output, tab-separated: the normalised value
 * (or the argument itself when it has none), "valid", "dni" or "invalid", the reason,
 * and a suggestion when there is one ("did you mean" the RUC with the right check digit,
 * or the RUC a DNI would have). The second column is a stable word for scripts.
 *
 * Returns: %RV_EXIT_OK if every value is a well-formed RUC or DNI, else %RV_EXIT_FAILURE
 */
int
rv_cli_check (const char * const *values)
{
  int status = RV_EXIT_OK;

  for (guint i = 0; values[i] != NULL; i++)
    {
      RvRucParse parse;
      g_autofree char *reason = NULL;
      g_autofree char *shown = NULL;
      const char *verdict;
      char dni_ruc[12] = "";
      g_autofree char *suggestion = NULL;

      switch (rv_ruc_parse (values[i], &parse))
        {
        case RV_ID_KIND_RUC:
          verdict = "valid";
          break;
        case RV_ID_KIND_DNI:
          verdict = "dni";
          if (rv_ruc_from_dni (parse.value, dni_ruc))
            /* Translators: %s is the RUC a person with this DNI would have. */
            suggestion = g_strdup_printf (_("as a RUC: %s"), dni_ruc);
          break;
        case RV_ID_KIND_NONE:
        default:
          verdict = "invalid";
          status = RV_EXIT_FAILURE;
          if (parse.suggestion[0] != 0)
            /* Translators: %s is the RUC with the right check digit. */
            suggestion = g_strdup_printf (_("did you mean %s?"), parse.suggestion);
          break;
        }

      reason = rv_ruc_parse_dup_reason (&parse);
      shown = printable (parse.value[0] != 0 && parse.reason != RV_RUC_REASON_NOT_A_NUMBER
                         ? parse.value : values[i]);
      if (suggestion != NULL)
        g_print ("%s\t%s\t%s\t%s\n", shown, verdict, reason, suggestion);
      else
        g_print ("%s\t%s\t%s\n", shown, verdict, reason);
    }

  return status;
}

static gboolean
parse_options (char    ***arguments,
               Options   *options,
               GError   **error)
{
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &options->version,
      N_("Show the version and exit"), NULL },
    { "check", 0, 0, G_OPTION_ARG_NONE, &options->check,
      N_("Check each RUC or DNI offline (length, prefix, check digit) and print one line each"),
      NULL },
    { "inspect", 0, 0, G_OPTION_ARG_FILENAME, &options->inspect,
      N_("Show, as JSON, the sheet, header row and RUC column a run would use, and what it holds"),
      N_("FILE") },
    { "headless", 0, 0, G_OPTION_ARG_NONE, &options->headless,
      N_("Validate INPUT without a window and write the result to OUTPUT"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &options->output,
      N_("The output file of --headless: .csv, .xlsx or .ods"), N_("OUTPUT") },
    { "sheet", 0, 0, G_OPTION_ARG_STRING, &options->sheet,
      N_("The sheet of a workbook, by name or number (default: the first with a RUC column)"),
      N_("NAME|NUMBER") },
    { "column", 0, 0, G_OPTION_ARG_STRING, &options->column,
      N_("The RUC column, by header, letter or number (default: detected)"),
      N_("HEADER|LETTER|NUMBER") },
    { "provider", 0, 0, G_OPTION_ARG_STRING, &options->provider,
      N_("Who answers: migo (APIMIGO), or offline (check digits and the database only, no network)"),
      N_("migo|offline") },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &options->base_url,
      N_("The provider’s address (tests, proxies)"), N_("URL") },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &options->token_file,
      N_("Read the API token from PATH (“-”: standard input); else RUC_VALIDATOR_TOKEN, else the keyring"),
      N_("PATH") },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &options->concurrency,
      N_("Requests in flight at once (default 10)"), N_("N") },
    { "rate", 0, 0, G_OPTION_ARG_INT, &options->rate,
      N_("Requests per minute at most (default: the provider’s)"), N_("N") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &options->timeout,
      N_("Seconds to wait for each answer (default 30)"), N_("SECONDS") },
    { "max-age", 0, 0, G_OPTION_ARG_INT, &options->max_age,
      N_("Use answers in the database up to this old (default: 168 found, 24 not found)"),
      N_("HOURS") },
    { "only", 0, 0, G_OPTION_ARG_STRING, &options->only,
      N_("Rows to write: all, valid or problems (default all)"), N_("all|valid|problems") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &options->db,
      N_("The database file"), N_("PATH") },
    { "progress", 0, 0, G_OPTION_ARG_STRING, &options->progress,
      N_("Progress on standard error: auto, plain, json or none"), N_("auto|plain|json|none") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->remaining, NULL,
      N_("[RUC…|INPUT]") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Checks that the RUC numbers in a spreadsheet belong to real, "
                                  "active taxpayers.\n"
                                  "Without options, opens the window."));
  g_option_context_set_description (context,
                                    _("Examples:\n"
                                      "  ruc-validator --check 20131312955 20131312956\n"
                                      "  ruc-validator --inspect proveedores.xlsx --sheet=2\n"
                                      "  ruc-validator --headless proveedores.xlsx -o resultado.xlsx\n"
                                      "\n"
                                      "Reads CSV (any encoding and delimiter), XLSX, ODS and XLS, "
                                      "whatever the file is named; writes CSV, XLSX or ODS, as the output's "
                                      "name ends.\n"
                                      "Exit status: 0 on success (--check: every value well formed; "
                                      "--headless: every row has a final verdict), 1 otherwise, "
                                      "2 for a usage error, 3 when --headless left rows pending."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return g_option_context_parse_strv (context, arguments, error);
}

/**
 * rv_cli_handle:
 * @arguments: (inout): the command line
 * @exit_status: (out): the exit status when handled
 *
 * Runs the command-line modes (`--version`, `--check`, `--inspect`, `--help`).
 *
 * Returns: %TRUE if the command line was handled here and the program should exit
 *   with @exit_status; %FALSE to open the window
 */
gboolean
rv_cli_handle (char ***arguments,
               int    *exit_status)
{
  g_auto(Options) options = { .concurrency = -1, .rate = -1, .timeout = -1, .max_age = -1 };
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (arguments != NULL && *arguments != NULL, FALSE);
  g_return_val_if_fail (exit_status != NULL, FALSE);

  if (!wants_cli (*arguments))
    return FALSE;

  argv = g_strdupv (*arguments);
  if (!parse_options (&argv, &options, &error))
    {
      g_printerr ("ruc-validator: %s\n", error->message);
      g_printerr (_("Run “%s --help” to see the options.\n"), "ruc-validator");
      *exit_status = RV_EXIT_USAGE;
      return TRUE;
    }

  if (options.version)
    {
      g_print ("ruc-validator %s\n", PACKAGE_VERSION);
      *exit_status = RV_EXIT_OK;
      return TRUE;
    }

  if ((options.sheet != NULL || options.column != NULL) && options.inspect == NULL &&
      !options.headless)
    {
      g_printerr ("ruc-validator: %s\n", _("--sheet and --column go with --inspect or --headless"));
      *exit_status = RV_EXIT_USAGE;
      return TRUE;
    }

  if (!options.headless &&
      (options.output != NULL || options.provider != NULL || options.base_url != NULL ||
       options.token_file != NULL || options.only != NULL || options.db != NULL ||
       options.progress != NULL || options.concurrency != -1 || options.rate != -1 ||
       options.timeout != -1 || options.max_age != -1))
    {
      g_printerr ("ruc-validator: %s\n", _("These options go with --headless"));
      *exit_status = RV_EXIT_USAGE;
      return TRUE;
    }

  if (options.headless)
    {
      RvHeadlessOptions headless = {
        .output = options.output,
        .sheet = options.sheet,
        .column = options.column,
        .provider = options.provider,
        .base_url = options.base_url,
        .token_file = options.token_file,
        .only = options.only,
        .db = options.db,
        .progress = options.progress,
        .concurrency = options.concurrency,
        .rate = options.rate,
        .timeout = options.timeout,
        .max_age = options.max_age,
      };

      if (options.check || options.inspect != NULL || options.remaining == NULL ||
          g_strv_length (options.remaining) != 1)
        {
          g_printerr ("ruc-validator: %s\n", _("--headless takes one input file and no other mode"));
          *exit_status = RV_EXIT_USAGE;
          return TRUE;
        }
      headless.input = options.remaining[0];
      *exit_status = rv_headless_run (&headless);
      return TRUE;
    }

  if (options.inspect != NULL)
    {
      if (options.check || (options.remaining != NULL && options.remaining[0] != NULL))
        {
          g_printerr ("ruc-validator: %s\n", _("--inspect takes one file and no other mode"));
          *exit_status = RV_EXIT_USAGE;
          return TRUE;
        }
      *exit_status = rv_cli_inspect (options.inspect, options.sheet, options.column);
      return TRUE;
    }

  if (options.check)
    {
      if (options.remaining == NULL || options.remaining[0] == NULL)
        {
          g_printerr ("ruc-validator: %s\n", _("--check needs at least one RUC or DNI"));
          *exit_status = RV_EXIT_USAGE;
          return TRUE;
        }
      *exit_status = rv_cli_check ((const char * const *) options.remaining);
      return TRUE;
    }

  /* Options were given, but none that chooses a mode. */
  g_printerr ("ruc-validator: %s\n", _("Nothing to do: give --check, --inspect or --headless, or no option to open the window"));
  *exit_status = RV_EXIT_USAGE;
  return TRUE;
}
