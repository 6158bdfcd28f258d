/* rv-record.h
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
 * RvVerdict:
 * @RV_VERDICT_VALID: found; estado ACTIVO and condición HABIDO
 * @RV_VERDICT_OBSERVED: found, but not ACTIVO or not HABIDO
 * @RV_VERDICT_NOT_FOUND: well formed, but no such taxpayer
 * @RV_VERDICT_INVALID: wrong length, prefix or check digit, or not a number; decided offline
 * @RV_VERDICT_PENDING: the lookup could not be completed
 *
 * The one verdict each row ends with. An outage is never %RV_VERDICT_NOT_FOUND
 * or %RV_VERDICT_INVALID.
 */
typedef enum
{
  RV_VERDICT_VALID,
  RV_VERDICT_OBSERVED,
  RV_VERDICT_NOT_FOUND,
  RV_VERDICT_INVALID,
  RV_VERDICT_PENDING,
  RV_N_VERDICTS,
} RvVerdict;

/**
 * RvSource:
 * @RV_SOURCE_NONE: not answered yet
 * @RV_SOURCE_API: answered now by an online provider
 * @RV_SOURCE_CACHE: answered from the local database
 * @RV_SOURCE_PADRON: answered by SUNAT's padrón reducido
 * @RV_SOURCE_OFFLINE: decided without asking anyone (check digits)
 */
typedef enum
{
  RV_SOURCE_NONE,
  RV_SOURCE_API,
  RV_SOURCE_CACHE,
  RV_SOURCE_PADRON,
  RV_SOURCE_OFFLINE,
} RvSource;

/**
 * RvField:
 *
 * The fields of a taxpayer record, in the order of the APIMIGO answer. The padrón
 * has the first fifteen (with its DEPARTAMENTO, the flat number, as
 * %RV_FIELD_APARTMENT); the rest come from APIMIGO only.
 */
typedef enum
{
  RV_FIELD_NAME,            /* nombre_o_razon_social */
  RV_FIELD_STATE,           /* estado_del_contribuyente */
  RV_FIELD_CONDITION,       /* condicion_de_domicilio */
  RV_FIELD_UBIGEO,          /* ubigeo */
  RV_FIELD_VIA_TYPE,        /* tipo_de_via */
  RV_FIELD_VIA_NAME,        /* nombre_de_via */
  RV_FIELD_ZONE_CODE,       /* codigo_de_zona */
  RV_FIELD_ZONE_TYPE,       /* tipo_de_zona */
  RV_FIELD_NUMBER,          /* numero */
  RV_FIELD_INTERIOR,        /* interior */
  RV_FIELD_LOT,             /* lote */
  RV_FIELD_APARTMENT,       /* dpto */
  RV_FIELD_BLOCK,           /* manzana */
  RV_FIELD_KILOMETER,       /* kilometro */
  RV_FIELD_DISTRICT,        /* distrito */
  RV_FIELD_PROVINCE,        /* provincia */
  RV_FIELD_REGION,          /* departamento */
  RV_FIELD_ADDRESS_SIMPLE,  /* direccion_simple */
  RV_FIELD_ADDRESS,         /* direccion */
  RV_N_FIELDS,
} RvField;

typedef struct _RvRecord RvRecord;

#define RV_TYPE_VERDICT (rv_verdict_get_type ())
#define RV_TYPE_SOURCE  (rv_source_get_type ())
#define RV_TYPE_FIELD   (rv_field_get_type ())
#define RV_TYPE_RECORD  (rv_record_get_type ())

GType        rv_verdict_get_type        (void) G_GNUC_CONST;
GType        rv_source_get_type         (void) G_GNUC_CONST;
GType        rv_field_get_type          (void) G_GNUC_CONST;
GType        rv_record_get_type         (void) G_GNUC_CONST;

const char  *rv_verdict_get_nick        (RvVerdict        verdict);
const char  *rv_verdict_get_label       (RvVerdict        verdict);
gboolean     rv_verdict_from_nick       (const char      *nick,
                                         RvVerdict       *verdict);
const char  *rv_source_get_nick         (RvSource         source);
gboolean     rv_source_from_nick        (const char      *nick,
                                         RvSource        *source);
const char  *rv_field_get_key           (RvField          field);
const char  *rv_field_get_label         (RvField          field);

RvRecord    *rv_record_new              (const char      *ruc,
                                         gboolean         found);
RvRecord    *rv_record_copy             (const RvRecord  *self);
RvRecord    *rv_record_ref              (RvRecord        *self);
void         rv_record_unref            (RvRecord        *self);
const char  *rv_record_get_ruc          (const RvRecord  *self);
gboolean     rv_record_get_found        (const RvRecord  *self);
const char  *rv_record_get_field        (const RvRecord  *self,
                                         RvField          field);
void         rv_record_set_field        (RvRecord        *self,
                                         RvField          field,
                                         const char      *value);
const char  *rv_record_get_as_of        (const RvRecord  *self);
void         rv_record_set_as_of        (RvRecord        *self,
                                         const char      *as_of);
gint64       rv_record_get_checked_at   (const RvRecord  *self);
void         rv_record_set_checked_at   (RvRecord        *self,
                                         gint64           checked_at);
RvSource     rv_record_get_source       (const RvRecord  *self);
void         rv_record_set_source       (RvRecord        *self,
                                         RvSource         source);
const char  *rv_record_get_provider     (const RvRecord  *self);
void         rv_record_set_provider     (RvRecord        *self,
                                         const char      *provider);
RvVerdict    rv_record_get_verdict      (const RvRecord  *self);
char        *rv_record_dup_reason       (const RvRecord  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RvRecord, rv_record_unref)

G_END_DECLS
