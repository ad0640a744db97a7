package org.llmplayground.generation;

/** Why a generation ended (OpenAI's finish_reason values where they exist). */
public enum FinishReason {
    /** max_new_tokens reached */
    LENGTH,
    /** a stop sequence or the end-of-text token */
    STOP,
    /** cancelled by the user or a disconnected client */
    CANCELLED;

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
