/* test-migo.c
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

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "rv-migo-provider.h"

/* The tests talk to an in-process SoupServer on 127.0.0.1, on the default main context,
 * that answers each request with the next canned response of the test.
 */

#define TOKEN    "tok-7f3c9a1e5b2d4c8f-NEVER-LOGGED"
#define RUC      "20131312955"
#define OTHER    "20100047218"
#define DNI      "45678912"
#define MIB      (1024 * 1024)

#define SUNAT_NAME "SUPERINTENDENCIA NACIONAL DE ADUANAS Y DE ADMINISTRACION TRIBUTARIA - SUNAT"
#define DNI_ANSWER "{\"success\":true,\"dni\":\"" DNI "\",\"nombre\":\"PEREZ QUISPE ROSA\"}"

/* A throwaway self-signed certificate for 127.0.0.1, made for this test only: a client
 * that verifies certificates must refuse it.
 */
static const char self_signed_pem[] =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIBkTCCATagAwIBAgIUVLnGPVs44JkKMfozCLc79n5aKOIwCgYIKoZIzj0EAwIw\n"
  "FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyMjA0MzUwNVoYDzIxMjYxMDI5\n"
  "MDQzNTA1WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO\n"
  "PQMBBwNCAATVbH6D9KEGL7OmJWI0wdB0xctVtEc7oeMP9+65U2eTgrxncujJLYh6\n"
  "CC/3TFUqS8Yw8Mvyholpm62mFgCjvGuXo2QwYjAdBgNVHQ4EFgQUZZ/XJC9BgeoC\n"
  "mhhtlFBoX/OoEcswHwYDVR0jBBgwFoAUZZ/XJC9BgeoCmhhtlFBoX/OoEcswDwYD\n"
  "VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0kAMEYC\n"
  "IQDtV+MMXuRF3NSYTTz3TlEIb6rhpsZQA5KguoHfrHjksgIhAI7VnFAt7KtTd4wz\n"
  "/beN+6DvRVq7q+c4qJw+8FZy4qG6\n"
  "-----END CERTIFICATE-----\n"
  "-----BEGIN PRIVATE KEY-----\n"
  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgB3Tad03/J1YiOBpr\n"
  "vAFbhTm/gWJ1gWSuEzu0IXYtox6hRANCAATVbH6D9KEGL7OmJWI0wdB0xctVtEc7\n"
  "oeMP9+65U2eTgrxncujJLYh6CC/3TFUqS8Yw8Mvyholpm62mFgCjvGuX\n"
  "-----END PRIVATE KEY-----\n";

/* Every log message of the whole run, whatever its level (G_MESSAGES_DEBUG=all). */
static GPtrArray *log_lines;

typedef struct
{
  guint     status;
  char     *body;
  gsize     body_len;
  GStrv     headers;    /* name, value, name, value… */
  guint     delay_ms;   /* answer after this long */
  gboolean  hang;       /* answer only when the test calls fixture_release_held() */
  gboolean  echo;       /* a full success answer for the number asked */
  gboolean  chunked;    /* no Content-Length: the client must stop reading by itself */
} Canned;

typedef struct
{
  char   *method;
  char   *path;
  char   *content_type;
  char   *accept;
  char   *user_agent;
  GBytes *body;
} Request;

typedef struct
{
  SoupServer *server;
  char       *base_url;
  GPtrArray  *canned;      /* every Canned of the test, owned */
  GQueue      queue;       /* the responses still to give, in order */
  Canned     *fallback;    /* given when the queue is empty */
  GPtrArray  *requests;
  GHashTable *active;      /* SoupServerMessage handled and not finished */
  GPtrArray  *held;        /* Pending: answers of "hang" responses, not given yet */
  GPtrArray  *timeouts;    /* GSource: the delayed answers */
  guint       in_flight;
  guint       max_in_flight;
} Fixture;

/* An answer that the server gives later. */
typedef struct
{
  Fixture           *fixture;
  SoupServerMessage *message;
  Canned            *canned;
  char              *echo_id;
  gboolean           dni;
} Pending;

typedef struct
{
  RvRecord *record;
  GError   *error;
  gboolean  done;
  gint64    finished_at;
} Result;

static void
canned_free (Canned *canned)
{
  g_free (canned->body);
  g_strfreev (canned->headers);
  g_free (canned);
}

static void
request_free (Request *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->content_type);
  g_free (request->accept);
  g_free (request->user_agent);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request);
}

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->record, rv_record_unref);
  g_clear_error (&result->error);
  result->done = FALSE;
}

/* Adds a response to the queue; @body may be %NULL, @headers ends with %NULL. */
static Canned *
push_response (Fixture    *fixture,
               guint       status,
               const char *body,
               ...)
{
  Canned *canned = g_new0 (Canned, 1);
  g_autoptr(GStrvBuilder) headers = g_strv_builder_new ();
  const char *name;
  va_list args;

  canned->status = status;
  canned->body = g_strdup (body);
  canned->body_len = body != NULL ? strlen (body) : 0;

  va_start (args, body);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      g_strv_builder_add (headers, name);
      g_strv_builder_add (headers, va_arg (args, const char *));
    }
  va_end (args);
  canned->headers = g_strv_builder_end (headers);

  g_ptr_array_add (fixture->canned, canned);
  g_queue_push_tail (&fixture->queue, canned);
  return canned;
}

