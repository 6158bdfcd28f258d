/* test-ruc.c
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

#include <glib.h>

#include "rv-ruc.h"

typedef struct
{
  const char  *input;
  RvIdKind     kind;
  RvRucReason  reason;
  const char  *value;       /* NULL: do not check */
  const char  *suggestion;  /* NULL: must have none */
  gboolean     padded;
} ParseCase;

#define RUC(in, out)            { in, RV_ID_KIND_RUC, RV_RUC_REASON_NONE, out, NULL, FALSE }
#define DNI(in, out)            { in, RV_ID_KIND_DNI, RV_RUC_REASON_NONE, out, NULL, FALSE }
#define BAD(in, why)            { in, RV_ID_KIND_NONE, why, NULL, NULL, FALSE }

static const ParseCase parse_cases[] = {
  /* The vectors of DESIGN.md. */
  RUC ("20131312955", "20131312955"),
  RUC ("20100047218", "20100047218"),
  RUC ("20100070970", "20100070970"),
  RUC ("10054148289", "10054148289"),
  RUC ("17155542071", "17155542071"),
  { "20131312956", RV_ID_KIND_NONE, RV_RUC_REASON_CHECK_DIGIT, "20131312956", "20131312955", FALSE },
  { "99512333792", RV_ID_KIND_NONE, RV_RUC_REASON_PREFIX, "99512333792", NULL, FALSE },

  /* What spreadsheets do to numbers. */
  RUC ("20131312955.0", "20131312955"),
  RUC ("20131312955,00", "20131312955"),
  RUC ("20131312955.000", "20131312955"),
  RUC ("20,131,312,955.00", "20131312955"),
  RUC ("2.0131312955E10", "20131312955"),
  RUC ("2.0131312955e+10", "20131312955"),
  RUC ("2,0131312955E+10", "20131312955"),
  BAD ("2.01E+10", RV_RUC_REASON_ROUNDED),
  BAD ("2.01313E+10", RV_RUC_REASON_ROUNDED),
  BAD ("1.23457E+07", RV_RUC_REASON_ROUNDED),
  DNI ("1.2345678E7", "12345678"),
  RUC ("'20131312955", "20131312955"),
  RUC ("=\"20131312955\"", "20131312955"),
  RUC ("\"20131312955\"", "20131312955"),
  RUC ("\xe2\x80\x9c" "20131312955" "\xe2\x80\x9d", "20131312955"),
  RUC (" 20131312955 ", "20131312955"),
  RUC ("\t20131312955\r\n", "20131312955"),
  RUC ("20131312955\xc2\xa0", "20131312955"),                     /* NBSP */
  RUC ("\xe2\x80\x8b" "20131312955", "20131312955"),              /* zero-width space */
  RUC ("\xef\xbb\xbf" "20131312955", "20131312955"),              /* BOM */
  RUC ("20 131 312 955", "20131312955"),
  RUC ("20\xe2\x80\xaf" "131312955", "20131312955"),              /* narrow NBSP */
  RUC ("20.131.312.955", "20131312955"),
  RUC ("20-13131295-5", "20131312955"),
  RUC ("20\xe2\x80\x93" "13131295" "\xe2\x80\x93" "5", "20131312955"), /* en dashes */
  RUC ("000020131312955", "20131312955"),                          /* ERP zero padding */

  /* Labels. */
  RUC ("RUC: 20131312955", "20131312955"),
  RUC ("RUC20131312955", "20131312955"),
  RUC ("ruc 20131312955", "20131312955"),
  RUC ("R.U.C. 20131312955", "20131312955"),
  RUC ("R.U.C.: 20131312955", "20131312955"),
  RUC ("N\xc2\xb0 RUC 20131312955", "20131312955"),
  RUC ("Ruc N\xc2\xba 20131312955", "20131312955"),
  RUC ("Nro. Doc. 20131312955", "20131312955"),
  RUC ("N\xc3\xbamero de documento 20131312955", "20131312955"),
  DNI ("DNI 07654321", "07654321"),
  DNI ("D.N.I.: 07654321", "07654321"),

  /* Other scripts. */
  RUC ("\xef\xbc\x92\xef\xbc\x90\xef\xbc\x91\xef\xbc\x93\xef\xbc\x91\xef\xbc\x93"
       "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x99\xef\xbc\x95\xef\xbc\x95", "20131312955"),
  RUC ("\xd9\xa2\xd9\xa0\xd9\xa1\xd9\xa3\xd9\xa1\xd9\xa3\xd9\xa1\xd9\xa2\xd9\xa9\xd9\xa5\xd9\xa5",
       "20131312955"),                                             /* Arabic-Indic digits */

  /* DNIs. */
  DNI ("12345678", "12345678"),
  DNI ("07.654.321", "07654321"),
  DNI ("00012345678", "12345678"),
  { "1234567", RV_ID_KIND_DNI, RV_RUC_REASON_NONE, "01234567", NULL, TRUE },
  { "7654321.0", RV_ID_KIND_DNI, RV_RUC_REASON_NONE, "07654321", NULL, TRUE },

  /* Not usable. */
  BAD (NULL, RV_RUC_REASON_EMPTY),
  BAD ("", RV_RUC_REASON_EMPTY),
  BAD ("   ", RV_RUC_REASON_EMPTY),
  BAD ("\xc2\xa0", RV_RUC_REASON_EMPTY),
  BAD ("abc", RV_RUC_REASON_NOT_A_NUMBER),
  BAD ("-", RV_RUC_REASON_NOT_A_NUMBER),
  BAD ("20131312955 SAC", RV_RUC_REASON_NOT_A_NUMBER),
  BAD ("Proveedor 20131312955", RV_RUC_REASON_NOT_A_NUMBER),
  BAD ("20131312955.5", RV_RUC_REASON_NOT_A_NUMBER),
  BAD ("2.01313129555E9", RV_RUC_REASON_NOT_A_NUMBER),
  BAD ("\xff" "20131312955", RV_RUC_REASON_NOT_A_NUMBER),         /* invalid UTF-8 */
  BAD ("#N/A", RV_RUC_REASON_NOT_A_NUMBER),
  BAD ("RUC:", RV_RUC_REASON_NOT_A_NUMBER),
  { "2013131295", RV_ID_KIND_NONE, RV_RUC_REASON_LENGTH, "2013131295", NULL, FALSE },
  { "201313129551", RV_ID_KIND_NONE, RV_RUC_REASON_LENGTH, "201313129551", NULL, FALSE },
  { "15", RV_ID_KIND_NONE, RV_RUC_REASON_LENGTH, "15", NULL, FALSE },
  { "20131312955 / 20100047218", RV_ID_KIND_NONE, RV_RUC_REASON_LENGTH, NULL, NULL, FALSE },
  { "20131312950", RV_ID_KIND_NONE, RV_RUC_REASON_CHECK_DIGIT, "20131312950", "20131312955", FALSE },
  { "10054148280", RV_ID_KIND_NONE, RV_RUC_REASON_CHECK_DIGIT, "10054148280", "10054148289", FALSE },
  { "30131312955", RV_ID_KIND_NONE, RV_RUC_REASON_PREFIX, "30131312955", NULL, FALSE },
  { "11131312955", RV_ID_KIND_NONE, RV_RUC_REASON_PREFIX, "11131312955", NULL, FALSE },
};

