/* rv-mock-api.c
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

#define G_LOG_DOMAIN "rv-mock"

#include "rv-mock-api.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

/**
 * RvMockApi:
 *
 * An emulator of the APIMIGO endpoints on 127.0.0.1, for tests and benchmarks: it answers
 * RUC and DNI lookups from rules that tests can predict (rv_mock_api_expected_answer()),
 * and can be made slow, rate limited or faulty, while it counts what it was asked.
 *
 * The server runs on the thread-default main context of the thread that calls
 * rv_mock_api_listen(). The statistics, the counters and the settings are guarded by a
 * mutex, so another thread may read them (and change the settings) at any time;
 * rv_mock_api_release_hung() runs its work on the server's context. Dispose the object in
 * the server's thread, or once that thread's main loop has stopped.
 */

/* Whether a request ends with an answer, without one, or never. */
typedef enum
{
  ACTION_REPLY,
  ACTION_DROP,
  ACTION_HANG,
} Action;

typedef enum
{
  ENDPOINT_RUC,
  ENDPOINT_DNI,
} Endpoint;

/* What the server decided to do with one request. */
typedef struct
{
  Action      action;
  guint       status;
  const char *content_type;
  char       *body;
  int         retry_after;  /* seconds; -1: no Retry-After header */
  gboolean    real;         /* a real answer (200/404), counted as answered */
  char       *ruc;          /* the RUC answered, for repeated_answered; NULL for a DNI */
} Reply;

/* A request paused by the server: delayed by the latency, or hung. */
typedef struct
{
  RvMockApi         *self;    /* unowned: dispose ends every pending request */
  SoupServerMessage *msg;
  GSource           *timer;   /* NULL when hung */
  GSource           *watch;   /* the client's socket, to notice a client that goes away */
  gboolean           real;
  char              *ruc;
} Pending;

/* What the server knows of one RUC. */
typedef struct
{
  guint requested;
  guint answered;
} RucCount;

/* An answer given with rv_mock_api_set_answer(). */
typedef struct
{
  char  *body;
  guint  status;
} Answer;

struct _RvMockApi
{
  GObject       parent_instance;

  /* Used in the server's thread only (and in dispose). */
  SoupServer   *server;
  GMainContext *context;
  GHashTable   *pending;          /* SoupServerMessage → Pending */

  /* Everything below is guarded by the mutex. */
  GMutex        mutex;
  guint         port;
  char         *token;
  guint         latency_ms;
  double        latency_sigma;
  guint         rate_per_minute;
  int           retry_after_s;
  guint         rate_window_ms;
  double        fault_probability[RV_MOCK_N_FAULTS];
  guint         max_faults;      /* per value; 0: no limit */
  GHashTable   *faults_by_value; /* value → faults so far */
  GRand        *rand;
  GHashTable   *answers;          /* RUC or DNI → Answer */

  RvMockStats   stats;
  GHashTable   *rucs;             /* RUC → RucCount */
  GArray       *times;            /* gint64: monotonic µs of each accepted request */
  guint         window_start;     /* the first index of times inside the rate window */
};

G_DEFINE_FINAL_TYPE (RvMockApi, rv_mock_api, G_TYPE_OBJECT)

#define SUNAT_RUC             "20131312955"
#define DEFAULT_SEED          20131312u
#define DEFAULT_RATE_WINDOW   60000
#define LISTEN_BACKLOG        1024
/* Not in libsoup 3.2's SoupStatus. */
#define STATUS_TOO_MANY_REQUESTS 429

/* The JSON keys of the faults in the statistics, in the order of RvMockFault. */
static const char * const fault_names[RV_MOCK_N_FAULTS] = {
  "5xx", "hang", "malformed", "drop", "401",
};

/* The order in which faults are drawn for each request. */
static const RvMockFault fault_order[RV_MOCK_N_FAULTS] = {
  RV_MOCK_FAULT_401,
  RV_MOCK_FAULT_DROP,
  RV_MOCK_FAULT_HANG,
  RV_MOCK_FAULT_5XX,
  RV_MOCK_FAULT_MALFORMED,
};

static GQuark in_flight_quark;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_free);
  g_clear_pointer (&reply->ruc, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

static void
answer_free (gpointer data)
{
  Answer *answer = data;

  g_free (answer->body);
  g_free (answer);
}

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  if (pending->timer != NULL)
    {
      g_source_destroy (pending->timer);
      g_clear_pointer (&pending->timer, g_source_unref);
    }
  if (pending->watch != NULL)
    {
      g_source_destroy (pending->watch);
      g_clear_pointer (&pending->watch, g_source_unref);
    }
  g_clear_object (&pending->msg);
  g_free (pending->ruc);
  g_free (pending);
}

static gboolean
is_digits (const char *s,
           gsize       length)
{
  gsize i;

  if (s == NULL || strlen (s) != length)
    return FALSE;
  for (i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
    }
  return TRUE;
}

/* FNV-1a, 32 bits: simple enough for a test to recompute, and it spreads the digits well. */
static guint32
ruc_hash (const char *ruc)
{
  guint32 h = 2166136261u;
  const char *p;

  for (p = ruc; *p != '\0'; p++)
    {
      h ^= (guchar) *p;
      h *= 16777619u;
    }
  return h;
}

static char *
node_to_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static char *
message_json (gboolean    with_success,
              const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (with_success)
    {
      json_builder_set_member_name (builder, "success");
      json_builder_add_boolean_value (builder, FALSE);
    }
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return node_to_json (root);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* The flat record of APIMIGO, every field filled the way the real service fills them. */
static char *
taxpayer_json (const char *ruc,
               const char *estado,
               const char *condicion)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *name = g_strdup_printf ("EMPRESA %s S.A.C.", ruc);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  add_string (builder, "ruc", ruc);
  add_string (builder, "nombre_o_razon_social", name);
  add_string (builder, "estado_del_contribuyente", estado);
  add_string (builder, "condicion_de_domicilio", condicion);
  add_string (builder, "ubigeo", "150101");
  add_string (builder, "tipo_de_via", "AV.");
  add_string (builder, "nombre_de_via", "LOS PROCERES");
  add_string (builder, "codigo_de_zona", "-");
  add_string (builder, "tipo_de_zona", "-");
  add_string (builder, "numero", "123");
  add_string (builder, "interior", "-");
  add_string (builder, "lote", "-");
  add_string (builder, "dpto", "-");
  add_string (builder, "manzana", "-");
  add_string (builder, "kilometro", "-");
  add_string (builder, "distrito", "LIMA");
  add_string (builder, "provincia", "LIMA");
  add_string (builder, "departamento", "LIMA");
  add_string (builder, "direccion_simple", "AV. LOS PROCERES 123");
  add_string (builder, "direccion", "AV. LOS PROCERES 123 LIMA LIMA LIMA");
  add_string (builder, "actualizado_en", "2026-11-20 08:00:00");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return node_to_json (root);
}

