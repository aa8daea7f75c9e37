package io.facestream.gateway;

/** Settings shared by the gateway's Spring tests: their own schema in the machine's PostgreSQL, and a known admin key. */
public final class TestKeys {

    public static final String SCHEMA = "gateway_test";
    public static final String ADMIN = "fs_test_admin_key_0123456789abcdefghij";

    private TestKeys() {
    }
}
