package org.llmplayground.tokenizer.bpe;

import java.util.Arrays;

/** A growable list of ints (no boxing). */
final class IntList {
    private int[] data;
    private int size;

    IntList(int capacity) {
        data = new int[Math.max(2, capacity)];
    }

    void add(int v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, size * 2);
        }
        data[size++] = v;
    }

    int get(int i) {
        return data[i];
    }

    int size() {
        return size;
    }

    int last() {
        return data[size - 1];
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