static char *
person_json (const char *dni)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *name = g_strdup_printf ("PERSONA %s", dni);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  add_string (builder, "dni", dni);
  add_string (builder, "nombre", name);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return node_to_json (root);
}

static void
reply_set (Reply      *reply,
           guint       status,
           const char *content_type,
           char       *body)
{
  g_free (reply->body);
  reply->action = ACTION_REPLY;
  reply->status = status;
  reply->content_type = content_type;
  reply->body = body;
}

/* The answer the rules give to a well-formed RUC (see rv_mock_api_expected_answer()). */
static void
reply_rule (Reply      *reply,
            const char *ruc)
{
  guint32 h = ruc_hash (ruc);
  RvMockAnswer answer = rv_mock_api_expected_answer (ruc);

  switch (answer)
    {
    case RV_MOCK_ANSWER_VALID:
      reply_set (reply, SOUP_STATUS_OK, "application/json",
                 taxpayer_json (ruc, "ACTIVO", "HABIDO"));
      break;

    case RV_MOCK_ANSWER_OBSERVED:
      if (h % 10 == 7)
        reply_set (reply, SOUP_STATUS_OK, "application/json",
                   taxpayer_json (ruc, "BAJA DE OFICIO", "HABIDO"));
      else
        reply_set (reply, SOUP_STATUS_OK, "application/json",
                   taxpayer_json (ruc, "ACTIVO", "NO HABIDO"));
      break;

    case RV_MOCK_ANSWER_NOT_FOUND:
      /* Both shapes are met in the wild: a 404, and a 200 that says success: false. */
      reply_set (reply, (h >> 16) & 1 ? SOUP_STATUS_NOT_FOUND : SOUP_STATUS_OK,
                 "application/json", message_json (TRUE, "No se encontró el RUC"));
      break;

    case RV_MOCK_ANSWER_BAD_FORMAT:
    default:
      reply_set (reply, SOUP_STATUS_UNPROCESSABLE_ENTITY, "application/json",
                 message_json (TRUE, "El RUC debe tener 11 dígitos."));
      return;
    }
  reply->real = TRUE;
}

static void
reply_fault (Reply       *reply,
             RvMockFault  fault,
             GRand       *rand)
{
  /* Whatever it was going to be, it is not a real answer any more. */
  reply->real = FALSE;

  switch (fault)
    {
    case RV_MOCK_FAULT_401:
      reply_set (reply, SOUP_STATUS_UNAUTHORIZED, "application/json",
                 message_json (FALSE, "Unauthenticated."));
      break;

    case RV_MOCK_FAULT_DROP:
      reply->action = ACTION_DROP;
      break;

    case RV_MOCK_FAULT_HANG:
      reply->action = ACTION_HANG;
      break;

    case RV_MOCK_FAULT_5XX:
      /* What sits in front of an API when it breaks: the framework, then the proxy. */
      switch (g_rand_int_range (rand, 0, 3))
        {
        case 0:
          reply_set (reply, SOUP_STATUS_INTERNAL_SERVER_ERROR, "application/json",
                     message_json (FALSE, "Server Error"));
          break;

        case 1:
          reply_set (reply, SOUP_STATUS_BAD_GATEWAY, "text/html",
                     g_strdup ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
                               "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
                               "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"));
          break;

        default:
          reply_set (reply, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/html",
                     g_strdup ("<!DOCTYPE html>\n<html><head><title>Service Unavailable</title>"
                               "</head><body><h1>503 Service Unavailable</h1></body></html>\n"));
          break;
        }
      break;

    case RV_MOCK_FAULT_MALFORMED:
      /* The answer it would have been, cut in the middle. */
      reply->body[strlen (reply->body) / 2] = '\0';
      reply_set (reply, SOUP_STATUS_OK, "application/json", g_steal_pointer (&reply->body));
      break;

    case RV_MOCK_N_FAULTS:
    default:
      g_assert_not_reached ();
    }
}

/* Called with the mutex held. */
static void
count_ruc_locked (RvMockApi  *self,
                  const char *ruc)
{
  RucCount *count = g_hash_table_lookup (self->rucs, ruc);

  if (count == NULL)
    {
      count = g_new0 (RucCount, 1);
      g_hash_table_insert (self->rucs, g_strdup (ruc), count);
      self->stats.unique_rucs++;
    }
  count->requested++;
  if (count->requested == 2)
    self->stats.repeated_rucs++;
}

/* Called with the mutex held. */
static guint
rate_limit_locked (RvMockApi *self)
{
  guint64 limit;

  if (self->rate_per_minute == 0)
    return 0;
  limit = (guint64) self->rate_per_minute * self->rate_window_ms / 60000;
  return (guint) CLAMP (limit, 1, G_MAXUINT);
}

/* Slides the window to @now and accepts the request unless the window is full; else sets
 * @retry_after to what the Retry-After header says (-1: none). Called with the mutex held.
 */
