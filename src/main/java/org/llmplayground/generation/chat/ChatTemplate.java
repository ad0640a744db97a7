package org.llmplayground.generation.chat;

import org.llmplayground.core.BadInputException;

import java.util.List;
import java.util.Locale;

/**
 * How a conversation becomes the one text a language model continues. A chat model was fine-tuned on one exact
 * layout, and only behaves when it sees it again; the template ends with the opening of the assistant's turn, and
 * the model's reply ends where its next marker would start (the stop sequences).
 * <pre>
 * CHATML   &lt;|im_start|&gt;system\nBe brief.&lt;|im_end|&gt;\n&lt;|im_start|&gt;user\nHi&lt;|im_end|&gt;\n&lt;|im_start|&gt;assistant\n
 * LLAMA2   &lt;s&gt;[INST] &lt;&lt;SYS&gt;&gt;\nBe brief.\n&lt;&lt;/SYS&gt;&gt;\n\nHi [/INST]
 * ALPACA   Be brief.\n\n### Instruction:\nHi\n\n### Response:\n
 * PLAIN    Be brief.\n\nUser: Hi\nAssistant:
 * </pre>
 */
public enum ChatTemplate {
    CHATML("ChatML (Qwen, OpenAI-style fine-tunes)", List.of("<|im_end|>", "<|im_start|>")),
    LLAMA2("Llama 2 chat", List.of("</s>", "[INST]")),
    ALPACA("Alpaca (instruction / response)", List.of("### Instruction:", "\n\n###")),
    PLAIN("Plain (User: / Assistant:), for base models", List.of("\nUser:", "\nUSER:"));

    private final String title;
    private final List<String> stops;

    ChatTemplate(String title, List<String> stops) {
        this.title = title;
        this.stops = stops;
    }

    public String title() {
        return title;
    }

    /** Where the assistant's reply ends: the start of the next turn's marker. */
    public List<String> stopSequences() {
        return stops;
    }

    public static ChatTemplate parse(String name) {
        if (name == null || name.isBlank()) {
            return PLAIN;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("Unknown chat template '" + name + "'; use chatml, llama2, alpaca or plain.");
        }
    }

    /** The prompt for the next assistant reply: system prompt (may be empty), the turns so far, the assistant opening. */
    public String render(String system, List<ChatMessage> turns) {
        StringBuilder b = new StringBuilder();
        String sys = system == null ? "" : system.strip();
        switch (this) {
            case CHATML -> {
                if (!sys.isEmpty()) {
                    b.append("<|im_start|>system\n").append(sys).append("<|im_end|>\n");
                }
                for (ChatMessage m : turns) {
                    b.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
                }
                b.append("<|im_start|>assistant\n");
            }
            case LLAMA2 -> {
                // each user turn opens [INST] ... [/INST]; the system prompt goes inside the first one
                boolean first = true;
                for (ChatMessage m : turns) {
                    if (m.role().equals(ChatMessage.USER)) {
                        b.append("<s>[INST] ");
                        if (first && !sys.isEmpty()) {
                            b.append("<<SYS>>\n").append(sys).append("\n<</SYS>>\n\n");
                        }
                        b.append(m.content().strip()).append(" [/INST]");
                        first = false;
                    } else {
                        b.append(' ').append(m.content().strip()).append(" </s>");
                    }
                }
            }
            case ALPACA -> {
                if (!sys.isEmpty()) {
                    b.append(sys).append("\n\n");
                }
                for (ChatMessage m : turns) {
                    b.append(m.role().equals(ChatMessage.USER) ? "### Instruction:\n" : "### Response:\n")
                            .append(m.content().strip()).append("\n\n");
                }
                b.append("### Response:\n");
            }
            case PLAIN -> {
                if (!sys.isEmpty()) {
                    b.append(sys).append("\n\n");
                }
                for (ChatMessage m : turns) {
                    b.append(m.role().equals(ChatMessage.USER) ? "User: " : "Assistant: ").append(m.content().strip()).append('\n');
                }
                b.append("Assistant:");
            }
            default -> throw new IllegalStateException();
        }
        return b.toString();
    }
}
