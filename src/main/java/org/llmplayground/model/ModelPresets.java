package org.llmplayground.model;

import org.llmplayground.core.BadInputException;

import java.util.List;
import java.util.Optional;

/** The presets of the Architecture lab and the API ({@code /api/v1/transformer/presets}). */
public final class ModelPresets {
    private static final ModelConfig GPT2 = ModelConfig.gpt2Style().build();

    public static final List<ModelPreset> ALL = List.of(
            new ModelPreset("bigram", "Bigram (character level)",
                    "The simplest language model: a 65 × 65 table of next-character scores for tinyshakespeare's characters.",
                    ModelConfig.gpt2Style().architecture(Architecture.BIGRAM).vocabSize(65).contextLength(256).build(),
                    0, "Karpathy, 'Let's build GPT' (bigram baseline)"),
            new ModelPreset("baby-gpt", "Baby GPT (char-level Shakespeare)",
                    "nanoGPT's shakespeare_char model: 6 layers, 6 heads, 384 wide, 256 characters of context.",
                    ModelConfig.gpt2Style().vocabSize(65).contextLength(256).layers(6).heads(6).embeddingSize(384)
                            .ffnHiddenSize(1536).activation(FeedForwardActivation.GELU).bias(false).dropout(0.2).build(),
                    10_745_088, "nanoGPT config/train_shakespeare_char.py (10.65M excluding position embeddings)"),
            new ModelPreset("gpt2-small", "GPT-2 small (124M)", "OpenAI's smallest GPT-2: 12 layers, 12 heads, 768 wide.",
                    GPT2, 124_439_808, "Hugging Face gpt2, num_parameters()"),
            new ModelPreset("gpt2-medium", "GPT-2 medium (355M)", "24 layers, 16 heads, 1,024 wide.",
                    GPT2.toBuilder().layers(24).heads(16).embeddingSize(1024).ffnHiddenSize(4096).build(),
                    354_823_168, "Hugging Face gpt2-medium, num_parameters()"),
            new ModelPreset("gpt2-large", "GPT-2 large (774M)", "36 layers, 20 heads, 1,280 wide.",
                    GPT2.toBuilder().layers(36).heads(20).embeddingSize(1280).ffnHiddenSize(5120).build(),
                    774_030_080, "Hugging Face gpt2-large, num_parameters()"),
            new ModelPreset("gpt2-xl", "GPT-2 XL (1.5B)", "48 layers, 25 heads, 1,600 wide.",
                    GPT2.toBuilder().layers(48).heads(25).embeddingSize(1600).ffnHiddenSize(6400).build(),
                    1_557_611_200, "Hugging Face gpt2-xl, num_parameters()"),
            new ModelPreset("llama2-7b", "Llama-2-7B", "Meta's Llama 2, 7B: 32 layers, 32 heads, 4,096 wide, RoPE, SwiGLU, RMSNorm.",
                    ModelConfig.llamaStyle().build(), 6_738_415_616L, "Hugging Face meta-llama/Llama-2-7b-hf, num_parameters()"),
            new ModelPreset("tinystories-15m", "TinyStories Llama (15M)",
                    "llama2.c's stories15M: a small Llama trained on TinyStories; 6 layers, 6 heads, 288 wide, 256 tokens of context.",
                    ModelConfig.llamaStyle().vocabSize(32000).contextLength(256).layers(6).heads(6).embeddingSize(288)
                            .ffnHiddenSize(768).tiedEmbeddings(true).build(),
                    15_191_712, "llama2.c stories15M.bin (15.19M)"),
            new ModelPreset("tinystories-260k", "TinyStories Llama (260K)",
                    "llama2.c's stories260K with grouped-query attention: 8 query heads share 4 key/value heads.",
                    ModelConfig.llamaStyle().vocabSize(512).contextLength(512).layers(5).heads(8).kvHeads(4).embeddingSize(64)
                            .ffnHiddenSize(172).tiedEmbeddings(true).build(),
                    0, "llama2.c stories260K.bin"));

    private ModelPresets() {
    }

    public static Optional<ModelPreset> find(String id) {
        return ALL.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    public static ModelPreset get(String id) {
        return find(id).orElseThrow(() -> new BadInputException("Unknown preset '" + id + "'. Known: "
                + String.join(", ", ALL.stream().map(ModelPreset::id).toList())));
    }
}