static gboolean
accept_locked (RvMockApi *self,
               gint64     now,
               int       *retry_after)
{
  gint64 window = (gint64) self->rate_window_ms * 1000;
  guint limit = rate_limit_locked (self);
  guint count;

  while (self->window_start < self->times->len
         && g_array_index (self->times, gint64, self->window_start) <= now - window)
    self->window_start++;
  count = self->times->len - self->window_start;

  if (limit > 0 && count >= limit)
    {
      gint64 oldest = g_array_index (self->times, gint64, self->window_start);

      if (self->retry_after_s > 0)
        *retry_after = self->retry_after_s;
      else if (self->retry_after_s < 0)
        *retry_after = (int) ((oldest + window - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
      else
        *retry_after = -1;
      return FALSE;
    }

  g_array_append_val (self->times, now);
  self->stats.max_per_window = MAX (self->stats.max_per_window, count + 1);
  return TRUE;
}

/* A lognormal delay whose mean is latency_ms. Called with the mutex held. */
static guint
draw_latency_locked (RvMockApi *self)
{
  double u1, u2, z;

  if (self->latency_ms == 0)
    return 0;
  if (self->latency_sigma <= 0)
    return self->latency_ms;

  /* Box–Muller; 1 - u keeps the logarithm away from zero. */
  u1 = 1.0 - g_rand_double (self->rand);
  u2 = g_rand_double (self->rand);
  z = sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
  return (guint) MIN (round (self->latency_ms
                             * exp (self->latency_sigma * z
                                    - self->latency_sigma * self->latency_sigma / 2.0)),
                      G_MAXINT);
}

static void
leave_flight (RvMockApi         *self,
              SoupServerMessage *msg)
{
  /* "finished" and "disconnected" may both come: only the first one counts. */
  if (g_object_steal_qdata (G_OBJECT (msg), in_flight_quark) == NULL)
    return;

  g_mutex_lock (&self->mutex);
  if (self->stats.in_flight > 0)
    self->stats.in_flight--;
  g_mutex_unlock (&self->mutex);
}

static void
count_answered (RvMockApi  *self,
                gboolean    real,
                const char *ruc)
{
  if (!real)
    return;

  g_mutex_lock (&self->mutex);
  self->stats.answered++;
  if (ruc != NULL)
    {
      RucCount *count = g_hash_table_lookup (self->rucs, ruc);

      /* NULL when the statistics were reset while the answer was on its way. */
      if (count != NULL && ++count->answered == 2)
        self->stats.repeated_answered++;
    }
  g_mutex_unlock (&self->mutex);
}

static void
message_set_json (SoupServerMessage *msg,
                  guint              status,
                  const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    json, strlen (json));
}

/* The client sees its connection closed without an answer. The message's "disconnected"
 * signal is emitted at once, and "finished" never is.
 */
static void
drop_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

static gboolean
on_delay_elapsed (gpointer user_data)
{
  Pending *pending = user_data;
  RvMockApi *self = pending->self;

  g_hash_table_steal (self->pending, pending->msg);
  count_answered (self, pending->real, pending->ruc);
  soup_server_message_unpause (pending->msg);
  pending_free (pending);
  return G_SOURCE_REMOVE;
}

/* A paused message is not told when its client goes away: libsoup reads nothing from the
 * connection until the message is unpaused. So we watch the socket: once the client has
 * closed it, it reads as the end of the stream.
 */
static gboolean
on_client_socket_ready (GSocket      *socket,
                        GIOCondition  condition,
                        gpointer      user_data)
{
  Pending *pending = user_data;
  RvMockApi *self = pending->self;
  g_autoptr(GError) error = NULL;
  char byte;
  GInputVector vector = { &byte, 1 };
  int flags = G_SOCKET_MSG_PEEK;
  gssize n;

  n = g_socket_receive_message (socket, NULL, &vector, 1, NULL, NULL, &flags, NULL, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;
  if (n > 0)
    {
      /* The client sent more without waiting for the answer: we cannot tell any more. */
      g_clear_pointer (&pending->watch, g_source_unref);
      return G_SOURCE_REMOVE;
    }

  g_debug ("A client went away from a %s request", pending->timer ? "delayed" : "hung");
  g_hash_table_steal (self->pending, pending->msg);
  drop_connection (pending->msg);
  pending_free (pending);
  return G_SOURCE_REMOVE;
}

static void
on_message_finished (RvMockApi         *self,
                     SoupServerMessage *msg)
{
  leave_flight (self, msg);
}

static void
on_message_disconnected (RvMockApi         *self,
                         SoupServerMessage *msg)
{
  leave_flight (self, msg);
  if (self->pending != NULL)
    g_hash_table_remove (self->pending, msg);
}

static void
pause_message (RvMockApi         *self,
               SoupServerMessage *msg,
               guint              delay_ms,
               Reply             *reply)
{
  Pending *pending = g_new0 (Pending, 1);
  GSocket *socket = soup_server_message_get_socket (msg);

  pending->self = self;
  pending->msg = g_object_ref (msg);
  pending->real = reply->real;
  pending->ruc = g_steal_pointer (&reply->ruc);

  if (reply->action == ACTION_REPLY)
    {
      pending->timer = g_timeout_source_new (delay_ms);
      g_source_set_static_name (pending->timer, "[rv-mock] latency");
      g_source_set_callback (pending->timer, on_delay_elapsed, pending, NULL);
      g_source_attach (pending->timer, self->context);
    }
  if (socket != NULL)
    {
      pending->watch = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
      g_source_set_static_name (pending->watch, "[rv-mock] client");
      g_source_set_callback (pending->watch, G_SOURCE_FUNC (on_client_socket_ready),
                             pending, NULL);
      g_source_attach (pending->watch, self->context);
    }

  g_hash_table_insert (self->pending, msg, pending);
  soup_server_message_pause (msg);
}

/* The member @name of @object if it is a string, else NULL (absent, null, a number…). */
static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
handle_lookup (RvMockApi         *self,
               SoupServerMessage *msg,
               Endpoint           endpoint)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(Reply) reply = { ACTION_REPLY, 0, };
  const char *field = endpoint == ENDPOINT_RUC ? "ruc" : "dni";
  const char *token = NULL;
  const char *value = NULL;
  gboolean is_object = FALSE;
  guint delay_ms = 0;
  gsize size;
  const char *data;

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (body, &size);
  if (size > 0 && json_parser_load_from_data (parser, data, size, NULL))
    {
      JsonNode *root = json_parser_get_root (parser);

      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonObject *object = json_node_get_object (root);

          is_object = TRUE;
          token = member_string (object, "token");
          value = member_string (object, field);
        }
    }

  g_object_set_qdata (G_OBJECT (msg), in_flight_quark, GINT_TO_POINTER (TRUE));
  g_signal_connect_object (msg, "finished", G_CALLBACK (on_message_finished),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (msg, "disconnected", G_CALLBACK (on_message_disconnected),
                           self, G_CONNECT_SWAPPED);

  g_mutex_lock (&self->mutex);

  self->stats.requests++;
  self->stats.in_flight++;
  self->stats.max_in_flight = MAX (self->stats.max_in_flight, self->stats.in_flight);
  if (endpoint == ENDPOINT_RUC && value != NULL)
    count_ruc_locked (self, value);

  reply.retry_after = -1;
  if (!accept_locked (self, g_get_monotonic_time (), &reply.retry_after))
    {
      self->stats.rate_limited++;
      reply_set (&reply, STATUS_TOO_MANY_REQUESTS, "application/json",
                 message_json (FALSE, "Too Many Attempts."));
    }
  else
    {
      Answer *answer;
      guint i;

      /* What a healthy server answers: the body first, then the token, then the value. */
      if (!is_object)
        reply_set (&reply, SOUP_STATUS_UNPROCESSABLE_ENTITY, "application/json",
                   message_json (TRUE, "El cuerpo debe ser un objeto JSON."));
      else if (self->token != NULL && g_strcmp0 (token, self->token) != 0)
        reply_set (&reply, SOUP_STATUS_UNAUTHORIZED, "application/json",
                   message_json (FALSE, "Unauthenticated."));
      else if (value == NULL)
        reply_set (&reply, SOUP_STATUS_UNPROCESSABLE_ENTITY, "application/json",
                   message_json (TRUE, endpoint == ENDPOINT_RUC
                                       ? "El campo ruc es obligatorio."
                                       : "El campo dni es obligatorio."));
      else if ((answer = g_hash_table_lookup (self->answers, value)) != NULL)
        {
          reply_set (&reply, answer->status, "application/json", g_strdup (answer->body));
          reply.real = answer->status == SOUP_STATUS_OK || answer->status == SOUP_STATUS_NOT_FOUND;
        }
      else if (endpoint == ENDPOINT_RUC)
        reply_rule (&reply, value);
      else if (is_digits (value, 8))
        {
          reply_set (&reply, SOUP_STATUS_OK, "application/json", person_json (value));
          reply.real = TRUE;
        }
      else
        reply_set (&reply, SOUP_STATUS_UNPROCESSABLE_ENTITY, "application/json",
                   message_json (TRUE, "El DNI debe tener 8 dígitos."));
      if (reply.real && endpoint == ENDPOINT_RUC)
        reply.ruc = g_strdup (value);

      /* Then what goes wrong on the way, each fault drawn on its own; a value that met
       * its --max-faults gets through. */
      for (i = 0; i < G_N_ELEMENTS (fault_order); i++)
        {
          RvMockFault fault = fault_order[i];
          double p = self->fault_probability[fault];
          guint so_far = value != NULL
                         ? GPOINTER_TO_UINT (g_hash_table_lookup (self->faults_by_value, value))
                         : 0;

          if (self->max_faults > 0 && so_far >= self->max_faults)
            break;
          if (p > 0 && g_rand_double (self->rand) < p)
            {
              self->stats.faults[fault]++;
              if (value != NULL)
                g_hash_table_insert (self->faults_by_value, g_strdup (value),
                                     GUINT_TO_POINTER (so_far + 1));
              reply_fault (&reply, fault, self->rand);
              break;
            }
        }
    }

  if (reply.action == ACTION_REPLY)
    delay_ms = draw_latency_locked (self);

  g_mutex_unlock (&self->mutex);

  switch (reply.action)
    {
    case ACTION_DROP:
      drop_connection (msg);
      return;

    case ACTION_HANG:
      pause_message (self, msg, 0, &reply);
      return;

    case ACTION_REPLY:
    default:
      break;
    }

  if (reply.retry_after >= 0)
    {
      g_autofree char *seconds = g_strdup_printf ("%d", reply.retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", seconds);
    }
  soup_server_message_set_status (msg, reply.status, NULL);
  soup_server_message_set_response (msg, reply.content_type, SOUP_MEMORY_COPY,
                                    reply.body, strlen (reply.body));
  if (delay_ms > 0)
    pause_message (self, msg, delay_ms, &reply);
  else
    count_answered (self, reply.real, reply.ruc);
}

static char *
stats_json (const RvMockStats *stats)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint i;

#define ADD_COUNT(name) \
  G_STMT_START { \
    json_builder_set_member_name (builder, #name); \
    json_builder_add_int_value (builder, stats->name); \
  } G_STMT_END

  json_builder_begin_object (builder);
  ADD_COUNT (requests);
  ADD_COUNT (answered);
  ADD_COUNT (rate_limited);
  json_builder_set_member_name (builder, "faults");
  json_builder_begin_object (builder);
  for (i = 0; i < RV_MOCK_N_FAULTS; i++)
    {
      json_builder_set_member_name (builder, fault_names[i]);
      json_builder_add_int_value (builder, stats->faults[i]);
    }
  json_builder_end_object (builder);
  ADD_COUNT (max_in_flight);
  ADD_COUNT (in_flight);
  ADD_COUNT (unique_rucs);
  ADD_COUNT (repeated_rucs);
  ADD_COUNT (repeated_answered);
  ADD_COUNT (max_per_window);
  json_builder_end_object (builder);

#undef ADD_COUNT

  root = json_builder_get_root (builder);
  return node_to_json (root);
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  RvMockApi *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  gboolean post = g_str_equal (method, SOUP_METHOD_POST);

  g_assert (RV_IS_MOCK_API (self));

  /* libsoup 3.2 keeps a reference to the GSocket of every connection it accepts, and when
   * the client closes a kept-alive connection nothing closes its file descriptor either: a
   * long benchmark would run out of them. When the server closes each connection itself,
   * the descriptor is closed (only the GSocket's few hundred bytes still leak). A
   * SoupSession opens a new connection for each POST anyway, unless the message is flagged
   * SOUP_MESSAGE_IDEMPOTENT.
   */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");

  if (post && g_str_equal (path, "/api/v1/ruc"))
    {
      handle_lookup (self, msg, ENDPOINT_RUC);
    }
  else if (post && g_str_equal (path, "/api/v1/dni"))
    {
      handle_lookup (self, msg, ENDPOINT_DNI);
    }
  else if (g_str_equal (method, SOUP_METHOD_GET) && g_str_equal (path, "/_mock/stats"))
    {
      g_autofree char *json = rv_mock_api_dup_stats_json (self);

      message_set_json (msg, SOUP_STATUS_OK, json);
    }
  else if (post && g_str_equal (path, "/_mock/reset"))
    {
      rv_mock_api_reset_stats (self);
      message_set_json (msg, SOUP_STATUS_OK, "{\"success\":true}");
    }
  else
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC,
                                        "Not Found\n", strlen ("Not Found\n"));
    }
}