static char *
success_body (const char *ruc)
{
  return g_strdup_printf ("{\"success\":true,\"ruc\":\"%s\","
                          "\"nombre_o_razon_social\":\"" SUNAT_NAME "\","
                          "\"estado_del_contribuyente\":\"ACTIVO\","
                          "\"condicion_de_domicilio\":\"HABIDO\","
                          "\"ubigeo\":\"150101\","
                          "\"tipo_de_via\":\"AV.\","
                          "\"nombre_de_via\":\"GARCILASO DE LA VEGA\","
                          "\"codigo_de_zona\":\"-\","
                          "\"tipo_de_zona\":\"-\","
                          "\"numero\":\"1472\","
                          "\"interior\":\"-\","
                          "\"lote\":\"-\","
                          "\"dpto\":\"-\","
                          "\"manzana\":\"-\","
                          "\"kilometro\":\"-\","
                          "\"distrito\":\"LIMA\","
                          "\"provincia\":\"LIMA\","
                          "\"departamento\":\"LIMA\","
                          "\"direccion_simple\":\"AV. GARCILASO DE LA VEGA NRO. 1472\","
                          "\"direccion\":\"AV. GARCILASO DE LA VEGA NRO. 1472 LIMA LIMA LIMA\","
                          "\"actualizado_en\":\"2026-11-20 06:12:45\"}",
                          ruc);
}

static void
message_done_cb (SoupServer        *server,
                 SoupServerMessage *message,
                 Fixture           *fixture)
{
  if (g_hash_table_remove (fixture->active, message))
    fixture->in_flight--;
}

static void
respond (Fixture           *fixture,
         SoupServerMessage *message,
         Canned            *canned,
         const char        *echo_id,
         gboolean           dni)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  g_autofree char *echo_body = NULL;
  const char *body = canned->body;
  gsize body_len = canned->body_len;

  if (canned->echo)
    {
      if (dni)
        echo_body = g_strdup_printf ("{\"success\":true,\"dni\":\"%s\","
                                     "\"nombre\":\"PEREZ QUISPE ROSA\"}", echo_id);
      else
        echo_body = success_body (echo_id);
      body = echo_body;
      body_len = strlen (echo_body);
    }

  soup_server_message_set_status (message, canned->status, NULL);
  for (guint i = 0; canned->headers[i] != NULL; i += 2)
    soup_message_headers_append (headers, canned->headers[i], canned->headers[i + 1]);

  if (canned->chunked)
    {
      SoupMessageBody *response = soup_server_message_get_response_body (message);

      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_replace (headers, "Content-Type", "application/json");
      for (gsize at = 0; at < body_len; at += 64 * 1024)
        soup_message_body_append (response, SOUP_MEMORY_COPY, body + at,
                                  MIN (64 * 1024, body_len - at));
      soup_message_body_complete (response);
    }
  else if (body != NULL)
    soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY,
                                      body, body_len);
}

static void
pending_free (Pending *pending)
{
  g_object_unref (pending->message);
  g_free (pending->echo_id);
  g_free (pending);
}

static void
pending_answer (Pending *pending)
{
  /* The client may have gone (a timeout, a cancellation): then there is nobody to answer. */
  if (g_hash_table_contains (pending->fixture->active, pending->message))
    {
      respond (pending->fixture, pending->message, pending->canned, pending->echo_id, pending->dni);
      soup_server_message_unpause (pending->message);
    }
}

static gboolean
delayed_cb (gpointer user_data)
{
  pending_answer (user_data);
  return G_SOURCE_REMOVE;
}

