/* rv-migo-provider.c
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

#define G_LOG_DOMAIN "rv-migo-provider"

#include "config.h"

#include "rv-migo-provider.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

/**
 * RvMigoProvider:
 *
 * The APIMIGO web service (https://api.migo.pe): `POST /api/v1/ruc` answers one RUC and
 * `POST /api/v1/dni` one DNI, each with the API token in the JSON body.
 *
 * Every lookup goes through one #SoupSession whose connection limits follow the
 * concurrency asked for. Redirects are not followed, so that the token in a request body
 * never goes to a host other than the one configured; TLS certificates are always
 * verified. The token appears in request bodies only: never in an error message, a log
 * line or a property.
 */
struct _RvMigoProvider
{
  GObject      parent_instance;

  SoupSession *session;
  char        *base_url;
  char        *token;
  guint        timeout_seconds;
};

static void rv_migo_provider_iface_init (RvProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RvMigoProvider, rv_migo_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (RV_TYPE_PROVIDER,
                                                      rv_migo_provider_iface_init))

/* An answer of APIMIGO is a flat object of a few hundred bytes. Anything larger than this
 * is not an answer it promises, and reading it all would let a broken proxy or server
 * fill the memory of a long run.
 */
#define MAX_ANSWER_BYTES (1024 * 1024)
#define READ_CHUNK_BYTES (16 * 1024)

/* A polite default: APIMIGO's plans allow different rates (and some a monthly quota
 * only). Users on a larger plan raise it with --rate; a 429 answer slows a run anyway.
 */
#define DEFAULT_RATE_PER_MINUTE RV_MIGO_DEFAULT_RATE

#define IDLE_TIMEOUT_SECONDS 60

/* libsoup names it only from 3.4 on. */
#define STATUS_TOO_MANY_REQUESTS 429

typedef enum
{
  ID_KIND_NONE,
  ID_KIND_RUC,
  ID_KIND_DNI,
} IdKind;

typedef struct
{
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *body;
  char         *id;
  IdKind        kind;
} Lookup;

static void read_next_chunk (GTask *task);

static void
lookup_free (Lookup *lookup)
{
  g_clear_object (&lookup->message);
  g_clear_object (&lookup->stream);
  g_clear_pointer (&lookup->body, g_byte_array_unref);
  g_clear_pointer (&lookup->id, g_free);
  g_free (lookup);
}

static IdKind
classify_id (const char *id)
{
  gsize len = strlen (id);

  if (strspn (id, "0123456789") != len)
    return ID_KIND_NONE;
  if (len == 11)
    return ID_KIND_RUC;
  if (len == 8)
    return ID_KIND_DNI;
  return ID_KIND_NONE;
}

static GBytes *
build_request_body (const char *token,
                    const char *key,
                    const char *id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *text;
  gsize length;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, key);
  json_builder_add_string_value (builder, id);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);

  return g_bytes_new_take (text, length);
}

static GError *
new_error (RvProviderError  code,
           const char      *message)
{
  return g_error_new_literal (RV_PROVIDER_ERROR, code, message);
}

/* Turns a failure of libsoup or GIO (no HTTP answer at all) into one sentence. Only a
 * cancellation passes unchanged: every other failure means "try again later".
 */
static GError *
map_transport_error (RvMigoProvider *self,
                     GError         *error)
{
  g_autoptr(GError) owned = error;
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            /* Translators: %u is a number of seconds. */
                                            "APIMIGO did not answer within %u second",
                                            "APIMIGO did not answer within %u seconds",
                                            self->timeout_seconds),
                               self->timeout_seconds);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    message = g_strdup (_("APIMIGO's server refused the connection"));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    message = g_strdup (_("The connection to APIMIGO was closed before it answered"));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    message = g_strdup (_("APIMIGO's server cannot be reached from this network"));
  else if (error->domain == G_RESOLVER_ERROR)
    message = g_strdup (_("APIMIGO's server name could not be resolved (no network, or no DNS)"));
  else if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    message = g_strdup (_("APIMIGO's TLS certificate could not be verified, so no token was sent"));
  else if (error->domain == G_TLS_ERROR)
    /* Translators: %s is the reason given by the TLS library. */
    message = g_strdup_printf (_("The secure connection to APIMIGO failed: %s"), error->message);
  else if (error->domain == SOUP_SESSION_ERROR)
    /* Translators: %s is the reason given by the HTTP library. */
    message = g_strdup_printf (_("APIMIGO's answer could not be read: %s"), error->message);
  else
    /* Translators: %s is the reason given by the network library. */
    message = g_strdup_printf (_("APIMIGO could not be reached: %s"), error->message);

  return new_error (RV_PROVIDER_ERROR_TRANSIENT, message);
}