/* Answers every hung request with a 504, as a gateway that gave up waiting would. Runs on
 * the server's context.
 */
static gboolean
release_hung_cb (gpointer user_data)
{
  RvMockApi *self = user_data;
  g_autoptr(GPtrArray) hung = g_ptr_array_new_with_free_func (pending_free);
  GHashTableIter iter;
  Pending *pending;
  guint i;

  if (self->pending == NULL)
    return G_SOURCE_REMOVE;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &pending))
    {
      if (pending->timer == NULL)
        {
          g_hash_table_iter_steal (&iter);
          g_ptr_array_add (hung, pending);
        }
    }

  for (i = 0; i < hung->len; i++)
    {
      pending = g_ptr_array_index (hung, i);
      message_set_json (pending->msg, SOUP_STATUS_GATEWAY_TIMEOUT,
                        "{\"message\":\"Gateway Timeout\"}");
      soup_server_message_unpause (pending->msg);
    }

  return G_SOURCE_REMOVE;
}

static void
rv_mock_api_dispose (GObject *object)
{
  RvMockApi *self = (RvMockApi *) object;

  /* Close the connections of the requests still paused: their clients see them dropped.
   * Each one's "disconnected" handler takes it out of the table.
   */
  if (self->pending != NULL)
    {
      g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func (pending_free);
      GHashTableIter iter;
      gpointer value;
      guint i;

      g_hash_table_iter_init (&iter, self->pending);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          g_hash_table_iter_steal (&iter);
          g_ptr_array_add (pending, value);
        }
      for (i = 0; i < pending->len; i++)
        drop_connection (((Pending *) g_ptr_array_index (pending, i))->msg);
    }

  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (rv_mock_api_parent_class)->dispose (object);
}

