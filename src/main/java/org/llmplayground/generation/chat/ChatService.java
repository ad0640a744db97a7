package org.llmplayground.generation.chat;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.ObjectMapper;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.generation.GenerationResult;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.generation.TokenEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;

/**
 * The Chat playground: conversations stored in H2, each turn rendered with the conversation's chat template into a
 * prompt that fits the model's context (oldest turns are left out when it would not, and the reply says how many),
 * replies streamed token by token, regenerated replies kept as branches, an optional second model answering the
 * same conversation side by side, and export as JSON or Markdown.
 */
@Singleton
public class ChatService {
    public static final int MAX_MESSAGE_CHARS = 20_000;
    public static final int MAX_SYSTEM_CHARS = 8_000;
    public static final String NEW_TITLE = "New chat";

    private final ChatStore store;
    private final GenerationService generation;
    private final ObjectMapper json;

    public ChatService(ChatStore store, GenerationService generation, ObjectMapper json) {
        this.store = store;
        this.generation = generation;
        this.json = json;
    }

    /** Receives tokens of the reply being written; column 0 is the conversation's model, 1 the comparison model. */
    public interface Listener {
        void token(int column, TokenEvent event);
    }

    /**
     * What one send or regenerate added: the user's message and the reply, and the comparison model's reply or, when
     * that model could not answer, why (its failure is its column's alone).
     */
    public record Turn(StoredMessage user, StoredMessage reply, @Nullable StoredMessage compareReply, @Nullable String compareError) {
    }

    /** The prompt for a reply: its text and tokens, how many old turns were left out, and the room left to answer. */
    public record Prompt(String text, int[] ids, int droppedTurns, int maxNewTokens) {
        public int tokens() {
            return ids.length;
        }
    }

    public Conversation create(String model, ChatTemplate template, String system, GenerationSettings settings) {
        check(model, null, system, settings);
        Instant now = Instant.now();
        Conversation c = new Conversation(UUID.randomUUID().toString(), NEW_TITLE, model, null, template, system == null ? "" : system,
                settings, null, now, now);
        store.insert(c);
        return c;
    }

    public List<Conversation> list() {
        return store.list();
    }

    public Conversation get(String id) {
        return store.get(id);
    }

    public Conversation rename(String id, String title) {
        String t = title == null ? "" : title.strip();
        if (t.isEmpty() || t.length() > 200) {
            throw new BadInputException("A title needs 1 to 200 characters.");
        }
        Conversation c = store.get(id).withTitle(t);
        store.update(c);
        return c;
    }

    public void delete(String id) {
        store.get(id);
        store.delete(id);
    }

    /** Changes the model(s), template, system prompt or settings for the next replies. */
    public Conversation configure(String id, String model, @Nullable String compareModel, ChatTemplate template, String system,
                                  GenerationSettings settings) {
        check(model, compareModel, system, settings);
        Conversation c = store.get(id).withSetup(model, compareModel == null || compareModel.isBlank() ? null : compareModel, template,
                system == null ? "" : system, settings);
        store.update(c);
        return c;
    }

    private void check(String model, @Nullable String compareModel, String system, GenerationSettings settings) {
        generation.model(model); // unknown model: 404 with the list
        if (compareModel != null && !compareModel.isBlank()) {
            generation.model(compareModel);
        }
        if (system != null && system.length() > MAX_SYSTEM_CHARS) {
            throw new BadInputException("The system prompt has " + system.length() + " characters; the limit is " + MAX_SYSTEM_CHARS + ".");
        }
        settings.validate();
    }

    /** The branch shown: from the root to the active leaf. */
    public List<StoredMessage> path(String id) {
        Conversation c = store.get(id);
        Map<String, StoredMessage> byId = new HashMap<>();
        for (StoredMessage m : store.messages(id)) {
            byId.put(m.id(), m);
        }
        List<StoredMessage> out = new ArrayList<>();
        for (StoredMessage m = c.activeLeaf() == null ? null : byId.get(c.activeLeaf()); m != null;
             m = m.parentId() == null ? null : byId.get(m.parentId())) {
            out.add(m);
        }
        Collections.reverse(out);
        return out;
    }

    /** The message and its siblings (other replies to the same message), oldest first: the branches at that point. */
    public List<StoredMessage> alternatives(String conversationId, String messageId) {
        List<StoredMessage> all = store.messages(conversationId);
        StoredMessage m = all.stream().filter(x -> x.id().equals(messageId)).findFirst()
                .orElseThrow(() -> BadInputException.notFound("No message '" + messageId + "' in this conversation."));
        return all.stream().filter(x -> java.util.Objects.equals(x.parentId(), m.parentId()) && x.role().equals(m.role())).toList();
    }

