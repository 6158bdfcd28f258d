/* test-result.c
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

#define G_LOG_DOMAIN "test-result"

#include "config.h"

#include <string.h>

#include <glib-object.h>

#include "rv-record.h"
#include "rv-result.h"
#include "rv-ruc.h"

/* RvResult: what a value starts with (rv_result_new), what an answer makes of it, what an
 * outage makes of it, and the texts of the columns every output appends.
 */

/* 2026-11-18 11:06:40 UTC; main() puts the tests in Lima's time zone, UTC-5. */
#define CHECKED_AT        G_GINT64_CONSTANT (1795000000)
#define CHECKED_AT_LOCAL  "2026-11-18 06:06:40"

/* Helpers */

static RvResult *
result_for (const char *raw)
{
  RvRucParse parse;

  rv_ruc_parse (raw, &parse);
  return rv_result_new (&parse, raw);
}

static char *
column_text (const RvResult *result,
             RvResultColumn  column)
{
  return rv_result_dup_column_text (result, column);
}

#define assert_column(result, column, expected)                           \
  G_STMT_START {                                                          \
    g_autofree char *text_ = column_text ((result), (column));            \
    g_assert_cmpstr (text_, ==, (expected));                              \
  } G_STMT_END

static RvRecord *
make_record (const char *ruc,
             gboolean    found,
             const char *state,
             const char *condition,
             RvSource    source)
{
  RvRecord *record = rv_record_new (ruc, found);

  if (found)
    {
      rv_record_set_field (record, RV_FIELD_NAME, "SUPERINTENDENCIA NACIONAL DE ADUANAS Y DE "
                                                  "ADMINISTRACION TRIBUTARIA - SUNAT");
      rv_record_set_field (record, RV_FIELD_STATE, state);
      rv_record_set_field (record, RV_FIELD_CONDITION, condition);
      rv_record_set_field (record, RV_FIELD_UBIGEO, "150101");
      rv_record_set_field (record, RV_FIELD_ADDRESS_SIMPLE, "AV. GARCILASO DE LA VEGA NRO. 1472");
      rv_record_set_field (record, RV_FIELD_ADDRESS,
                           "AV. GARCILASO DE LA VEGA NRO. 1472 LIMA - LIMA - LIMA");
      rv_record_set_as_of (record, "2026-11-17 23:59:59");
    }
  rv_record_set_checked_at (record, CHECKED_AT);
  rv_record_set_source (record, source);
  rv_record_set_provider (record, source == RV_SOURCE_PADRON ? "padron" : "migo");
  return record;
}

/* The texts of every column of a result no source answered: only the first three and
 * the source may hold anything.
 */
static void
assert_no_record_columns (const RvResult *result)
{
  for (RvResultColumn column = RV_RESULT_COLUMN_NAME; column <= RV_RESULT_COLUMN_CHECKED_AT;
       column++)
    assert_column (result, column, "");
}

/* /result/ruc */

static void
test_ruc (void)
{
  g_autoptr(RvResult) result = result_for (" 20131312955 ");

  g_assert_cmpint (rv_result_get_kind (result), ==, RV_ID_KIND_RUC);
  g_assert_cmpstr (rv_result_get_value (result), ==, "20131312955");
  g_assert_cmpstr (rv_result_get_ruc (result), ==, "20131312955");
  g_assert_null (rv_result_get_suggestion (result));
  g_assert_cmpint (rv_result_get_verdict (result), ==, RV_VERDICT_PENDING);
  g_assert_cmpstr (rv_result_get_reason (result), ==, "Not checked yet");
  g_assert_null (rv_result_get_record (result));
  g_assert_cmpint (rv_result_get_source (result), ==, RV_SOURCE_NONE);
  g_assert_false (rv_result_is_final (result));

  assert_column (result, RV_RESULT_COLUMN_RUC, "20131312955");
  assert_column (result, RV_RESULT_COLUMN_VERDICT, "Pending");
  assert_column (result, RV_RESULT_COLUMN_REASON, "Not checked yet");
  assert_no_record_columns (result);
  assert_column (result, RV_RESULT_COLUMN_SOURCE, "");
}

