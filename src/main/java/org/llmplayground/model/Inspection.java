package org.llmplayground.model;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * What one forward pass looked like inside, for one input of T tokens.
 *
 * @param attention    [layer][head][query][key] weights after softmax; row q sums to 1 over keys 0..q
 * @param activations  the residual stream after the embeddings (layer −1) and after each block
 * @param next         the most likely next tokens after the last position, most likely first
 */
@Serdeable
public record Inspection(String model, List<String> tokens, int[] ids, float[][][][] attention, List<LayerActivation> activations,
                         List<NextToken> next, double millis) {

    /**
     * @param layer         −1 for the embedding output, then 0..L−1
     * @param residualNorm  mean over positions of the residual vector's length ‖x‖₂
     * @param mean          mean of all values of the residual stream
     * @param std           standard deviation of all values
     */
    @Serdeable
    public record LayerActivation(int layer, double residualNorm, double mean, double std) {
    }

    @Serdeable
    public record NextToken(int id, String label, double probability) {
    }
}
