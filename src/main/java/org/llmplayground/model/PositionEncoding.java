package org.llmplayground.model;

/**
 * How the model knows where a token is. Attention itself is order-blind (it compares every pair the same way), so
 * position has to be added:
 * <ul>
 *   <li>LEARNED: one trained vector per position, added to the token embedding (GPT-2); cannot go past its table;</li>
 *   <li>SINUSOIDAL: fixed sin/cos waves of geometric wavelengths, added (the original Transformer); no parameters;</li>
 *   <li>ROPE: rotates query and key vectors by a position-dependent angle, so scores depend on relative distance
 *       (Llama); no parameters.</li>
 * </ul>
 */
public enum PositionEncoding {
    LEARNED, SINUSOIDAL, ROPE
}