/* Gives the answers held so far. */
static void
fixture_release_held (Fixture *fixture)
{
  g_autoptr(GPtrArray) held = g_steal_pointer (&fixture->held);

  fixture->held = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  g_ptr_array_foreach (held, (GFunc) pending_answer, NULL);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  Request *request = g_new0 (Request, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *echo_id = NULL;
  Canned *canned;

  request->method = g_strdup (soup_server_message_get_method (message));
  request->path = g_strdup (path);
  request->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  request->accept = g_strdup (soup_message_headers_get_one (headers, "Accept"));
  request->user_agent = g_strdup (soup_message_headers_get_one (headers, "User-Agent"));
  request->body = soup_message_body_flatten (soup_server_message_get_request_body (message));
  g_ptr_array_add (fixture->requests, request);

  g_hash_table_add (fixture->active, message);
  fixture->in_flight++;
  fixture->max_in_flight = MAX (fixture->max_in_flight, fixture->in_flight);

  canned = g_queue_pop_head (&fixture->queue);
  if (canned == NULL)
    canned = fixture->fallback;
  g_assert_nonnull (canned);

  if (canned->echo &&
      json_parser_load_from_data (parser, g_bytes_get_data (request->body, NULL),
                                  g_bytes_get_size (request->body), NULL))
    {
      JsonObject *object = json_node_get_object (json_parser_get_root (parser));

      echo_id = g_strdup (json_object_get_string_member_with_default (object, "ruc",
                            json_object_get_string_member_with_default (object, "dni", "")));
    }

  if (canned->hang || canned->delay_ms > 0)
    {
      Pending *pending = g_new0 (Pending, 1);

      pending->fixture = fixture;
      pending->message = g_object_ref (message);
      pending->canned = canned;
      pending->echo_id = g_steal_pointer (&echo_id);
      pending->dni = g_str_has_suffix (path, "/dni");

      soup_server_message_pause (message);
      if (canned->hang)
        g_ptr_array_add (fixture->held, pending);
      else
        {
          GSource *source = g_timeout_source_new (canned->delay_ms);

          g_source_set_callback (source, delayed_cb, pending, (GDestroyNotify) pending_free);
          g_source_attach (source, NULL);
          g_ptr_array_add (fixture->timeouts, source);
        }
      return;
    }

  respond (fixture, message, canned, echo_id, g_str_has_suffix (path, "/dni"));
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the default main context until @cond holds, failing the test after @ms. */
#define spin_until(cond, ms)                                            \
  G_STMT_START {                                                        \
    gint64 deadline_ = g_get_monotonic_time () + (gint64) (ms) * 1000;  \
    guint wake_ = g_timeout_add (10, wake_cb, NULL);                    \
    while (!(cond) && g_get_monotonic_time () < deadline_)              \
      g_main_context_iteration (NULL, TRUE);                            \
    g_source_remove (wake_);                                            \
    g_assert_true (cond);                                               \
  } G_STMT_END

/* Runs the default main context for @ms. */
static void
spin_for (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;
  guint wake = g_timeout_add (10, wake_cb, NULL);

  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Result *res = user_data;

  g_assert_false (res->done);
  res->record = rv_provider_lookup_finish (RV_PROVIDER (object), result, &res->error);
  g_assert_true ((res->record == NULL) != (res->error == NULL));
  res->finished_at = g_get_monotonic_time ();
  res->done = TRUE;
}

static void
lookup (RvMigoProvider *provider,
        const char     *id,
        Result         *result)
{
  result_clear (result);
  rv_provider_lookup_async (RV_PROVIDER (provider), id, NULL, lookup_cb, result);
  spin_until (result->done, 10000);
}

static RvMigoProvider *
fixture_provider (Fixture *fixture,
                  guint    max_connections,
                  guint    timeout_seconds)
{
  return rv_migo_provider_new (fixture->base_url, TOKEN, max_connections, timeout_seconds);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  fixture->canned = g_ptr_array_new_with_free_func ((GDestroyNotify) canned_free);
  g_queue_init (&fixture->queue);
  fixture->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  fixture->active = g_hash_table_new (NULL, NULL);
  fixture->held = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  fixture->timeouts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, server_cb, fixture, NULL);
  g_signal_connect (fixture->server, "request-finished", G_CALLBACK (message_done_cb), fixture);
  g_signal_connect (fixture->server, "request-aborted", G_CALLBACK (message_done_cb), fixture);

  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  g_assert_nonnull (uris);
  fixture->base_url = g_uri_to_string (uris->data);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* Answers never given are dropped with the connections. */
  for (guint i = 0; i < fixture->timeouts->len; i++)
    g_source_destroy (g_ptr_array_index (fixture->timeouts, i));
  g_ptr_array_unref (fixture->timeouts);
  g_ptr_array_unref (fixture->held);
  soup_server_disconnect (fixture->server);
  g_assert_finalize_object (fixture->server);
  while (g_main_context_iteration (NULL, FALSE));

  g_hash_table_unref (fixture->active);
  g_ptr_array_unref (fixture->requests);
  g_queue_clear (&fixture->queue);
  g_ptr_array_unref (fixture->canned);
  g_free (fixture->base_url);
}

static void
assert_error (Result          *result,
              RvProviderError  code,
              const char      *part)
{
  g_assert_true (result->done);
  g_assert_null (result->record);
  g_assert_error (result->error, RV_PROVIDER_ERROR, code);
  g_test_message ("error: %s", result->error->message);
  g_assert_nonnull (strstr (result->error->message, "APIMIGO"));
  if (part != NULL)
    g_assert_nonnull (strstr (result->error->message, part));
  g_assert_null (strstr (result->error->message, TOKEN));
  if (code != RV_PROVIDER_ERROR_RATE_LIMITED)
    g_assert_cmpint (rv_provider_error_get_retry_after (result->error), ==, -1);
}

static void
test_provider_basics (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(RvMigoProvider) provider = NULL;
  g_autoptr(RvMigoProvider) other = NULL;
  RvProvider *p;

  provider = rv_migo_provider_new (NULL, TOKEN, 10, 30);
  p = RV_PROVIDER (provider);
  g_assert_cmpstr (rv_provider_get_id (p), ==, "migo");
  g_assert_cmpstr (rv_provider_get_name (p), ==, "APIMIGO");
  g_assert_true (rv_provider_get_needs_token (p));
  g_assert_true (rv_provider_get_can_lookup_dni (p));
  g_assert_cmpuint (rv_provider_get_default_rate (p), ==, 600);
  g_assert_false (rv_provider_can_lookup_many (p));
  g_assert_cmpstr (rv_migo_provider_get_base_url (provider), ==, RV_MIGO_DEFAULT_BASE_URL);

  other = rv_migo_provider_new ("https://proxy.example/migo///", TOKEN, 1, 0);
  g_assert_cmpstr (rv_migo_provider_get_base_url (other), ==, "https://proxy.example/migo");

  g_assert_finalize_object (g_steal_pointer (&provider));
  g_assert_finalize_object (g_steal_pointer (&other));
}

static void
test_success (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(RvMigoProvider) provider = fixture_provider (fixture, 2, 10);
  g_autofree char *body = success_body (RUC);
  Result result = { 0 };
  RvRecord *record;
  gint64 now;

  push_response (fixture, 200, body, NULL);
  lookup (provider, RUC, &result);
  g_assert_no_error (result.error);
  record = result.record;

  now = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpstr (rv_record_get_ruc (record), ==, RUC);
  g_assert_true (rv_record_get_found (record));
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_NAME), ==, SUNAT_NAME);
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_STATE), ==, "ACTIVO");
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_CONDITION), ==, "HABIDO");
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_UBIGEO), ==, "150101");
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_VIA_TYPE), ==, "AV.");
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_VIA_NAME), ==, "GARCILASO DE LA VEGA");
  g_assert_null (rv_record_get_field (record, RV_FIELD_ZONE_CODE));
  g_assert_null (rv_record_get_field (record, RV_FIELD_ZONE_TYPE));
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_NUMBER), ==, "1472");
  g_assert_null (rv_record_get_field (record, RV_FIELD_INTERIOR));
  g_assert_null (rv_record_get_field (record, RV_FIELD_LOT));
  g_assert_null (rv_record_get_field (record, RV_FIELD_APARTMENT));
  g_assert_null (rv_record_get_field (record, RV_FIELD_BLOCK));
  g_assert_null (rv_record_get_field (record, RV_FIELD_KILOMETER));
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_DISTRICT), ==, "LIMA");
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_PROVINCE), ==, "LIMA");
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_REGION), ==, "LIMA");
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_ADDRESS_SIMPLE), ==,
                   "AV. GARCILASO DE LA VEGA NRO. 1472");
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_ADDRESS), ==,
                   "AV. GARCILASO DE LA VEGA NRO. 1472 LIMA LIMA LIMA");
  g_assert_cmpstr (rv_record_get_as_of (record), ==, "2026-11-20 06:12:45");
  g_assert_cmpint (rv_record_get_source (record), ==, RV_SOURCE_API);
  g_assert_cmpstr (rv_record_get_provider (record), ==, "migo");
  g_assert_cmpint (rv_record_get_checked_at (record), >=, now - 5);
  g_assert_cmpint (rv_record_get_checked_at (record), <=, now);
  g_assert_cmpint (rv_record_get_verdict (record), ==, RV_VERDICT_VALID);

  /* Absent and null fields are empty, not an error. */
  push_response (fixture, 200,
                 "{\"success\":true,\"ruc\":\"" RUC "\","
                 "\"estado_del_contribuyente\":\"BAJA DE OFICIO\","
                 "\"condicion_de_domicilio\":null}", NULL);
  lookup (provider, RUC, &result);
  g_assert_no_error (result.error);
  g_assert_cmpstr (rv_record_get_field (result.record, RV_FIELD_STATE), ==, "BAJA DE OFICIO");
  g_assert_null (rv_record_get_field (result.record, RV_FIELD_CONDITION));
  g_assert_null (rv_record_get_field (result.record, RV_FIELD_NAME));
  g_assert_null (rv_record_get_as_of (result.record));
  g_assert_cmpint (rv_record_get_verdict (result.record), ==, RV_VERDICT_OBSERVED);

  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
}

