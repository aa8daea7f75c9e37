#!/usr/bin/env bash
# Builds facestream and runs the whole pipeline in one JVM (see README.md, "Run it locally").
set -euo pipefail
cd "$(dirname "$0")"
# package, not install: nothing here needs the jars in ~/.m2. Models are fetched at start (README, "Set up").
mvn -B -q package -DskipTests
exec java -Xmx2g -jar local-stack/target/local-stack-0.1.0-SNAPSHOT-exec.jar
