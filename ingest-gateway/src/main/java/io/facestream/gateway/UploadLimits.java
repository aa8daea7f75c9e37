package io.facestream.gateway;

import org.springframework.boot.servlet.MultipartConfigFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import jakarta.servlet.MultipartConfigElement;

/** The multipart limits follow {@link GatewayProperties#maxUploadSize()}, so one setting governs uploads. */
@Configuration
public class UploadLimits {

    @Bean
    public MultipartConfigElement multipartConfigElement(GatewayProperties properties) {
        MultipartConfigFactory factory = new MultipartConfigFactory();
        factory.setMaxFileSize(properties.maxUploadSize());
        // Room for the text fields (name, face_id) and the part headers next to a file at the limit.
        factory.setMaxRequestSize(DataSize.ofBytes(properties.maxUploadSize().toBytes() + DataSize.ofKilobytes(64).toBytes()));
        // Uploads stay in memory up to the limit: a face photo is biometric data and must not sit in a temp file on the
        // gateway's disk (Tomcat's default threshold of 0 wrote every upload to disk and read it back). The gateway reads
        // each upload into one byte array for Kafka anyway, so this adds no more than one upload's size per request.
        factory.setFileSizeThreshold(properties.maxUploadSize());
        return factory.createMultipartConfig();
    }
}
