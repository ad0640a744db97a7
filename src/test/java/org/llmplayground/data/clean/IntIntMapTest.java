package org.llmplayground.data.clean;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The LSH index map against java.util.HashMap, through several resizes and with colliding keys. */
class IntIntMapTest {
    @Test
    void behavesLikePutIfAbsentOnAHashMap() {
        IntIntMap map = new IntIntMap(4);
        Map<Integer, Integer> reference = new HashMap<>();
        Random r = new Random(9);
        for (int i = 0; i < 200_000; i++) {
            int key = r.nextInt(150_000) * (r.nextBoolean() ? 1 : -65_536); // negative keys and keys equal in the low bits
            int value = r.nextInt(Integer.MAX_VALUE);
            Integer before = reference.putIfAbsent(key, value);
            assertThat(map.putIfAbsent(key, value)).isEqualTo(before == null ? value : before);
        }
        assertThat(map.size()).isEqualTo(reference.size());
        reference.forEach((k, v) -> assertThat(map.get(k)).isEqualTo(v));
        for (int i = 0; i < 10_000; i++) {
            int key = r.nextInt();
            assertThat(map.get(key)).isEqualTo(reference.getOrDefault(key, -1));
        }
    }
}
