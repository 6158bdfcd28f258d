/* rv-ruc.h
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

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * RvIdKind:
 * @RV_ID_KIND_NONE: the value is not a usable identifier; see #RvRucReason
 * @RV_ID_KIND_RUC: an 11-digit RUC with a valid prefix and check digit
 * @RV_ID_KIND_DNI: an 8-digit DNI (possibly one that lost its leading zero)
 */
typedef enum
{
  RV_ID_KIND_NONE,
  RV_ID_KIND_RUC,
  RV_ID_KIND_DNI,
} RvIdKind;

/**
 * RvRucReason:
 * @RV_RUC_REASON_NONE: well formed
 * @RV_RUC_REASON_EMPTY: nothing but blanks
 * @RV_RUC_REASON_NOT_A_NUMBER: letters, a fraction or other text
 * @RV_RUC_REASON_LENGTH: neither 11 (RUC) nor 7 or 8 (DNI) digits
 * @RV_RUC_REASON_PREFIX: 11 digits, but not a RUC prefix (10, 15, 16, 17, 20)
 * @RV_RUC_REASON_CHECK_DIGIT: 11 digits with a RUC prefix, but the check digit is wrong
 * @RV_RUC_REASON_ROUNDED: a number the spreadsheet rounded (2.01E+10): its digits are lost
 */
typedef enum
{
  RV_RUC_REASON_NONE,
  RV_RUC_REASON_EMPTY,
  RV_RUC_REASON_NOT_A_NUMBER,
  RV_RUC_REASON_LENGTH,
  RV_RUC_REASON_PREFIX,
  RV_RUC_REASON_CHECK_DIGIT,
  RV_RUC_REASON_ROUNDED,
} RvRucReason;

/**
 * RvTaxpayerKind:
 * @RV_TAXPAYER_UNKNOWN: not a RUC
 * @RV_TAXPAYER_PERSON: prefix 10, a natural person identified by a DNI
 * @RV_TAXPAYER_PERSON_OTHER: prefixes 15, 16 and 17, a natural person with another document
 * @RV_TAXPAYER_COMPANY: prefix 20, a legal entity
 */
typedef enum
{
  RV_TAXPAYER_UNKNOWN,
  RV_TAXPAYER_PERSON,
  RV_TAXPAYER_PERSON_OTHER,
  RV_TAXPAYER_COMPANY,
} RvTaxpayerKind;

/**
 * RvRucParse:
 * @kind: what the cell holds
 * @reason: why it is not usable, or %RV_RUC_REASON_NONE
 * @n_digits: how many digits the cleaned value has
 * @padded: a 7-digit DNI given its lost leading zero back
 * @value: the normalised RUC (11 digits) or DNI (8 digits); for an unusable value,
 *   its digits when it had any (at most 20), else empty
 * @suggestion: for %RV_RUC_REASON_CHECK_DIGIT, the RUC with the right check digit;
 *   a suggestion only, never to be used in place of @value
 *
 * The result of rv_ruc_parse(): a plain value, meant to live on the stack.
 */
typedef struct
{
  RvIdKind    kind;
  RvRucReason reason;
  guint       n_digits;
  gboolean    padded;
  char        value[21];
  char        suggestion[12];
} RvRucParse;

GType           rv_id_kind_get_type         (void) G_GNUC_CONST;
GType           rv_ruc_reason_get_type      (void) G_GNUC_CONST;
GType           rv_taxpayer_kind_get_type   (void) G_GNUC_CONST;

RvIdKind        rv_ruc_parse                (const char       *raw,
                                             RvRucParse       *out);
int             rv_ruc_compute_check_digit  (const char       *digits);
gboolean        rv_ruc_is_valid             (const char       *ruc);
RvTaxpayerKind  rv_ruc_get_taxpayer_kind    (const char       *ruc);
gboolean        rv_ruc_from_dni             (const char       *dni,
                                             char              ruc[12]);
char           *rv_ruc_parse_dup_reason     (const RvRucParse *parse);

#define RV_TYPE_ID_KIND        (rv_id_kind_get_type ())
#define RV_TYPE_RUC_REASON     (rv_ruc_reason_get_type ())
#define RV_TYPE_TAXPAYER_KIND  (rv_taxpayer_kind_get_type ())

G_END_DECLS
