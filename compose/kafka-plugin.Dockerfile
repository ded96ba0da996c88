# The course's broker plugin (runner/kafka/plugin: the learner listener's login check and the topic policy) for the
# Docker nodes. The Kafka image has a JRE only and the host may have no JDK, so a JDK stage compiles the plugin
# against the very jars the brokers run; the result is the Kafka image plus the jar, and its one job (the command in
# runner/src/cluster/docker-nodes.ts, pluginSpec) is to copy the jar and the learner secret into the volume the
# brokers mount. compose/kafka.yml builds it, and KAFKA_MODE=docker builds it through the Docker API, as:
#   docker build -f compose/kafka-plugin.Dockerfile -t offset-kafka-plugin:latest .
ARG KAFKA_IMAGE=apache/kafka:4.3.1
FROM ${KAFKA_IMAGE} AS kafka

FROM eclipse-temurin:21-jdk AS build
COPY --from=kafka /opt/kafka/libs /kafka-libs
COPY runner/kafka/plugin /src
# --release 17, as the local cluster compiles it (runner/src/cluster/local/plugin.ts).
RUN mkdir /classes \
 && javac --release 17 -nowarn -d /classes -cp '/kafka-libs/*' $(find /src -name '*.java') \
 && jar --create --file /offset-kafka-plugin.jar -C /classes .

FROM kafka
COPY --from=build /offset-kafka-plugin.jar /opt/offset/offset-kafka-plugin.jar
