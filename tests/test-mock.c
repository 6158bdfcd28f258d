/* test-mock.c
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

/* The mock APIMIGO, seen from a real SoupSession as the application sees it. */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "rv-mock-api.h"

typedef struct
{
  RvMockApi   *api;
  SoupSession *session;
  char        *base_url;
} Fixture;

/* One request and what came of it. */
typedef struct
{
  SoupMessage *msg;
  GBytes      *body;
  GError      *error;
  gboolean     done;
  gint64       started;
  gint64       ended;
} Call;

static const char * const record_keys[] = {
  "ruc", "nombre_o_razon_social", "estado_del_contribuyente", "condicion_de_domicilio",
  "ubigeo", "tipo_de_via", "nombre_de_via", "codigo_de_zona", "tipo_de_zona", "numero",
  "interior", "lote", "dpto", "manzana", "kilometro", "distrito", "provincia",
  "departamento", "direccion_simple", "direccion", "actualizado_en",
};

static void
call_free (Call *call)
{
  g_clear_object (&call->msg);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_clear_error (&call->error);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->api = rv_mock_api_new ();
  rv_mock_api_listen (fixture->api, 0, &error);
  g_assert_no_error (error);
  fixture->base_url = rv_mock_api_dup_base_url (fixture->api);
  /* The connection limits are construct-only, and their defaults would serialise us. */
  fixture->session = soup_session_new_with_options ("max-conns", 64,
                                                    "max-conns-per-host", 64,
                                                    "timeout", 10,
                                                    NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->session);
  g_assert_finalize_object (fixture->api);
  g_free (fixture->base_url);
}

static void
on_call_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;

  call->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &call->error);
  call->ended = g_get_monotonic_time ();
  call->done = TRUE;
}

static Call *
call_start (Fixture    *fixture,
            const char *method,
            const char *path,
            const char *json)
{
  g_autofree char *url = g_strconcat (fixture->base_url, path, NULL);
  Call *call = g_new0 (Call, 1);

  call->msg = soup_message_new (method, url);
  g_assert_nonnull (call->msg);
  if (json != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (call->msg, "application/json", bytes);
    }
  call->started = g_get_monotonic_time ();
  soup_session_send_and_read_async (fixture->session, call->msg, G_PRIORITY_DEFAULT, NULL,
                                    on_call_done, call);
  return call;
}

static void
calls_wait (GPtrArray *calls)
{
  guint i;

  for (i = 0; i < calls->len; i++)
    {
      Call *call = g_ptr_array_index (calls, i);

      while (!call->done)
        g_main_context_iteration (NULL, TRUE);
    }
}

static Call *
call_sync (Fixture    *fixture,
           const char *method,
           const char *path,
           const char *json)
{
  Call *call = call_start (fixture, method, path, json);

  while (!call->done)
    g_main_context_iteration (NULL, TRUE);
  return call;
}

static char *
ruc_body (const char *token,
          const char *field,
          const char *value)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (token != NULL)
    {
      json_builder_set_member_name (builder, "token");
      json_builder_add_string_value (builder, token);
    }
  json_builder_set_member_name (builder, field);
  json_builder_add_string_value (builder, value);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static Call *
ask_ruc (Fixture    *fixture,
         const char *ruc)
{
  g_autofree char *json = ruc_body ("token", "ruc", ruc);

  return call_sync (fixture, "POST", "/api/v1/ruc", json);
}

static Call *
ask_ruc_async (Fixture    *fixture,
               const char *ruc)
{
  g_autofree char *json = ruc_body ("token", "ruc", ruc);

  return call_start (fixture, "POST", "/api/v1/ruc", json);
}