static void
rv_mock_api_finalize (GObject *object)
{
  RvMockApi *self = (RvMockApi *) object;

  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->faults_by_value, g_hash_table_unref);
  g_clear_pointer (&self->answers, g_hash_table_unref);
  g_clear_pointer (&self->rucs, g_hash_table_unref);
  g_clear_pointer (&self->times, g_array_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (rv_mock_api_parent_class)->finalize (object);
}

static void
rv_mock_api_class_init (RvMockApiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rv_mock_api_dispose;
  object_class->finalize = rv_mock_api_finalize;

  in_flight_quark = g_quark_from_static_string ("rv-mock-in-flight");
}

static void
rv_mock_api_init (RvMockApi *self)
{
  g_mutex_init (&self->mutex);
  self->pending = g_hash_table_new_full (NULL, NULL, NULL, pending_free);
  self->rate_window_ms = DEFAULT_RATE_WINDOW;
  self->retry_after_s = -1;
  self->rand = g_rand_new_with_seed (DEFAULT_SEED);
  self->faults_by_value = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, answer_free);
  self->rucs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->times = g_array_new (FALSE, FALSE, sizeof (gint64));
}

/**
 * rv_mock_api_new:
 *
 * Creates a mock APIMIGO that does not listen yet: configure it, then call
 * rv_mock_api_listen().
 *
 * Returns: (transfer full): a new #RvMockApi.
 */
RvMockApi *
rv_mock_api_new (void)
{
  return g_object_new (RV_TYPE_MOCK_API, NULL);
}

/**
 * rv_mock_api_listen:
 * @self: a #RvMockApi
 * @port: the port on 127.0.0.1, or 0 for any free one
 * @error: return location for a #GError
 *
 * Starts serving on 127.0.0.1 (never on another address), on the thread-default main
 * context of the calling thread: that context must run for the server to answer. It may
 * be called once.
 *
 * Returns: %TRUE if the server listens, %FALSE with @error set otherwise.
 */
