package org.llmplayground.model;

/** Number format of the weights: bytes per parameter. INT8 is for inference only. */
public enum Precision {
    FP32(4), FP16(2), INT8(1);

    private final int bytes;

    Precision(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }
}