static void
test_request (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *base = g_strconcat (fixture->base_url, "//", NULL);
  g_autoptr(RvMigoProvider) provider = rv_migo_provider_new (base, TOKEN, 1, 10);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *body = success_body (RUC);
  Result result = { 0 };
  JsonObject *object;
  Request *request;

  push_response (fixture, 200, body, NULL);
  lookup (provider, RUC, &result);
  g_assert_no_error (result.error);

  g_assert_cmpuint (fixture->requests->len, ==, 1);
  request = g_ptr_array_index (fixture->requests, 0);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/api/v1/ruc");
  g_assert_cmpstr (request->content_type, ==, "application/json");
  g_assert_cmpstr (request->accept, ==, "application/json");
  g_assert_nonnull (request->user_agent);
  g_assert_true (g_str_has_prefix (request->user_agent, "ruc-validator/"));
  g_assert_nonnull (strstr (request->user_agent, PACKAGE_VERSION));

  json_parser_load_from_data (parser, g_bytes_get_data (request->body, NULL),
                              g_bytes_get_size (request->body), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (object), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (object, "token"), ==, TOKEN);
  g_assert_cmpstr (json_object_get_string_member (object, "ruc"), ==, RUC);

  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(RvMigoProvider) provider = fixture_provider (fixture, 2, 10);
  Result result = { 0 };

  push_response (fixture, 200, "{\"success\":false,\"message\":\"No se encontraron resultados\"}",
                 NULL);
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_NOT_FOUND, RUC);

  push_response (fixture, 404, "{\"success\":false,\"message\":\"Not found\"}", NULL);
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_NOT_FOUND, RUC);

  push_response (fixture, 404, NULL, NULL);
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_NOT_FOUND, RUC);

  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
}

static void
test_authentication (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(RvMigoProvider) provider = fixture_provider (fixture, 2, 10);
  Result result = { 0 };

  push_response (fixture, 401, "{\"message\":\"Unauthenticated.\"}", NULL);
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_AUTHENTICATION, "HTTP 401");
  g_assert_nonnull (strstr (result.error->message, "token"));

  push_response (fixture, 403, "{\"message\":\"Unauthenticated.\"}", NULL);
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_AUTHENTICATION, "HTTP 403");

  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
}