gboolean
rv_mock_api_listen (RvMockApi  *self,
                    guint       port,
                    GError    **error)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = NULL;

  g_return_val_if_fail (RV_IS_MOCK_API (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Our own socket, for its backlog: soup_server_listen() keeps GSocket's 10, and a client
   * that opens a few dozen connections at once then sees some of them reset.
   */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  address = g_inet_socket_address_new_from_string ("127.0.0.1", port);
  if (!g_socket_bind (socket, address, TRUE, error)
      || !g_socket_listen (socket, error)
      || (bound = g_socket_get_local_address (socket, error)) == NULL)
    return FALSE;

  self->context = g_main_context_ref_thread_default ();
  self->server = soup_server_new ("server-header", "rv-mock-server ", NULL);
  soup_server_add_handler (self->server, NULL, on_request, self, NULL);
  if (!soup_server_listen_socket (self->server, socket, 0, error))
    {
      g_clear_object (&self->server);
      g_clear_pointer (&self->context, g_main_context_unref);
      return FALSE;
    }

  g_mutex_lock (&self->mutex);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_mutex_unlock (&self->mutex);

  return TRUE;
}

/**
 * rv_mock_api_dup_base_url:
 * @self: a #RvMockApi
 *
 * Gets the URL that clients use as APIMIGO's base, such as `http://127.0.0.1:41234`,
 * without a trailing slash. The server must listen.
 *
 * Returns: (transfer full): the base URL.
 */
char *
rv_mock_api_dup_base_url (RvMockApi *self)
{
  guint port;

  g_return_val_if_fail (RV_IS_MOCK_API (self), NULL);

  g_mutex_lock (&self->mutex);
  port = self->port;
  g_mutex_unlock (&self->mutex);

  g_return_val_if_fail (port != 0, NULL);

  return g_strdup_printf ("http://127.0.0.1:%u", port);
}

/**
 * rv_mock_api_set_token:
 * @self: a #RvMockApi
 * @token: (nullable): the only token accepted, or %NULL to accept any
 *
 * Sets the API token that requests must carry; a request with another one (or none) is
 * answered 401 `{"message": "Unauthenticated."}`.
 */
void
rv_mock_api_set_token (RvMockApi  *self,
                       const char *token)
{
  g_return_if_fail (RV_IS_MOCK_API (self));

  g_mutex_lock (&self->mutex);
  g_free (self->token);
  self->token = g_strdup (token);
  g_mutex_unlock (&self->mutex);
}

/**
 * rv_mock_api_set_latency:
 * @self: a #RvMockApi
 * @mean_ms: the mean delay of an answer, in milliseconds; 0 answers at once
 * @sigma: the spread of the delay: 0 for a fixed delay, else the σ of a lognormal law
 *
 * Delays each answer by @mean_ms × exp(@sigma·N(0,1) − @sigma²/2), a lognormal delay whose
 * mean is @mean_ms, as the latency of a real service is: mostly near the median, with a
 * long tail. Hung and dropped requests are not delayed.
 */
void
rv_mock_api_set_latency (RvMockApi *self,
                         guint      mean_ms,
                         double     sigma)
{
  g_return_if_fail (RV_IS_MOCK_API (self));
  g_return_if_fail (sigma >= 0);

  g_mutex_lock (&self->mutex);
  self->latency_ms = mean_ms;
  self->latency_sigma = sigma;
  g_mutex_unlock (&self->mutex);
}

/**
 * rv_mock_api_set_rate_limit:
 * @self: a #RvMockApi
 * @per_minute: requests accepted per minute, or 0 for no limit
 * @retry_after_s: the Retry-After of a 429 in seconds; -1 for the time until the
 *   window has room again, rounded up; 0 for no Retry-After header
 *
 * Limits the requests accepted in any sliding window (see rv_mock_api_set_rate_window())
 * to @per_minute × window / 60 s, rounded down but at least 1. The others are answered
 * 429 `{"message": "Too Many Attempts."}` and do not count as accepted.
 */
void
rv_mock_api_set_rate_limit (RvMockApi *self,
                            guint      per_minute,
                            int        retry_after_s)
{
  g_return_if_fail (RV_IS_MOCK_API (self));
  g_return_if_fail (retry_after_s >= -1);

  g_mutex_lock (&self->mutex);
  self->rate_per_minute = per_minute;
  self->retry_after_s = retry_after_s;
  g_mutex_unlock (&self->mutex);
}

/**
 * rv_mock_api_set_rate_window:
 * @self: a #RvMockApi
 * @window_ms: the length of the sliding window, in milliseconds (60000 by default)
 *
 * Sets the window in which the rate limit counts requests, and in which
 * #RvMockStats.max_per_window is measured. A short window lets a test see a limit of, say,
 * 600 a minute as 10 a second.
 */
void
rv_mock_api_set_rate_window (RvMockApi *self,
                             guint      window_ms)
{
  g_return_if_fail (RV_IS_MOCK_API (self));
  g_return_if_fail (window_ms > 0);

  g_mutex_lock (&self->mutex);
  self->rate_window_ms = window_ms;
  g_mutex_unlock (&self->mutex);
}

/**
 * rv_mock_api_set_fault:
 * @self: a #RvMockApi
 * @fault: a #RvMockFault
 * @probability: the probability, from 0 to 1, that an accepted request meets @fault
 *
 * Makes requests fail. For each accepted RUC or DNI request the faults are drawn
 * independently, in this order, and the first one drawn happens: 401, drop, hang, 5xx,
 * malformed.
 */
void
rv_mock_api_set_fault (RvMockApi   *self,
                       RvMockFault  fault,
                       double       probability)
{
  g_return_if_fail (RV_IS_MOCK_API (self));
  g_return_if_fail (fault < RV_MOCK_N_FAULTS);
  g_return_if_fail (probability >= 0 && probability <= 1);

  g_mutex_lock (&self->mutex);
  self->fault_probability[fault] = probability;
  g_mutex_unlock (&self->mutex);
}

/**
 * rv_mock_api_set_max_faults:
 * @self: a #RvMockApi
 * @max_faults: faults at most for one RUC or DNI, 0 for no limit
 *
 * Past @max_faults faults, the requests about a value get through, as when a transient
 * fault has passed: a client that retries more often than that gets every answer, so that
 * a test with faults can expect exact counts.
 */
void
rv_mock_api_set_max_faults (RvMockApi *self,
                            guint      max_faults)
{
  g_return_if_fail (RV_IS_MOCK_API (self));

  g_mutex_lock (&self->mutex);
  self->max_faults = max_faults;
  g_mutex_unlock (&self->mutex);
}

/**
 * rv_mock_api_set_seed:
 * @self: a #RvMockApi
 * @seed: the seed of the random numbers
 *
 * Seeds the random numbers behind the latency and the faults. Every mock starts with the
 * same seed, so that a run is reproducible.
 */
void
rv_mock_api_set_seed (RvMockApi *self,
                      guint32    seed)
{
  g_return_if_fail (RV_IS_MOCK_API (self));

  g_mutex_lock (&self->mutex);
  g_rand_set_seed (self->rand, seed);
  g_mutex_unlock (&self->mutex);
}

/**
 * rv_mock_api_set_answer:
 * @self: a #RvMockApi
 * @ruc: a RUC (or a DNI, for the DNI endpoint), as the request carries it
 * @json_body: (nullable): the body of the answer, or %NULL to go back to the rules
 * @status: the HTTP status of the answer
 *
 * Makes the server answer @json_body with @status to any request about @ruc, instead of
 * what rv_mock_api_expected_answer() says. An answer with status 200 or 404 counts as a
 * real answer in the statistics.
 */
void
rv_mock_api_set_answer (RvMockApi  *self,
                        const char *ruc,
                        const char *json_body,
                        guint       status)
{
  g_return_if_fail (RV_IS_MOCK_API (self));
  g_return_if_fail (ruc != NULL);
  g_return_if_fail (json_body == NULL || (status >= 100 && status <= 599));

  g_mutex_lock (&self->mutex);
  if (json_body == NULL)
    {
      g_hash_table_remove (self->answers, ruc);
    }
  else
    {
      Answer *answer = g_new0 (Answer, 1);

      answer->body = g_strdup (json_body);
      answer->status = status;
      g_hash_table_replace (self->answers, g_strdup (ruc), answer);
    }
  g_mutex_unlock (&self->mutex);
}

/**
 * rv_mock_api_get_stats:
 * @self: a #RvMockApi
 * @stats: (out caller-allocates): where to copy the statistics
 *
 * Copies what the server has counted since it was created or last reset.
 */
void
rv_mock_api_get_stats (RvMockApi   *self,
                       RvMockStats *stats)
{
  g_return_if_fail (RV_IS_MOCK_API (self));
  g_return_if_fail (stats != NULL);

  g_mutex_lock (&self->mutex);
  *stats = self->stats;
  g_mutex_unlock (&self->mutex);
}

/**
 * rv_mock_api_dup_stats_json:
 * @self: a #RvMockApi
 *
 * Gets the statistics as `GET /_mock/stats` answers them: a JSON object with the members
 * of #RvMockStats, the faults as an object keyed `5xx`, `hang`, `malformed`, `drop` and
 * `401`.
 *
 * Returns: (transfer full): the statistics as JSON.
 */
char *
rv_mock_api_dup_stats_json (RvMockApi *self)
{
  RvMockStats stats;

  g_return_val_if_fail (RV_IS_MOCK_API (self), NULL);

  rv_mock_api_get_stats (self, &stats);
  return stats_json (&stats);
}

/**
 * rv_mock_api_count_ruc:
 * @self: a #RvMockApi
 * @ruc: a RUC
 *
 * Counts the requests about @ruc, whatever their answer (429s and faults included).
 *
 * Returns: how many times @ruc was asked.
 */
guint
rv_mock_api_count_ruc (RvMockApi  *self,
                       const char *ruc)
{
  RucCount *count;
  guint requested = 0;

  g_return_val_if_fail (RV_IS_MOCK_API (self), 0);
  g_return_val_if_fail (ruc != NULL, 0);

  g_mutex_lock (&self->mutex);
  count = g_hash_table_lookup (self->rucs, ruc);
  if (count != NULL)
    requested = count->requested;
  g_mutex_unlock (&self->mutex);

  return requested;
}

/**
 * rv_mock_api_get_request_times:
 * @self: a #RvMockApi
 *
 * Gets when each accepted request (every request but the 429s) arrived, in the order they
 * arrived, so that a test can check any rate window itself.
 *
 * Returns: (transfer full) (element-type gint64): the g_get_monotonic_time() of each
 *   accepted request, in microseconds.
 */
GArray *
rv_mock_api_get_request_times (RvMockApi *self)
{
  GArray *times;

  g_return_val_if_fail (RV_IS_MOCK_API (self), NULL);

  g_mutex_lock (&self->mutex);
  times = g_array_copy (self->times);
  g_mutex_unlock (&self->mutex);

  return times;
}

/**
 * rv_mock_api_reset_stats:
 * @self: a #RvMockApi
 *
 * Forgets what the server has counted, the RUCs it was asked and the times of the
 * accepted requests (so the rate limit starts afresh). Requests still in flight stay
 * counted in #RvMockStats.in_flight until they end.
 */
void
rv_mock_api_reset_stats (RvMockApi *self)
{
  guint in_flight;

  g_return_if_fail (RV_IS_MOCK_API (self));

  g_mutex_lock (&self->mutex);
  in_flight = self->stats.in_flight;
  memset (&self->stats, 0, sizeof self->stats);
  self->stats.in_flight = in_flight;
  self->stats.max_in_flight = in_flight;
  g_hash_table_remove_all (self->rucs);
  g_array_set_size (self->times, 0);
  self->window_start = 0;
  g_mutex_unlock (&self->mutex);
}

/**
 * rv_mock_api_release_hung:
 * @self: a #RvMockApi
 *
 * Answers every hung request 504 `{"message": "Gateway Timeout"}`. It may be called from
 * any thread: the work is done on the server's main context.
 */
void
rv_mock_api_release_hung (RvMockApi *self)
{
  g_return_if_fail (RV_IS_MOCK_API (self));

  if (self->context == NULL)
    return;

  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, release_hung_cb,
                              g_object_ref (self), g_object_unref);
}

