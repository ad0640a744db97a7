package org.llmplayground.model;

/**
 * Normalisation of the residual stream. LAYER_NORM: (x − mean) / std · γ + β. RMS_NORM: x / rms(x) · γ, no centring
 * and no β (Llama): cheaper, and works as well.
 */
public enum NormType {
    LAYER_NORM, RMS_NORM
}
