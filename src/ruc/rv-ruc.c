/* rv-ruc.c
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

#define G_LOG_DOMAIN "rv-ruc"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "rv-ruc.h"

/* A cell longer than this is text, not a number a spreadsheet mangled. */
#define MAX_CELL_CHARS 128
#define MAX_DIGITS     (sizeof (((RvRucParse *) NULL)->value) - 1)

G_DEFINE_ENUM_TYPE (RvIdKind, rv_id_kind,
  G_DEFINE_ENUM_VALUE (RV_ID_KIND_NONE, "none"),
  G_DEFINE_ENUM_VALUE (RV_ID_KIND_RUC, "ruc"),
  G_DEFINE_ENUM_VALUE (RV_ID_KIND_DNI, "dni"))

G_DEFINE_ENUM_TYPE (RvRucReason, rv_ruc_reason,
  G_DEFINE_ENUM_VALUE (RV_RUC_REASON_NONE, "none"),
  G_DEFINE_ENUM_VALUE (RV_RUC_REASON_EMPTY, "empty"),
  G_DEFINE_ENUM_VALUE (RV_RUC_REASON_NOT_A_NUMBER, "not-a-number"),
  G_DEFINE_ENUM_VALUE (RV_RUC_REASON_LENGTH, "length"),
  G_DEFINE_ENUM_VALUE (RV_RUC_REASON_PREFIX, "prefix"),
  G_DEFINE_ENUM_VALUE (RV_RUC_REASON_CHECK_DIGIT, "check-digit"),
  G_DEFINE_ENUM_VALUE (RV_RUC_REASON_ROUNDED, "rounded"))

