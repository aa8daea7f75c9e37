package io.facestream.face;

import java.nio.file.Path;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** One ONNX Runtime environment per JVM, and sessions configured alike. */
final class Onnx {

    private Onnx() {
    }

    static OrtSession session(Path model) {
        try {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            // Services scale by stream threads on small machines; one intra-op thread each avoids oversubscribing the cores.
            options.setIntraOpNumThreads(Integer.getInteger("facestream.onnx.threads", 1));
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return OrtEnvironment.getEnvironment().createSession(model.toString(), options);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load model " + model + ": " + e.getMessage(), e);
        }
    }
}