    /** Shows another branch: the newest leaf below {@code messageId} becomes the active one. */
    public Conversation switchTo(String conversationId, String messageId) {
        List<StoredMessage> all = store.messages(conversationId);
        alternatives(conversationId, messageId); // 404 for a message of another conversation
        String leaf = messageId;
        for (boolean descended = true; descended; ) {
            descended = false;
            for (int i = all.size() - 1; i >= 0; i--) {
                if (leaf.equals(all.get(i).parentId())) {
                    leaf = all.get(i).id();
                    descended = true;
                    break;
                }
            }
        }
        Conversation c = store.get(conversationId).withActiveLeaf(leaf);
        store.update(c);
        return c;
    }

    /** Adds the user's message and writes the reply (and the comparison reply). The message is kept even if generation fails. */
    public Turn send(String id, String text, Listener listener, BooleanSupplier cancelled) {
        if (text == null || text.isBlank()) {
            throw new BadInputException("Type a message first.");
        }
        if (text.length() > MAX_MESSAGE_CHARS) {
            throw new BadInputException("The message has " + text.length() + " characters; the limit is " + MAX_MESSAGE_CHARS + ".");
        }
        Conversation c = store.get(id);
        StoredMessage user = add(c, c.activeLeaf(), ChatMessage.USER, text.strip(), null, null, null);
        c = c.withActiveLeaf(user.id());
        if (NEW_TITLE.equals(c.title())) {
            String t = text.strip().replaceAll("\\s+", " ");
            c = c.withTitle(t.length() > 48 ? t.substring(0, 47) + "…" : t);
        }
        store.update(c);
        return reply(c, user, listener, cancelled);
    }

    /** A new reply to the last user message of the branch shown; the old reply stays as a branch. */
    public Turn regenerate(String id, Listener listener, BooleanSupplier cancelled) {
        List<StoredMessage> path = path(id);
        StoredMessage user = null;
        for (int i = path.size() - 1; i >= 0 && user == null; i--) {
            if (path.get(i).role().equals(ChatMessage.USER)) {
                user = path.get(i);
            }
        }
        if (user == null) {
            throw new BadInputException("There is no message to answer yet.");
        }
        return reply(store.get(id), user, listener, cancelled);
    }