static void
test_parse_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    {
      const ParseCase *c = &parse_cases[i];
      RvRucParse parse;
      RvIdKind kind;
      g_autofree char *shown = c->input ? g_strescape (c->input, NULL) : g_strdup ("(null)");

      g_test_message ("case %u: %s", i, shown);

      kind = rv_ruc_parse (c->input, &parse);
      g_assert_cmpint (kind, ==, parse.kind);
      g_assert_cmpint (parse.kind, ==, c->kind);
      g_assert_cmpint (parse.reason, ==, c->reason);
      if (c->value != NULL)
        g_assert_cmpstr (parse.value, ==, c->value);
      g_assert_cmpstr (parse.suggestion, ==, c->suggestion ? c->suggestion : "");
      g_assert_cmpint (parse.padded, ==, c->padded);

      /* A well-formed RUC is exactly what rv_ruc_is_valid() accepts. */
      if (kind == RV_ID_KIND_RUC)
        g_assert_true (rv_ruc_is_valid (parse.value));
      /* A suggestion is a valid RUC, never the value itself. */
      if (parse.suggestion[0] != 0)
        {
          g_assert_true (rv_ruc_is_valid (parse.suggestion));
          g_assert_cmpstr (parse.suggestion, !=, parse.value);
          g_assert_false (rv_ruc_is_valid (parse.value));
        }
    }

  g_assert_cmpuint (G_N_ELEMENTS (parse_cases), >=, 40);
}