/* Retry-After is either a number of seconds or an HTTP date (RFC 9110 §10.2.3). Returns
 * the wait in milliseconds, or -1 when there is none or it cannot be read.
 */
static gint64
parse_retry_after (const char *value)
{
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) now = NULL;
  guint64 seconds;
  GTimeSpan span;

  if (value == NULL)
    return -1;

  text = g_strstrip (g_strdup (value));
  if (text[0] == '\0')
    return -1;

  if (strspn (text, "0123456789") == strlen (text))
    {
      /* A wait beyond a day is not a pause but a closed quota: cap it so that the
       * arithmetic never overflows.
       */
      if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &seconds, NULL))
        return -1;
      return (gint64) MIN (seconds, 86400) * 1000;
    }

  date = soup_date_time_new_from_http_string (text);
  if (date == NULL)
    return -1;

  now = g_date_time_new_now_utc ();
  span = g_date_time_difference (date, now);
  if (span <= 0)
    return 0;
  return MIN (span / 1000, (gint64) 86400 * 1000);
}

/* Reads @key of @object into @value: TRUE when it is a string (valid UTF-8), null or
 * absent (then @value is %NULL), FALSE for any other type.
 */
static gboolean
get_string_member (JsonObject  *object,
                   const char  *key,
                   const char **value)
{
  JsonNode *node = json_object_get_member (object, key);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  *value = json_node_get_string (node);
  return g_utf8_validate (*value, -1, NULL);
}

static GError *
new_bad_field_error (const char *key)
{
  g_autofree char *message = NULL;

  /* Translators: %s is the name of a JSON field, e.g. "ruc". */
  message = g_strdup_printf (_("APIMIGO's answer has no valid “%s” field"), key);
  return new_error (RV_PROVIDER_ERROR_TRANSIENT, message);
}

static GError *
new_not_found_error (const Lookup *lookup)
{
  g_autofree char *message = NULL;

  if (lookup->kind == ID_KIND_DNI)
    /* Translators: %s is a DNI (8 digits). */
    message = g_strdup_printf (_("APIMIGO knows no person with DNI %s"), lookup->id);
  else
    /* Translators: %s is a RUC (11 digits). */
    message = g_strdup_printf (_("APIMIGO knows no taxpayer with RUC %s"), lookup->id);

  return new_error (RV_PROVIDER_ERROR_NOT_FOUND, message);
}

/* Builds the record of a 200 answer, or the error it amounts to. */
static RvRecord *
parse_answer (const Lookup  *lookup,
              GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(RvRecord) record = NULL;
  const char *echo_key = lookup->kind == ID_KIND_DNI ? "dni" : "ruc";
  const char *echo, *value;
  JsonObject *object;
  JsonNode *root, *success;

  if (!json_parser_load_from_data (parser, (const char *) lookup->body->data,
                                   lookup->body->len, NULL))
    {
      g_propagate_error (error, new_error (RV_PROVIDER_ERROR_TRANSIENT,
                                           _("APIMIGO's answer is not valid JSON")));
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error, new_error (RV_PROVIDER_ERROR_TRANSIENT,
                                           _("APIMIGO's answer is not a JSON object")));
      return NULL;
    }
  object = json_node_get_object (root);

  success = json_object_get_member (object, "success");
  if (success == NULL || !JSON_NODE_HOLDS_VALUE (success) ||
      json_node_get_value_type (success) != G_TYPE_BOOLEAN)
    {
      g_propagate_error (error, new_bad_field_error ("success"));
      return NULL;
    }
  if (!json_node_get_boolean (success))
    {
      g_propagate_error (error, new_not_found_error (lookup));
      return NULL;
    }

  /* An answer for another number would be stored under the one asked: a proxy or cache
   * that mixes answers up must not poison the database.
   */
  if (!get_string_member (object, echo_key, &echo) || echo == NULL)
    {
      g_propagate_error (error, new_bad_field_error (echo_key));
      return NULL;
    }
  if (g_strcmp0 (echo, lookup->id) != 0)
    {
      g_autofree char *message = NULL;

      if (lookup->kind == ID_KIND_DNI)
        /* Translators: %s is the DNI asked for. */
        message = g_strdup_printf (_("APIMIGO answered for another DNI than %s"), lookup->id);
      else
        /* Translators: %s is the RUC asked for. */
        message = g_strdup_printf (_("APIMIGO answered for another RUC than %s"), lookup->id);
      g_propagate_error (error, new_error (RV_PROVIDER_ERROR_TRANSIENT, message));
      return NULL;
    }

  record = rv_record_new (lookup->id, TRUE);

  if (lookup->kind == ID_KIND_DNI)
    {
      if (!get_string_member (object, "nombre", &value))
        {
          g_propagate_error (error, new_bad_field_error ("nombre"));
          return NULL;
        }
      rv_record_set_field (record, RV_FIELD_NAME, value);
    }
  else
    {
      for (guint i = 0; i < RV_N_FIELDS; i++)
        {
          const char *key = rv_field_get_key (i);

          if (!get_string_member (object, key, &value))
            {
              g_propagate_error (error, new_bad_field_error (key));
              return NULL;
            }
          rv_record_set_field (record, i, value);
        }
    }

  if (!get_string_member (object, "actualizado_en", &value))
    {
      g_propagate_error (error, new_bad_field_error ("actualizado_en"));
      return NULL;
    }
  rv_record_set_as_of (record, value);
  rv_record_set_checked_at (record, g_get_real_time () / G_USEC_PER_SEC);
  rv_record_set_source (record, RV_SOURCE_API);
  rv_record_set_provider (record, "migo");

  return g_steal_pointer (&record);
}