/* /result/dni */

static void
test_dni (void)
{
  static const struct {
    const char *raw;
    const char *dni;
  } cases[] = {
    { "12345678", "12345678" },
    { "DNI 12345678", "12345678" },
    /* A DNI that lost its leading zero gets it back. */
    { "1234567", "01234567" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RvResult) result = result_for (cases[i].raw);
      g_autofree char *prefix = g_strconcat ("10", cases[i].dni, NULL);
      const char *ruc;

      g_test_message ("%s", cases[i].raw);

      g_assert_cmpint (rv_result_get_kind (result), ==, RV_ID_KIND_DNI);
      g_assert_cmpstr (rv_result_get_value (result), ==, cases[i].dni);

      /* The RUC 10 the person would have: "10", the DNI, a check digit. */
      ruc = rv_result_get_ruc (result);
      g_assert_nonnull (ruc);
      g_assert_cmpuint (strlen (ruc), ==, 11);
      g_assert_true (g_str_has_prefix (ruc, prefix));
      g_assert_true (rv_ruc_is_valid (ruc));

      g_assert_cmpint (rv_result_get_verdict (result), ==, RV_VERDICT_PENDING);
      g_assert_false (rv_result_is_final (result));
      assert_column (result, RV_RESULT_COLUMN_RUC, ruc);
    }

  {
    g_autoptr(RvResult) result = result_for ("12345678");

    /* 1,0,1,2,3,4,5,6,7,8 weighed 5,4,3,2,7,6,5,4,3,2: 143; (11 - 143 % 11) % 10 = 1. */
    g_assert_cmpstr (rv_result_get_ruc (result), ==, "10123456781");
  }
}

/* /result/invalid */

static void
test_invalid (void)
{
  static const struct {
    const char *raw;
    const char *value;
    const char *suggestion;
    const char *reason;
  } cases[] = {
    { "20131312956", "20131312956", "20131312955", "Wrong check digit" },
    { "99512333792", "99512333792", NULL, "Unknown prefix 99" },
    { "123", "123", NULL, "Wrong length: 3 digits" },
    { "2.01E+10", NULL, NULL, "rounded" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RvResult) result = result_for (cases[i].raw);
      g_autofree char *reason = NULL;

      g_test_message ("%s", cases[i].raw);

      g_assert_cmpint (rv_result_get_kind (result), ==, RV_ID_KIND_NONE);
      g_assert_cmpint (rv_result_get_verdict (result), ==, RV_VERDICT_INVALID);
      g_assert_true (rv_result_is_final (result));
      g_assert_cmpint (rv_result_get_source (result), ==, RV_SOURCE_OFFLINE);
      g_assert_null (rv_result_get_ruc (result));
      g_assert_null (rv_result_get_record (result));
      g_assert_cmpstr (rv_result_get_suggestion (result), ==, cases[i].suggestion);
      g_assert_nonnull (strstr (rv_result_get_reason (result), cases[i].reason));
      if (cases[i].value != NULL)
        g_assert_cmpstr (rv_result_get_value (result), ==, cases[i].value);

      /* An invalid value's digits stand in the RUC column. */
      assert_column (result, RV_RESULT_COLUMN_RUC, rv_result_get_value (result));
      assert_column (result, RV_RESULT_COLUMN_VERDICT, "Invalid");
      assert_no_record_columns (result);
      assert_column (result, RV_RESULT_COLUMN_SOURCE, "offline");

      /* The suggestion is in the output, never in place of the value. */
      reason = column_text (result, RV_RESULT_COLUMN_REASON);
      g_assert_true (g_str_has_prefix (reason, rv_result_get_reason (result)));
      if (cases[i].suggestion != NULL)
        g_assert_cmpstr (reason, ==, "Wrong check digit. Did you mean 20131312955?");
      else
        g_assert_cmpstr (reason, ==, rv_result_get_reason (result));
    }
}

/* /result/empty */

