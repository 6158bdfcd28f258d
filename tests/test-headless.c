/* test-headless.c
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

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "rv-mock-api.h"
#include "rv-ruc.h"
#include "rv-sheet-reader.h"
#include "rv-store.h"
#include "rv-test-sheet.h"

/* `ruc-validator --headless` as a user runs it: the real program, with no display, against
 * rv-mock-server in its own process on 127.0.0.1.
 */

#define ARGS(...) ((const char * const[]) { __VA_ARGS__, NULL })
#define TOKEN "tok-7f3a9c1e5b"

typedef struct
{
  GSubprocess *process;
  char        *url;
} Mock;

static void
mock_stop (Mock *mock)
{
  if (mock->process != NULL)
    {
      g_autoptr(GError) error = NULL;

      g_subprocess_send_signal (mock->process, SIGTERM);
      g_subprocess_wait (mock->process, NULL, &error);
      g_assert_no_error (error);
      g_clear_object (&mock->process);
    }
  g_clear_pointer (&mock->url, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Mock, mock_stop)

/* A failed assertion aborts the test: the server must not outlive it (and keep the test
 * runner waiting on the pipes it inherited).
 */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
mock_start (Mock               *mock,
            const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) data = NULL;
  g_autoptr(GError) error = NULL;
  const char *exe = g_getenv ("RV_MOCK_SERVER_EXE");

  g_assert_nonnull (exe);
  g_ptr_array_add (argv, (gpointer) exe);
  g_ptr_array_add (argv, (gpointer) "--port=0");
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  mock->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  data = g_data_input_stream_new (g_subprocess_get_stdout_pipe (mock->process));
  mock->url = g_data_input_stream_read_line_utf8 (data, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mock->url);
  g_assert_true (g_str_has_prefix (mock->url, "http://127.0.0.1:"));
}

