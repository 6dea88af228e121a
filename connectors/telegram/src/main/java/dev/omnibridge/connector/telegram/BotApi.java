package dev.omnibridge.connector.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.omnibridge.net.RefusedUrlException;
import dev.omnibridge.net.SafeFetcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The Bot API over the JDK HttpClient: {@code POST <apiBaseUrl>/bot<token>/<method>} with a JSON or multipart body,
 * answers {@code {"ok":true,"result":...}} or {@code {"ok":false,"error_code":..,"description":..,"parameters":..}},
 * and file downloads from {@code <apiBaseUrl>/file/bot<token>/<file_path>}. Every failure becomes a
 * {@link BotApiException} whose message holds no URL and no token.
 */
final class BotApi {
    static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;
    private final SafeFetcher files;

    BotApi(URI apiBaseUrl, String token, Duration timeout) {
        String b = apiBaseUrl.toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
        // The configured origin (api.telegram.org or a local Bot API server) is the only place files come from.
        this.files = SafeFetcher.builder().timeout(timeout).maxRedirects(0).configuredOrigin(apiBaseUrl).build();
    }

    /** Calls a method with a JSON body, waiting at most the configured timeout. */
    JsonNode call(String method, ObjectNode params) throws BotApiException, InterruptedException {
        return call(method, params, timeout);
    }

    /** Calls a method with a JSON body, waiting at most {@code wait} for the answer. */
    JsonNode call(String method, ObjectNode params, Duration wait) throws BotApiException, InterruptedException {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(params == null ? JSON.createObjectNode() : params);
        } catch (IOException e) {
            throw new BotApiException(method + ": could not write the request", 0, null, null);
        }
        HttpRequest request = HttpRequest.newBuilder(methodUri(method)).timeout(wait)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return answer(method, send(method, request, HttpResponse.BodyHandlers.ofByteArray()));
    }

    /**
     * Calls a method with a multipart/form-data body: plain fields and one file.
     */
    JsonNode upload(String method, Map<String, String> fields, String fileField, String fileName, String mediaType,
                    InputStream data) throws BotApiException, InterruptedException {
        String boundary = "omnibridge-" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (Map.Entry<String, String> f : fields.entrySet()) {
                out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey()
                        + "\"\r\n\r\n" + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField
                    + "\"; filename=\"" + quoted(fileName) + "\"\r\nContent-Type: " + mediaType + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            data.transferTo(out);
            out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BotApiException(method + ": could not read the attachment to upload", 0, null, null);
        }
        HttpRequest request = HttpRequest.newBuilder(methodUri(method)).timeout(timeout)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build();
        return answer(method, send(method, request, HttpResponse.BodyHandlers.ofByteArray()));
    }

    /** A Bot API file_path: relative segments of plain characters, e.g. {@code photos/file_0.jpg}. */
    private static final java.util.regex.Pattern FILE_PATH =
            java.util.regex.Pattern.compile("[A-Za-z0-9_.~ -]+(/[A-Za-z0-9_.~ -]+)*");

    /**
     * Opens a file's bytes; the caller closes the stream. {@code filePath} comes from Telegram's answer, so it must
     * stay inside the bot's file directory (no {@code ..}, query or scheme); the download goes through the shared
     * {@link SafeFetcher} with the configured API origin as its only exempt origin and no redirects, so the URL
     * with the token in it is never followed elsewhere.
     */
    InputStream download(String filePath) throws BotApiException, InterruptedException {
        if (!FILE_PATH.matcher(filePath).matches() || java.util.Arrays.asList(filePath.split("/")).stream()
                .anyMatch(seg -> seg.strip().equals("..") || seg.strip().equals("."))) {
            throw new BotApiException("file download: Telegram gave an unusable file_path", 400, null, null);
        }
        URI uri;
        try {
            uri = URI.create(base + "/file/bot" + token + "/" + filePath.replace(" ", "%20"));
        } catch (IllegalArgumentException e) {
            throw new BotApiException("file download: Telegram gave an unusable file_path", 400, null, null);
        }
        HttpResponse<InputStream> response;
        try {
            response = files.get(uri);
        } catch (RefusedUrlException e) {
            throw new BotApiException("file download refused: " + redact(String.valueOf(e.getMessage())), 400, null,
                    null);
        } catch (IOException e) {
            String detail = e.getMessage() == null ? "" : ": " + redact(e.getMessage());
            throw new BotApiException("file download failed: " + e.getClass().getSimpleName() + detail, 0, null,
                    null);
        }
        if (response.statusCode() != 200) {
            try (InputStream ignored = response.body()) {
                // drained by close
            } catch (IOException ignoredToo) {
                // nothing to do
            }
            throw new BotApiException("file download: HTTP " + response.statusCode(), response.statusCode(), null,
                    null);
        }
        return response.body();
    }

    /** Text with this bot's token removed. */
    String redact(String text) {
        return Tokens.redact(text, token);
    }

    private URI methodUri(String method) {
        return URI.create(base + "/bot" + token + "/" + method);
    }

    private <T> HttpResponse<T> send(String what, HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws BotApiException, InterruptedException {
        CompletableFuture<HttpResponse<T>> future = http.sendAsync(request, handler);
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException | CancellationException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            String detail = cause.getMessage() == null ? "" : ": " + redact(cause.getMessage());
            throw new BotApiException(what + " failed: " + cause.getClass().getSimpleName() + detail, 0, null,
                    null);
        }
    }

    private JsonNode answer(String method, HttpResponse<byte[]> response) throws BotApiException {
        int status = response.statusCode();
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException | RuntimeException e) {
            json = null;
        }
        if (json != null && json.path("ok").asBoolean(false) && status / 100 == 2) {
            return json.path("result");
        }
        if (json == null || !json.isObject()) {
            if (status / 100 == 2) {
                throw new BotApiException(method + ": Telegram's answer is not Bot API JSON", 0, null, null);
            }
            throw new BotApiException(method + ": HTTP " + status, status, null, null);
        }
        int code = json.path("error_code").asInt(status / 100 == 2 ? 500 : status);
        String description = json.hasNonNull("description") ? redact(json.get("description").asText()) : null;
        JsonNode after = json.path("parameters").path("retry_after");
        Duration retryAfter = after.canConvertToLong() ? Duration.ofSeconds(Math.max(0, after.asLong())) : null;
        JsonNode migrated = json.path("parameters").path("migrate_to_chat_id");
        throw new BotApiException(method + ": HTTP " + code + (description == null ? "" : ": " + description),
                code, description, retryAfter, migrated.canConvertToLong() ? migrated.asLong() : null);
    }

    private static String quoted(String name) {
        return name.replace("\\", "_").replace("\"", "_").replace("\r", "_").replace("\n", "_");
    }
}