static void
test_parse_long_input (void)
{
  RvRucParse parse;
  g_autofree char *many_digits = g_strnfill (30, '1');
  g_autofree char *huge = g_strnfill (100000, '2');

  rv_ruc_parse (many_digits, &parse);
  g_assert_cmpint (parse.reason, ==, RV_RUC_REASON_LENGTH);
  g_assert_cmpuint (parse.n_digits, ==, 30);
  g_assert_cmpuint (strlen (parse.value), ==, sizeof parse.value - 1);

  rv_ruc_parse (huge, &parse);
  g_assert_cmpint (parse.reason, ==, RV_RUC_REASON_NOT_A_NUMBER);

  rv_ruc_parse ("1E99999999999999999999", &parse);
  g_assert_cmpint (parse.kind, ==, RV_ID_KIND_NONE);
}

static void
test_check_digit (void)
{
  g_assert_cmpint (rv_ruc_compute_check_digit ("2013131295"), ==, 5);
  g_assert_cmpint (rv_ruc_compute_check_digit ("20131312955"), ==, 5);
  g_assert_cmpint (rv_ruc_compute_check_digit ("1005414828"), ==, 9);
  g_assert_cmpint (rv_ruc_compute_check_digit ("17155542071"), ==, 1);
  g_assert_cmpint (rv_ruc_compute_check_digit ("20131"), ==, -1);
  g_assert_cmpint (rv_ruc_compute_check_digit ("20131x12955"), ==, -1);

  g_assert_true (rv_ruc_is_valid ("20131312955"));
  g_assert_false (rv_ruc_is_valid ("20131312956"));
  g_assert_false (rv_ruc_is_valid ("99512333792"));
  g_assert_false (rv_ruc_is_valid (" 20131312955"));
  g_assert_false (rv_ruc_is_valid ("2013131295"));
  g_assert_false (rv_ruc_is_valid (NULL));
}

/* Every prefix with every check digit: exactly one of the ten is valid, and it is the
 * one rv_ruc_parse() suggests for the nine others.
 */
static void
test_check_digit_exhaustive (void)
{
  static const char *prefixes[] = { "10", "15", "16", "17", "20" };
  GRand *rand = g_rand_new_with_seed (20131312);

  for (guint p = 0; p < G_N_ELEMENTS (prefixes); p++)
    for (guint n = 0; n < 200; n++)
      {
        char ruc[12];
        guint n_valid = 0;
        char valid_digit = 0;

        g_snprintf (ruc, sizeof ruc, "%s%08u0", prefixes[p], g_rand_int_range (rand, 0, 100000000));
        for (char d = '0'; d <= '9'; d++)
          {
            ruc[10] = d;
            if (rv_ruc_is_valid (ruc))
              {
                n_valid++;
                valid_digit = d;
              }
          }
        g_assert_cmpuint (n_valid, ==, 1);

        for (char d = '0'; d <= '9'; d++)
          {
            RvRucParse parse;

            ruc[10] = d;
            rv_ruc_parse (ruc, &parse);
            if (d == valid_digit)
              g_assert_cmpint (parse.kind, ==, RV_ID_KIND_RUC);
            else
              {
                g_assert_cmpint (parse.reason, ==, RV_RUC_REASON_CHECK_DIGIT);
                g_assert_cmpint (parse.suggestion[10], ==, valid_digit);
                g_assert_cmpmem (parse.suggestion, 10, ruc, 10);
              }
          }
      }

  g_rand_free (rand);
}