/* Drops the connection of an answer that will not be read to its end: closing the stream
 * with a cancelled cancellable makes libsoup close the connection instead of reading
 * (possibly without end) what is left of the body.
 */
static void
drop_connection (Lookup *lookup)
{
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();

  g_cancellable_cancel (cancelled);
  g_input_stream_close_async (lookup->stream, G_PRIORITY_DEFAULT, cancelled, NULL, NULL);
}

static void
complete_lookup (GTask    *task,
                 gboolean  too_large)
{
  Lookup *lookup = g_task_get_task_data (task);
  guint status = soup_message_get_status (lookup->message);
  g_autofree char *message = NULL;
  g_autoptr(RvRecord) record = NULL;
  GError *error = NULL;

  if (too_large)
    drop_connection (lookup);
  else
    g_clear_object (&lookup->stream);

  switch (status)
    {
    case SOUP_STATUS_OK:
      if (too_large)
        {
          error = new_error (RV_PROVIDER_ERROR_TRANSIENT,
                             _("APIMIGO's answer is too large to be a lookup answer"));
          break;
        }
      record = parse_answer (lookup, &error);
      break;

    case SOUP_STATUS_NOT_FOUND:
      error = new_not_found_error (lookup);
      break;

    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_FORBIDDEN:
      /* Translators: %u is an HTTP status code, 401 or 403. */
      message = g_strdup_printf (_("APIMIGO refused the API token (HTTP %u)"), status);
      error = new_error (RV_PROVIDER_ERROR_AUTHENTICATION, message);
      break;

    case SOUP_STATUS_UNPROCESSABLE_ENTITY:
      if (lookup->kind == ID_KIND_DNI)
        /* Translators: %s is a DNI (8 digits). */
        message = g_strdup_printf (_("APIMIGO refused DNI %s as malformed (HTTP 422)"), lookup->id);
      else
        /* Translators: %s is a RUC (11 digits). */
        message = g_strdup_printf (_("APIMIGO refused RUC %s as malformed (HTTP 422)"), lookup->id);
      error = new_error (RV_PROVIDER_ERROR_BAD_FORMAT, message);
      break;

    case STATUS_TOO_MANY_REQUESTS:
      {
        SoupMessageHeaders *headers = soup_message_get_response_headers (lookup->message);
        const char *retry_after = soup_message_headers_get_one (headers, "Retry-After");

        error = new_error (RV_PROVIDER_ERROR_RATE_LIMITED,
                           _("APIMIGO asked to slow down: too many requests (HTTP 429)"));
        rv_provider_set_error_retry_after (error, parse_retry_after (retry_after));
      }
      break;

    case SOUP_STATUS_REQUEST_TIMEOUT:
      error = new_error (RV_PROVIDER_ERROR_TRANSIENT,
                         _("APIMIGO gave up waiting for the request (HTTP 408)"));
      break;

    default:
      if (status >= 500 && status < 600)
        /* Translators: %u is an HTTP status code, e.g. 503. */
        message = g_strdup_printf (_("APIMIGO failed with a server error (HTTP %u)"), status);
      else
        /* Translators: %u is an HTTP status code, e.g. 302. */
        message = g_strdup_printf (_("APIMIGO answered HTTP %u, which is not a lookup answer"),
                                   status);
      error = new_error (RV_PROVIDER_ERROR_TRANSIENT, message);
      break;
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&record), (GDestroyNotify) rv_record_unref);
}