    private Turn reply(Conversation c, StoredMessage user, Listener listener, BooleanSupplier cancelled) {
        List<ChatMessage> turns = path(c.id()).stream().takeWhile(m -> !m.id().equals(user.id())).map(StoredMessage::message)
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        turns.add(user.message());
        CompletableFuture<StoredMessage> main = write(c, c.model(), user, turns, 0, listener, cancelled);
        String[] compareError = {null};
        CompletableFuture<StoredMessage> second = c.compareModel() == null ? CompletableFuture.completedFuture(null)
                : write(c, c.compareModel(), user, turns, 1, listener, cancelled).exceptionally(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    compareError[0] = c.compareModel() + " could not answer: " + (cause instanceof BadInputException
                            ? cause.getMessage() : cause.toString());
                    return null;
                });
        try {
            StoredMessage reply = main.join();
            StoredMessage other = second.join();
            Conversation updated = store.get(c.id()).withActiveLeaf(reply.id());
            store.update(updated);
            return new Turn(user, reply, other, compareError[0]);
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * Writes one model's reply. A failure fails only this reply's future: the main reply and the comparison column
     * are independent, so a comparison model that cannot answer leaves the main reply intact.
     */
    private CompletableFuture<StoredMessage> write(Conversation c, String model, StoredMessage user, List<ChatMessage> turns, int column,
                                                   Listener listener, BooleanSupplier cancelled) {
        Reply r;
        try {
            r = prepareReply(model, c.template(), c.systemPrompt(), turns, c.settings());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return generation.generateAsync(r.prepared(), e -> listener.token(column, e), cancelled)
                .thenApply(result -> store(c, user, model, result, r.prompt().droppedTurns()));
    }

    /** A reply ready to generate: the fitted prompt, encoded once, with the template's stops and the room left to answer. */
    public record Reply(Prompt prompt, GenerationService.Prepared prepared) {
    }

    /**
     * The one way a chat reply is prepared, for the Chat playground and {@code /v1/chat/completions}: the turns
     * rendered with the template and fitted into the context ({@link #prompt}), the user's stop sequences merged with
     * the template's turn markers, and max_new_tokens capped by the room left.
     */
    public Reply prepareReply(String model, ChatTemplate template, String system, List<ChatMessage> turns, GenerationSettings settings) {
        settings.validate();
        Prompt p = prompt(model, template, system, turns, settings.maxNewTokens());
        GenerationSettings s = settings.withMaxNewTokens(p.maxNewTokens())
                .withStop(GenerationSettings.mergeStops(settings.stop(), template.stopSequences()));
        return new Reply(p, generation.prepareEncoded(model, p.ids(), s));
    }

    private StoredMessage store(Conversation c, StoredMessage user, String model, GenerationResult r, int dropped) {
        return add(c, user.id(), ChatMessage.ASSISTANT, r.text().strip(), model, r, dropped);
    }

    /** Stores a message; for a reply, {@code r} gives its model's token count, time and finish reason. */
    private synchronized StoredMessage add(Conversation c, @Nullable String parent, String role, String content, @Nullable String model,
                                           @Nullable GenerationResult r, @Nullable Integer dropped) {
        StoredMessage m = new StoredMessage(UUID.randomUUID().toString(), c.id(), parent, store.messageCount(c.id()), role, content, model,
                r == null ? null : r.ids().length, r == null ? null : r.totalMillis(), dropped,
                r == null ? null : r.finishReason().apiName(), Instant.now());
        store.insert(m);
        return m;
    }

    /**
     * Renders the turns with the template so that prompt + reply fit the model's context: it keeps room for the reply
     * (max_new_tokens, but at least a quarter of the context) and leaves out the oldest turns, a user message and its
     * reply at a time, until the prompt fits. The last user message is always kept.
     */
    public Prompt prompt(String model, ChatTemplate template, String system, List<ChatMessage> turns, int maxNewTokens) {
        int context = generation.contextLength(model);
        int reserve = Math.min(maxNewTokens, Math.max(1, context / 4));
        List<ChatMessage> kept = new ArrayList<>(turns);
        String text = template.render(system, kept);
        int[] ids = generation.encode(model, text);
        int dropped = 0;
        while (ids.length + reserve > context && kept.size() > 1) {
            kept.remove(0);
            while (kept.size() > 1 && !kept.get(0).role().equals(ChatMessage.USER)) {
                kept.remove(0);
            }
            dropped++;
            text = template.render(system, kept);
            ids = generation.encode(model, text);
        }
        if (ids.length >= context) {
            throw new BadInputException("The last message with the system prompt and template takes " + ids.length + " tokens; "
                    + generation.model(model).name() + " reads at most " + context + ". Shorten the message or the system prompt.");
        }
        return new Prompt(text, ids, dropped, Math.min(maxNewTokens, context - ids.length));
    }

    /** JSON or Markdown. */
    public enum ExportFormat { JSON, MARKDOWN }

    @Serdeable
    record Export(String title, String model, @Nullable String compareModel, String template, String systemPrompt,
                  GenerationSettings settings, Instant createdAt, List<ExportedMessage> messages, List<StoredMessage> allBranches) {
    }

    @Serdeable
    record ExportedMessage(String role, String content, @Nullable String model, Instant createdAt) {
    }

    /** The branch shown as a transcript; JSON also carries every branch (with parent ids) and the settings. */
    public String export(String id, ExportFormat format) {
        Conversation c = store.get(id);
        List<StoredMessage> path = path(id);
        if (format == ExportFormat.JSON) {
            Export e = new Export(c.title(), c.model(), c.compareModel(), c.template().name().toLowerCase(java.util.Locale.ROOT), c.systemPrompt(),
                    c.settings(), c.createdAt(), path.stream().map(m -> new ExportedMessage(m.role(), m.content(), m.model(), m.createdAt())).toList(),
                    store.messages(id));
            try {
                return json.writeValueAsString(e);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        StringBuilder b = new StringBuilder("# ").append(c.title()).append("\n\n");
        b.append("*Model: ").append(c.model()).append(" · template: ").append(c.template().title()).append(" · ")
                .append(c.settings().label()).append("*\n\n");
        if (!c.systemPrompt().isBlank()) {
            b.append("**System:** ").append(c.systemPrompt().strip()).append("\n\n");
        }
        for (StoredMessage m : path) {
            b.append(m.role().equals(ChatMessage.USER) ? "### User" : "### Assistant (" + m.model() + ")").append("\n\n")
                    .append(m.content()).append("\n\n");
        }
        return b.toString();
    }
}
