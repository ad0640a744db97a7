package org.llmplayground.data.clean;

import java.util.Arrays;

/**
 * An int → int hash map in two flat arrays (open addressing, linear probing), for the LSH band index: 8 bytes a slot
 * where a {@code HashMap<Integer, Integer>} spends about 60, which is the difference between 200 MB and 1.5 GB for a
 * million documents × 50 bands. Values must be ≥ 0; a missing key reads as −1. Not thread-safe.
 */
final class IntIntMap {
    private int[] keys;
    private int[] values;
    private int size;

    IntIntMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new int[capacity];
        values = new int[capacity];
        Arrays.fill(values, -1);
    }

    int get(int key) {
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (values[i] < 0) {
                return -1;
            }
            if (keys[i] == key) {
                return values[i];
            }
        }
    }

    /** Stores {@code value} unless the key is present; returns the value now stored. */
    int putIfAbsent(int key, int value) {
        if (size * 4 >= keys.length * 3) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (values[i] < 0) {
                keys[i] = key;
                values[i] = value;
                size++;
                return value;
            }
            if (keys[i] == key) {
                return values[i];
            }
        }
    }

    int size() {
        return size;
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(values, -1);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] >= 0) {
                putIfAbsent(oldKeys[i], oldValues[i]);
            }
        }
    }

    /** Spreads the bits (murmur3's finaliser), so keys differing only in high bits land apart. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }
}