G_DEFINE_ENUM_TYPE (RvTaxpayerKind, rv_taxpayer_kind,
  G_DEFINE_ENUM_VALUE (RV_TAXPAYER_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (RV_TAXPAYER_PERSON, "person"),
  G_DEFINE_ENUM_VALUE (RV_TAXPAYER_PERSON_OTHER, "person-other"),
  G_DEFINE_ENUM_VALUE (RV_TAXPAYER_COMPANY, "company"))

static const int check_weights[10] = { 5, 4, 3, 2, 7, 6, 5, 4, 3, 2 };

/* Folds one character of a cell to the ASCII alphabet the parser works on:
 * digits of any script become ASCII digits, full-width forms their ASCII twins,
 * dashes '-', quotes '\'', the ordinal signs of "N°" '#', accented letters their
 * capital base letter. Blanks of every kind (NBSP, thin spaces, zero-width ones,
 * BOM) fold to 0, meaning "drop". Anything else becomes '?'.
 */
static char
fold_char (gunichar c)
{
  int digit;

  if (c < 0x80)
    {
      if (g_ascii_isspace (c) || c == 0)
        return 0;
      if (g_ascii_isalpha (c))
        return g_ascii_toupper (c);
      if (c == '"' || c == '`')
        return '\'';
      if (c == '_')
        return '-';
      return (char) c;
    }

  /* Full-width ASCII (what a Japanese or Chinese input method types). */
  if (c >= 0xFF01 && c <= 0xFF5E)
    return fold_char (c - 0xFEE0);

  if (g_unichar_isspace (c) || c == 0x00A0 || c == 0x2007 || c == 0x202F ||
      c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF)
    return 0;

  if ((digit = g_unichar_digit_value (c)) >= 0)
    return '0' + digit;

  switch (c)
    {
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
    case 0x2212: case 0xFE63:
      return '-';
    case 0x2018: case 0x2019: case 0x201C: case 0x201D: case 0x00B4:
      return '\'';
    case 0x00B0: case 0x00BA: case 0x00AA:
      return '#';
    default:
      break;
    }

  if (g_unichar_isalpha (c))
    {
      gunichar decomposed[4];
      gsize n = g_unichar_fully_decompose (c, FALSE, decomposed, G_N_ELEMENTS (decomposed));

      if (n > 0 && decomposed[0] < 0x80 && g_ascii_isalpha (decomposed[0]))
        return g_ascii_toupper (decomposed[0]);
    }

  return '?';
}

/* Letters of a label such as "RUC:", "R.U.C.", "N° RUC", "Nro. Doc." or "DNI". */
static gboolean
is_known_label (const char *letters)
{
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    {
      GRegex *r = g_regex_new ("^(?:N|NO|NRO|NUM|NUMERO)?(?:DE|DEL)?"
                               "(?:RUC|DNI|DOC|DOCUMENTO|DOCUMENTODEIDENTIDAD)?"
                               "(?:N|NO|NRO)?$",
                               G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, r);
    }

  return letters[0] != 0 && g_regex_match (regex, letters, 0, NULL);
}

static gboolean
all_zeros (const char *s,
           gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (s[i] != '0')
      return FALSE;
  return TRUE;
}

static void
set_digits (RvRucParse *out,
            const char *digits,
            gsize       len)
{
  out->n_digits = len;
  memcpy (out->value, digits, MIN (len, MAX_DIGITS));
  out->value[MIN (len, MAX_DIGITS)] = 0;
}

static RvIdKind
fail (RvRucParse  *out,
      RvRucReason  reason)
{
  out->kind = RV_ID_KIND_NONE;
  out->reason = reason;
  return RV_ID_KIND_NONE;
}

/* Reads "2.0131312955E10" (also "2,0131312955E+10") exactly, as digits.
 * Returns FALSE when @s is not in scientific notation at all.
 */
static gboolean
parse_scientific (const char  *s,
                  GString     *digits,
                  RvRucReason *reason)
{
  const char *e = strchr (s, 'E');
  const char *p;
  const char *sep = NULL;
  gsize int_len, frac_len;
  guint64 exponent = 0;

  *reason = RV_RUC_REASON_NONE;

  if (e == NULL || e == s)
    return FALSE;

  for (p = s; p < e; p++)
    {
      if ((*p == '.' || *p == ',') && sep == NULL && p != s)
        sep = p;
      else if (!g_ascii_isdigit (*p))
        return FALSE;
    }

  p = e + 1;
  if (*p == '+')
    p++;
  if (*p == 0)
    return FALSE;
  for (; *p; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      exponent = exponent * 10 + (*p - '0');
      if (exponent > 40)
        {
          *reason = RV_RUC_REASON_LENGTH;
          return TRUE;
        }
    }

  int_len = (sep ? sep : e) - s;
  frac_len = sep ? (gsize) (e - sep - 1) : 0;
  g_string_append_len (digits, s, int_len);

  if (frac_len > exponent)
    {
      /* The mantissa has more decimals than the exponent shifts: a fraction. */
      g_string_append_len (digits, sep + 1, exponent);
      if (!all_zeros (sep + 1 + exponent, frac_len - exponent))
        *reason = RV_RUC_REASON_NOT_A_NUMBER;
    }
  else
    {
      gsize padding = exponent - frac_len;

      if (frac_len > 0)
        g_string_append_len (digits, sep + 1, frac_len);
      for (gsize i = 0; i < padding; i++)
        g_string_append_c (digits, '0');

      /* "2.01313E+10" is what Excel shows in a narrow column: the last digits of the
       * RUC are gone. One padded zero is what a full-precision writer produces for a
       * number that ends in zero (2.013131295E10), so that one is read as exact and
       * the check digit decides.
       */
      if (padding > 1)
        *reason = RV_RUC_REASON_ROUNDED;
    }

  return TRUE;
}

/* Reads digits with separators: "20131312955", "20.131.312.955", "20131312955.0",
 * "20131312955,00", "20-13131295-5", "2013 1312 955".
 */
static gboolean
parse_plain (const char  *s,
             GString     *digits)
{
  const char *last_sep = NULL;
  guint n_seps = 0;
  gboolean decimal = FALSE;
  gsize int_digits = 0;

  for (const char *p = s; *p; p++)
    {
      if (*p == '.' || *p == ',')
        {
          n_seps++;
          last_sep = p;
        }
      else if (*p != '-' && *p != '/' && !g_ascii_isdigit (*p))
        return FALSE;
    }

  if (last_sep != NULL)
    {
      gsize frac_len = strlen (last_sep + 1);
      gboolean frac_digits_only = strspn (last_sep + 1, "0123456789") == frac_len;
      gboolean mixed = FALSE;

      for (const char *p = s; p < last_sep; p++)
        {
          if (g_ascii_isdigit (*p))
            int_digits++;
          else if ((*p == '.' || *p == ',') && *p != *last_sep)
            mixed = TRUE;
        }

      /* One separator not followed by a group of three digits, or a final separator of
       * another kind than the grouping ones ("20,131,312,955.00"), is a decimal point.
       * A group of three zeros is a decimal point only if what stands before it has the
       * length of a RUC or a DNI ("20131312955.000" but "7.654.000" is a DNI).
       */
      if (frac_len > 0 && frac_digits_only)
        {
          if ((n_seps == 1 || mixed) && frac_len != 3)
            decimal = TRUE;
          else if ((n_seps == 1 || mixed) && all_zeros (last_sep + 1, 3) &&
                   (int_digits == 7 || int_digits == 8 || int_digits == 11))
            decimal = TRUE;
        }

      if (decimal && !all_zeros (last_sep + 1, frac_len))
        return FALSE;
    }

  for (const char *p = s; *p && !(decimal && p == last_sep); p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);

  return digits->len > 0;
}

/**
 * rv_ruc_compute_check_digit:
 * @digits: at least the first ten digits of a RUC
 *
 * Computes SUNAT's check digit over the first ten digits:
 * weights 5,4,3,2,7,6,5,4,3,2 and `(11 - sum % 11) % 10`.
 *
 * Returns: the check digit (0 to 9), or -1 if @digits does not start with ten digits
 */
int
rv_ruc_compute_check_digit (const char *digits)
{
  int sum = 0;

  g_return_val_if_fail (digits != NULL, -1);

  for (guint i = 0; i < 10; i++)
    {
      if (!g_ascii_isdigit (digits[i]))
        return -1;
      sum += (digits[i] - '0') * check_weights[i];
    }

  return (11 - sum % 11) % 10;
}

/**
 * rv_ruc_get_taxpayer_kind:
 * @ruc: eleven digits
 *
 * Returns: the kind of taxpayer the prefix of @ruc stands for
 */
RvTaxpayerKind
rv_ruc_get_taxpayer_kind (const char *ruc)
{
  g_return_val_if_fail (ruc != NULL, RV_TAXPAYER_UNKNOWN);

  if (ruc[0] == '1' && ruc[1] == '0')
    return RV_TAXPAYER_PERSON;
  if (ruc[0] == '1' && (ruc[1] == '5' || ruc[1] == '6' || ruc[1] == '7'))
    return RV_TAXPAYER_PERSON_OTHER;
  if (ruc[0] == '2' && ruc[1] == '0')
    return RV_TAXPAYER_COMPANY;
  return RV_TAXPAYER_UNKNOWN;
}

/**
 * rv_ruc_is_valid:
 * @ruc: (nullable): a string
 *
 * Returns: %TRUE if @ruc is exactly eleven digits with a known prefix and the right
 *   check digit; no cleaning is done
 */
gboolean
rv_ruc_is_valid (const char *ruc)
{
  if (ruc == NULL || strlen (ruc) != 11 || strspn (ruc, "0123456789") != 11)
    return FALSE;

  return rv_ruc_get_taxpayer_kind (ruc) != RV_TAXPAYER_UNKNOWN &&
         rv_ruc_compute_check_digit (ruc) == ruc[10] - '0';
}

/**
 * rv_ruc_from_dni:
 * @dni: eight digits
 * @ruc: (out caller-allocates): room for the RUC and its nul
 *
 * Builds the RUC a natural person with DNI @dni has when registered:
 * `10`, the DNI, and the check digit. The taxpayer may not exist.
 *
 * Returns: %TRUE if @dni is eight digits
 */
gboolean
rv_ruc_from_dni (const char *dni,
                 char        ruc[12])
{
  g_return_val_if_fail (dni != NULL, FALSE);
  g_return_val_if_fail (ruc != NULL, FALSE);

  if (strlen (dni) != 8 || strspn (dni, "0123456789") != 8)
    return FALSE;

  ruc[0] = '1';
  ruc[1] = '0';
  memcpy (ruc + 2, dni, 8);
  ruc[10] = '0' + rv_ruc_compute_check_digit (ruc);
  ruc[11] = 0;
  return TRUE;
}

static RvIdKind
classify_digits (RvRucParse *out,
                 const char *digits,
                 gsize       len)
{
  /* ERP exports pad identifiers with zeros to a fixed width. */
  while (len > 11 && digits[0] == '0')
    digits++, len--;
  while ((len == 9 || len == 10) && digits[0] == '0')
    digits++, len--;
  if (len == 11 && digits[0] == '0' && digits[1] == '0' && digits[2] == '0')
    digits += 3, len -= 3;

  set_digits (out, digits, len);

  if (len == 8 || len == 7)
    {
      if (len == 7)
        {
          /* A DNI stored as a number loses its leading zero. */
          out->value[0] = '0';
          memcpy (out->value + 1, digits, 7);
          out->value[8] = 0;
          out->padded = TRUE;
        }
      out->kind = RV_ID_KIND_DNI;
      out->reason = RV_RUC_REASON_NONE;
      return RV_ID_KIND_DNI;
    }

  if (len != 11)
    return fail (out, RV_RUC_REASON_LENGTH);

  if (rv_ruc_get_taxpayer_kind (digits) == RV_TAXPAYER_UNKNOWN)
    return fail (out, RV_RUC_REASON_PREFIX);

  if (rv_ruc_compute_check_digit (digits) != digits[10] - '0')
    {
      memcpy (out->suggestion, digits, 10);
      out->suggestion[10] = '0' + rv_ruc_compute_check_digit (digits);
      out->suggestion[11] = 0;
      return fail (out, RV_RUC_REASON_CHECK_DIGIT);
    }

  out->kind = RV_ID_KIND_RUC;
  out->reason = RV_RUC_REASON_NONE;
  return RV_ID_KIND_RUC;
}

/**
 * rv_ruc_parse:
 * @raw: (nullable): the text of a spreadsheet cell
 * @out: (out caller-allocates): where to put the result
 *
 * Turns a cell into a normalised RUC, a DNI, or an unusable value with a reason.
 * It reads what spreadsheets produce: numbers with ".0", exact scientific notation,
 * leading apostrophes, blanks (NBSP too), dots, dashes, a "RUC:" or "R.U.C." label,
 * full-width digits, `="…"` text formulas, zero padding, and a DNI that lost its
 * leading zero. It never corrects a check digit: the correction is only offered
 * in @out->suggestion.
 *
 * Returns: @out->kind
 */
RvIdKind
rv_ruc_parse (const char *raw,
              RvRucParse *out)
{
  char folded[MAX_CELL_CHARS + 1];
  const char *rest;
  gsize n = 0;
  g_autoptr(GString) digits = NULL;
  RvRucReason reason = RV_RUC_REASON_NONE;

  g_return_val_if_fail (out != NULL, RV_ID_KIND_NONE);

  memset (out, 0, sizeof *out);

  if (raw == NULL)
    return fail (out, RV_RUC_REASON_EMPTY);

  for (const char *p = raw; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);
      char f;

      if (c == (gunichar) -1 || c == (gunichar) -2)
        return fail (out, RV_RUC_REASON_NOT_A_NUMBER);

      /* Apostrophes and quotes only ever frame a number ('20131312955, ="2013…"). */
      if ((f = fold_char (c)) == 0 || f == '\'')
        continue;

      if (n == MAX_CELL_CHARS)
        return fail (out, RV_RUC_REASON_NOT_A_NUMBER);
      folded[n++] = f;
    }
  folded[n] = 0;

  if (n == 0)
    return fail (out, RV_RUC_REASON_EMPTY);

  rest = folded;
  if (*rest == '=')
    rest++;

  /* A label before the number: "RUC:", "R.U.C.", "N° RUC", "Nro. Doc.", "DNI". */
  if (g_ascii_isalpha (*rest))
    {
      char letters[MAX_CELL_CHARS + 1];
      gsize n_letters = 0;

      for (; *rest && !g_ascii_isdigit (*rest); rest++)
        {
          if (g_ascii_isalpha (*rest))
            letters[n_letters++] = *rest;
          else if (*rest != '.' && *rest != ':' && *rest != '#' && *rest != '-')
            return fail (out, RV_RUC_REASON_NOT_A_NUMBER);
        }
      letters[n_letters] = 0;

      if (!is_known_label (letters) || *rest == 0)
        return fail (out, RV_RUC_REASON_NOT_A_NUMBER);
    }

  digits = g_string_sized_new (24);

  if (parse_scientific (rest, digits, &reason))
    {
      if (reason != RV_RUC_REASON_NONE)
        {
          set_digits (out, digits->str, digits->len);
          return fail (out, reason);
        }
    }
  else if (!parse_plain (rest, digits))
    return fail (out, RV_RUC_REASON_NOT_A_NUMBER);

  return classify_digits (out, digits->str, digits->len);
}

