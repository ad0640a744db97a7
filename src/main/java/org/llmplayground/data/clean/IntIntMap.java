package org.llmplayground.data.clean;

import java.util.Arrays;

/**
 * An int → int hash map in one flat array of (key, value) pairs (open addressing, linear probing), for the LSH band
 * index: 8 bytes a slot where a {@code HashMap<Integer, Integer>} spends about 60, which is the difference between
 * 200 MB and 1.5 GB for a million documents × 50 bands. One array instead of two also wastes less of the garbage
 * collector's regions, since arrays this large get whole regions of their own. Values must be ≥ 0; a missing key
 * reads as −1. Not thread-safe.
 */
final class IntIntMap {
    /** slots[2i] = key, slots[2i + 1] = value (−1: empty). */
    private int[] slots;
    private int size;

    IntIntMap(int expected) {
        slots = empty(Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1);
    }

    private static int[] empty(int capacity) {
        int[] a = new int[capacity * 2];
        Arrays.fill(a, -1);
        return a;
    }

    int get(int key) {
        int mask = slots.length / 2 - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            int value = slots[2 * i + 1];
            if (value < 0) {
                return -1;
            }
            if (slots[2 * i] == key) {
                return value;
            }
        }
    }

    /** Stores {@code value} unless the key is present; returns the value now stored. */
    int putIfAbsent(int key, int value) {
        if (size * 4 >= slots.length / 2 * 3) {
            grow();
        }
        int mask = slots.length / 2 - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (slots[2 * i + 1] < 0) {
                slots[2 * i] = key;
                slots[2 * i + 1] = value;
                size++;
                return value;
            }
            if (slots[2 * i] == key) {
                return slots[2 * i + 1];
            }
        }
    }

    int size() {
        return size;
    }

    private void grow() {
        int[] old = slots;
        slots = empty(old.length); // twice the slots: old.length ints hold old.length / 2 pairs
        size = 0;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i + 1] >= 0) {
                putIfAbsent(old[i], old[i + 1]);
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