static void
test_empty (void)
{
  const char *raws[] = { "", "   ", "\t" };

  for (guint i = 0; i < G_N_ELEMENTS (raws); i++)
    {
      g_autoptr(RvResult) result = result_for (raws[i]);

      g_assert_cmpint (rv_result_get_kind (result), ==, RV_ID_KIND_NONE);
      g_assert_cmpstr (rv_result_get_value (result), ==, "");
      g_assert_cmpint (rv_result_get_verdict (result), ==, RV_VERDICT_INVALID);
      g_assert_cmpstr (rv_result_get_reason (result), ==, "Empty cell");
      assert_column (result, RV_RESULT_COLUMN_RUC, "");
      assert_column (result, RV_RESULT_COLUMN_REASON, "Empty cell");
    }

  {
    RvRucParse parse;
    g_autoptr(RvResult) result = NULL;

    /* Without the cell's text. */
    rv_ruc_parse ("", &parse);
    result = rv_result_new (&parse, NULL);
    g_assert_cmpstr (rv_result_get_value (result), ==, "");
  }
}

/* /result/not-a-number */

static void
test_not_a_number (void)
{
  static const struct {
    const char *raw;
    const char *value;
  } cases[] = {
    /* The trimmed text, since there are no digits to keep... */
    { "  Proveedor ABC  ", "Proveedor ABC" },
    { "#N/A", "#N/A" },
    /* ...or the digits are not the point. */
    { "20131312955 SAC", "20131312955 SAC" },
    /* Output files are UTF-8 whatever the input held. */
    { "\xff" "20131312955", "\xef\xbf\xbd" "20131312955" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RvResult) result = result_for (cases[i].raw);
      g_autofree char *ruc = NULL;

      g_assert_cmpint (rv_result_get_kind (result), ==, RV_ID_KIND_NONE);
      g_assert_cmpint (rv_result_get_verdict (result), ==, RV_VERDICT_INVALID);
      g_assert_cmpstr (rv_result_get_reason (result), ==, "Not a number");
      g_assert_cmpstr (rv_result_get_value (result), ==, cases[i].value);
      g_assert_true (g_utf8_validate (rv_result_get_value (result), -1, NULL));
      ruc = column_text (result, RV_RESULT_COLUMN_RUC);
      g_assert_cmpstr (ruc, ==, cases[i].value);
    }

  {
    RvRucParse parse;
    g_autoptr(RvResult) result = NULL;

    rv_ruc_parse ("abc", &parse);
    result = rv_result_new (&parse, NULL);
    g_assert_cmpstr (rv_result_get_value (result), ==, "");
  }
}

/* /result/answered */

static void
test_answered (void)
{
  static const struct {
    gboolean     found;
    const char  *state;
    const char  *condition;
    RvSource     source;
    RvVerdict    verdict;
    const char  *reason;
    const char  *source_text;
  } cases[] = {
    { TRUE, "ACTIVO", "HABIDO", RV_SOURCE_API, RV_VERDICT_VALID, "Active and domiciled", "api" },
    { TRUE, "BAJA DE OFICIO", "HABIDO", RV_SOURCE_CACHE, RV_VERDICT_OBSERVED,
      "State BAJA DE OFICIO", "cache" },
    { TRUE, "ACTIVO", "NO HABIDO", RV_SOURCE_PADRON, RV_VERDICT_OBSERVED,
      "Domicile NO HABIDO", "padrón" },
    { FALSE, NULL, NULL, RV_SOURCE_API, RV_VERDICT_NOT_FOUND, "No taxpayer has this RUC", "api" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RvResult) pending = result_for ("20131312955");
      g_autoptr(RvRecord) record = make_record ("20131312955", cases[i].found, cases[i].state,
                                                cases[i].condition, cases[i].source);
      g_autoptr(RvResult) result = rv_result_new_answered (pending, record);

      g_assert_cmpint (rv_result_get_verdict (result), ==, cases[i].verdict);
      g_assert_true (rv_result_is_final (result));
      g_assert_cmpstr (rv_result_get_reason (result), ==, cases[i].reason);
      g_assert_true (rv_result_get_record (result) == record);
      g_assert_cmpint (rv_result_get_source (result), ==, cases[i].source);
      g_assert_cmpint (rv_result_get_kind (result), ==, RV_ID_KIND_RUC);
      g_assert_cmpstr (rv_result_get_value (result), ==, "20131312955");
      g_assert_cmpstr (rv_result_get_ruc (result), ==, "20131312955");

      assert_column (result, RV_RESULT_COLUMN_VERDICT, rv_verdict_get_label (cases[i].verdict));
      assert_column (result, RV_RESULT_COLUMN_REASON, cases[i].reason);
      assert_column (result, RV_RESULT_COLUMN_SOURCE, cases[i].source_text);

      /* The answer did not change what the value started with. */
      g_assert_cmpint (rv_result_get_verdict (pending), ==, RV_VERDICT_PENDING);
      g_assert_null (rv_result_get_record (pending));
    }
}