static void
test_bad_format (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(RvMigoProvider) provider = fixture_provider (fixture, 2, 10);
  Result result = { 0 };

  push_response (fixture, 422, "{\"message\":\"The given data was invalid.\"}", NULL);
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_BAD_FORMAT, "HTTP 422");

  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
}

static void
test_rate_limited (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(RvMigoProvider) provider = fixture_provider (fixture, 2, 10);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 5);
  g_autoptr(GDateTime) earlier = g_date_time_add_seconds (now, -30);
  g_autofree char *later_text = soup_date_time_to_string (later, SOUP_DATE_HTTP);
  g_autofree char *earlier_text = soup_date_time_to_string (earlier, SOUP_DATE_HTTP);
  Result result = { 0 };
  gint64 wait;

  push_response (fixture, 429, "{\"message\":\"Too Many Attempts.\"}", "Retry-After", "7", NULL);
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_RATE_LIMITED, "429");
  g_assert_cmpint (rv_provider_error_get_retry_after (result.error), ==, 7000);

  push_response (fixture, 429, NULL, "Retry-After", later_text, NULL);
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_RATE_LIMITED, "429");
  wait = rv_provider_error_get_retry_after (result.error);
  g_test_message ("Retry-After: %s -> %" G_GINT64_FORMAT " ms", later_text, wait);
  /* HTTP dates have whole seconds. */
  g_assert_cmpint (wait, >=, 3500);
  g_assert_cmpint (wait, <=, 5000);

  push_response (fixture, 429, NULL, NULL);
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_RATE_LIMITED, "429");
  g_assert_cmpint (rv_provider_error_get_retry_after (result.error), ==, -1);

  push_response (fixture, 429, NULL, "Retry-After", "soon", NULL);
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_RATE_LIMITED, "429");
  g_assert_cmpint (rv_provider_error_get_retry_after (result.error), ==, -1);

  /* A date already past: no wait, but not "unknown" either. */
  push_response (fixture, 429, NULL, "Retry-After", earlier_text, NULL);
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_RATE_LIMITED, "429");
  g_assert_cmpint (rv_provider_error_get_retry_after (result.error), ==, 0);

  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
}

static void
test_transient_status (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(RvMigoProvider) provider = fixture_provider (fixture, 2, 10);
  g_autofree char *elsewhere = g_strconcat (fixture->base_url, "elsewhere", NULL);
  static const guint statuses[] = { 500, 502, 503, 408, 201, 204, 400 };
  Result result = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autofree char *part = g_strdup_printf ("HTTP %u", statuses[i]);

      push_response (fixture, statuses[i], "<html>busy</html>", NULL);
      lookup (provider, RUC, &result);
      assert_error (&result, RV_PROVIDER_ERROR_TRANSIENT, part);
    }

  /* A redirect is not followed: the token in the body stays with the configured host. */
  push_response (fixture, 307, NULL, "Location", elsewhere, NULL);
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_TRANSIENT, "HTTP 307");
  g_assert_cmpuint (fixture->requests->len, ==, G_N_ELEMENTS (statuses) + 1);

  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
}

static void
test_malformed (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(RvMigoProvider) provider = fixture_provider (fixture, 2, 10);
  static const struct {
    const char *body;
    const char *part;
  } cases[] = {
    { "{\"success\":true,\"ruc\":\"" RUC "\",\"nombre_o_raz", "JSON" },
    { "<html><body>Service Unavailable</body></html>", "JSON" },
    { "", "JSON" },
    { "[{\"success\":true,\"ruc\":\"" RUC "\"}]", "object" },
    { "\"" RUC "\"", "object" },
    { "{\"ruc\":\"" RUC "\"}", "success" },
    { "{\"success\":\"true\",\"ruc\":\"" RUC "\"}", "success" },
    { "{\"success\":1,\"ruc\":\"" RUC "\"}", "success" },
    { "{\"success\":true}", "ruc" },
    { "{\"success\":true,\"ruc\":20131312955}", "ruc" },
    { "{\"success\":true,\"ruc\":\"" OTHER "\",\"estado_del_contribuyente\":\"ACTIVO\"}",
      "another RUC" },
    { "{\"success\":true,\"ruc\":\"" RUC "\",\"numero\":1472}", "numero" },
    { "{\"success\":true,\"ruc\":\"" RUC "\",\"distrito\":{\"name\":\"LIMA\"}}", "distrito" },
    { "{\"success\":true,\"ruc\":\"" RUC "\",\"ubigeo\":[\"150101\"]}", "ubigeo" },
    { "{\"success\":true,\"ruc\":\"" RUC "\",\"actualizado_en\":20261120}", "actualizado_en" },
    { "{\"success\":true,\"ruc\":\"" RUC "\",\"direccion\":\"AV. \xff\xfe\"}", NULL },
  };
  Result result = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *escaped = g_strescape (cases[i].body, NULL);

      g_test_message ("case %u: %s", i, escaped);
      push_response (fixture, 200, cases[i].body, NULL);
      lookup (provider, RUC, &result);
      assert_error (&result, RV_PROVIDER_ERROR_TRANSIENT, cases[i].part);
    }

  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
}