/**
 * rv_ruc_parse_dup_reason:
 * @parse: a result of rv_ruc_parse()
 *
 * Returns: (transfer full): one translated sentence saying what the value is or why
 *   it cannot be used
 */
char *
rv_ruc_parse_dup_reason (const RvRucParse *parse)
{
  g_return_val_if_fail (parse != NULL, NULL);

  switch (parse->reason)
    {
    case RV_RUC_REASON_NONE:
      if (parse->kind == RV_ID_KIND_DNI)
        return g_strdup (parse->padded
                         ? _("DNI that lost its leading zero")
                         : _("DNI, not a RUC"));
      switch (rv_ruc_get_taxpayer_kind (parse->value))
        {
        case RV_TAXPAYER_PERSON:
          return g_strdup (_("Well-formed RUC of a natural person"));
        case RV_TAXPAYER_PERSON_OTHER:
          return g_strdup (_("Well-formed RUC of a natural person without a DNI"));
        case RV_TAXPAYER_COMPANY:
          return g_strdup (_("Well-formed RUC of a company"));
        case RV_TAXPAYER_UNKNOWN:
        default:
          g_return_val_if_reached (NULL);
        }

    case RV_RUC_REASON_EMPTY:
      return g_strdup (_("Empty cell"));

    case RV_RUC_REASON_NOT_A_NUMBER:
      return g_strdup (_("Not a number"));

    case RV_RUC_REASON_LENGTH:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Wrong length: %u digit (a RUC has 11, a DNI 8)",
                                           "Wrong length: %u digits (a RUC has 11, a DNI 8)",
                                           parse->n_digits),
                              parse->n_digits);

    case RV_RUC_REASON_PREFIX:
      /* Translators: %.2s is the first two digits of the number. */
      return g_strdup_printf (_("Unknown prefix %.2s (a RUC starts with 10, 15, 16, 17 or 20)"),
                              parse->value);

    case RV_RUC_REASON_CHECK_DIGIT:
      return g_strdup (_("Wrong check digit"));

    case RV_RUC_REASON_ROUNDED:
      return g_strdup (_("The spreadsheet rounded this number: its last digits are lost"));

    default:
      g_return_val_if_reached (NULL);
    }
}