/* /result/answered-dni */

static void
test_answered_dni (void)
{
  g_autoptr(RvResult) pending = result_for ("12345678");
  g_autoptr(RvRecord) found = make_record ("10123456781", TRUE, "ACTIVO", "HABIDO",
                                           RV_SOURCE_API);
  g_autoptr(RvRecord) missing = make_record ("10123456781", FALSE, NULL, NULL, RV_SOURCE_API);
  g_autoptr(RvResult) valid = rv_result_new_answered (pending, found);
  g_autoptr(RvResult) not_found = rv_result_new_answered (pending, missing);

  g_assert_cmpint (rv_result_get_verdict (valid), ==, RV_VERDICT_VALID);
  g_assert_cmpint (rv_result_get_kind (valid), ==, RV_ID_KIND_DNI);
  g_assert_cmpstr (rv_result_get_value (valid), ==, "12345678");
  g_assert_cmpstr (rv_result_get_ruc (valid), ==, "10123456781");
  /* A DNI is not a RUC: the reason says which RUC was asked about. */
  g_assert_cmpstr (rv_result_get_reason (valid), ==,
                   "DNI 12345678, as RUC 10123456781: Active and domiciled");
  assert_column (valid, RV_RESULT_COLUMN_RUC, "10123456781");

  g_assert_cmpint (rv_result_get_verdict (not_found), ==, RV_VERDICT_NOT_FOUND);
  g_assert_nonnull (strstr (rv_result_get_reason (not_found), "12345678"));
  g_assert_nonnull (strstr (rv_result_get_reason (not_found), "10123456781"));
  g_assert_nonnull (strstr (rv_result_get_reason (not_found), "No taxpayer has this RUC"));
}

/* /result/pending */

static void
test_pending (void)
{
  g_autoptr(RvResult) first = result_for ("12345678");
  g_autoptr(RvResult) outage = rv_result_new_pending (first, "The provider did not answer");
  g_autoptr(RvRecord) record = make_record ("10123456781", TRUE, "ACTIVO", "HABIDO",
                                            RV_SOURCE_CACHE);
  g_autoptr(RvResult) answered = rv_result_new_answered (first, record);
  g_autoptr(RvResult) again = rv_result_new_pending (answered, "Too many requests");

  /* The identity of the value is kept... */
  g_assert_cmpint (rv_result_get_kind (outage), ==, RV_ID_KIND_DNI);
  g_assert_cmpstr (rv_result_get_value (outage), ==, "12345678");
  g_assert_cmpstr (rv_result_get_ruc (outage), ==, "10123456781");
  g_assert_null (rv_result_get_suggestion (outage));

  /* ...the verdict is not one: an outage is never NOT_FOUND nor INVALID. */
  g_assert_cmpint (rv_result_get_verdict (outage), ==, RV_VERDICT_PENDING);
  g_assert_false (rv_result_is_final (outage));
  g_assert_cmpstr (rv_result_get_reason (outage), ==, "The provider did not answer");
  g_assert_cmpint (rv_result_get_source (outage), ==, RV_SOURCE_NONE);
  g_assert_null (rv_result_get_record (outage));
  assert_column (outage, RV_RESULT_COLUMN_VERDICT, "Pending");
  assert_column (outage, RV_RESULT_COLUMN_REASON, "The provider did not answer");
  assert_no_record_columns (outage);
  assert_column (outage, RV_RESULT_COLUMN_SOURCE, "");

  /* A failed re-check forgets the earlier answer rather than mixing the two. */
  g_assert_cmpint (rv_result_get_kind (again), ==, RV_ID_KIND_DNI);
  g_assert_cmpstr (rv_result_get_ruc (again), ==, "10123456781");
  g_assert_cmpint (rv_result_get_verdict (again), ==, RV_VERDICT_PENDING);
  g_assert_cmpstr (rv_result_get_reason (again), ==, "Too many requests");
  g_assert_null (rv_result_get_record (again));
  assert_column (again, RV_RESULT_COLUMN_NAME, "");
}

