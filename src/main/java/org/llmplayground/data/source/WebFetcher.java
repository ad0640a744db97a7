package org.llmplayground.data.source;

import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jsoup.Jsoup;
import org.llmplayground.core.net.PublicAddresses;
import org.llmplayground.data.clean.Document;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Fetches a list of web pages politely and turns each into a document of its visible text (jsoup):
 * <ul>
 *   <li>robots.txt is read once per host and its Disallow rules for our user agent (or *) are obeyed;</li>
 *   <li>a pause of at least {@code minInterval} between the end of one request to a host and the next;</li>
 *   <li>loopback, link-local and private addresses are refused (after DNS and on every redirect), unless allowed;</li>
 *   <li>a page larger than {@code maxBytes} is cut off and skipped, non-HTML/text pages are skipped, as are
 *       timeouts and HTTP errors. Each skip is recorded with its reason; one bad URL never stops the others.</li>
 * </ul>
 */
public final class WebFetcher {
    public static final String USER_AGENT = "llm-playground";
    private final OkHttpClient http;
    private final long maxBytes;
    private final Duration minInterval;
    private final Map<String, List<String>> disallowed = new HashMap<>();
    private final Map<String, Long> lastRequest = new HashMap<>();

    /** The outcome for one URL: fetched, or skipped and why. */
    public record Result(String url, boolean fetched, String reason) {
    }

    public WebFetcher(Duration timeout, long maxBytes, Duration minInterval) {
        this(timeout, maxBytes, minInterval, false);
    }

    /** {@code allowPrivate}: also fetch from loopback and private addresses ({@link PublicAddresses}); off by default. */
    public WebFetcher(Duration timeout, long maxBytes, Duration minInterval, boolean allowPrivate) {
        this.http = PublicAddresses.guard(new OkHttpClient.Builder(), allowPrivate).connectTimeout(timeout).readTimeout(timeout)
                .callTimeout(timeout.multipliedBy(3)).build();
        this.maxBytes = maxBytes;
        this.minInterval = minInterval;
    }

    public List<Result> fetch(List<String> urls, Consumer<Document> sink) {
        List<Result> out = new ArrayList<>();
        for (String u : urls) {
            out.add(fetchOne(u.strip(), sink));
        }
        return out;
    }

    private Result fetchOne(String u, Consumer<Document> sink) {
        HttpUrl url = HttpUrl.parse(u);
        if (url == null) {
            return new Result(u, false, "not an http(s) URL");
        }
        if (!allowed(url)) { // a refused host's robots.txt is refused too, and counts as none
            return new Result(u, false, "disallowed by robots.txt");
        }
        String host = url.host() + ":" + url.port();
        pace(host);
        try (Response r = http.newCall(new Request.Builder().url(url).header("User-Agent", USER_AGENT).build()).execute()) {
            if (!r.isSuccessful()) {
                return new Result(u, false, "HTTP " + r.code());
            }
            ResponseBody body = r.body();
            String type = body.contentType() == null ? "" : body.contentType().type() + "/" + body.contentType().subtype();
            if (!type.startsWith("text/") && !type.equals("application/xhtml+xml")) {
                return new Result(u, false, "not a text page (" + (type.isEmpty() ? "no content type" : type) + ")");
            }
            byte[] bytes = readCapped(body.byteStream());
            if (bytes == null) {
                return new Result(u, false, "larger than " + maxBytes + " bytes");
            }
            Charset cs = body.contentType() != null && body.contentType().charset() != null ? body.contentType().charset() : StandardCharsets.UTF_8;
            String raw = new String(bytes, cs);
            String text = type.equals("text/plain") ? raw.strip() : Jsoup.parse(raw, u).text();
            if (text.isBlank()) {
                return new Result(u, false, "no text");
            }
            sink.accept(new Document(u, text));
            return new Result(u, true, "");
        } catch (IOException e) {
            if (e instanceof PublicAddresses.Refused || String.valueOf(e.getMessage()).startsWith("refused: ")) {
                return new Result(u, false, e.getMessage());
            }
            return new Result(u, false, e instanceof java.io.InterruptedIOException ? "timed out" : "unreachable: " + e.getMessage());
        } finally {
            done(host);
        }
    }

    private byte[] readCapped(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        return bytes.length > maxBytes ? null : bytes;
    }

    /** Waits so that requests to one host are at least {@code minInterval} apart. */
    private void pace(String host) {
        long now = System.nanoTime();
        Long last = lastRequest.get(host);
        if (last != null) {
            long waitNanos = minInterval.toNanos() - (now - last);
            if (waitNanos > 0) {
                try {
                    Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Marks the end of a request to {@code host}: the next one waits {@code minInterval} from here. */
    private void done(String host) {
        lastRequest.put(host, System.nanoTime());
    }

    /** robots.txt rules for "*" or our agent: a path is allowed unless it starts with a Disallow prefix. */
    boolean allowed(HttpUrl url) {
        String host = url.scheme() + "://" + url.host() + ":" + url.port();
        List<String> rules = disallowed.computeIfAbsent(host, h -> robots(url));
        String path = url.encodedPath();
        return rules.stream().noneMatch(p -> !p.isEmpty() && path.startsWith(p));
    }

    private List<String> robots(HttpUrl url) {
        HttpUrl robots = url.newBuilder().encodedPath("/robots.txt").query(null).build();
        String host = url.host() + ":" + url.port();
        pace(host);
        try (Response r = http.newCall(new Request.Builder().url(robots).header("User-Agent", USER_AGENT).build()).execute()) {
            if (!r.isSuccessful()) {
                return List.of(); // no robots.txt: everything is allowed
            }
            byte[] bytes = readCapped(r.body().byteStream());
            return bytes == null ? List.of() : parseRobots(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return List.of();
        } finally {
            done(host);
        }
    }

    /** The Disallow prefixes of the groups for "*" and for our user agent. */
    static List<String> parseRobots(String text) {
        List<String> out = new ArrayList<>();
        boolean applies = false;
        boolean lastWasAgent = false;
        for (String raw : text.split("\n")) {
            String line = raw.replaceAll("#.*", "").strip();
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (key.equals("user-agent")) {
                boolean match = value.equals("*") || value.equalsIgnoreCase(USER_AGENT);
                applies = lastWasAgent ? applies || match : match;
                lastWasAgent = true;
            } else {
                lastWasAgent = false;
                if (applies && key.equals("disallow")) {
                    out.add(value);
                }
            }
        }
        return out;
    }
}