/* The body of @call as a JSON object, or NULL if it is not one. */
static JsonObject *
call_dup_object (Call *call)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gconstpointer data;
  gsize size;
  JsonNode *root;

  g_assert_no_error (call->error);
  data = g_bytes_get_data (call->body, &size);
  if (!json_parser_load_from_data (parser, data, size, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

/* The body of @call as a string (a GBytes from libsoup need not end with a NUL). */
static char *
call_dup_text (Call *call)
{
  g_assert_no_error (call->error);
  return g_strndup (g_bytes_get_data (call->body, NULL), g_bytes_get_size (call->body));
}

static guint
call_status (Call *call)
{
  g_assert_no_error (call->error);
  return soup_message_get_status (call->msg);
}

static void
assert_message (Call       *call,
                guint       status,
                gboolean    with_success,
                const char *message)
{
  g_autoptr(JsonObject) object = call_dup_object (call);

  g_assert_cmpuint (call_status (call), ==, status);
  g_assert_nonnull (object);
  if (with_success)
    g_assert_false (json_object_get_boolean_member (object, "success"));
  else
    g_assert_false (json_object_has_member (object, "success"));
  if (message != NULL)
    g_assert_cmpstr (json_object_get_string_member (object, "message"), ==, message);
  else
    g_assert_cmpuint (strlen (json_object_get_string_member (object, "message")), >, 0);
}

/* Spins the default context for @ms milliseconds. */
static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* Spins until the mock has received @n requests in all, or fails after @ms. */
static void
wait_requests (RvMockApi *api,
               guint      n,
               guint      ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  RvMockStats stats;

  for (;;)
    {
      rv_mock_api_get_stats (api, &stats);
      if (stats.requests >= n)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* Spins until the mock has nothing in flight, or fails after @ms. */
static void
wait_idle (RvMockApi *api,
           guint      ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  RvMockStats stats;

  for (;;)
    {
      rv_mock_api_get_stats (api, &stats);
      if (stats.in_flight == 0)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* A RUC with the right check digit: DESIGN.md's rule, computed here on its own. */
static char *
make_ruc (const char *prefix,
          guint       body)
{
  static const int weights[] = { 5, 4, 3, 2, 7, 6, 5, 4, 3, 2 };
  char ruc[12];
  int sum = 0;
  guint i;

  g_snprintf (ruc, sizeof ruc, "%s%08u", prefix, body % 100000000);
  for (i = 0; i < 10; i++)
    sum += (ruc[i] - '0') * weights[i];
  ruc[10] = '0' + (11 - sum % 11) % 10;
  ruc[11] = '\0';
  return g_strdup (ruc);
}

static guint32
fnv1a (const char *s)
{
  guint32 h = 2166136261u;

  for (; *s != '\0'; s++)
    {
      h ^= (guchar) *s;
      h *= 16777619u;
    }
  return h;
}

static void
test_expected_rule (void)
{
  static const char * const prefixes[] = { "10", "15", "16", "17", "20" };
  guint i;

  /* The rule as rv_mock_api_expected_answer() documents it. */
  for (i = 0; i < 500; i++)
    {
      g_autofree char *ruc = make_ruc (prefixes[i % 5], i * 7919 + 13);
      guint32 h = fnv1a (ruc) % 10;
      RvMockAnswer expected = h <= 6 ? RV_MOCK_ANSWER_VALID
                              : h <= 8 ? RV_MOCK_ANSWER_OBSERVED
                              : RV_MOCK_ANSWER_NOT_FOUND;

      if (g_str_equal (ruc, "20131312955"))
        expected = RV_MOCK_ANSWER_VALID;
      g_assert_cmpint (rv_mock_api_expected_answer (ruc), ==, expected);
    }

  g_assert_cmpint (rv_mock_api_expected_answer ("20131312955"), ==, RV_MOCK_ANSWER_VALID);
  g_assert_cmpint (rv_mock_api_expected_answer (NULL), ==, RV_MOCK_ANSWER_BAD_FORMAT);
  g_assert_cmpint (rv_mock_api_expected_answer (""), ==, RV_MOCK_ANSWER_BAD_FORMAT);
  g_assert_cmpint (rv_mock_api_expected_answer ("2013131295"), ==, RV_MOCK_ANSWER_BAD_FORMAT);
  g_assert_cmpint (rv_mock_api_expected_answer ("201313129550"), ==, RV_MOCK_ANSWER_BAD_FORMAT);
  g_assert_cmpint (rv_mock_api_expected_answer ("2013131295a"), ==, RV_MOCK_ANSWER_BAD_FORMAT);
  g_assert_cmpint (rv_mock_api_expected_answer (" 2013131295"), ==, RV_MOCK_ANSWER_BAD_FORMAT);
}

static void
assert_record (JsonObject *object,
               const char *ruc)
{
  guint i;

  g_assert_true (json_object_get_boolean_member (object, "success"));
  for (i = 0; i < G_N_ELEMENTS (record_keys); i++)
    {
      JsonNode *node = json_object_get_member (object, record_keys[i]);

      g_assert_nonnull (node);
      g_assert_true (JSON_NODE_HOLDS_VALUE (node));
      g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_STRING);
      g_assert_cmpuint (strlen (json_node_get_string (node)), >, 0);
    }
  g_assert_cmpuint (json_object_get_size (object), ==, G_N_ELEMENTS (record_keys) + 1);
  g_assert_cmpstr (json_object_get_string_member (object, "ruc"), ==, ruc);
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$",
                                       json_object_get_string_member (object, "actualizado_en"),
                                       0, 0));
}

static void
test_answers (Fixture       *fixture,
              gconstpointer  data)
{
  static const char * const prefixes[] = { "10", "15", "16", "17", "20" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  guint counts[RV_MOCK_ANSWER_BAD_FORMAT + 1] = { 0, };
  guint not_found_404 = 0, not_found_200 = 0;
  guint n = 400;
  RvMockStats stats;
  guint i;

  for (i = 0; i <= n; i++)
    {
      /* The last one is SUNAT's, which is always valid. */
      g_autofree char *ruc = i < n
                             ? make_ruc (prefixes[i % 5], g_rand_int (rand))
                             : g_strdup ("20131312955");
      g_autoptr(Call) call = ask_ruc (fixture, ruc);
      g_autoptr(JsonObject) object = call_dup_object (call);
      RvMockAnswer expected = rv_mock_api_expected_answer (ruc);
      const char *estado, *condicion;

      g_assert_nonnull (object);
      counts[expected]++;
      switch (expected)
        {
        case RV_MOCK_ANSWER_VALID:
          g_assert_cmpuint (call_status (call), ==, 200);
          assert_record (object, ruc);
          g_assert_cmpstr (json_object_get_string_member (object, "estado_del_contribuyente"),
                           ==, "ACTIVO");
          g_assert_cmpstr (json_object_get_string_member (object, "condicion_de_domicilio"),
                           ==, "HABIDO");
          break;

        case RV_MOCK_ANSWER_OBSERVED:
          g_assert_cmpuint (call_status (call), ==, 200);
          assert_record (object, ruc);
          estado = json_object_get_string_member (object, "estado_del_contribuyente");
          condicion = json_object_get_string_member (object, "condicion_de_domicilio");
          if (g_str_equal (estado, "ACTIVO"))
            g_assert_cmpstr (condicion, ==, "NO HABIDO");
          else
            g_assert_cmpstr (estado, ==, "BAJA DE OFICIO");
          break;

        case RV_MOCK_ANSWER_NOT_FOUND:
          if (call_status (call) == 404)
            not_found_404++;
          else
            not_found_200++;
          assert_message (call, call_status (call), TRUE, "No se encontró el RUC");
          break;

        case RV_MOCK_ANSWER_BAD_FORMAT:
        default:
          g_assert_not_reached ();
        }
    }

  /* About 70, 20 and 10 in a hundred. */
  g_test_message ("valid %u, observed %u, not found %u (404: %u)",
                  counts[RV_MOCK_ANSWER_VALID], counts[RV_MOCK_ANSWER_OBSERVED],
                  counts[RV_MOCK_ANSWER_NOT_FOUND], not_found_404);
  g_assert_cmpuint (counts[RV_MOCK_ANSWER_VALID], >=, n * 60 / 100);
  g_assert_cmpuint (counts[RV_MOCK_ANSWER_VALID], <=, n * 80 / 100);
  g_assert_cmpuint (counts[RV_MOCK_ANSWER_OBSERVED], >=, n * 13 / 100);
  g_assert_cmpuint (counts[RV_MOCK_ANSWER_OBSERVED], <=, n * 27 / 100);
  g_assert_cmpuint (counts[RV_MOCK_ANSWER_NOT_FOUND], >=, n * 5 / 100);
  g_assert_cmpuint (counts[RV_MOCK_ANSWER_NOT_FOUND], <=, n * 15 / 100);
  /* Both shapes of "not found" come up. */
  g_assert_cmpuint (not_found_404, >, 0);
  g_assert_cmpuint (not_found_200, >, 0);

  rv_mock_api_get_stats (fixture->api, &stats);
  g_assert_cmpuint (stats.requests, ==, n + 1);
  g_assert_cmpuint (stats.answered, ==, n + 1);
  g_assert_cmpuint (stats.in_flight, ==, 0);
}

static void
test_explicit_answer (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *body = "{\"success\":true,\"ruc\":\"20100047218\",\"nombre_o_razon_social\":\"X\"}";
  RvMockStats stats;
  g_autoptr(Call) first = NULL;
  g_autoptr(Call) second = NULL;
  g_autoptr(Call) third = NULL;

  rv_mock_api_set_answer (fixture->api, "20100047218", body, 200);
  rv_mock_api_set_answer (fixture->api, "20100070970", "{\"message\":\"Oops\"}", 500);

  first = ask_ruc (fixture, "20100047218");
  g_assert_cmpuint (call_status (first), ==, 200);
  g_assert_cmpmem (g_bytes_get_data (first->body, NULL), g_bytes_get_size (first->body),
                   body, strlen (body));
  second = ask_ruc (fixture, "20100070970");
  assert_message (second, 500, FALSE, "Oops");

  /* Back to the rules. */
  rv_mock_api_set_answer (fixture->api, "20100047218", NULL, 0);
  third = ask_ruc (fixture, "20100047218");
  {
    g_autoptr(JsonObject) object = call_dup_object (third);

    g_assert_nonnull (object);
    assert_record (object, "20100047218");
  }

  rv_mock_api_get_stats (fixture->api, &stats);
  g_assert_cmpuint (stats.requests, ==, 3);
  g_assert_cmpuint (stats.answered, ==, 2);
}

static void
test_token (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *wrong = ruc_body ("wrong", "ruc", "20131312955");
  g_autofree char *none = ruc_body (NULL, "ruc", "20131312955");
  g_autofree char *right = ruc_body ("s3cret", "ruc", "20131312955");
  g_autofree char *dni = ruc_body ("wrong", "dni", "12345678");
  g_autoptr(Call) any = NULL;
  g_autoptr(Call) c1 = NULL;
  g_autoptr(Call) c2 = NULL;
  g_autoptr(Call) c3 = NULL;
  g_autoptr(Call) c4 = NULL;
  g_autoptr(JsonObject) object = NULL;
  RvMockStats stats;

  /* No token set: any token is fine. */
  any = call_sync (fixture, "POST", "/api/v1/ruc", wrong);
  g_assert_cmpuint (call_status (any), ==, 200);

  rv_mock_api_set_token (fixture->api, "s3cret");
  c1 = call_sync (fixture, "POST", "/api/v1/ruc", wrong);
  assert_message (c1, 401, FALSE, "Unauthenticated.");
  c2 = call_sync (fixture, "POST", "/api/v1/ruc", none);
  assert_message (c2, 401, FALSE, "Unauthenticated.");
  c3 = call_sync (fixture, "POST", "/api/v1/dni", dni);
  assert_message (c3, 401, FALSE, "Unauthenticated.");
  c4 = call_sync (fixture, "POST", "/api/v1/ruc", right);
  g_assert_cmpuint (call_status (c4), ==, 200);
  object = call_dup_object (c4);
  assert_record (object, "20131312955");

  rv_mock_api_get_stats (fixture->api, &stats);
  g_assert_cmpuint (stats.requests, ==, 5);
  g_assert_cmpuint (stats.answered, ==, 2);
  /* A 401 for a bad token is not a fault. */
  g_assert_cmpuint (stats.faults[RV_MOCK_FAULT_401], ==, 0);
}

static void
test_unprocessable (Fixture       *fixture,
                    gconstpointer  data)
{
  static const char * const bodies[] = {
    "",
    "{",
    "not json",
    "[\"20131312955\"]",
    "\"20131312955\"",
    "{\"token\":\"t\"}",
    "{\"token\":\"t\",\"ruc\":20131312955}",
    "{\"token\":\"t\",\"ruc\":null}",
    "{\"token\":\"t\",\"ruc\":\"2013131295\"}",
    "{\"token\":\"t\",\"ruc\":\"201313129550\"}",
    "{\"token\":\"t\",\"ruc\":\"2013131295A\"}",
    "{\"token\":\"t\",\"ruc\":\"20-131312955\"}",
  };
  RvMockStats stats;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(Call) call = call_sync (fixture, "POST", "/api/v1/ruc", bodies[i]);

      g_test_message ("body: %s", bodies[i]);
      assert_message (call, 422, TRUE, NULL);
    }

  /* What is not an endpoint of the API is a plain 404. */
  {
    static const char * const paths[][2] = {
      { "GET", "/api/v1/ruc" },
      { "POST", "/api/v2/ruc" },
      { "GET", "/" },
      { "POST", "/_mock/stats" },
    };

    for (i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        g_autoptr(Call) call = call_sync (fixture, paths[i][0], paths[i][1], "{}");

        g_assert_cmpuint (call_status (call), ==, 404);
        g_assert_cmpstr (soup_message_headers_get_content_type (
                           soup_message_get_response_headers (call->msg), NULL),
                         ==, "text/plain");
      }
  }

  rv_mock_api_get_stats (fixture->api, &stats);
  g_assert_cmpuint (stats.requests, ==, G_N_ELEMENTS (bodies));
  g_assert_cmpuint (stats.answered, ==, 0);
  /* Only the string values are RUCs asked. */
  g_assert_cmpuint (stats.unique_rucs, ==, 4);
  g_assert_cmpuint (rv_mock_api_count_ruc (fixture->api, "2013131295A"), ==, 1);
}

static void
test_dni (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *good = ruc_body ("t", "dni", "07654321");
  g_autofree char *short_dni = ruc_body ("t", "dni", "1234567");
  g_autofree char *ruc = ruc_body ("t", "ruc", "07654321");
  g_autoptr(Call) c1 = call_sync (fixture, "POST", "/api/v1/dni", good);
  g_autoptr(Call) c2 = call_sync (fixture, "POST", "/api/v1/dni", short_dni);
  g_autoptr(Call) c3 = call_sync (fixture, "POST", "/api/v1/dni", ruc);
  g_autoptr(JsonObject) object = call_dup_object (c1);
  RvMockStats stats;

  g_assert_cmpuint (call_status (c1), ==, 200);
  g_assert_true (json_object_get_boolean_member (object, "success"));
  g_assert_cmpstr (json_object_get_string_member (object, "dni"), ==, "07654321");
  g_assert_cmpuint (strlen (json_object_get_string_member (object, "nombre")), >, 0);
  assert_message (c2, 422, TRUE, NULL);
  assert_message (c3, 422, TRUE, NULL);

  rv_mock_api_get_stats (fixture->api, &stats);
  g_assert_cmpuint (stats.requests, ==, 3);
  g_assert_cmpuint (stats.answered, ==, 1);
  /* A DNI is not a RUC asked. */
  g_assert_cmpuint (stats.unique_rucs, ==, 0);
}

/* Sends @n requests in waves of @wave at once, and gives their mean time in milliseconds.
 * Small waves keep what the client itself costs on a busy machine out of the figures.
 */
static double
mean_time_ms (Fixture *fixture,
              guint    n,
              guint    wave,
              gint64  *min,
              gint64  *max)
{
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func ((GDestroyNotify) call_free);
  gint64 sum = 0;
  guint i, j;

  *min = G_MAXINT64;
  *max = 0;
  for (i = 0; i < n; i += wave)
    {
      for (j = i; j < MIN (n, i + wave); j++)
        g_ptr_array_add (calls, ask_ruc_async (fixture, "20131312955"));
      calls_wait (calls);
    }
  for (i = 0; i < calls->len; i++)
    {
      Call *call = g_ptr_array_index (calls, i);
      gint64 elapsed = call->ended - call->started;

      g_assert_cmpuint (call_status (call), ==, 200);
      *min = MIN (*min, elapsed);
      *max = MAX (*max, elapsed);
      sum += elapsed;
    }
  return sum / 1000.0 / n;
}

static void
test_latency (Fixture       *fixture,
              gconstpointer  data)
{
  gint64 min, max;
  double mean;

  /* Fixed: every answer waits its 100 ms. */
  rv_mock_api_set_latency (fixture->api, 100, 0);
  mean_time_ms (fixture, 5, 5, &min, &max);
  g_assert_cmpint (min, >=, 100 * 1000);
  g_assert_cmpint (max, <, 300 * 1000);

  /* Lognormal: the mean is honoured, and the delays spread. */
  rv_mock_api_set_latency (fixture->api, 50, 0.5);
  mean = mean_time_ms (fixture, 40, 5, &min, &max);
  g_test_message ("latency: mean %.1f ms, from %.1f to %.1f ms", mean, min / 1000.0, max / 1000.0);
  g_assert_cmpfloat (mean, >=, 30);
  g_assert_cmpfloat (mean, <=, 70);
  g_assert_cmpint (max - min, >=, 20 * 1000);
}

static const char *
call_header (Call       *call,
             const char *name)
{
  return soup_message_headers_get_one (soup_message_get_response_headers (call->msg), name);
}

static void
test_rate_limit (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func ((GDestroyNotify) call_free);
  g_autoptr(GArray) times = NULL;
  g_autoptr(Call) c1 = NULL;
  g_autoptr(Call) c2 = NULL;
  g_autoptr(Call) c3 = NULL;
  g_autoptr(Call) c4 = NULL;
  g_autoptr(Call) c5 = NULL;
  g_autoptr(Call) c6 = NULL;
  guint ok = 0, limited = 0;
  RvMockStats stats;
  guint i, j;

  /* 600 a minute in a window of one second: 10 in any second. */
  rv_mock_api_set_rate_window (fixture->api, 1000);
  rv_mock_api_set_rate_limit (fixture->api, 600, -1);
  for (i = 0; i < 15; i++)
    {
      g_autofree char *ruc = make_ruc ("20", 1000 + i);

      g_ptr_array_add (calls, ask_ruc_async (fixture, ruc));
    }
  calls_wait (calls);
  for (i = 0; i < calls->len; i++)
    {
      Call *call = g_ptr_array_index (calls, i);

      if (call_status (call) == 429)
        {
          limited++;
          assert_message (call, 429, FALSE, "Too Many Attempts.");
          /* Computed: what is left of the second, rounded up. */
          g_assert_cmpstr (call_header (call, "Retry-After"), ==, "1");
        }
      else
        {
          g_assert_cmpuint (call_status (call), !=, 422);
          ok++;
        }
    }
  g_assert_cmpuint (ok, ==, 10);
  g_assert_cmpuint (limited, ==, 5);

  /* A fixed Retry-After, then none. */
  rv_mock_api_set_rate_limit (fixture->api, 600, 7);
  c1 = ask_ruc (fixture, "20131312955");
  g_assert_cmpuint (call_status (c1), ==, 429);
  g_assert_cmpstr (call_header (c1, "Retry-After"), ==, "7");
  rv_mock_api_set_rate_limit (fixture->api, 600, 0);
  c2 = ask_ruc (fixture, "20131312955");
  g_assert_cmpuint (call_status (c2), ==, 429);
  g_assert_null (call_header (c2, "Retry-After"));

  rv_mock_api_get_stats (fixture->api, &stats);
  g_assert_cmpuint (stats.rate_limited, ==, 7);
  g_assert_cmpuint (stats.max_per_window, ==, 10);
  g_assert_cmpuint (stats.requests, ==, 17);
  /* A 429 counts as asked. */
  g_assert_cmpuint (rv_mock_api_count_ruc (fixture->api, "20131312955"), ==, 2);

  /* Once the window has slid past them, requests are accepted again. */
  spin (1050);
  c3 = ask_ruc (fixture, "20131312955");
  g_assert_cmpuint (call_status (c3), ==, 200);

  /* The times of the accepted requests: never more than 10 in a second. */
  times = rv_mock_api_get_request_times (fixture->api);
  g_assert_cmpuint (times->len, ==, 11);
  for (i = 0; i < times->len; i++)
    {
      guint in_window = 0;

      for (j = i; j < times->len; j++)
        {
          g_assert_cmpint (g_array_index (times, gint64, j), >=, g_array_index (times, gint64, i));
          if (g_array_index (times, gint64, j) - g_array_index (times, gint64, i) < G_USEC_PER_SEC)
            in_window++;
        }
      g_assert_cmpuint (in_window, <=, 10);
    }

  /* One in 2.5 s: the wait computed is 3 s, not 1. */
  rv_mock_api_reset_stats (fixture->api);
  rv_mock_api_set_rate_window (fixture->api, 2500);
  rv_mock_api_set_rate_limit (fixture->api, 24, -1);
  c4 = ask_ruc (fixture, "20131312955");
  g_assert_cmpuint (call_status (c4), ==, 200);
  c5 = ask_ruc (fixture, "20131312955");
  g_assert_cmpuint (call_status (c5), ==, 429);
  g_assert_cmpstr (call_header (c5, "Retry-After"), ==, "3");

  /* No limit: everything is accepted, and the busiest window is still measured. */
  rv_mock_api_set_rate_limit (fixture->api, 0, -1);
  c6 = ask_ruc (fixture, "20131312955");
  g_assert_cmpuint (call_status (c6), ==, 200);
  rv_mock_api_get_stats (fixture->api, &stats);
  g_assert_cmpuint (stats.rate_limited, ==, 1);
  g_assert_cmpuint (stats.max_per_window, ==, 2);
}

static void
assert_only_fault (RvMockApi   *api,
                   RvMockFault  fault,
                   guint        count)
{
  RvMockStats stats;
  guint i;

  rv_mock_api_get_stats (api, &stats);
  for (i = 0; i < RV_MOCK_N_FAULTS; i++)
    g_assert_cmpuint (stats.faults[i], ==, i == fault ? count : 0);
  g_assert_cmpuint (stats.answered, ==, 0);
}

static void
test_fault_5xx (Fixture       *fixture,
                gconstpointer  data)
{
  gboolean seen[3] = { FALSE, };
  guint i;

  rv_mock_api_set_fault (fixture->api, RV_MOCK_FAULT_5XX, 1);
  for (i = 0; i < 30; i++)
    {
      g_autoptr(Call) call = ask_ruc (fixture, "20131312955");
      guint status = call_status (call);

      g_assert_true (status == 500 || status == 502 || status == 503);
      seen[status == 500 ? 0 : status == 502 ? 1 : 2] = TRUE;
      g_assert_cmpuint (g_bytes_get_size (call->body), >, 0);
    }
  g_assert_true (seen[0] && seen[1] && seen[2]);
  assert_only_fault (fixture->api, RV_MOCK_FAULT_5XX, 30);
}

/* Past --max-faults, a value gets through; other values still meet faults. */
static void
test_fault_limit (Fixture       *fixture,
                  gconstpointer  data)
{
  rv_mock_api_set_fault (fixture->api, RV_MOCK_FAULT_5XX, 1);
  rv_mock_api_set_max_faults (fixture->api, 2);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(Call) call = ask_ruc (fixture, "20131312955");

      if (i < 2)
        g_assert_cmpuint (call_status (call), >=, 500);
      else
        g_assert_cmpuint (call_status (call), ==, 200);
    }
  {
    g_autoptr(Call) call = ask_ruc (fixture, "20100047218");

    g_assert_cmpuint (call_status (call), >=, 500);
  }
  {
    RvMockStats stats;

    rv_mock_api_get_stats (fixture->api, &stats);
    g_assert_cmpuint (stats.faults[RV_MOCK_FAULT_5XX], ==, 3);
    g_assert_cmpuint (stats.answered, ==, 2);
  }
}

static void
test_fault_malformed (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(Call) call = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  rv_mock_api_set_fault (fixture->api, RV_MOCK_FAULT_MALFORMED, 1);
  call = ask_ruc (fixture, "20131312955");
  g_assert_cmpuint (call_status (call), ==, 200);
  body = call_dup_text (call);
  /* Half of the record that SUNAT's RUC gets. */
  g_assert_cmpuint (strlen (body), >, 200);
  g_assert_true (g_str_has_prefix (body, "{\"success\":true,\"ruc\":\"20131312955\","));
  g_assert_false (json_parser_load_from_data (parser, body, -1, &error));
  g_assert_nonnull (error);
  assert_only_fault (fixture->api, RV_MOCK_FAULT_MALFORMED, 1);
}

static void
test_fault_401 (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(Call) call = NULL;

  /* Whatever the token, even with none set. */
  rv_mock_api_set_fault (fixture->api, RV_MOCK_FAULT_401, 1);
  call = ask_ruc (fixture, "20131312955");
  assert_message (call, 401, FALSE, "Unauthenticated.");
  assert_only_fault (fixture->api, RV_MOCK_FAULT_401, 1);
}

static void
test_fault_drop (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(Call) call = NULL;
  RvMockStats stats;

  rv_mock_api_set_fault (fixture->api, RV_MOCK_FAULT_DROP, 1);
  call = ask_ruc (fixture, "20131312955");
  g_assert_nonnull (call->error);
  g_test_message ("dropped: %s", call->error->message);
  g_assert_null (call->body);
  g_assert_cmpuint (soup_message_get_status (call->msg), ==, 0);

  rv_mock_api_get_stats (fixture->api, &stats);
  /* A request on a fresh connection is not resent: one asked, one dropped. */
  g_assert_cmpuint (stats.requests, ==, 1);
  assert_only_fault (fixture->api, RV_MOCK_FAULT_DROP, 1);
  wait_idle (fixture->api, 1000);
}

static void
test_fault_hang (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(Call) timed_out = NULL;
  g_autoptr(Call) released = NULL;
  RvMockStats stats;

  rv_mock_api_set_fault (fixture->api, RV_MOCK_FAULT_HANG, 1);

  /* The client's timeout ends it. */
  soup_session_set_timeout (fixture->session, 1);
  timed_out = ask_ruc (fixture, "20131312955");
  g_assert_error (timed_out->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (timed_out->ended - timed_out->started, >=, 900 * 1000);
  /* The mock notices that the client went away. */
  wait_idle (fixture->api, 2000);
  assert_only_fault (fixture->api, RV_MOCK_FAULT_HANG, 1);

  /* Without a timeout, it waits until the mock lets it go. */
  soup_session_set_timeout (fixture->session, 0);
  released = ask_ruc_async (fixture, "20131312955");
  wait_requests (fixture->api, 2, 2000);
  spin (300);
  g_assert_false (released->done);
  rv_mock_api_get_stats (fixture->api, &stats);
  g_assert_cmpuint (stats.in_flight, ==, 1);
  rv_mock_api_release_hung (fixture->api);
  while (!released->done)
    g_main_context_iteration (NULL, TRUE);
  assert_message (released, 504, FALSE, NULL);
  wait_idle (fixture->api, 1000);
  assert_only_fault (fixture->api, RV_MOCK_FAULT_HANG, 2);
}

static void
test_fault_order (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(Call) call = NULL;
  RvMockStats stats;
  guint i;

  /* With every fault certain, the first drawn wins: 401. */
  for (i = 0; i < RV_MOCK_N_FAULTS; i++)
    rv_mock_api_set_fault (fixture->api, i, 1);
  call = ask_ruc (fixture, "20131312955");
  assert_message (call, 401, FALSE, "Unauthenticated.");
  assert_only_fault (fixture->api, RV_MOCK_FAULT_401, 1);

  /* Half of them: about half the requests fail, and faults are counted one by one. */
  for (i = 0; i < RV_MOCK_N_FAULTS; i++)
    rv_mock_api_set_fault (fixture->api, i, 0);
  rv_mock_api_set_fault (fixture->api, RV_MOCK_FAULT_5XX, 0.5);
  rv_mock_api_reset_stats (fixture->api);
  for (i = 0; i < 100; i++)
    {
      g_autoptr(Call) c = ask_ruc (fixture, "20131312955");
      guint status = call_status (c);

      g_assert_true (status == 200 || status >= 500);
    }
  rv_mock_api_get_stats (fixture->api, &stats);
  g_assert_cmpuint (stats.faults[RV_MOCK_FAULT_5XX] + stats.answered, ==, 100);
  g_assert_cmpuint (stats.faults[RV_MOCK_FAULT_5XX], >=, 30);
  g_assert_cmpuint (stats.faults[RV_MOCK_FAULT_5XX], <=, 70);
}

static void
test_stats (Fixture       *fixture,
            gconstpointer  data)
{
  static const char * const asked[] = {
    "20100047218", "20131312955", "20100047218", "10054148289", "20131312955", "20100047218",
  };
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func ((GDestroyNotify) call_free);
  g_autoptr(Call) reset = NULL;
  g_autoptr(GArray) times = NULL;
  RvMockStats stats;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (asked); i++)
    {
      g_autoptr(Call) call = ask_ruc (fixture, asked[i]);

      g_assert_cmpuint (call_status (call), ==, 200);
    }
  /* A 5xx is asked but not answered. */
  rv_mock_api_set_fault (fixture->api, RV_MOCK_FAULT_5XX, 1);
  g_ptr_array_add (calls, ask_ruc (fixture, "17155542071"));
  g_ptr_array_add (calls, ask_ruc (fixture, "17155542071"));
  rv_mock_api_set_fault (fixture->api, RV_MOCK_FAULT_5XX, 0);

  rv_mock_api_get_stats (fixture->api, &stats);
  g_assert_cmpuint (stats.requests, ==, 8);
  g_assert_cmpuint (stats.answered, ==, 6);
  g_assert_cmpuint (stats.unique_rucs, ==, 4);
  g_assert_cmpuint (stats.repeated_rucs, ==, 3);
  g_assert_cmpuint (stats.repeated_answered, ==, 2);
  g_assert_cmpuint (stats.max_in_flight, ==, 1);
  g_assert_cmpuint (stats.in_flight, ==, 0);
  g_assert_cmpuint (rv_mock_api_count_ruc (fixture->api, "20100047218"), ==, 3);
  g_assert_cmpuint (rv_mock_api_count_ruc (fixture->api, "17155542071"), ==, 2);
  g_assert_cmpuint (rv_mock_api_count_ruc (fixture->api, "20100070970"), ==, 0);

  /* Five at once, each held 500 ms: five in flight. */
  g_ptr_array_set_size (calls, 0);
  rv_mock_api_set_latency (fixture->api, 500, 0);
  for (i = 0; i < 5; i++)
    g_ptr_array_add (calls, ask_ruc_async (fixture, "20100070970"));
  wait_requests (fixture->api, 13, 400);
  rv_mock_api_get_stats (fixture->api, &stats);
  g_assert_cmpuint (stats.in_flight, ==, 5);
  calls_wait (calls);
  wait_idle (fixture->api, 1000);
  rv_mock_api_get_stats (fixture->api, &stats);
  g_assert_cmpuint (stats.max_in_flight, ==, 5);
  g_assert_cmpuint (stats.requests, ==, 13);
  g_assert_cmpuint (stats.repeated_answered, ==, 3);
  g_assert_cmpuint (stats.max_per_window, ==, 13);

  /* POST /_mock/reset forgets it all. */
  rv_mock_api_set_latency (fixture->api, 0, 0);
  reset = call_sync (fixture, "POST", "/_mock/reset", NULL);
  g_assert_cmpuint (call_status (reset), ==, 200);
  rv_mock_api_get_stats (fixture->api, &stats);
  g_assert_cmpuint (stats.requests, ==, 0);
  g_assert_cmpuint (stats.answered, ==, 0);
  g_assert_cmpuint (stats.unique_rucs, ==, 0);
  g_assert_cmpuint (stats.repeated_rucs, ==, 0);
  g_assert_cmpuint (stats.repeated_answered, ==, 0);
  g_assert_cmpuint (stats.max_in_flight, ==, 0);
  g_assert_cmpuint (stats.max_per_window, ==, 0);
  g_assert_cmpuint (stats.faults[RV_MOCK_FAULT_5XX], ==, 0);
  g_assert_cmpuint (rv_mock_api_count_ruc (fixture->api, "20100047218"), ==, 0);
  times = rv_mock_api_get_request_times (fixture->api);
  g_assert_cmpuint (times->len, ==, 0);
}

static void
test_stats_json (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(Call) call = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *json = NULL;
  JsonObject *faults;
  RvMockStats stats;
  guint i;

  for (i = 0; i < 3; i++)
    {
      g_clear_pointer (&call, call_free);
      call = ask_ruc (fixture, "20100047218");
    }
  rv_mock_api_set_fault (fixture->api, RV_MOCK_FAULT_MALFORMED, 1);
  g_clear_pointer (&call, call_free);
  call = ask_ruc (fixture, "20131312955");
  rv_mock_api_set_fault (fixture->api, RV_MOCK_FAULT_MALFORMED, 0);
  rv_mock_api_set_fault (fixture->api, RV_MOCK_FAULT_401, 1);
  g_clear_pointer (&call, call_free);
  call = ask_ruc (fixture, "20131312955");

  g_clear_pointer (&call, call_free);
  call = call_sync (fixture, "GET", "/_mock/stats", NULL);
  g_assert_cmpuint (call_status (call), ==, 200);
  object = call_dup_object (call);
  g_assert_nonnull (object);
  rv_mock_api_get_stats (fixture->api, &stats);

#define ASSERT_MEMBER(name) \
  g_assert_cmpint (json_object_get_int_member (object, #name), ==, stats.name)

  ASSERT_MEMBER (requests);
  ASSERT_MEMBER (answered);
  ASSERT_MEMBER (rate_limited);
  ASSERT_MEMBER (max_in_flight);
  ASSERT_MEMBER (in_flight);
  ASSERT_MEMBER (unique_rucs);
  ASSERT_MEMBER (repeated_rucs);
  ASSERT_MEMBER (repeated_answered);
  ASSERT_MEMBER (max_per_window);

#undef ASSERT_MEMBER

  g_assert_cmpint (json_object_get_int_member (object, "requests"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (object, "answered"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (object, "repeated_answered"), ==, 1);
  faults = json_object_get_object_member (object, "faults");
  g_assert_nonnull (faults);
  g_assert_cmpuint (json_object_get_size (faults), ==, 5);
  g_assert_cmpint (json_object_get_int_member (faults, "5xx"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (faults, "hang"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (faults, "malformed"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (faults, "drop"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (faults, "401"), ==, 1);
  g_assert_cmpuint (json_object_get_size (object), ==, 10);

  /* The same text as rv_mock_api_dup_stats_json(). */
  json = rv_mock_api_dup_stats_json (fixture->api);
  g_assert_cmpmem (g_bytes_get_data (call->body, NULL), g_bytes_get_size (call->body),
                   json, strlen (json));
}

static guint
count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_no_fd_leak (Fixture       *fixture,
                 gconstpointer  data)
{
  guint before, after;
  guint i;

  if (!g_file_test ("/proc/self/fd", G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("No /proc/self/fd to count file descriptors");
      return;
    }

  /* A benchmark makes tens of thousands of connections: none may stay open. */
  before = count_fds ();
  for (i = 0; i < 200; i++)
    {
      g_autoptr(Call) call = ask_ruc (fixture, "20131312955");

      g_assert_cmpuint (call_status (call), ==, 200);
    }
  spin (100);
  after = count_fds ();
  g_test_message ("file descriptors: %u before, %u after", before, after);
  g_assert_cmpuint (after, <=, before + 4);
}

/* A mock on its own thread and main context, as the benchmarks run it. */
typedef struct
{
  GMutex        mutex;
  GCond         cond;
  RvMockApi    *api;
  GMainContext *context;
  GMainLoop    *loop;
  char         *base_url;
} ServerThread;

static gpointer
server_thread_run (gpointer data)
{
  ServerThread *st = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr(RvMockApi) api = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (context);
  api = rv_mock_api_new ();
  rv_mock_api_set_latency (api, 20, 0);
  rv_mock_api_listen (api, 0, &error);
  g_assert_no_error (error);

  g_mutex_lock (&st->mutex);
  st->api = api;
  st->loop = loop;
  st->base_url = rv_mock_api_dup_base_url (api);
  g_cond_signal (&st->cond);
  g_mutex_unlock (&st->mutex);

  g_main_loop_run (loop);

  g_clear_object (&api);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
test_thread (void)
{
  ServerThread st = { 0, };
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  g_autoptr(GThread) thread = NULL;
  RvMockStats stats;
  guint i;

  g_mutex_init (&st.mutex);
  g_cond_init (&st.cond);
  thread = g_thread_new ("rv-mock", server_thread_run, &st);
  g_mutex_lock (&st.mutex);
  while (st.base_url == NULL)
    g_cond_wait (&st.cond, &st.mutex);
  g_mutex_unlock (&st.mutex);

  /* Synchronous requests: this thread's default context never runs, so the answers,
   * delayed by a timer, can only come from the server's own context.
   */
  for (i = 0; i < 3; i++)
    {
      g_autofree char *url = g_strconcat (st.base_url, "/api/v1/ruc", NULL);
      g_autofree char *json = ruc_body ("t", "ruc", "20131312955");
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autoptr(GBytes) request = g_bytes_new (json, strlen (json));
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
      body = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    }

  /* The counters, read from this thread. */
  rv_mock_api_get_stats (st.api, &stats);
  g_assert_cmpuint (stats.requests, ==, 3);
  g_assert_cmpuint (stats.answered, ==, 3);
  g_assert_cmpuint (rv_mock_api_count_ruc (st.api, "20131312955"), ==, 3);

  g_main_loop_quit (st.loop);
  g_thread_join (g_steal_pointer (&thread));
  g_free (st.base_url);
  g_mutex_clear (&st.mutex);
  g_cond_clear (&st.cond);
}

static void
test_dispose (void)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns-per-host", 8,
                                                                  NULL);
  g_autoptr(GError) error = NULL;
  Fixture fixture = { NULL, };
  Call *hung, *delayed;
  GWeakRef weak;

  fixture.api = rv_mock_api_new ();
  rv_mock_api_listen (fixture.api, 0, &error);
  g_assert_no_error (error);
  fixture.base_url = rv_mock_api_dup_base_url (fixture.api);
  fixture.session = session;

  /* One request hangs, another waits for its latency, when the mock goes away. */
  rv_mock_api_set_fault (fixture.api, RV_MOCK_FAULT_HANG, 1);
  hung = ask_ruc_async (&fixture, "20131312955");
  wait_requests (fixture.api, 1, 2000);
  rv_mock_api_set_fault (fixture.api, RV_MOCK_FAULT_HANG, 0);
  rv_mock_api_set_latency (fixture.api, 10000, 0);
  delayed = ask_ruc_async (&fixture, "20131312955");
  wait_requests (fixture.api, 2, 2000);
  g_assert_false (hung->done);
  g_assert_false (delayed->done);

  g_weak_ref_init (&weak, fixture.api);
  g_clear_object (&fixture.api);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);

  /* Their clients see their connections closed. */
  while (!hung->done || !delayed->done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (hung->error);
  g_assert_nonnull (delayed->error);
  g_assert_cmpint (delayed->ended - delayed->started, <, 5 * G_USEC_PER_SEC);

  call_free (hung);
  call_free (delayed);
  g_free (fixture.base_url);
}

static char *
read_all (GInputStream *stream)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char buffer[4096];
  gsize n;

  do
    {
      g_input_stream_read_all (stream, buffer, sizeof buffer, &n, NULL, &error);
      g_assert_no_error (error);
      g_string_append_len (text, buffer, n);
    }
  while (n == sizeof buffer);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_server_exe (void)
{
  g_autofree char *exe = g_test_build_filename (G_TEST_BUILT, "mock", "rv-mock-server", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSubprocess) bad = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *err = NULL;
  g_autofree char *bad_err = NULL;
  g_autoptr(Call) call = NULL;
  Fixture fixture = { NULL, };
  JsonObject *stats;

  g_assert_true (g_file_test (exe, G_FILE_TEST_IS_EXECUTABLE));

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, exe, "--port", "0", "--token", "t0k3n",
                              "--latency-ms", "5", "--jitter", "0.3", "--rate-per-min", "600",
                              "--seed", "7", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_regex_match_simple ("^http://127\\.0\\.0\\.1:[0-9]+$", line, 0, 0));

  fixture.base_url = line;
  fixture.session = soup_session_new_with_options ("timeout", 5, NULL);
  {
    g_autofree char *json = ruc_body ("t0k3n", "ruc", "20131312955");

    call = call_sync (&fixture, "POST", "/api/v1/ruc", json);
  }
  g_assert_cmpuint (call_status (call), ==, 200);
  g_clear_object (&fixture.session);

  g_subprocess_send_signal (process, SIGTERM);
  err = read_all (g_subprocess_get_stderr_pipe (process));
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  /* Its statistics, on standard error. */
  json_parser_load_from_data (parser, err, -1, &error);
  g_assert_no_error (error);
  stats = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (stats, "requests"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (stats, "answered"), ==, 1);

  /* A usage error: exit 2, a message, no URL. */
  bad = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                          &error, exe, "--p-hang", "1.5", NULL);
  g_assert_no_error (error);
  g_subprocess_wait (bad, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (bad), ==, 2);
  bad_err = read_all (g_subprocess_get_stderr_pipe (bad));
  g_assert_nonnull (strstr (bad_err, "--p-hang"));
}

/* Parses @command_line, split at spaces, as rv-mock-server would. */
static gboolean
parse_options (RvMockApi   *api,
               const char  *command_line,
               guint       *port,
               int         *n_left,
               GError     **error)
{
  g_auto(GStrv) owned = g_strsplit (command_line, " ", -1);
  int argc = g_strv_length (owned);
  /* GOption takes what it parses out of the array: the strings stay in owned. */
  g_autofree char **argv = g_memdup2 (owned, sizeof (char *) * (argc + 1));
  gboolean ok;

  ok = rv_mock_api_parse_options (api, &argc, &argv, port, error);
  if (n_left != NULL)
    *n_left = argc;
  return ok;
}

static void
test_parse_options (Fixture       *fixture,
                    gconstpointer  data)
{
  static const char * const bad[] = {
    "rv-mock-server --rate-window-ms 0",
    "rv-mock-server --p-drop 1.5",
    "rv-mock-server --p-5xx -0.1",
    "rv-mock-server --port 70000",
    "rv-mock-server --latency-ms -5",
    "rv-mock-server --jitter -1",
    "rv-mock-server --retry-after -2",
    "rv-mock-server --seed 4294967296",
    "rv-mock-server --port",
    "rv-mock-server --no-such-option",
    "rv-mock-server stray",
  };
  g_autofree char *wrong = ruc_body ("wrong", "ruc", "20131312955");
  g_autofree char *right = ruc_body ("abc", "ruc", "20131312955");
  g_autoptr(GError) error = NULL;
  g_autoptr(Call) c1 = NULL;
  g_autoptr(Call) c2 = NULL;
  g_autoptr(Call) c3 = NULL;
  g_autoptr(Call) c4 = NULL;
  g_autofree char *text = NULL;
  guint port = 0;
  int n_left;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("command line: %s", bad[i]);
      g_assert_false (parse_options (fixture->api, bad[i], &port, NULL, &error));
      g_assert_nonnull (error);
      g_assert_cmpuint (error->domain, ==, G_OPTION_ERROR);
      g_clear_error (&error);
      g_assert_cmpuint (port, ==, 0);
    }

  /* What the options say is what the mock does. */
  g_assert_true (parse_options (fixture->api,
                                "rv-mock-server --port 8123 --token abc --rate-per-min 60 "
                                "--rate-window-ms 1000 --retry-after 9 --seed 1",
                                &port, &n_left, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (port, ==, 8123);
  g_assert_cmpint (n_left, ==, 1);
  c1 = call_sync (fixture, "POST", "/api/v1/ruc", wrong);
  g_assert_cmpuint (call_status (c1), ==, 401);
  c2 = call_sync (fixture, "POST", "/api/v1/ruc", right);
  g_assert_cmpuint (call_status (c2), ==, 429);
  g_assert_cmpstr (call_header (c2, "Retry-After"), ==, "9");

  /* Options not given keep their settings: the token still decides what would have been
   * answered before the fault cut it.
   */
  g_assert_true (parse_options (fixture->api, "rv-mock-server --rate-per-min 0 --p-malformed 1",
                                &port, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (port, ==, 8123);
  c3 = call_sync (fixture, "POST", "/api/v1/ruc", wrong);
  g_assert_cmpuint (call_status (c3), ==, 200);
  g_assert_null (call_dup_object (c3));
  text = call_dup_text (c3);
  g_assert_true (g_str_has_prefix (text, "{\"message\":\""));
  g_assert_cmpuint (strlen (text), ==, strlen ("{\"message\":\"Unauthenticated.\"}") / 2);
  g_clear_pointer (&text, g_free);
  c4 = call_sync (fixture, "POST", "/api/v1/ruc", right);
  g_assert_cmpuint (call_status (c4), ==, 200);
  g_assert_null (call_dup_object (c4));
  text = call_dup_text (c4);
  g_assert_true (g_str_has_prefix (text, "{\"success\":true"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/mock/expected-rule", test_expected_rule);
  ADD ("/mock/answers", test_answers);
  ADD ("/mock/explicit-answer", test_explicit_answer);
  ADD ("/mock/token", test_token);
  ADD ("/mock/unprocessable", test_unprocessable);
  ADD ("/mock/dni", test_dni);
  ADD ("/mock/latency", test_latency);
  ADD ("/mock/rate-limit", test_rate_limit);
  ADD ("/mock/fault/5xx", test_fault_5xx);
  ADD ("/mock/fault/limit", test_fault_limit);
  ADD ("/mock/fault/malformed", test_fault_malformed);
  ADD ("/mock/fault/401", test_fault_401);
  ADD ("/mock/fault/drop", test_fault_drop);
  ADD ("/mock/fault/hang", test_fault_hang);
  ADD ("/mock/fault/order", test_fault_order);
  ADD ("/mock/stats", test_stats);
  ADD ("/mock/stats-json", test_stats_json);
  ADD ("/mock/no-fd-leak", test_no_fd_leak);
  g_test_add_func ("/mock/thread", test_thread);
  g_test_add_func ("/mock/dispose", test_dispose);
  ADD ("/mock/parse-options", test_parse_options);
  g_test_add_func ("/mock/server-exe", test_server_exe);

#undef ADD

  return g_test_run ();
}