static void
read_chunk_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RvMigoProvider *self = g_task_get_source_object (task);
  Lookup *lookup = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n_read;

  g_assert (RV_IS_MIGO_PROVIDER (self));

  n_read = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n_read < 0)
    {
      g_clear_object (&lookup->stream);
      g_task_return_error (task, map_transport_error (self, g_steal_pointer (&error)));
      return;
    }

  /* read_next_chunk() grew the array by the bytes it asked for; keep those received. */
  g_byte_array_set_size (lookup->body, lookup->body->len - READ_CHUNK_BYTES + n_read);

  if (n_read == 0)
    complete_lookup (task, FALSE);
  else if (lookup->body->len > MAX_ANSWER_BYTES)
    complete_lookup (task, TRUE);
  else
    read_next_chunk (g_steal_pointer (&task));
}

/* Takes @task. Each read asks for a whole chunk, even near the cap: libsoup's chunked
 * decoder cannot read a chunk's trailing CRLF into a buffer of fewer than three bytes.
 * The body is therefore held up to MAX_ANSWER_BYTES + READ_CHUNK_BYTES at most.
 */
static void
read_next_chunk (GTask *task)
{
  Lookup *lookup = g_task_get_task_data (task);
  guint filled = lookup->body->len;

  g_byte_array_set_size (lookup->body, filled + READ_CHUNK_BYTES);
  g_input_stream_read_async (lookup->stream,
                             lookup->body->data + filled,
                             READ_CHUNK_BYTES,
                             G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task),
                             read_chunk_cb,
                             task);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RvMigoProvider *self = g_task_get_source_object (task);
  Lookup *lookup = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  g_assert (RV_IS_MIGO_PROVIDER (self));

  lookup->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (lookup->stream == NULL)
    {
      g_task_return_error (task, map_transport_error (self, g_steal_pointer (&error)));
      return;
    }

  headers = soup_message_get_response_headers (lookup->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > MAX_ANSWER_BYTES)
    {
      complete_lookup (task, TRUE);
      return;
    }

  lookup->body = g_byte_array_sized_new (READ_CHUNK_BYTES);
  read_next_chunk (g_steal_pointer (&task));
}

static const char *
rv_migo_provider_get_id (RvProvider *provider)
{
  return "migo";
}

static const char *
rv_migo_provider_get_name (RvProvider *provider)
{
  /* Translators: the name of the web service; translate only if it has a local name. */
  return _("APIMIGO");
}

static gboolean
rv_migo_provider_get_true (RvProvider *provider)
{
  return TRUE;
}

static guint
rv_migo_provider_get_default_rate (RvProvider *provider)
{
  return DEFAULT_RATE_PER_MINUTE;
}

static void
rv_migo_provider_lookup_async (RvProvider          *provider,
                               const char          *id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  RvMigoProvider *self = RV_MIGO_PROVIDER (provider);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *uri = NULL;
  Lookup *lookup;
  IdKind kind;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rv_migo_provider_lookup_async);

  kind = classify_id (id);
  if (kind == ID_KIND_NONE)
    {
      g_task_return_error (task,
                           new_error (RV_PROVIDER_ERROR_BAD_FORMAT,
                                      _("APIMIGO looks up 11-digit RUCs and 8-digit DNIs only")));
      return;
    }

  lookup = g_new0 (Lookup, 1);
  lookup->id = g_strdup (id);
  lookup->kind = kind;
  g_task_set_task_data (task, lookup, (GDestroyNotify) lookup_free);

  uri = g_strconcat (self->base_url, kind == ID_KIND_DNI ? "/api/v1/dni" : "/api/v1/ruc", NULL);
  lookup->message = soup_message_new (SOUP_METHOD_POST, uri);
  if (lookup->message == NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s is the address given with --base-url. */
      message = g_strdup_printf (_("APIMIGO's address “%s” is not a valid http or https URL"),
                                 self->base_url);
      g_task_return_error (task, new_error (RV_PROVIDER_ERROR_TRANSIENT, message));
      return;
    }

  /* A redirect could take the token in the body to another host: an answer 3xx is an
   * error instead. A lookup changes nothing on the server, so libsoup may send it again
   * when a kept-alive connection turns out to be closed.
   */
  soup_message_add_flags (lookup->message, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_IDEMPOTENT);
  soup_message_headers_replace (soup_message_get_request_headers (lookup->message),
                                "Accept", "application/json");
  body = build_request_body (self->token, kind == ID_KIND_DNI ? "dni" : "ruc", id);
  soup_message_set_request_body_from_bytes (lookup->message, "application/json", body);

  soup_session_send_async (self->session,
                           lookup->message,
                           G_PRIORITY_DEFAULT,
                           cancellable,
                           send_cb,
                           g_steal_pointer (&task));
}