/**
 * rv_mock_api_expected_answer:
 * @ruc: (nullable): a RUC as a request carries it
 *
 * Tells what the rules answer about @ruc, unless rv_mock_api_set_answer() says otherwise.
 * A string that is not 11 digits is %RV_MOCK_ANSWER_BAD_FORMAT. SUNAT's own RUC,
 * 20131312955, is %RV_MOCK_ANSWER_VALID. For any other, h is the FNV-1a hash (32 bits) of
 * the 11 characters: h % 10 from 0 to 6 is %RV_MOCK_ANSWER_VALID (ACTIVO, HABIDO); 7 is
 * %RV_MOCK_ANSWER_OBSERVED with BAJA DE OFICIO and HABIDO; 8 is %RV_MOCK_ANSWER_OBSERVED with
 * ACTIVO and NO HABIDO; 9 is %RV_MOCK_ANSWER_NOT_FOUND, answered 404 when bit 16 of h is
 * set and 200 with `"success": false` otherwise. About 70, 20 and 10 in a hundred RUCs.
 *
 * The check digit plays no part: the mock answers any 11 digits, as APIMIGO does.
 *
 * Returns: the expected answer.
 */
RvMockAnswer
rv_mock_api_expected_answer (const char *ruc)
{
  guint32 h;

  if (!is_digits (ruc, 11))
    return RV_MOCK_ANSWER_BAD_FORMAT;
  if (g_str_equal (ruc, SUNAT_RUC))
    return RV_MOCK_ANSWER_VALID;

  h = ruc_hash (ruc) % 10;
  if (h <= 6)
    return RV_MOCK_ANSWER_VALID;
  if (h <= 8)
    return RV_MOCK_ANSWER_OBSERVED;
  return RV_MOCK_ANSWER_NOT_FOUND;
}

static gboolean
check_probability (const char  *name,
                   double       value,
                   GError     **error)
{
  if (value >= 0 && value <= 1)
    return TRUE;

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "--%s must be between 0 and 1", name);
  return FALSE;
}

