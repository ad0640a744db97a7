package org.llmplayground.app.web;

import io.micronaut.core.io.buffer.ByteBuffer;
import io.micronaut.core.io.buffer.ByteBufferFactory;
import io.micronaut.core.type.Argument;
import io.micronaut.http.MediaType;
import io.micronaut.http.codec.CodecException;
import io.micronaut.http.codec.MediaTypeCodec;
import io.micronaut.http.sse.Event;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;

/**
 * Server-sent events for controllers that return a {@code Publisher<Event<T>>}.
 * <p>
 * Workaround: micronaut-servlet 4.11 streams a publisher by looking up a codec for the response content type and has
 * none for {@code text/event-stream}, so SSE bodies came out empty. This renders one SSE frame per element:
 * <pre>id: 3\nevent: token\ndata: {"text":"Hello"}\n\n</pre>
 */
@Singleton
final class SseEventCodec implements MediaTypeCodec {
    private final JsonMapper json;

    SseEventCodec(JsonMapper json) {
        this.json = json;
    }

    @Override
    public Collection<MediaType> getMediaTypes() {
        return List.of(MediaType.TEXT_EVENT_STREAM_TYPE);
    }

    @Override
    public <T> byte[] encode(T object) {
        try {
            StringBuilder sb = new StringBuilder();
            Object data = object;
            if (object instanceof Event<?> e) {
                if (e.getId() != null) {
                    sb.append("id: ").append(e.getId()).append('\n');
                }
                if (e.getName() != null) {
                    sb.append("event: ").append(e.getName()).append('\n');
                }
                if (e.getRetry() != null) {
                    sb.append("retry: ").append(e.getRetry().toMillis()).append('\n');
                }
                if (e.getComment() != null) {
                    sb.append(": ").append(e.getComment()).append('\n');
                }
                data = e.getData();
            }
            String payload = data instanceof CharSequence cs ? cs.toString()
                    : new String(json.writeValueAsBytes(data), StandardCharsets.UTF_8);
            for (String line : payload.split("\n", -1)) {
                sb.append("data: ").append(line).append('\n');
            }
            return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CodecException("SSE encoding failed: " + e.getMessage(), e);
        }
    }

    @Override
    public <T> void encode(T object, OutputStream out) {
        try {
            out.write(encode(object));
        } catch (IOException e) {
            throw new CodecException(e.getMessage(), e);
        }
    }

    @Override
    public <T, B> ByteBuffer<B> encode(T object, ByteBufferFactory<?, B> factory) {
        return factory.wrap(encode(object));
    }

    @Override
    public <T> T decode(Argument<T> type, InputStream in) {
        throw new CodecException("SSE decoding is not supported");
    }
}
