package org.llmplayground.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.llmplayground.core.BadInputException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MLflow as a second place runs can go: a run's record exported to an MLflow tracking server over its REST API, as
 * the official client speaks it —
 * <pre>
 *   GET  {uri}/api/2.0/mlflow/experiments/get-by-name?experiment_name=…   (404 → POST experiments/create {name})
 *   POST {uri}/api/2.0/mlflow/runs/create     {experiment_id, run_name, start_time, tags}
 *   POST {uri}/api/2.0/mlflow/runs/log-batch  {run_id, params: [{key, value}], metrics: [{key, value, timestamp, step}]}
 *                                             at most 100 params and 1,000 items a request, as MLflow limits them
 *   POST {uri}/api/2.0/mlflow/runs/update     {run_id, status: FINISHED | FAILED | KILLED, end_time}
 * </pre>
 * Settings as MLflow reads them: MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN (a Bearer token, never logged),
 * MLFLOW_EXPERIMENT_NAME (default llm-playground). An export is one request a user makes for a finished run; the run
 * stays in H2 whatever MLflow answers, so a failed export loses nothing and can simply be made again.
 */
@Singleton
public class MlflowExport {
    static final int MAX_PARAMS = 100;
    static final int MAX_ITEMS = 1000;
    static final int MAX_PARAM_CHARS = 500; // the limit of MLflow before 2.x; newer servers take 6,000
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private final Runs runs;
    private final HttpUrl uri;
    private final String token;
    private final String experiment;
    private final OkHttpClient http = new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofSeconds(60)).build();

    public MlflowExport(Runs runs, @Value("${mlflow.tracking.uri:}") String uri, @Value("${mlflow.tracking.token:}") String token,
                        @Value("${mlflow.experiment.name:llm-playground}") String experiment) {
        this.runs = runs;
        this.uri = uri == null || uri.isBlank() ? null : HttpUrl.parse(uri.strip().replaceAll("/+$", ""));
        if (uri != null && !uri.isBlank() && this.uri == null) {
            throw new IllegalStateException("MLFLOW_TRACKING_URI '" + uri + "' is not an http(s) URL");
        }
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.experiment = experiment;
    }

    public boolean enabled() {
        return uri != null;
    }

    /** Sends a run's record (config as params, every metric point, its end) to MLflow; returns where it went. */
    public Map<String, Object> export(String runId) {
        if (uri == null) {
            throw BadInputException.conflict("MLflow export is off: set MLFLOW_TRACKING_URI (and MLFLOW_TRACKING_TOKEN if the server "
                    + "needs one) and restart.");
        }
        Runs.Detail d = runs.get(runId);
        if (List.of("queued", "running", "paused").contains(d.run().state())) {
            throw BadInputException.conflict("'" + d.run().name() + "' is " + d.run().state() + "; export it once it has ended.");
        }
        String experimentId = experimentId();
        long start = (d.run().startedAt() == null ? d.run().createdAt() : d.run().startedAt()).toEpochMilli();
        List<Map<String, String>> tags = List.of(Map.of("key", "llm_playground.run_id", "value", runId),
                Map.of("key", "llm_playground.lab", "value", d.run().lab()),
                Map.of("key", "mlflow.source.name", "value", d.codeVersion() == null ? "llm-playground" : d.codeVersion()));
        JsonNode created = post("runs/create", Map.of("experiment_id", experimentId, "run_name", d.run().name(), "start_time", start, "tags", tags));
        String mlflowRun = created.path("run").path("info").path("run_id").asText();
        if (mlflowRun.isEmpty()) {
            throw new BadInputException("MLflow answered runs/create without a run id: " + created, 502);
        }
        try {
            return send(d, runId, mlflowRun, experimentId, start);
        } catch (BadInputException e) {
            try { // a half-written MLflow run says so instead of looking like one still running
                post("runs/update", Map.of("run_id", mlflowRun, "status", "FAILED", "end_time", Instant.now().toEpochMilli()));
            } catch (BadInputException ignored) {
                // MLflow is gone: the first error says why
            }
            throw e;
        }
    }

    private Map<String, Object> send(Runs.Detail d, String runId, String mlflowRun, String experimentId, long start) {
        List<Map<String, String>> params = new ArrayList<>();
        Map<String, Object> all = new LinkedHashMap<>(d.config());
        if (d.seed() != null) {
            all.putIfAbsent("seed", d.seed());
        }
        d.hashes().forEach(all::putIfAbsent);
        all.forEach((k, v) -> {
            String value = String.valueOf(v);
            params.add(Map.of("key", k.length() > 250 ? k.substring(0, 250) : k, "value", value.length() > MAX_PARAM_CHARS
                    ? value.substring(0, MAX_PARAM_CHARS - 1) + "…" : value));
        });
        for (int i = 0; i < params.size(); i += MAX_PARAMS) {
            post("runs/log-batch", Map.of("run_id", mlflowRun, "params", params.subList(i, Math.min(params.size(), i + MAX_PARAMS))));
        }
        List<Map<String, Object>> metrics = new ArrayList<>();
        runs.metrics(runId, null).forEach((name, points) -> points.forEach(p -> metrics.add(Map.of("key", name, "value", p.value(),
                "timestamp", start + Math.round(p.time() * 1000), "step", Math.round(p.step())))));
        for (int i = 0; i < metrics.size(); i += MAX_ITEMS) {
            post("runs/log-batch", Map.of("run_id", mlflowRun, "metrics", metrics.subList(i, Math.min(metrics.size(), i + MAX_ITEMS))));
        }
        String status = switch (d.run().state()) {
            case "finished", "succeeded" -> "FINISHED";
            case "stopped", "cancelled" -> "KILLED";
            default -> "FAILED";
        };
        Instant end = d.run().finishedAt() == null ? Instant.now() : d.run().finishedAt();
        post("runs/update", Map.of("run_id", mlflowRun, "status", status, "end_time", end.toEpochMilli()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mlflow_run_id", mlflowRun);
        out.put("experiment_id", experimentId);
        out.put("params", params.size());
        out.put("metrics", metrics.size());
        out.put("status", status);
        out.put("url", uri + "/#/experiments/" + experimentId + "/runs/" + mlflowRun);
        return out;
    }

    /** The experiment's id, creating it the first time. */
    private String experimentId() {
        HttpUrl url = uri.newBuilder().addPathSegments("api/2.0/mlflow/experiments/get-by-name").addQueryParameter("experiment_name", experiment).build();
        try (Response r = http.newCall(request(url).build()).execute()) {
            String body = r.body() == null ? "" : r.body().string();
            if (r.isSuccessful()) {
                return JSON.readTree(body).path("experiment").path("experiment_id").asText();
            }
            if (r.code() != 404) {
                throw refused("experiments/get-by-name", r.code(), body);
            }
        } catch (IOException e) {
            throw unreachable(e);
        }
        return post("experiments/create", Map.of("name", experiment)).path("experiment_id").asText();
    }

    private JsonNode post(String method, Object body) {
        HttpUrl url = uri.newBuilder().addPathSegments("api/2.0/mlflow/" + method).build();
        try {
            Request req = request(url).post(RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE)).build();
            try (Response r = http.newCall(req).execute()) {
                String text = r.body() == null ? "" : r.body().string();
                if (!r.isSuccessful()) {
                    throw refused(method, r.code(), text);
                }
                return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
            }
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private Request.Builder request(HttpUrl url) {
        Request.Builder b = new Request.Builder().url(url).header("User-Agent", "llm-playground");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** MLflow's own words: {"error_code": "INVALID_PARAMETER_VALUE", "message": "…"}. */
    private BadInputException refused(String method, int code, String body) {
        String detail = body;
        try {
            JsonNode n = JSON.readTree(body);
            if (n.has("error_code")) {
                detail = n.path("error_code").asText() + ": " + n.path("message").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: the body as it is
        }
        detail = detail.length() > 300 ? detail.substring(0, 300) + "…" : detail;
        String why = switch (code) {
            case 401, 403 -> " (the server wants credentials: set MLFLOW_TRACKING_TOKEN)";
            default -> "";
        };
        return new BadInputException(String.format(Locale.ROOT, "MLflow refused %s: HTTP %d %s%s. The run is kept here; export it again "
                + "once this is fixed.", method, code, detail.isBlank() ? "" : "— " + detail, why), 502);
    }

    private BadInputException unreachable(IOException e) {
        return new BadInputException("MLflow at " + uri + " cannot be reached (" + e.getMessage() + "); the run is kept here, export it "
                + "again later.", 502);
    }
}