static RvRecord *
rv_migo_provider_lookup_finish (RvProvider    *provider,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == rv_migo_provider_lookup_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rv_migo_provider_dispose (GObject *object)
{
  RvMigoProvider *self = (RvMigoProvider *) object;

  g_clear_object (&self->session);

  G_OBJECT_CLASS (rv_migo_provider_parent_class)->dispose (object);
}

static void
rv_migo_provider_finalize (GObject *object)
{
  RvMigoProvider *self = (RvMigoProvider *) object;

  g_clear_pointer (&self->base_url, g_free);
  if (self->token != NULL)
    {
      /* Leave no copy of the token in freed memory. */
      memset (self->token, 0, strlen (self->token));
      g_clear_pointer (&self->token, g_free);
    }

  G_OBJECT_CLASS (rv_migo_provider_parent_class)->finalize (object);
}

static void
rv_migo_provider_iface_init (RvProviderInterface *iface)
{
  iface->get_id = rv_migo_provider_get_id;
  iface->get_name = rv_migo_provider_get_name;
  iface->get_needs_token = rv_migo_provider_get_true;
  iface->get_can_lookup_dni = rv_migo_provider_get_true;
  iface->get_default_rate = rv_migo_provider_get_default_rate;
  iface->lookup_async = rv_migo_provider_lookup_async;
  iface->lookup_finish = rv_migo_provider_lookup_finish;
}

static void
rv_migo_provider_class_init (RvMigoProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rv_migo_provider_dispose;
  object_class->finalize = rv_migo_provider_finalize;
}

static void
rv_migo_provider_init (RvMigoProvider *self)
{
}

/**
 * rv_migo_provider_new:
 * @base_url: (nullable): the service's address, such as "https://api.migo.pe" (a trailing
 *   slash is allowed), or %NULL for %RV_MIGO_DEFAULT_BASE_URL
 * @token: the API token of the user's APIMIGO account
 * @max_connections: connections open at once at most, at least 1: the concurrency of a run
 * @timeout_seconds: how long a request may wait for the server before it fails as
 *   %RV_PROVIDER_ERROR_TRANSIENT, or 0 for no limit
 *
 * Creates the provider with its own #SoupSession. The default rate,
 * rv_provider_get_default_rate(), is a polite 600 requests per minute: APIMIGO's plans
 * differ, and users change it with `--rate`.
 *
 * Returns: (transfer full): a new #RvMigoProvider
 */
RvMigoProvider *
rv_migo_provider_new (const char *base_url,
                      const char *token,
                      guint       max_connections,
                      guint       timeout_seconds)
{
  RvMigoProvider *self;
  g_autofree char *url = NULL;
  gsize len;

  g_return_val_if_fail (token != NULL, NULL);
  g_return_val_if_fail (max_connections > 0, NULL);

  url = g_strdup (base_url != NULL ? base_url : RV_MIGO_DEFAULT_BASE_URL);
  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  self = g_object_new (RV_TYPE_MIGO_PROVIDER, NULL);
  self->base_url = g_steal_pointer (&url);
  self->token = g_strdup (token);
  self->timeout_seconds = timeout_seconds;

  /* The connection limits are construct-only, and their defaults (10 in all, 2 per host)
   * would silently serialise a run. The default TLS database verifies certificates; no
   * handler of SoupMessage::accept-certificate ever overrides it.
   */
  self->session = soup_session_new_with_options ("max-conns", (int) max_connections,
                                                 "max-conns-per-host", (int) max_connections,
                                                 "timeout", timeout_seconds,
                                                 "idle-timeout", (guint) IDLE_TIMEOUT_SECONDS,
                                                 "user-agent", "ruc-validator/" PACKAGE_VERSION,
                                                 NULL);

  return self;
}

/**
 * rv_migo_provider_get_base_url:
 * @self: a #RvMigoProvider
 *
 * Returns: the service's address, without a trailing slash
 */
const char *
rv_migo_provider_get_base_url (RvMigoProvider *self)
{
  g_return_val_if_fail (RV_IS_MIGO_PROVIDER (self), NULL);

  return self->base_url;
}
