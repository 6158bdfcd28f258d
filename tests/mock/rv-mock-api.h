/* rv-mock-api.h
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

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * RvMockFault:
 * @RV_MOCK_FAULT_5XX: answer 500, 502 or 503
 * @RV_MOCK_FAULT_HANG: never answer (the client's timeout must end it)
 * @RV_MOCK_FAULT_MALFORMED: answer 200 with JSON cut in the middle
 * @RV_MOCK_FAULT_DROP: close the connection without an answer
 * @RV_MOCK_FAULT_401: answer 401 {"message": "Unauthenticated."}
 */
typedef enum
{
  RV_MOCK_FAULT_5XX,
  RV_MOCK_FAULT_HANG,
  RV_MOCK_FAULT_MALFORMED,
  RV_MOCK_FAULT_DROP,
  RV_MOCK_FAULT_401,
  RV_MOCK_N_FAULTS,
} RvMockFault;

/**
 * RvMockAnswer:
 * What the mock says of a well-formed RUC it is not told otherwise about, decided from the
 * RUC's digits so that tests know the expected verdict: see rv_mock_api_expected_answer().
 */
typedef enum
{
  RV_MOCK_ANSWER_VALID,        /* ACTIVO, HABIDO */
  RV_MOCK_ANSWER_OBSERVED,     /* BAJA DE OFICIO or NO HABIDO */
  RV_MOCK_ANSWER_NOT_FOUND,    /* 404 */
  RV_MOCK_ANSWER_BAD_FORMAT,   /* 422: not 11 digits */
} RvMockAnswer;

typedef struct
{
  guint  requests;           /* every request received, faults and 429s included */
  guint  answered;           /* requests answered 200 or 404 with a real answer */
  guint  rate_limited;       /* 429 answers */
  guint  faults[RV_MOCK_N_FAULTS];
  guint  max_in_flight;      /* most requests received and not yet answered at once */
  guint  in_flight;
  guint  unique_rucs;        /* distinct RUCs asked */
  guint  repeated_rucs;      /* distinct RUCs asked more than once */
  guint  repeated_answered;  /* distinct RUCs answered (200/404) more than once */
  guint  max_per_window;     /* most requests accepted (not 429) in any rate window */
} RvMockStats;

#define RV_TYPE_MOCK_API (rv_mock_api_get_type ())

G_DECLARE_FINAL_TYPE (RvMockApi, rv_mock_api, RV, MOCK_API, GObject)

RvMockApi    *rv_mock_api_new              (void);
gboolean      rv_mock_api_listen           (RvMockApi          *self,
                                            guint               port,
                                            GError            **error);
char         *rv_mock_api_dup_base_url     (RvMockApi          *self);
void          rv_mock_api_set_token        (RvMockApi          *self,
                                            const char         *token);
void          rv_mock_api_set_latency      (RvMockApi          *self,
                                            guint               mean_ms,
                                            double              sigma);
void          rv_mock_api_set_rate_limit   (RvMockApi          *self,
                                            guint               per_minute,
                                            int                 retry_after_s);
void          rv_mock_api_set_rate_window  (RvMockApi          *self,
                                            guint               window_ms);
void          rv_mock_api_set_fault        (RvMockApi          *self,
                                            RvMockFault         fault,
                                            double              probability);
void          rv_mock_api_set_max_faults   (RvMockApi          *self,
                                            guint               max_faults);
void          rv_mock_api_set_seed         (RvMockApi          *self,
                                            guint32             seed);
void          rv_mock_api_set_answer       (RvMockApi          *self,
                                            const char         *ruc,
                                            const char         *json_body,
                                            guint               status);
void          rv_mock_api_get_stats        (RvMockApi          *self,
                                            RvMockStats        *stats);
char         *rv_mock_api_dup_stats_json   (RvMockApi          *self);
guint         rv_mock_api_count_ruc        (RvMockApi          *self,
                                            const char         *ruc);
GArray       *rv_mock_api_get_request_times (RvMockApi         *self);
void          rv_mock_api_reset_stats      (RvMockApi          *self);
void          rv_mock_api_release_hung     (RvMockApi          *self);

RvMockAnswer  rv_mock_api_expected_answer  (const char         *ruc);
gboolean      rv_mock_api_parse_options    (RvMockApi          *self,
                                            int                *argc,
                                            char             ***argv,
                                            guint              *port,
                                            GError            **error);

G_END_DECLS