static JsonObject *
mock_stats (Mock *mock)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (mock->url, "/_mock/stats", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gint64
stat_int (Mock       *mock,
          const char *member)
{
  g_autoptr(JsonObject) stats = mock_stats (mock);

  return json_object_get_int_member (stats, member);
}

static GSubprocess *
spawn_headless (const char * const  *args,
                const char * const  *extra_env,
                GSubprocessFlags     flags)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  const char *exe = g_getenv ("RUC_VALIDATOR_EXE");

  g_assert_nonnull (exe);
  g_ptr_array_add (argv, (gpointer) exe);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (flags | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  g_subprocess_launcher_unsetenv (launcher, "RUC_VALIDATOR_TOKEN");
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  for (guint i = 0; extra_env != NULL && extra_env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, extra_env[i], extra_env[i + 1], TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

static int
run_headless (const char * const  *args,
              const char * const  *extra_env,
              const char          *input,
              char               **out,
              char               **err)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = spawn_headless (args, extra_env,
                            input != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_communicate_utf8 (process, input, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

typedef struct
{
  char    *dir;
  char    *input;
  char    *output;
  char    *db;
  guint    rows;
  guint    unique;
  guint    well_formed;        /* distinct RUCs the provider is asked about */
  guint    expected[5];        /* valid, observed, not found, invalid, pending */
} Fixture;

static void
fixture_clear (Fixture *f)
{
  if (f->dir != NULL)
    {
      g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (f->dir, name, NULL);
          g_unlink (path);
        }
      g_rmdir (f->dir);
    }
  g_free (f->dir);
  g_free (f->input);
  g_free (f->output);
  g_free (f->db);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fixture, fixture_clear)

static void
count_expected (Fixture    *f,
                GHashTable *seen,
                const char *value)
{
  RvRucParse parse;
  RvIdKind kind = rv_ruc_parse (value, &parse);
  g_autofree char *key = g_strdup_printf ("%d:%s", kind, kind == RV_ID_KIND_NONE ? value : parse.value);

  if (parse.reason == RV_RUC_REASON_EMPTY || !g_hash_table_add (seen, g_steal_pointer (&key)))
    return;

  f->unique++;
  if (kind == RV_ID_KIND_NONE)
    {
      f->expected[3]++;
      return;
    }

  {
    char ruc[12];

    if (kind == RV_ID_KIND_DNI)
      g_assert_true (rv_ruc_from_dni (parse.value, ruc));
    else
      g_strlcpy (ruc, parse.value, sizeof ruc);
    f->well_formed++;
    switch (rv_mock_api_expected_answer (ruc))
      {
      case RV_MOCK_ANSWER_VALID:
        f->expected[0]++;
        break;
      case RV_MOCK_ANSWER_OBSERVED:
        f->expected[1]++;
        break;
      case RV_MOCK_ANSWER_NOT_FOUND:
        f->expected[2]++;
        break;
      case RV_MOCK_ANSWER_BAD_FORMAT:
      default:
        g_assert_not_reached ();
      }
  }
}

/* A supplier list: a header, @n_unique distinct RUCs each on one to three rows, some
 * written the ways spreadsheets mangle them, a few invalid values and DNIs, and an empty
 * RUC cell.
 */
static void
fixture_init (Fixture *f,
              guint    n_unique)
{
  g_autoptr(GString) csv = g_string_new ("Proveedor,RUC,Importe\r\n");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("test-headless-XXXXXX", &error);
  g_assert_no_error (error);
  f->input = g_build_filename (f->dir, "proveedores.csv", NULL);
  f->output = g_build_filename (f->dir, "resultado.csv", NULL);
  f->db = g_build_filename (f->dir, "cache.sqlite3", NULL);

  for (guint i = 0; i < n_unique; i++)
    {
      g_autofree char *ruc = rv_test_make_ruc (i % 3 == 0 ? "10" : "20", 13131295 + i * 7919);
      const char *value = ruc;
      g_autofree char *mangled = NULL;

      if (i % 10 == 1)
        value = mangled = g_strdup_printf ("%s.0", ruc);
      else if (i % 10 == 2)
        value = mangled = g_strdup_printf ("RUC: %s", ruc);
      else if (i % 50 == 3)
        value = mangled = g_strdup_printf ("%08u", 40000000 + i);   /* a DNI */
      else if (i % 40 == 4)
        {
          mangled = g_strdup (ruc);
          mangled[10] = mangled[10] == '9' ? '0' : mangled[10] + 1; /* a wrong check digit */
          value = mangled;
        }

      for (guint k = 0; k <= i % 3; k++)
        {
          g_string_append_printf (csv, "\"Proveedor %u, S.A.C.\",%s,%u.50\r\n", i, value, i * 3 + k);
          count_expected (f, seen, value);
          f->rows++;
        }
    }
  g_string_append (csv, "Sin RUC,,10.00\r\n");
  f->rows++;
  g_string_append (csv, "Texto,ninguno,1.00\r\n");
  count_expected (f, seen, "ninguno");
  f->rows++;

  g_file_set_contents (f->input, csv->str, csv->len, &error);
  g_assert_no_error (error);
}

static JsonObject *
last_json_line (const char *err)
{
  g_auto(GStrv) lines = g_strsplit (err, "\n", -1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  guint n = g_strv_length (lines);
  const char *last = NULL;

  for (guint i = 0; i < n; i++)
    {
      if (lines[i][0] == 0)
        continue;
      /* Every line of --progress=json is one JSON object. */
      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
      last = lines[i];
    }
  g_assert_nonnull (last);
  json_parser_load_from_data (parser, last, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
assert_summary (JsonObject    *summary,
                const Fixture *f,
                gint64         cache_hits,
                gint64         requests)
{
  static const char * const keys[] = {
    "total", "unique", "valid", "observed", "not_found", "invalid", "pending",
    "cache_hits", "requests", "duration_ms",
  };

  g_assert_cmpuint (json_object_get_size (summary), ==, G_N_ELEMENTS (keys));
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (json_object_has_member (summary, keys[i]));

  g_assert_cmpint (json_object_get_int_member (summary, "total"), ==, f->rows);
  g_assert_cmpint (json_object_get_int_member (summary, "unique"), ==, f->unique);
  g_assert_cmpint (json_object_get_int_member (summary, "valid"), ==, f->expected[0]);
  g_assert_cmpint (json_object_get_int_member (summary, "observed"), ==, f->expected[1]);
  g_assert_cmpint (json_object_get_int_member (summary, "not_found"), ==, f->expected[2]);
  g_assert_cmpint (json_object_get_int_member (summary, "invalid"), ==, f->expected[3]);
  g_assert_cmpint (json_object_get_int_member (summary, "pending"), ==, f->expected[4]);
  if (cache_hits >= 0)
    g_assert_cmpint (json_object_get_int_member (summary, "cache_hits"), ==, cache_hits);
  if (requests >= 0)
    g_assert_cmpint (json_object_get_int_member (summary, "requests"), ==, requests);
}

/* The output has every input row in order, the input's columns untouched, and the verdict
 * of each row agrees with what the mock says of its RUC.
 */
static void
assert_output (const Fixture *f,
               gboolean       online)
{
  g_autoptr(RvWorkbook) in = NULL;
  g_autoptr(RvWorkbook) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL;
  RvSheet *in_sheet, *out_sheet;

  g_file_get_contents (f->output, &bytes, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (bytes, "\xEF\xBB\xBF" "Proveedor,RUC,Importe,Normalised RUC,Verdict,"));

  in = rv_sheet_read_file (f->input, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  out = rv_sheet_read_file (f->output, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  in_sheet = rv_workbook_get_sheet (in, 0);
  out_sheet = rv_workbook_get_sheet (out, 0);
  g_assert_cmpuint (rv_sheet_get_n_rows (out_sheet), ==, rv_sheet_get_n_rows (in_sheet));
  g_assert_cmpuint (rv_sheet_get_n_columns (out_sheet), ==, 3 + 11);

  for (guint r = 1; r < rv_sheet_get_n_rows (in_sheet); r++)
    {
      const char *raw = rv_sheet_get_text (in_sheet, r, 1);
      const char *verdict = rv_sheet_get_text (out_sheet, r, 4);
      const char *source = rv_sheet_get_text (out_sheet, r, 13);
      RvRucParse parse;
      RvIdKind kind;

      for (guint c = 0; c < 3; c++)
        g_assert_cmpstr (rv_sheet_get_text (out_sheet, r, c), ==, rv_sheet_get_text (in_sheet, r, c));

      kind = rv_ruc_parse (raw, &parse);
      if (kind == RV_ID_KIND_NONE)
        {
          g_assert_cmpstr (verdict, ==, "Invalid");
          g_assert_cmpstr (source, ==, "offline");
        }
      else if (!online)
        g_assert_cmpstr (verdict, ==, "Pending");
      else
        {
          char ruc[12];
          static const char * const labels[] = { "Valid", "Observed", "Not found" };

          if (kind == RV_ID_KIND_DNI)
            rv_ruc_from_dni (parse.value, ruc);
          else
            g_strlcpy (ruc, parse.value, sizeof ruc);
          g_assert_cmpstr (rv_sheet_get_text (out_sheet, r, 3), ==, ruc);
          g_assert_cmpstr (verdict, ==, labels[rv_mock_api_expected_answer (ruc)]);
          g_assert_true (g_str_equal (source, "api") || g_str_equal (source, "cache"));
        }
    }
}

/* The "done when": a few thousand rows against the mock with faults end with exact
 * counts; the server sees each RUC answered once; a second run makes zero requests.
 */
static void
test_headless_mock_faults (void)
{
  g_auto(Fixture) f = { 0 };
  g_auto(Mock) mock = { 0 };
  g_autoptr(JsonObject) summary = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  fixture_init (&f, 1000);
  g_assert_cmpuint (f.rows, >, 1900);
  /* At most three faults a RUC, fewer than the four attempts a lookup gets: with 10 %
   * faults, one RUC in 10,000 would otherwise fail four times and end pending. */
  mock_start (&mock, ARGS ("--token=" TOKEN, "--latency-ms=5", "--jitter=0.5",
                           "--p-5xx=0.04", "--p-malformed=0.03", "--p-drop=0.03", "--seed=7",
                           "--max-faults=3"));

  status = run_headless (ARGS ("--headless", f.input, "-o", f.output, "--db", f.db,
                               "--base-url", mock.url, "--rate=6000", "--concurrency=10",
                               "--progress=json"),
                         ARGS ("RUC_VALIDATOR_TOKEN", TOKEN), NULL, &out, &err);
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "");
  summary = last_json_line (err);
  assert_summary (summary, &f, 0, -1);
  g_assert_cmpint (json_object_get_int_member (summary, "requests"), >, f.well_formed);
  assert_output (&f, TRUE);

  /* Each RUC asked until answered once, and never answered twice. */
  g_assert_cmpint (stat_int (&mock, "unique_rucs"), ==, f.well_formed);
  g_assert_cmpint (stat_int (&mock, "repeated_answered"), ==, 0);
  g_assert_cmpint (stat_int (&mock, "answered"), ==, f.well_formed);

  /* The second run: everything from the database, no request at all. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&summary, json_object_unref);
  status = run_headless (ARGS ("--headless", f.input, "-o", f.output, "--db", f.db,
                               "--base-url", mock.url, "--progress=json"),
                         ARGS ("RUC_VALIDATOR_TOKEN", TOKEN), NULL, &out, &err);
  g_assert_cmpint (status, ==, 0);
  summary = last_json_line (err);
  assert_summary (summary, &f, f.well_formed, 0);
  g_assert_cmpint (stat_int (&mock, "answered"), ==, f.well_formed);
  assert_output (&f, TRUE);
}

/* No token, no network: offline checks only, and an honest account of the rest. */
static void
test_headless_offline (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(JsonObject) summary = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  fixture_init (&f, 60);
  f.expected[4] = f.expected[0] + f.expected[1] + f.expected[2];
  f.expected[0] = f.expected[1] = f.expected[2] = 0;

  status = run_headless (ARGS ("--headless", f.input, "-o", f.output, "--db", f.db,
                               "--progress=json"), NULL, NULL, &out, &err);
  g_assert_cmpint (status, ==, 3);
  summary = last_json_line (err);
  assert_summary (summary, &f, 0, 0);
  g_assert_nonnull (strstr (err, "no API token is configured"));
  assert_output (&f, FALSE);

  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  status = run_headless (ARGS ("--headless", f.input, "-o", f.output, "--db", f.db,
                               "--provider=offline", "--progress=plain"),
                         ARGS ("RUC_VALIDATOR_TOKEN", TOKEN), NULL, &out, &err);
  g_assert_cmpint (status, ==, 3);
  g_assert_nonnull (strstr (err, "not checked online: the run was offline"));
  g_assert_nonnull (strstr (err, "Written to"));
}

/* A rejected token stops the run with one line, writes nothing, and the token appears
 * nowhere, even with every debug message on.
 */
static void
test_headless_bad_token (void)
{
  g_auto(Fixture) f = { 0 };
  g_auto(Mock) mock = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  fixture_init (&f, 200);
  mock_start (&mock, ARGS ("--token=the-right-one"));

  status = run_headless (ARGS ("--headless", f.input, "-o", f.output, "--db", f.db,
                               "--base-url", mock.url, "--token-file=-", "--rate=6000"),
                         ARGS ("G_MESSAGES_DEBUG", "all"), TOKEN "\n", &out, &err);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "token"));
  g_assert_null (strstr (err, TOKEN));
  g_assert_null (strstr (out, TOKEN));
  g_assert_false (g_file_test (f.output, G_FILE_TEST_EXISTS));
  /* It stopped at once instead of trying every RUC. */
  g_assert_cmpint (stat_int (&mock, "requests"), <=, 10);
}

/* Killed with SIGKILL in the middle, run again: nothing already stored is asked again. */
static void
test_headless_resume_after_kill (void)
{
  g_auto(Fixture) f = { 0 };
  g_auto(Mock) mock = { 0 };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(RvStore) store = NULL;
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 stored, requests_before;
  int status;

  fixture_init (&f, 400);
  mock_start (&mock, ARGS ("--latency-ms=40"));
  process = spawn_headless (ARGS ("--headless", f.input, "-o", f.output, "--db", f.db,
                                  "--base-url", mock.url, "--rate=6000", "--concurrency=5",
                                  "--progress=none"),
                            ARGS ("RUC_VALIDATOR_TOKEN", TOKEN), G_SUBPROCESS_FLAGS_NONE);
  while (stat_int (&mock, "answered") < 60)
    g_usleep (20000);
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (process));
  g_assert_false (g_file_test (f.output, G_FILE_TEST_EXISTS));

  store = rv_store_new (f.db, &error);
  g_assert_no_error (error);
  stored = rv_store_count_records (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored, >, 0);
  g_assert_cmpint (stored, <, f.well_formed);
  g_clear_object (&store);
  requests_before = stat_int (&mock, "requests");

  status = run_headless (ARGS ("--headless", f.input, "-o", f.output, "--db", f.db,
                               "--base-url", mock.url, "--rate=6000", "--progress=json"),
                         ARGS ("RUC_VALIDATOR_TOKEN", TOKEN), NULL, &out, &err);
  g_assert_cmpint (status, ==, 0);
  summary = last_json_line (err);
  /* Exactly what was not stored is asked; what was stored comes from the database. */
  assert_summary (summary, &f, stored, f.well_formed - stored);
  g_assert_cmpint (stat_int (&mock, "requests") - requests_before, ==, f.well_formed - stored);
  assert_output (&f, TRUE);
}

/* Ctrl+C: the run stops cleanly, writes what it has, and says how to finish. */
static void
test_headless_interrupt (void)
{
  g_auto(Fixture) f = { 0 };
  g_auto(Mock) mock = { 0 };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  fixture_init (&f, 300);
  mock_start (&mock, ARGS ("--latency-ms=50"));
  process = spawn_headless (ARGS ("--headless", f.input, "-o", f.output, "--db", f.db,
                                  "--base-url", mock.url, "--rate=6000", "--concurrency=4",
                                  "--progress=plain"),
                            ARGS ("RUC_VALIDATOR_TOKEN", TOKEN), G_SUBPROCESS_FLAGS_NONE);
  while (stat_int (&mock, "answered") < 20)
    g_usleep (20000);
  g_subprocess_send_signal (process, SIGINT);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 3);
  g_assert_nonnull (strstr (err, "Interrupted"));
  g_assert_true (g_file_test (f.output, G_FILE_TEST_EXISTS));
}

/* A provider that fails every time: the run reports it unavailable instead of burning
 * through the list, and leaves the rest pending.
 */
static void
test_headless_unavailable (void)
{
  g_auto(Fixture) f = { 0 };
  g_auto(Mock) mock = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  fixture_init (&f, 300);
  mock_start (&mock, ARGS ("--p-5xx=1"));
  status = run_headless (ARGS ("--headless", f.input, "-o", f.output, "--db", f.db,
                               "--base-url", mock.url, "--rate=6000", "--progress=plain"),
                         ARGS ("RUC_VALIDATOR_TOKEN", TOKEN), NULL, &out, &err);
  g_assert_cmpint (status, ==, 3);
  g_assert_nonnull (strstr (err, "unavailable"));
  g_assert_cmpint (stat_int (&mock, "requests"), <, 40);
  g_assert_true (g_file_test (f.output, G_FILE_TEST_EXISTS));

  /* The output says why each row is pending. */
  {
    g_autofree char *bytes = NULL;

    g_assert_true (g_file_get_contents (f.output, &bytes, NULL, NULL));
    g_assert_nonnull (strstr (bytes, "Pending,Not checked: the provider is unavailable (APIMIGO"));
    g_assert_null (strstr (bytes, "the run was cancelled"));
  }
}

static void
test_headless_usage (void)
{
  const struct {
    const char * const *args;
    const char *message;
  } cases[] = {
    { ARGS ("--headless", "in.csv"), "-o OUTPUT" },
    { ARGS ("--headless", "in.csv", "-o", "out.txt"), ".csv, .xlsx or .ods" },
    { ARGS ("--headless", "in.csv", "-o", "out.csv", "--only=some"), "--only" },
    { ARGS ("--headless", "in.csv", "-o", "out.csv", "--provider=sunat"), "--provider" },
    { ARGS ("--headless", "in.csv", "-o", "out.csv", "--progress=loud"), "--progress" },
    { ARGS ("--headless", "in.csv", "-o", "out.csv", "--concurrency=0"), "--concurrency" },
    { ARGS ("--headless", "in.csv", "-o", "out.csv", "--timeout=1"), "--timeout" },
    { ARGS ("--headless", "in.csv", "-o", "out.csv", "--base-url=ftp://x"), "--base-url" },
    { ARGS ("--headless", "-o", "out.csv"), "one input file" },
    { ARGS ("--headless", "a.csv", "b.csv", "-o", "out.csv"), "one input file" },
    { ARGS ("-o", "out.csv", "--check", "20131312955"), "go with --headless" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = run_headless (cases[i].args, NULL, NULL, &out, &err);

      g_test_message ("case %u: %s", i, err);
      g_assert_cmpint (status, ==, 2);
      g_assert_nonnull (strstr (err, cases[i].message));
      g_assert_cmpstr (out, ==, "");
    }
}

/* Failures that need no server: each is one line and exit 1, before any work. */
static void
test_headless_failures (void)
{
  g_auto(Fixture) f = { 0 };
  g_autofree char *missing_dir = NULL;
  g_autofree char *ambiguous = NULL;
  struct {
    const char * const *args;
    const char *message;
  } cases[4];

  fixture_init (&f, 20);
  missing_dir = g_build_filename (f.dir, "no-such-folder", "out.csv", NULL);
  ambiguous = g_build_filename (f.dir, "ambiguous.csv", NULL);
  g_assert_true (g_file_set_contents (ambiguous,
                                      "RUC Proveedor,RUC Cliente\n20131312955,20100047218\n"
                                      "20100070970,10054148289\n", -1, NULL));

  cases[0].args = ARGS ("--headless", f.input, "-o", missing_dir, "--db", f.db);
  cases[0].message = "Cannot write";
  cases[1].args = ARGS ("--headless", "/nonexistent/list.csv", "-o", f.output, "--db", f.db);
  cases[1].message = "list.csv";
  cases[2].args = ARGS ("--headless", ambiguous, "-o", f.output, "--db", f.db);
  cases[2].message = "--column";
  cases[3].args = ARGS ("--headless", f.input, "-o", f.input, "--db", f.db);
  cases[3].message = "input";

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = run_headless (cases[i].args, NULL, NULL, &out, &err);

      g_test_message ("case %u: %s", i, err);
      g_assert_cmpint (status, ==, 1);
      g_assert_nonnull (strstr (err, cases[i].message));
      /* One line. */
      g_assert_nonnull (strchr (err, '\n'));
      g_assert_null (strchr (strchr (err, '\n') + 1, '\n'));
      g_assert_false (g_file_test (f.output, G_FILE_TEST_EXISTS));
    }
}

/* --only and Spanish output headers. */
static void
test_headless_only_spanish (void)
{
  g_auto(Fixture) f = { 0 };
  g_auto(Mock) mock = { 0 };
  g_autoptr(RvWorkbook) out_book = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  RvSheet *sheet;
  int status;

  fixture_init (&f, 80);
  mock_start (&mock, NULL);
  status = run_headless (ARGS ("--headless", f.input, "-o", f.output, "--db", f.db,
                               "--base-url", mock.url, "--rate=6000", "--only=problems"),
                         ARGS ("RUC_VALIDATOR_TOKEN", TOKEN, "LANGUAGE", "es"), NULL, &out, &err);
  g_assert_cmpint (status, ==, 0);
  out_book = rv_sheet_read_file (f.output, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  sheet = rv_workbook_get_sheet (out_book, 0);
  g_assert_cmpstr (rv_sheet_get_text (sheet, 0, 4), ==, "Resultado");
  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), >, 1);
  for (guint r = 1; r < rv_sheet_get_n_rows (sheet); r++)
    g_assert_cmpstr (rv_sheet_get_text (sheet, r, 4), !=, "Válido");
  g_assert_nonnull (strstr (err, "Escrito en"));
}

/* The label's value on a Summary sheet. */
static const char *
summary_value (RvSheet    *sheet,
               const char *label)
{
  for (guint r = 0; r < rv_sheet_get_n_rows (sheet); r++)
    {
      if (g_str_equal (rv_sheet_get_text (sheet, r, 0), label))
        return rv_sheet_get_text (sheet, r, 1);
    }
  return NULL;
}

/* The "done when": `--headless list -o result.xlsx` (and .ods) gives a workbook
 * with the user's rows, text RUCs, the verdicts, Problems and Summary; --only too.
 */
static void
test_headless_workbooks (void)
{
  g_auto(Fixture) f = { 0 };
  g_auto(Mock) mock = { 0 };
  g_autofree char *sha256 = NULL;
  struct {
    const char *name;
    const char *language;
    const char *only;
    const char *sheets;
    const char *verdict;
    const char *valid;
    const char *input_label;
    const char *sha_label;
  } cases[] = {
    { "resultado.xlsx", "en", "--only=all", "proveedores|Problems|Summary", "Verdict", "Valid",
      "Input file", "SHA-256 of the input file" },
    { "resultado.ods", "es", "--only=all", "proveedores|Problemas|Resumen", "Resultado", "Válido",
      "Archivo de entrada", "SHA-256 del archivo de entrada" },
    { "válidos.XLSX", "en", "--only=valid", "proveedores|Summary", "Verdict", "Valid",
      "Input file", "SHA-256 of the input file" },
  };

  fixture_init (&f, 120);
  mock_start (&mock, NULL);
  {
    g_autofree char *bytes = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (f.input, &bytes, &length, NULL));
    sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, length);
  }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *output = g_build_filename (f.dir, cases[i].name, NULL);
      g_autoptr(RvWorkbook) in_book = NULL;
      g_autoptr(RvWorkbook) out_book = NULL;
      g_autoptr(GString) names = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      RvSheet *in_sheet, *sheet, *summary;
      guint problems = 0, out_row = 1;
      int status;

      status = run_headless (ARGS ("--headless", f.input, "-o", output, "--db", f.db,
                                   "--base-url", mock.url, "--rate=6000", cases[i].only),
                             ARGS ("RUC_VALIDATOR_TOKEN", TOKEN, "LANGUAGE", cases[i].language),
                             NULL, &out, &err);
      g_test_message ("%s", err);
      g_assert_cmpint (status, ==, 0);

      in_book = rv_sheet_read_file (f.input, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      out_book = rv_sheet_read_file (output, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      for (guint s = 0; s < rv_workbook_get_n_sheets (out_book); s++)
        g_string_append_printf (names, "%s%s", s > 0 ? "|" : "",
                                rv_sheet_get_name (rv_workbook_get_sheet (out_book, s)));
      g_assert_cmpstr (names->str, ==, cases[i].sheets);

      /* The user's rows and columns as they were, RUCs as text cells, then the verdicts. */
      in_sheet = rv_workbook_get_sheet (in_book, 0);
      sheet = rv_workbook_get_sheet (out_book, 0);
      g_assert_cmpstr (rv_sheet_get_text (sheet, 0, 4), ==, cases[i].verdict);
      for (guint r = 1; r < rv_sheet_get_n_rows (in_sheet); r++)
        {
          const char *raw = rv_sheet_get_text (in_sheet, r, 1);
          RvRucParse parse;
          RvIdKind kind = rv_ruc_parse (raw, &parse);
          char ruc[12] = "";
          RvMockAnswer answer = RV_MOCK_ANSWER_BAD_FORMAT;
          RvCell cell;

          if (kind == RV_ID_KIND_DNI)
            rv_ruc_from_dni (parse.value, ruc);
          else if (kind == RV_ID_KIND_RUC)
            g_strlcpy (ruc, parse.value, sizeof ruc);
          if (ruc[0] != 0)
            answer = rv_mock_api_expected_answer (ruc);
          if (answer != RV_MOCK_ANSWER_VALID)
            problems++;
          if (g_str_equal (cases[i].only, "--only=valid") && answer != RV_MOCK_ANSWER_VALID)
            continue;

          for (guint c = 0; c < 3; c++)
            g_assert_cmpstr (rv_sheet_get_text (sheet, out_row, c), ==,
                             rv_sheet_get_text (in_sheet, r, c));
          if (raw[0] != 0)
            {
              g_assert_true (rv_sheet_get_cell (sheet, out_row, 1, &cell));
              g_assert_cmpint (cell.kind, ==, RV_CELL_TEXT);
            }
          if (ruc[0] != 0)
            {
              g_assert_true (rv_sheet_get_cell (sheet, out_row, 3, &cell));
              g_assert_cmpint (cell.kind, ==, RV_CELL_TEXT);
              g_assert_cmpstr (cell.text, ==, ruc);
            }
          if (answer == RV_MOCK_ANSWER_VALID)
            g_assert_cmpstr (rv_sheet_get_text (sheet, out_row, 4), ==, cases[i].valid);
          else
            g_assert_cmpstr (rv_sheet_get_text (sheet, out_row, 4), !=, cases[i].valid);
          out_row++;
        }
      g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, out_row);

      /* Every row that is not valid on Problems; the run on Summary. */
      if (g_str_equal (cases[i].only, "--only=all"))
        g_assert_cmpuint (rv_sheet_get_n_rows (rv_workbook_get_sheet (out_book, 1)), ==, 1 + problems);
      summary = rv_workbook_get_sheet (out_book, rv_workbook_get_n_sheets (out_book) - 1);
      g_assert_cmpstr (summary_value (summary, cases[i].input_label), ==, "proveedores.csv");
      g_assert_cmpstr (summary_value (summary, cases[i].sha_label), ==, sha256);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/headless/usage", test_headless_usage);
  g_test_add_func ("/headless/failures", test_headless_failures);
  g_test_add_func ("/headless/offline", test_headless_offline);
  g_test_add_func ("/headless/mock-faults", test_headless_mock_faults);
  g_test_add_func ("/headless/bad-token", test_headless_bad_token);
  g_test_add_func ("/headless/resume-after-kill", test_headless_resume_after_kill);
  g_test_add_func ("/headless/interrupt", test_headless_interrupt);
  g_test_add_func ("/headless/unavailable", test_headless_unavailable);
  g_test_add_func ("/headless/only-spanish", test_headless_only_spanish);
  g_test_add_func ("/headless/workbooks", test_headless_workbooks);

  return g_test_run ();
}