/* /result/columns */

static void
test_columns (void)
{
  g_autoptr(RvResult) pending = result_for ("20131312955");
  g_autoptr(RvRecord) record = make_record ("20131312955", TRUE, "ACTIVO", "HABIDO",
                                            RV_SOURCE_API);
  g_autoptr(RvRecord) simple = make_record ("20131312955", TRUE, "BAJA DE OFICIO", "HABIDO",
                                            RV_SOURCE_PADRON);
  g_autoptr(RvRecord) bare = rv_record_new ("20131312955", TRUE);
  g_autoptr(RvResult) result = NULL;
  g_autoptr(RvResult) padron = NULL;
  g_autoptr(RvResult) unknown = NULL;

  result = rv_result_new_answered (pending, record);
  assert_column (result, RV_RESULT_COLUMN_RUC, "20131312955");
  assert_column (result, RV_RESULT_COLUMN_VERDICT, "Valid");
  assert_column (result, RV_RESULT_COLUMN_REASON, "Active and domiciled");
  assert_column (result, RV_RESULT_COLUMN_NAME,
                 "SUPERINTENDENCIA NACIONAL DE ADUANAS Y DE ADMINISTRACION TRIBUTARIA - SUNAT");
  assert_column (result, RV_RESULT_COLUMN_STATE, "ACTIVO");
  assert_column (result, RV_RESULT_COLUMN_CONDITION, "HABIDO");
  assert_column (result, RV_RESULT_COLUMN_ADDRESS,
                 "AV. GARCILASO DE LA VEGA NRO. 1472 LIMA - LIMA - LIMA");
  assert_column (result, RV_RESULT_COLUMN_UBIGEO, "150101");
  assert_column (result, RV_RESULT_COLUMN_AS_OF, "2026-11-17 23:59:59");
  /* Local time, as the accountant's clock showed it. */
  assert_column (result, RV_RESULT_COLUMN_CHECKED_AT, CHECKED_AT_LOCAL);
  assert_column (result, RV_RESULT_COLUMN_SOURCE, "api");

  /* The padrón has no full address: the short one stands in. */
  rv_record_set_field (simple, RV_FIELD_ADDRESS, NULL);
  padron = rv_result_new_answered (pending, simple);
  assert_column (padron, RV_RESULT_COLUMN_VERDICT, "Observed");
  assert_column (padron, RV_RESULT_COLUMN_REASON, "State BAJA DE OFICIO");
  assert_column (padron, RV_RESULT_COLUMN_STATE, "BAJA DE OFICIO");
  assert_column (padron, RV_RESULT_COLUMN_ADDRESS, "AV. GARCILASO DE LA VEGA NRO. 1472");
  assert_column (padron, RV_RESULT_COLUMN_SOURCE, "padrón");

  /* A record with nothing in it: empty texts, never NULL. */
  unknown = rv_result_new_answered (pending, bare);
  assert_column (unknown, RV_RESULT_COLUMN_VERDICT, "Observed");
  assert_no_record_columns (unknown);
  assert_column (unknown, RV_RESULT_COLUMN_SOURCE, "");
}

/* /result/titles */

