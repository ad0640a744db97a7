package org.llmplayground.evaluation.judge;

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
import org.llmplayground.core.net.PublicAddresses;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A judge behind any OpenAI-compatible endpoint: {@code POST {base}/chat/completions} with one user message,
 * temperature 0, the reply's {@code choices[0].message.content}. Timeouts per call; a 429, a 5xx or a timeout is tried
 * again (up to {@code retries} tries in all, waiting 0.5 s, 1 s, 2 s… or the server's Retry-After up to 10 s); any
 * other failure says plainly what the endpoint answered. The key goes only into the Authorization header: it is not
 * logged, not stored with a run (the run records "model @ host"), and not part of any message.
 */
@Singleton
public class RemoteJudge {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private final HttpUrl base;
    private final String key;
    private final String model;
    private final Duration timeout;
    private final int retries;
    private final OkHttpClient http;
    /** How long a retry waits at least (tests shorten it). */
    long backoffMillis = 500;

    public RemoteJudge(@Value("${playground.evaluation.judge.base-url:}") String baseUrl, @Value("${playground.evaluation.judge.api-key:}") String key,
                       @Value("${playground.evaluation.judge.model:gpt-4o-mini}") String model,
                       @Value("${playground.evaluation.judge.timeout:60s}") Duration timeout, @Value("${playground.evaluation.judge.retries:3}") int retries,
                       @Value("${playground.evaluation.judge.allow-private:false}") boolean allowPrivate) {
        this.base = baseUrl == null || baseUrl.isBlank() ? null : HttpUrl.parse(baseUrl.strip().replaceAll("/+$", ""));
        if (baseUrl != null && !baseUrl.isBlank() && this.base == null) {
            throw new IllegalArgumentException("playground.evaluation.judge.base-url is not an http(s) URL: " + baseUrl);
        }
        this.key = key == null ? "" : key.strip();
        this.model = model;
        this.timeout = timeout;
        this.retries = Math.max(1, retries);
        this.http = PublicAddresses.guard(new OkHttpClient.Builder(), allowPrivate).connectTimeout(timeout).readTimeout(timeout)
                .callTimeout(timeout.multipliedBy(2)).followRedirects(false).build();
    }

    /** A failure of the endpoint (after its retries), said plainly; never contains the key. */
    public static final class Failed extends RuntimeException {
        Failed(String message) {
            super(message);
        }
    }

    public boolean configured() {
        return base != null;
    }

    /** What a run records as its judge: the model and the endpoint's host (never the key). */
    public String describe() {
        return model + " @ " + (base == null ? "(no endpoint configured)" : base.host() + (base.port() == HttpUrl.defaultPort(base.scheme()) ? ""
                : ":" + base.port()));
    }

    /** The judge's reply to {@code prompt}. */
    public String complete(String prompt, int maxTokens) {
        if (base == null) {
            throw new Failed("No judge endpoint is configured: set playground.evaluation.judge.base-url (and api-key) or choose a local model.");
        }
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("model", model, "temperature", 0, "max_tokens", maxTokens,
                    "messages", List.of(Map.of("role", "user", "content", prompt))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpUrl url = base.newBuilder().addPathSegments("chat/completions").build();
        String last = "";
        for (int attempt = 1; attempt <= retries; attempt++) {
            Request.Builder request = new Request.Builder().url(url).post(RequestBody.create(body, JSON_TYPE));
            if (!key.isEmpty()) {
                request.header("Authorization", "Bearer " + key);
            }
            long wait = backoffMillis << (attempt - 1);
            try (Response response = http.newCall(request.build()).execute()) {
                String text = response.body() == null ? "" : response.body().string();
                if (response.isSuccessful()) {
                    return content(text);
                }
                last = "answered " + response.code() + (response.message().isBlank() ? "" : " " + response.message()) + detail(text);
                if (response.code() != 429 && response.code() < 500) {
                    throw new Failed("The judge endpoint " + describe() + " " + last + ".");
                }
                String retryAfter = response.header("Retry-After");
                if (retryAfter != null && retryAfter.strip().matches("\\d{1,4}")) {
                    wait = Math.min(10_000, Long.parseLong(retryAfter.strip()) * 1000);
                }
            } catch (InterruptedIOException e) {
                last = "did not answer within " + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms");
            } catch (IOException e) {
                if (e instanceof PublicAddresses.Refused || String.valueOf(e.getMessage()).startsWith("refused: ")) { // the guard (DNS or connect)
                    throw new Failed("The judge endpoint " + describe() + " is " + e.getMessage().replace("playground.fetch.allow-private",
                            "playground.evaluation.judge.allow-private") + ".");
                }
                last = "could not be reached (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
            }
            if (attempt < retries) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Failed("Interrupted while waiting to call the judge endpoint again.");
                }
            }
        }
        throw new Failed("The judge endpoint " + describe() + " " + last + " (" + retries + (retries == 1 ? " try" : " tries") + ").");
    }

    /** choices[0].message.content of a chat completion; a reply of another shape is a failure that shows its start. */
    static String content(String text) {
        try {
            JsonNode c = JSON.readTree(text).path("choices").path(0).path("message").path("content");
            if (c.isTextual()) {
                return c.asText();
            }
        } catch (IOException e) {
            // not JSON: said below
        }
        throw new Failed("The judge endpoint's reply is not a chat completion (no choices[0].message.content): "
                + (text.length() > 200 ? text.substring(0, 200) + "…" : text));
    }

    private static String detail(String text) {
        String t = text.strip();
        return t.isEmpty() ? "" : ": " + (t.length() > 200 ? t.substring(0, 200) + "…" : t);
    }
}
