package org.llmplayground.generation.chat;

import org.llmplayground.core.Troubleshooting;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.core.BadInputException;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.support.TestApp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Conversations with the bundled Shakespeare model: persistence, streaming, branches, context, comparison, export. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatServiceTest implements TestPropertyProvider {
    static final String MODEL = "shakespeare-char";
    static final GenerationSettings SETTINGS = GenerationSettings.defaults().withSampling(0.8, 0, 1, 0).withMaxNewTokens(40).withSeed(3L);

    @Inject
    ChatService chat;
    @Inject
    org.llmplayground.model.ModelService models;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("chat-service");
    }

    @Test
    void aTurnStreamsIsStoredAndTitlesTheConversation() {
        Conversation c = chat.create(MODEL, ChatTemplate.PLAIN, "Speak as a king.", SETTINGS);
        StringBuilder streamed = new StringBuilder();
        ChatService.Turn t = chat.send(c.id(), "Who goes there?", (col, e) -> streamed.append(e.text()), () -> false);
        assertThat(t.reply().content()).isEqualTo(streamed.toString().strip());
        assertThat(t.reply().model()).isEqualTo(MODEL);
        assertThat(t.reply().tokens()).isBetween(1, 40);
        assertThat(t.reply().content()).doesNotContain("\nUser:");
        assertThat(chat.path(c.id())).extracting(StoredMessage::role).containsExactly("user", "assistant");
        assertThat(chat.get(c.id()).title()).isEqualTo("Who goes there?");
        assertThat(chat.list()).extracting(Conversation::id).contains(c.id());
        // the next turn sees the whole conversation
        ChatService.Prompt p = chat.prompt(MODEL, ChatTemplate.PLAIN, "Speak as a king.",
                List.of(ChatMessage.user("Who goes there?"), t.reply().message(), ChatMessage.user("Speak!")), 1);
        assertThat(p.droppedTurns()).isZero();
        assertThat(p.text()).isEqualTo("Speak as a king.\n\nUser: Who goes there?\nAssistant: " + t.reply().content() + "\nUser: Speak!\nAssistant:");
    }

    @Test
    void regeneratingKeepsBothRepliesAsBranches() {
        Conversation c = chat.create(MODEL, ChatTemplate.PLAIN, "", SETTINGS.withSeed(null));
        ChatService.Turn first = chat.send(c.id(), "Good morrow.", (col, e) -> {
        }, () -> false);
        ChatService.Turn second = chat.regenerate(c.id(), (col, e) -> {
        }, () -> false);
        assertThat(second.user().id()).isEqualTo(first.user().id());
        assertThat(chat.alternatives(c.id(), second.reply().id())).extracting(StoredMessage::id)
                .containsExactly(first.reply().id(), second.reply().id());
        assertThat(chat.path(c.id()).get(1).id()).isEqualTo(second.reply().id());
        chat.switchTo(c.id(), first.reply().id());
        assertThat(chat.path(c.id()).get(1).id()).isEqualTo(first.reply().id());
        // continuing from the first branch
        ChatService.Turn third = chat.send(c.id(), "And then?", (col, e) -> {
        }, () -> false);
        assertThat(third.user().parentId()).isEqualTo(first.reply().id());
        chat.switchTo(c.id(), second.reply().id());
        assertThat(chat.path(c.id())).hasSize(2);
        chat.switchTo(c.id(), first.reply().id());
        assertThat(chat.path(c.id())).hasSize(4); // back to the newest leaf below the first reply
    }

    @Test
    void oldTurnsAreLeftOutToFitTheContext() {
        List<ChatMessage> turns = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            turns.add(ChatMessage.user("Tell me of the king, good sir."));
            turns.add(ChatMessage.assistant("He is a noble lord."));
        }
        turns.add(ChatMessage.user("And the queen?"));
        ChatService.Prompt p = chat.prompt(MODEL, ChatTemplate.PLAIN, "", turns, 40);
        assertThat(p.droppedTurns()).isGreaterThan(0);
        assertThat(p.tokens() + 32).isLessThanOrEqualTo(128); // a quarter of the 128-character context stays free
        assertThat(p.text()).endsWith("User: And the queen?\nAssistant:");
        assertThat(p.maxNewTokens()).isEqualTo(Math.min(40, 128 - p.tokens()));
        assertThatThrownBy(() -> chat.prompt(MODEL, ChatTemplate.PLAIN, "", List.of(ChatMessage.user("a".repeat(130))), 40))
                .isInstanceOf(BadInputException.class)
                .hasMessage("The last message with the system prompt and template takes 147 tokens; Shakespeare (char GPT, trained here) "
                        + "reads at most 128. Shorten the message or the system prompt.");
    }

    @Test
    void aSecondModelAnswersSideBySide() {
        Conversation c = chat.create(MODEL, ChatTemplate.PLAIN, "", SETTINGS);
        // Alpaca's "###" cannot be written in Shakespeare's 65 characters: the template is checked when the turn is built
        chat.configure(c.id(), MODEL, MODEL, ChatTemplate.ALPACA, "", SETTINGS.withSeed(4L));
        assertThatThrownBy(() -> chat.send(c.id(), "Speak.", (col, e) -> {
        }, () -> false)).hasMessage("The character '#' (U+23) is not in this model's vocabulary of 65 characters.")
                .matches(e -> Troubleshooting.linkFor(e.getMessage()).orElseThrow()
                        .equals("/docs/troubleshooting#the-tokenizer-does-not-cover-the-text"));
        chat.configure(c.id(), MODEL, MODEL, ChatTemplate.PLAIN, "", SETTINGS.withSeed(4L));
        List<Integer> columns = new ArrayList<>();
        ChatService.Turn t = chat.send(c.id(), "Speak.", (col, e) -> {
            synchronized (columns) {
                columns.add(col);
            }
        }, () -> false);
        assertThat(t.compareReply()).isNotNull();
        assertThat(columns).contains(0, 1);
        assertThat(t.compareReply().parentId()).isEqualTo(t.user().id());
        assertThat(t.compareReply().model()).isEqualTo(MODEL);
        // the refused first "Speak." is kept; the answered one follows it
        assertThat(chat.path(c.id())).extracting(StoredMessage::id).containsExactly(t.user().parentId(), t.user().id(), t.reply().id());
    }

    @Test
    void exportAsJsonAndMarkdown() throws Exception {
        Conversation c = chat.create(MODEL, ChatTemplate.PLAIN, "Be brief.", SETTINGS);
        ChatService.Turn t = chat.send(c.id(), "What news?", (col, e) -> {
        }, () -> false);
        chat.rename(c.id(), "News from court");
        JsonNode j = new ObjectMapper().readTree(chat.export(c.id(), ChatService.ExportFormat.JSON));
        assertThat(j.get("title").asText()).isEqualTo("News from court");
        assertThat(j.get("template").asText()).isEqualTo("plain");
        assertThat(j.get("messages")).hasSize(2);
        assertThat(j.get("messages").get(1).get("content").asText()).isEqualTo(t.reply().content());
        assertThat(j.get("settings").get("max_new_tokens").asInt()).isEqualTo(40);
        assertThat(chat.export(c.id(), ChatService.ExportFormat.MARKDOWN)).isEqualTo("# News from court\n\n"
                + "*Model: shakespeare-char · template: Plain (User: / Assistant:), for base models · T 0.8*\n\n"
                + "**System:** Be brief.\n\n### User\n\nWhat news?\n\n### Assistant (shakespeare-char)\n\n" + t.reply().content() + "\n\n");
    }

    @Test
    void badInputIsRefusedAndLosesNothing() {
        Conversation c = chat.create(MODEL, ChatTemplate.PLAIN, "", SETTINGS);
        assertThatThrownBy(() -> chat.send(c.id(), "  ", (col, e) -> {
        }, () -> false)).hasMessage("Type a message first.");
        assertThatThrownBy(() -> chat.create("nope", ChatTemplate.PLAIN, "", SETTINGS)).hasMessageStartingWith("Unknown model 'nope'");
        assertThatThrownBy(() -> chat.rename(c.id(), " ")).hasMessage("A title needs 1 to 200 characters.");
        // a message the model cannot read: the message is kept, the error says why, regenerate can retry
        assertThatThrownBy(() -> chat.send(c.id(), "x".repeat(150), (col, e) -> {
        }, () -> false)).isInstanceOf(BadInputException.class).hasMessageContaining("reads at most 128");
        assertThat(chat.path(c.id())).extracting(StoredMessage::content).containsExactly("x".repeat(150));
        chat.delete(c.id());
        assertThat(chat.list()).extracting(Conversation::id).doesNotContain(c.id());
        assertThatThrownBy(() -> chat.get(c.id())).hasMessage("No conversation with id '" + c.id() + "'.");
    }

    /** A comparison model that cannot answer fails its own column only; the main reply is written and kept. */
    @Test
    void aFailingComparisonModelFailsOnlyItsColumn() {
        // GPT-2's vocabulary with a context of 8 tokens: "User: Speak at length.\nAssistant:" does not fit
        var tiny = models.build(org.llmplayground.model.ModelConfig.gpt2Style().vocabSize(50257).contextLength(8).layers(1).heads(1)
                .embeddingSize(8).ffnHiddenSize(16).build(), "tiny gpt2", 1);
        Conversation c = chat.create(MODEL, ChatTemplate.PLAIN, "", SETTINGS);
        chat.configure(c.id(), MODEL, tiny.id(), ChatTemplate.PLAIN, "", SETTINGS);
        ChatService.Turn t = chat.send(c.id(), "Speak at length, good sir.", (col, e) -> {
        }, () -> false);
        assertThat(t.reply().content()).isNotEmpty();
        assertThat(t.compareReply()).isNull();
        assertThat(t.compareError()).startsWith(tiny.id() + " could not answer: The last message with the system prompt and "
                + "template takes ").endsWith("reads at most 8. Shorten the message or the system prompt.");
        assertThat(chat.path(c.id())).extracting(StoredMessage::id).containsExactly(t.user().id(), t.reply().id());
    }

    @Test
    void stopSequencesMergeOneWay() {
        assertThat(GenerationSettings.mergeStops(List.of("END"), List.of("\nUser:", "END"))).containsExactly("END", "\nUser:");
        assertThat(GenerationSettings.mergeStops(List.of("a", "b", "c"), List.of("d", "e"))).containsExactly("a", "b", "c", "d");
        var reply = chat.prepareReply(MODEL, ChatTemplate.PLAIN, "", List.of(new ChatMessage("user", "Hail.")), SETTINGS.withStop(List.of("!")));
        assertThat(reply.prepared().settings().stop()).containsExactly("!", "\nUser:", "\nUSER:");
        assertThat(reply.prepared().promptIds()).hasSize(reply.prompt().tokens());
    }
}
