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
 * ALPACA   Be brief.\n\n### Instruction:\nHi\n\n### Response:\n   (no system prompt: Stanford Alpaca's preamble)
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

    /** Stanford Alpaca's preamble without an input (tatsu-lab/stanford_alpaca, train.py PROMPT_DICT). */
    public static final String ALPACA_NO_INPUT = "Below is an instruction that describes a task. "
            + "Write a response that appropriately completes the request.";
    /** … and with one: the instruction comes "paired with an input that provides further context". */
    public static final String ALPACA_WITH_INPUT = "Below is an instruction that describes a task, paired with an input that "
            + "provides further context. Write a response that appropriately completes the request.";

    public String title() {
        return title;
    }

    /** Where the assistant's reply ends: the start of the next turn's marker. */
    public List<String> stopSequences() {
        return stops;
    }

    /** What separates the prompt from the reply where {@link #render} leaves none: a space after "Assistant:" and "[/INST]". */
    public String replyStart() {
        return this == PLAIN || this == LLAMA2 ? " " : "";
    }

    /**
     * What follows a reply in training text, so the model learns to stop: ChatML's {@code <|im_end|>}, Llama 2's
     * {@code </s>}; Alpaca and plain end with the tokenizer's end-of-text token instead (added as an id, not text).
     */
    public String replyEnd() {
        return switch (this) {
            case CHATML -> "<|im_end|>";
            case LLAMA2 -> " </s>";
            case ALPACA, PLAIN -> "";
        };
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
        return render(system, turns, "");
    }

    /**
     * As {@link #render(String, List)}, with an Alpaca {@code input} for the last user turn: Alpaca gives it its own
     * "### Input:" section (and the with-input preamble), the other templates append it to the instruction after a
     * blank line. Exactly Stanford Alpaca's prompts for one turn without a system prompt:
     * <pre>
     * Below is an instruction that describes a task, paired with an input that provides further context. Write a
     * response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n
     * </pre>
     */
    public String render(String system, List<ChatMessage> turns, String input) {
        String extra = input == null ? "" : input;
        boolean hasInput = !extra.isBlank();
        if (hasInput && this != ALPACA && !turns.isEmpty()) { // the input becomes part of the last instruction
            List<ChatMessage> joined = new java.util.ArrayList<>(turns);
            ChatMessage last = joined.remove(joined.size() - 1);
            joined.add(new ChatMessage(last.role(), last.content() + "\n\n" + extra));
            turns = joined;
        }
        StringBuilder b = new StringBuilder();
        String sys = system == null ? "" : system.strip();
        if (this == ALPACA && sys.isEmpty()) {
            sys = hasInput ? ALPACA_WITH_INPUT : ALPACA_NO_INPUT;
        }
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
                b.append(sys).append("\n\n");
                for (int i = 0; i < turns.size(); i++) {
                    ChatMessage m = turns.get(i);
                    b.append(m.role().equals(ChatMessage.USER) ? "### Instruction:\n" : "### Response:\n")
                            .append(m.content().strip()).append("\n\n");
                    if (hasInput && i == turns.size() - 1) {
                        b.append("### Input:\n").append(extra.strip()).append("\n\n");
                    }
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