static gboolean
check_non_negative (const char  *name,
                    gint64       value,
                    gint64       max,
                    GError     **error)
{
  if (value >= 0 && value <= max)
    return TRUE;

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "--%s must be between 0 and %" G_GINT64_FORMAT, name, max);
  return FALSE;
}

/**
 * rv_mock_api_parse_options:
 * @self: a #RvMockApi
 * @argc: (inout): the number of arguments
 * @argv: (inout) (array length=argc): the arguments; those parsed are removed
 * @port: (inout): the port to listen on; left as it is without `--port`
 * @error: return location for a #GError
 *
 * Parses the command line of `rv-mock-server` and applies it to @self: `--port`,
 * `--latency-ms`, `--jitter`, `--rate-per-min`, `--retry-after`, `--rate-window-ms`,
 * `--p-5xx`, `--p-hang`, `--p-malformed`, `--p-drop`, `--p-401`, `--token` and `--seed`.
 * Options not given leave the settings as they are. `--help` prints the usage and exits.
 *
 * Returns: %TRUE on success, %FALSE with @error set on a usage error.
 */
gboolean
rv_mock_api_parse_options (RvMockApi   *self,
                           int         *argc,
                           char      ***argv,
                           guint       *port,
                           GError     **error)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *token = NULL;
  gint64 port_opt, latency, rate, window, seed = -1, max_faults;
  int retry_after;
  double jitter;
  double p[RV_MOCK_N_FAULTS];
  guint i;
  const GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT64, &port_opt,
      "Port on 127.0.0.1 (0: any free port)", "N" },
    { "latency-ms", 0, 0, G_OPTION_ARG_INT64, &latency,
      "Mean delay of an answer, in milliseconds", "N" },
    { "jitter", 0, 0, G_OPTION_ARG_DOUBLE, &jitter,
      "Sigma of the lognormal delay (0: fixed)", "SIGMA" },
    { "rate-per-min", 0, 0, G_OPTION_ARG_INT64, &rate,
      "Requests accepted per minute (0: no limit)", "N" },
    { "retry-after", 0, 0, G_OPTION_ARG_INT, &retry_after,
      "Retry-After of a 429 in seconds (-1: computed, 0: none)", "S" },
    { "rate-window-ms", 0, 0, G_OPTION_ARG_INT64, &window,
      "Sliding window of the rate limit, in milliseconds", "N" },
    { "p-5xx", 0, 0, G_OPTION_ARG_DOUBLE, &p[RV_MOCK_FAULT_5XX],
      "Probability of a 500, 502 or 503", "P" },
    { "p-hang", 0, 0, G_OPTION_ARG_DOUBLE, &p[RV_MOCK_FAULT_HANG],
      "Probability of never answering", "P" },
    { "p-malformed", 0, 0, G_OPTION_ARG_DOUBLE, &p[RV_MOCK_FAULT_MALFORMED],
      "Probability of a JSON answer cut in half", "P" },
    { "p-drop", 0, 0, G_OPTION_ARG_DOUBLE, &p[RV_MOCK_FAULT_DROP],
      "Probability of closing the connection without an answer", "P" },
    { "p-401", 0, 0, G_OPTION_ARG_DOUBLE, &p[RV_MOCK_FAULT_401],
      "Probability of a 401 whatever the token", "P" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token,
      "The only API token accepted (default: any)", "TOKEN" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
      "Seed of the random latency and faults", "N" },
    { "max-faults", 0, 0, G_OPTION_ARG_INT64, &max_faults,
      "Faults at most for one RUC or DNI (0: no limit)", "N" },
    { NULL }
  };

  g_return_val_if_fail (RV_IS_MOCK_API (self), FALSE);
  g_return_val_if_fail (argc != NULL && argv != NULL && port != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Options not given keep what is set. */
  port_opt = *port;
  g_mutex_lock (&self->mutex);
  latency = self->latency_ms;
  jitter = self->latency_sigma;
  rate = self->rate_per_minute;
  retry_after = self->retry_after_s;
  window = self->rate_window_ms;
  for (i = 0; i < RV_MOCK_N_FAULTS; i++)
    p[i] = self->fault_probability[i];
  token = g_strdup (self->token);
  max_faults = self->max_faults;
  g_mutex_unlock (&self->mutex);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                "Serves a mock of the APIMIGO RUC and DNI lookups on 127.0.0.1,\n"
                                "prints its base URL, and on SIGINT or SIGTERM prints its\n"
                                "statistics as JSON on standard error.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;

  if (*argc > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "Unexpected argument “%s”", (*argv)[1]);
      return FALSE;
    }
  if (!check_non_negative ("port", port_opt, G_MAXUINT16, error)
      || !check_non_negative ("latency-ms", latency, G_MAXINT, error)
      || !check_non_negative ("rate-per-min", rate, G_MAXINT, error)
      || !check_non_negative ("rate-window-ms", window, G_MAXINT, error)
      || !check_non_negative ("max-faults", max_faults, G_MAXINT, error)
      || (seed != -1 && !check_non_negative ("seed", seed, G_MAXUINT32, error)))
    return FALSE;
  if (window == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--rate-window-ms must be positive");
      return FALSE;
    }
  if (retry_after < -1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--retry-after must be -1 or more");
      return FALSE;
    }
  if (!(jitter >= 0))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--jitter must not be negative");
      return FALSE;
    }
  for (i = 0; i < RV_MOCK_N_FAULTS; i++)
    {
      g_autofree char *name = g_strdup_printf ("p-%s", fault_names[i]);

      if (!check_probability (name, p[i], error))
        return FALSE;
    }

  *port = (guint) port_opt;
  rv_mock_api_set_latency (self, (guint) latency, jitter);
  rv_mock_api_set_rate_limit (self, (guint) rate, retry_after);
  rv_mock_api_set_rate_window (self, (guint) window);
  for (i = 0; i < RV_MOCK_N_FAULTS; i++)
    rv_mock_api_set_fault (self, i, p[i]);
  rv_mock_api_set_token (self, token);
  rv_mock_api_set_max_faults (self, (guint) max_faults);
  if (seed != -1)
    rv_mock_api_set_seed (self, (guint32) seed);

  return TRUE;
}
