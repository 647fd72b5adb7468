# One image per service, from one Dockerfile:  docker build --build-arg SERVICE=gateway -t flamingo/gateway .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
ARG SERVICE
RUN useradd --system --uid 10001 flamingo
COPY --from=build /src/${SERVICE}/target/${SERVICE}-0.1.0-SNAPSHOT-fat.jar /app/app.jar
USER flamingo
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75" \
    FLAMINGO_CLUSTER_HOST=auto
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED -Dhazelcast.logging.type=slf4j -Dvertx.logger-delegate-factory-class-name=io.vertx.core.logging.SLF4JLogDelegateFactory -jar /app/app.jar"]
