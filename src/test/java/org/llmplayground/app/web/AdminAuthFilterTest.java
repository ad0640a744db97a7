package org.llmplayground.app.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AdminAuthFilterTest {
    @Test
    void onlyLoopbackAddressesAreLocal() {
        assertThat(AdminAuthFilter.isLoopback("127.0.0.1")).isTrue();
        assertThat(AdminAuthFilter.isLoopback("::1")).isTrue();
        assertThat(AdminAuthFilter.isLoopback("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(AdminAuthFilter.isLoopback("10.0.0.7")).isFalse();
        assertThat(AdminAuthFilter.isLoopback("192.168.1.20")).isFalse();
        assertThat(AdminAuthFilter.isLoopback(null)).isFalse();
    }
}