static void
test_taxpayer_kind (void)
{
  g_assert_cmpint (rv_ruc_get_taxpayer_kind ("10054148289"), ==, RV_TAXPAYER_PERSON);
  g_assert_cmpint (rv_ruc_get_taxpayer_kind ("15000000000"), ==, RV_TAXPAYER_PERSON_OTHER);
  g_assert_cmpint (rv_ruc_get_taxpayer_kind ("16000000000"), ==, RV_TAXPAYER_PERSON_OTHER);
  g_assert_cmpint (rv_ruc_get_taxpayer_kind ("17155542071"), ==, RV_TAXPAYER_PERSON_OTHER);
  g_assert_cmpint (rv_ruc_get_taxpayer_kind ("20131312955"), ==, RV_TAXPAYER_COMPANY);
  g_assert_cmpint (rv_ruc_get_taxpayer_kind ("99512333792"), ==, RV_TAXPAYER_UNKNOWN);
  g_assert_cmpint (rv_ruc_get_taxpayer_kind ("1"), ==, RV_TAXPAYER_UNKNOWN);
}

static void
test_from_dni (void)
{
  char ruc[12];

  g_assert_true (rv_ruc_from_dni ("05414828", ruc));
  g_assert_cmpstr (ruc, ==, "10054148289");
  g_assert_true (rv_ruc_is_valid (ruc));

  g_assert_true (rv_ruc_from_dni ("07654321", ruc));
  g_assert_true (rv_ruc_is_valid (ruc));
  g_assert_true (g_str_has_prefix (ruc, "1007654321"));

  g_assert_false (rv_ruc_from_dni ("7654321", ruc));
  g_assert_false (rv_ruc_from_dni ("0765432a", ruc));
}

static void
test_reasons (void)
{
  static const struct { const char *input; const char *needle; } cases[] = {
    { "20131312955", "company" },
    { "10054148289", "natural person" },
    { "17155542071", "without a DNI" },
    { "12345678", "DNI" },
    { "1234567", "leading zero" },
    { "", "Empty" },
    { "abc", "Not a number" },
    { "2013131295", "10 digits" },
    { "1", "1 digit" },
    { "99512333792", "99" },
    { "20131312956", "check digit" },
    { "2.01E+10", "rounded" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      RvRucParse parse;
      g_autofree char *reason = NULL;

      rv_ruc_parse (cases[i].input, &parse);
      reason = rv_ruc_parse_dup_reason (&parse);
      g_test_message ("%s → %s", cases[i].input, reason);
      g_assert_nonnull (strstr (reason, cases[i].needle));
    }
}

static void
test_enum_types (void)
{
  g_autofree char *kind = g_enum_to_string (RV_TYPE_ID_KIND, RV_ID_KIND_DNI);
  g_autofree char *reason = g_enum_to_string (RV_TYPE_RUC_REASON, RV_RUC_REASON_CHECK_DIGIT);
  g_autofree char *taxpayer = g_enum_to_string (RV_TYPE_TAXPAYER_KIND, RV_TAXPAYER_COMPANY);

  g_assert_cmpstr (kind, ==, "RV_ID_KIND_DNI");
  g_assert_cmpstr (reason, ==, "RV_RUC_REASON_CHECK_DIGIT");
  g_assert_cmpstr (taxpayer, ==, "RV_TAXPAYER_COMPANY");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ruc/parse/table", test_parse_table);
  g_test_add_func ("/ruc/parse/long-input", test_parse_long_input);
  g_test_add_func ("/ruc/check-digit/vectors", test_check_digit);
  g_test_add_func ("/ruc/check-digit/exhaustive", test_check_digit_exhaustive);
  g_test_add_func ("/ruc/taxpayer-kind", test_taxpayer_kind);
  g_test_add_func ("/ruc/from-dni", test_from_dni);
  g_test_add_func ("/ruc/reasons", test_reasons);
  g_test_add_func ("/ruc/enum-types", test_enum_types);

  return g_test_run ();
}
