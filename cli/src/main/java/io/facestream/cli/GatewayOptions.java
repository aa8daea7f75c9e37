package io.facestream.cli;

import java.net.URI;

import picocli.CommandLine.Option;

/** Where the gateway is and the key to use: a mixin every subcommand that talks to a gateway shares. */
public final class GatewayOptions {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:FACESTREAM_URL:-http://localhost:8080}",
            description = "the gateway's base URL (default: FACESTREAM_URL or ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:FACESTREAM_API_KEY}",
            description = "API key (default: the FACESTREAM_API_KEY environment variable)")
    String apiKey;

    public GatewayClient client() {
        if (apiKey == null || apiKey.isBlank()) {
            throw new CliException("no API key: pass --api-key or set FACESTREAM_API_KEY");
        }
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new CliException("--url is not a URL: " + url);
        }
        if (base.getScheme() == null || !base.getScheme().startsWith("http")) {
            throw new CliException("--url must start with http:// or https://, not " + url);
        }
        return new GatewayClient(base, apiKey.strip());
    }
}