static void
test_size_cap (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(RvMigoProvider) provider = fixture_provider (fixture, 2, 10);
  const char *head = "{\"success\":true,\"ruc\":\"" RUC "\","
                     "\"estado_del_contribuyente\":\"ACTIVO\"";
  Result result = { 0 };
  Canned *canned;
  GString *body;

  /* Exactly 1 MiB is still read (whitespace pads a valid answer); one byte more is not,
   * whether the server says its length or sends chunks.
   */
  body = g_string_new (head);
  while (body->len < MIB - 1)
    g_string_append_c (body, ' ');
  g_string_append_c (body, '}');
  g_assert_cmpuint (body->len, ==, MIB);

  push_response (fixture, 200, body->str, NULL);
  lookup (provider, RUC, &result);
  g_assert_no_error (result.error);
  g_assert_cmpstr (rv_record_get_field (result.record, RV_FIELD_STATE), ==, "ACTIVO");

  canned = push_response (fixture, 200, body->str, NULL);
  canned->chunked = TRUE;
  lookup (provider, RUC, &result);
  g_assert_no_error (result.error);

  g_string_insert_c (body, body->len - 1, ' ');
  g_assert_cmpuint (body->len, ==, MIB + 1);

  push_response (fixture, 200, body->str, NULL);
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_TRANSIENT, "too large");

  canned = push_response (fixture, 200, body->str, NULL);
  canned->chunked = TRUE;
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_TRANSIENT, "too large");

  /* Far more, in chunks: reading stops at the cap and the connection is dropped. */
  while (body->len < 8 * MIB)
    g_string_append_len (body, body->str, MIN (body->len, 8 * MIB - body->len));
  canned = push_response (fixture, 200, body->str, NULL);
  canned->chunked = TRUE;
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_TRANSIENT, "too large");

  /* The provider still works afterwards. */
  canned = push_response (fixture, 200, NULL, NULL);
  canned->echo = TRUE;
  lookup (provider, RUC, &result);
  g_assert_no_error (result.error);

  g_string_free (body, TRUE);
  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(RvMigoProvider) provider = fixture_provider (fixture, 2, 1);
  Result result = { 0 };
  gint64 start, elapsed;
  Canned *canned;

  canned = push_response (fixture, 200, NULL, NULL);
  canned->hang = TRUE;

  start = g_get_monotonic_time ();
  lookup (provider, RUC, &result);
  elapsed = (result.finished_at - start) / 1000;
  g_test_message ("timed out after %" G_GINT64_FORMAT " ms", elapsed);
  assert_error (&result, RV_PROVIDER_ERROR_TRANSIENT, "1 second");
  g_assert_cmpint (elapsed, >=, 900);
  g_assert_cmpint (elapsed, <=, 3000);
  g_assert_cmpuint (fixture->requests->len, ==, 1);

  /* A slow answer within the limit is an answer. */
  canned = push_response (fixture, 200, NULL, NULL);
  canned->echo = TRUE;
  canned->delay_ms = 400;
  lookup (provider, RUC, &result);
  g_assert_no_error (result.error);
  g_assert_cmpstr (rv_record_get_ruc (result.record), ==, RUC);

  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
}

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) any = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(RvMigoProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  Result result = { 0 };
  guint port;

  /* A port that was free a moment ago and that nobody listens on. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  any = g_inet_socket_address_new (loopback, 0);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, &error);
  g_assert_no_error (error);

  base = g_strdup_printf ("http://127.0.0.1:%u", port);
  provider = rv_migo_provider_new (base, TOKEN, 2, 5);
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_TRANSIENT, "refused");

  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
}

static void
test_tls_unverified (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(RvMigoProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autofree char *base = NULL;
  Result result = { 0 };

  certificate = g_tls_certificate_new_from_pem (self_signed_pem, -1, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (server, NULL, server_cb, fixture, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  base = g_uri_to_string (uris->data);
  g_assert_true (g_str_has_prefix (base, "https://"));

  provider = rv_migo_provider_new (base, TOKEN, 2, 5);
  lookup (provider, RUC, &result);
  assert_error (&result, RV_PROVIDER_ERROR_TRANSIENT, "certificate");
  /* The handshake failed: no request, so no token, reached the server. */
  g_assert_cmpuint (fixture->requests->len, ==, 0);

  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
  soup_server_disconnect (server);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(RvMigoProvider) provider = fixture_provider (fixture, 2, 30);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  Result result = { 0 };
  gint64 cancelled_at;
  Canned *canned;

  canned = push_response (fixture, 200, NULL, NULL);
  canned->hang = TRUE;

  rv_provider_lookup_async (RV_PROVIDER (provider), RUC, cancellable, lookup_cb, &result);
  spin_until (fixture->requests->len == 1, 5000);
  g_assert_false (result.done);

  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  spin_until (result.done, 5000);
  g_test_message ("cancelled after %" G_GINT64_FORMAT " us", result.finished_at - cancelled_at);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (result.finished_at - cancelled_at, <, 500 * 1000);

  /* Cancelled before it starts: nothing is sent. */
  result_clear (&result);
  g_cancellable_cancel (cancelled);
  rv_provider_lookup_async (RV_PROVIDER (provider), RUC, cancelled, lookup_cb, &result);
  spin_until (result.done, 5000);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  spin_for (50);
  g_assert_cmpuint (fixture->requests->len, ==, 1);

  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
}