static void
test_titles (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (RvResultColumn column = 0; column < RV_N_RESULT_COLUMNS; column++)
    {
      const char *title = rv_result_column_get_title (column);

      g_assert_nonnull (title);
      g_assert_cmpstr (title, !=, "");
      g_assert_true (g_utf8_validate (title, -1, NULL));
      /* Each column can be told apart by its title. */
      g_assert_true (g_hash_table_add (seen, (gpointer) title));
    }

  g_assert_cmpstr (rv_result_column_get_title (RV_RESULT_COLUMN_RUC), ==, "Normalised RUC");
  g_assert_cmpstr (rv_result_column_get_title (RV_RESULT_COLUMN_SOURCE), ==, "Source");
}

/* /result/refcount */

static void
test_refcount (void)
{
  g_autoptr(RvRecord) record = make_record ("20131312955", TRUE, "ACTIVO", "HABIDO",
                                            RV_SOURCE_API);
  RvResult *pending = result_for ("20131312955");
  RvResult *result = rv_result_new_answered (pending, record);
  RvResult *copy;

  /* Results are shared, never copied. */
  g_assert_true (rv_result_ref (result) == result);
  rv_result_unref (result);

  copy = g_boxed_copy (RV_TYPE_RESULT, result);
  g_assert_true (copy == result);
  g_boxed_free (RV_TYPE_RESULT, copy);

  /* The pending result goes first: the answer holds nothing of it. */
  rv_result_unref (pending);
  g_assert_cmpstr (rv_result_get_value (result), ==, "20131312955");

  /* The result holds the record; its texts outlive the caller's reference. */
  g_clear_pointer (&record, rv_record_unref);
  assert_column (result, RV_RESULT_COLUMN_STATE, "ACTIVO");
  g_assert_cmpstr (rv_record_get_ruc (rv_result_get_record (result)), ==, "20131312955");

  /* Results cross threads with the lookups: the count is atomic. */
  for (guint i = 0; i < 1000; i++)
    rv_result_ref (result);
  for (guint i = 0; i < 1000; i++)
    rv_result_unref (result);

  rv_result_unref (result);

  g_assert_true (G_TYPE_IS_BOXED (RV_TYPE_RESULT));
  g_assert_cmpstr (g_type_name (RV_TYPE_RESULT), ==, "RvResult");
}

/* /result/preconditions */

static void
test_preconditions (void)
{
  g_autoptr(RvResult) result = result_for ("20131312955");

  g_test_expect_message ("rv-result", G_LOG_LEVEL_CRITICAL, "*parse != NULL*");
  g_assert_null (rv_result_new (NULL, "20131312955"));
  g_test_assert_expected_messages ();

  g_test_expect_message ("rv-result", G_LOG_LEVEL_CRITICAL, "*record != NULL*");
  g_assert_null (rv_result_new_answered (result, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("rv-result", G_LOG_LEVEL_CRITICAL, "*reason != NULL*");
  g_assert_null (rv_result_new_pending (result, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("rv-result", G_LOG_LEVEL_CRITICAL, "*should not be reached*");
  g_assert_null (rv_result_column_get_title (RV_N_RESULT_COLUMNS));
  g_test_assert_expected_messages ();

  g_test_expect_message ("rv-result", G_LOG_LEVEL_CRITICAL, "*should not be reached*");
  g_assert_null (rv_result_dup_column_text (result, RV_N_RESULT_COLUMNS));
  g_test_assert_expected_messages ();
}

int
main (int   argc,
      char *argv[])
{
  /* Lima's time, without relying on the machine's time zone database. */
  g_setenv ("TZ", "<-05>5", TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/result/ruc", test_ruc);
  g_test_add_func ("/result/dni", test_dni);
  g_test_add_func ("/result/invalid", test_invalid);
  g_test_add_func ("/result/empty", test_empty);
  g_test_add_func ("/result/not-a-number", test_not_a_number);
  g_test_add_func ("/result/answered", test_answered);
  g_test_add_func ("/result/answered-dni", test_answered_dni);
  g_test_add_func ("/result/pending", test_pending);
  g_test_add_func ("/result/columns", test_columns);
  g_test_add_func ("/result/titles", test_titles);
  g_test_add_func ("/result/refcount", test_refcount);
  g_test_add_func ("/result/preconditions", test_preconditions);

  return g_test_run ();
}
