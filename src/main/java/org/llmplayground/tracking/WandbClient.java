package org.llmplayground.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weights &amp; Biases over its HTTP API, as the official client speaks it:
 * <pre>
 *   POST {base}/graphql                                   mutation UpsertBucket: create/update the run, its config
 *                                                         as {"key": {"value": v}}
 *   POST {base}/files/{entity}/{project}/{run}/file_stream
 *        {"files": {"wandb-history.jsonl": {"offset": n, "content": [lines]},      n = lines W&amp;B already has
 *                   "wandb-summary.json": {"offset": 0, "content": [summary]}}}
 *        {"complete": true, "exitcode": 0}                                         the end of the run
 * </pre>
 * Authorization: Basic base64("api:" + key). The key is only ever in that header. A 429, a 5xx or a network error is
 * {@link Retry} (try again later); 400/401/403/404 are {@link Refused} (trying again cannot help).
 */
public final class WandbClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    static final String UPSERT = "mutation UpsertBucket($name: String, $project: String, $entity: String, $config: JSONString, "
            + "$displayName: String) { upsertBucket(input: {name: $name, modelName: $project, entityName: $entity, config: $config, "
            + "displayName: $displayName}) { bucket { id name displayName } } }";
    private final HttpUrl base;
    private final String authorization;
    private final String entity;
    private final String project;
    private final OkHttpClient http;

    /** A failure worth trying again (429, 5xx, network). */
    public static final class Retry extends Exception {
        Retry(String message) {
            super(message);
        }
    }

    /** A failure trying again cannot fix (bad request, bad key, no such project). */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    public WandbClient(String baseUrl, String key, String entity, String project, Duration timeout) {
        this.base = HttpUrl.parse(baseUrl.replaceAll("/+$", ""));
        if (base == null) {
            throw new IllegalArgumentException("WANDB_BASE_URL is not an http(s) URL: " + baseUrl);
        }
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(("api:" + key).getBytes(StandardCharsets.UTF_8));
        this.entity = entity;
        this.project = project;
        this.http = new OkHttpClient.Builder().connectTimeout(timeout).readTimeout(timeout).callTimeout(timeout.multipliedBy(2)).build();
    }

    /** Creates or updates the run with its display name and config (every value wrapped as {"value": v}). */
    public void upsertRun(String name, String displayName, Map<String, Object> config) throws Retry, Refused {
        Map<String, Object> wrapped = new LinkedHashMap<>();
        config.forEach((k, v) -> wrapped.put(k, Map.of("value", v)));
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("name", name);
        variables.put("project", project);
        variables.put("entity", entity);
        variables.put("config", json(wrapped));
        variables.put("displayName", displayName);
        JsonNode reply = post(base.newBuilder().addPathSegment("graphql").build(), Map.of("query", UPSERT, "variables", variables));
        if (reply.has("errors")) {
            throw new Refused("W&B refused the run: " + reply.get("errors").toString());
        }
    }

    /** Sends history lines from {@code offset} and the summary (null: none). */
    public void stream(String run, int offset, List<String> history, String summary) throws Retry, Refused {
        Map<String, Object> files = new LinkedHashMap<>();
        if (!history.isEmpty()) {
            files.put("wandb-history.jsonl", Map.of("offset", offset, "content", history));
        }
        if (summary != null) {
            files.put("wandb-summary.json", Map.of("offset", 0, "content", List.of(summary)));
        }
        post(streamUrl(run), Map.of("files", files));
    }

    /** Marks the run finished with its exit code. */
    public void complete(String run, int exitCode) throws Retry, Refused {
        post(streamUrl(run), Map.of("complete", true, "exitcode", exitCode));
    }

    private HttpUrl streamUrl(String run) {
        return base.newBuilder().addPathSegment("files").addPathSegment(entity).addPathSegment(project).addPathSegment(run)
                .addPathSegment("file_stream").build();
    }

    private JsonNode post(HttpUrl url, Object body) throws Retry, Refused {
        Request request = new Request.Builder().url(url).header("Authorization", authorization)
                .post(RequestBody.create(json(body), JSON_TYPE)).build();
        try (Response r = http.newCall(request).execute()) {
            String text = r.body() == null ? "" : r.body().string();
            if (r.isSuccessful()) {
                return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
            }
            String what = "W&B answered " + r.code() + (text.isBlank() ? "" : ": " + (text.length() > 200 ? text.substring(0, 200) + "…" : text.strip()));
            if (r.code() == 429 || r.code() >= 500) {
                throw new Retry(what);
            }
            throw new Refused(r.code() == 401 ? what + " (the API key is not valid: set WANDB_API_KEY)" : what);
        } catch (IOException e) {
            throw new Retry("W&B could not be reached (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