static void
test_dni (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(RvMigoProvider) provider = fixture_provider (fixture, 2, 10);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  Result result = { 0 };
  JsonObject *object;
  Request *request;

  push_response (fixture, 200, DNI_ANSWER, NULL);
  lookup (provider, DNI, &result);
  g_assert_no_error (result.error);
  g_assert_cmpstr (rv_record_get_ruc (result.record), ==, DNI);
  g_assert_true (rv_record_get_found (result.record));
  g_assert_cmpstr (rv_record_get_field (result.record, RV_FIELD_NAME), ==, "PEREZ QUISPE ROSA");
  g_assert_null (rv_record_get_field (result.record, RV_FIELD_STATE));
  g_assert_cmpint (rv_record_get_source (result.record), ==, RV_SOURCE_API);
  g_assert_cmpstr (rv_record_get_provider (result.record), ==, "migo");
  g_assert_cmpint (rv_record_get_checked_at (result.record), >, 0);

  request = g_ptr_array_index (fixture->requests, 0);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/api/v1/dni");
  g_assert_cmpstr (request->content_type, ==, "application/json");
  json_parser_load_from_data (parser, g_bytes_get_data (request->body, NULL),
                              g_bytes_get_size (request->body), &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (object), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (object, "token"), ==, TOKEN);
  g_assert_cmpstr (json_object_get_string_member (object, "dni"), ==, DNI);

  push_response (fixture, 200, "{\"success\":false,\"message\":\"No encontrado\"}", NULL);
  lookup (provider, DNI, &result);
  assert_error (&result, RV_PROVIDER_ERROR_NOT_FOUND, DNI);

  push_response (fixture, 200, "{\"success\":true,\"dni\":\"12345678\",\"nombre\":\"OTRA\"}",
                 NULL);
  lookup (provider, DNI, &result);
  assert_error (&result, RV_PROVIDER_ERROR_TRANSIENT, "another DNI");

  push_response (fixture, 200, "{\"success\":true,\"dni\":\"" DNI "\",\"nombre\":42}", NULL);
  lookup (provider, DNI, &result);
  assert_error (&result, RV_PROVIDER_ERROR_TRANSIENT, "nombre");

  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
}

static void
test_bad_id (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(RvMigoProvider) provider = fixture_provider (fixture, 2, 10);
  static const char * const ids[] = {
    "", "2013131295", "201313129551", "2013131295a", " 20131312955", "20131312955 ",
    "1234567", "123456789", "4567891a", "-1234567", "２０１３１３１２９５５",
  };
  Result result = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *escaped = g_strescape (ids[i], NULL);

      g_test_message ("id \"%s\"", escaped);
      lookup (provider, ids[i], &result);
      assert_error (&result, RV_PROVIDER_ERROR_BAD_FORMAT, NULL);
    }
  spin_for (50);
  g_assert_cmpuint (fixture->requests->len, ==, 0);

  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
}

/* @max_connections parallel connections at most, and exactly that many when the work
 * allows: the session's limits follow the setting (libsoup's defaults would give 2).
 */
static void
check_max_connections (Fixture *fixture,
                       guint    max_connections)
{
  g_autoptr(RvMigoProvider) provider = fixture_provider (fixture, max_connections, 10);
  Result results[12] = { { 0 } };
  guint done = 0;
  char ruc[12];

  fixture->max_in_flight = 0;
  g_ptr_array_set_size (fixture->requests, 0);

  /* The server holds every request: as many arrive as the client has connections. */
  fixture->fallback->hang = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      /* Distinct numbers, each echoed back by the server. */
      g_snprintf (ruc, sizeof ruc, "201000%05u", i);
      rv_provider_lookup_async (RV_PROVIDER (provider), ruc, NULL, lookup_cb, &results[i]);
    }
  spin_until (fixture->in_flight >= max_connections, 5000);
  /* Time for any request beyond the limit to arrive. */
  spin_for (250);
  g_assert_cmpuint (fixture->in_flight, ==, max_connections);

  fixture->fallback->hang = FALSE;
  fixture_release_held (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      spin_until (results[i].done, 10000);
      g_assert_no_error (results[i].error);
      g_snprintf (ruc, sizeof ruc, "201000%05u", i);
      g_assert_cmpstr (rv_record_get_ruc (results[i].record), ==, ruc);
      result_clear (&results[i]);
      done++;
    }

  g_test_message ("max_connections %u: at most %u requests in flight", max_connections,
                  fixture->max_in_flight);
  g_assert_cmpuint (done, ==, 12);
  g_assert_cmpuint (fixture->requests->len, ==, 12);
  g_assert_cmpuint (fixture->max_in_flight, ==, max_connections);

  g_assert_finalize_object (g_steal_pointer (&provider));
}

static void
test_max_connections (Fixture       *fixture,
                      gconstpointer  data)
{
  Canned *canned = push_response (fixture, 200, NULL, NULL);

  g_queue_clear (&fixture->queue);
  canned->echo = TRUE;
  fixture->fallback = canned;

  check_max_connections (fixture, 4);
  check_max_connections (fixture, 12);
}

static GLogWriterOutput
record_log_writer (GLogLevelFlags   level,
                   const GLogField *fields,
                   gsize            n_fields,
                   gpointer         user_data)
{
  GString *line = g_string_new (NULL);

  for (gsize i = 0; i < n_fields; i++)
    {
      if (fields[i].length < 0)
        g_string_append_printf (line, "%s=%s ", fields[i].key, (const char *) fields[i].value);
      else
        {
          g_string_append_printf (line, "%s=", fields[i].key);
          g_string_append_len (line, fields[i].value, fields[i].length);
          g_string_append_c (line, ' ');
        }
    }
  g_ptr_array_add (log_lines, g_string_free (line, FALSE));

  /* Debug output is recorded only; anything more serious is also shown. */
  if (level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
test_token_never_logged (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(RvMigoProvider) provider = fixture_provider (fixture, 4, 1);
  g_autoptr(RvMigoProvider) refused = rv_migo_provider_new ("http://127.0.0.1:1", TOKEN, 1, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *big = g_strnfill (MIB + 10, ' ');
  g_autofree char *body = success_body (RUC);
  Result result = { 0 };
  Canned *canned;
  guint n_lines;

  g_assert_cmpstr (g_getenv ("G_MESSAGES_DEBUG"), ==, "all");
  /* The recorder sees debug messages. */
  g_debug ("probe of the log recorder");
  g_assert_nonnull (strstr (g_ptr_array_index (log_lines, log_lines->len - 1),
                            "probe of the log recorder"));

  push_response (fixture, 200, body, NULL);
  push_response (fixture, 200, "{\"success\":false}", NULL);
  push_response (fixture, 404, NULL, NULL);
  push_response (fixture, 401, "{\"message\":\"Unauthenticated.\"}", NULL);
  push_response (fixture, 403, NULL, NULL);
  push_response (fixture, 422, NULL, NULL);
  push_response (fixture, 429, NULL, "Retry-After", "3", NULL);
  push_response (fixture, 500, NULL, NULL);
  push_response (fixture, 503, NULL, NULL);
  push_response (fixture, 307, NULL, "Location", "http://127.0.0.1:1/", NULL);
  push_response (fixture, 200, "{\"success\":true,", NULL);
  push_response (fixture, 200, "[]", NULL);
  push_response (fixture, 200, "{\"success\":true,\"ruc\":\"" OTHER "\"}", NULL);
  push_response (fixture, 200, big, NULL);
  canned = push_response (fixture, 200, NULL, NULL);
  canned->hang = TRUE;

  for (guint i = 0; i < 15; i++)
    {
      lookup (provider, RUC, &result);
      if (result.error != NULL)
        g_ptr_array_add (messages, g_strdup (result.error->message));
    }
  g_assert_cmpuint (messages->len, ==, 14);

  lookup (provider, "not a ruc", &result);
  g_ptr_array_add (messages, g_strdup (result.error->message));
  lookup (refused, RUC, &result);
  g_ptr_array_add (messages, g_strdup (result.error->message));

  canned = push_response (fixture, 200, NULL, NULL);
  canned->hang = TRUE;
  result_clear (&result);
  rv_provider_lookup_async (RV_PROVIDER (provider), RUC, cancellable, lookup_cb, &result);
  spin_until (fixture->requests->len == 16, 5000);
  g_cancellable_cancel (cancellable);
  spin_until (result.done, 5000);
  g_ptr_array_add (messages, g_strdup (result.error->message));

  for (guint i = 0; i < messages->len; i++)
    {
      g_test_message ("%s", (char *) g_ptr_array_index (messages, i));
      g_assert_null (strstr (g_ptr_array_index (messages, i), TOKEN));
    }

  result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&provider));
  g_assert_finalize_object (g_steal_pointer (&refused));

  /* Every line logged by the whole run so far, this test and the ones before it. */
  n_lines = log_lines->len;
  g_test_message ("%u log lines recorded", n_lines);
  for (guint i = 0; i < n_lines; i++)
    g_assert_null (strstr (g_ptr_array_index (log_lines, i), TOKEN));
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can log: every debug message is produced, and recorded. */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  log_lines = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (record_log_writer, NULL, NULL);

  g_test_init (&argc, &argv, NULL);
  /* g_test_init() copies every message, debug ones included, to standard output as TAP
   * comments; the writer above is enough.
   */
  g_log_set_default_handler (g_log_default_handler, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/migo/provider/basics", test_provider_basics);
  ADD ("/migo/lookup/success", test_success);
  ADD ("/migo/lookup/request", test_request);
  ADD ("/migo/lookup/not-found", test_not_found);
  ADD ("/migo/lookup/authentication", test_authentication);
  ADD ("/migo/lookup/bad-format", test_bad_format);
  ADD ("/migo/lookup/rate-limited", test_rate_limited);
  ADD ("/migo/lookup/transient-status", test_transient_status);
  ADD ("/migo/lookup/malformed", test_malformed);
  ADD ("/migo/lookup/size-cap", test_size_cap);
  ADD ("/migo/lookup/timeout", test_timeout);
  ADD ("/migo/lookup/refused", test_refused);
  ADD ("/migo/lookup/tls-unverified", test_tls_unverified);
  ADD ("/migo/lookup/cancel", test_cancel);
  ADD ("/migo/lookup/dni", test_dni);
  ADD ("/migo/lookup/bad-id", test_bad_id);
  ADD ("/migo/session/max-connections", test_max_connections);
  /* Last: it also checks what every test before it logged. */
  ADD ("/migo/log/token-never-logged", test_token_never_logged);
#undef ADD

  return g_test_run ();
}
