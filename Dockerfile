# One image per service, from one Dockerfile:  docker build --build-arg SERVICE=gateway -t flamingo/gateway .
# The base images are build arguments (public defaults below); for an image from jars built on the host,
# without Maven in a container, see deploy/images/service.Containerfile.
#   docker build --build-arg SERVICE=gateway --build-arg BASE_IMAGE=my/jre:17 --build-arg BUILD_IMAGE=my/maven:3 .
ARG BASE_IMAGE=eclipse-temurin:17-jre
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

FROM ${BASE_IMAGE}
ARG SERVICE
RUN useradd --system --uid 10001 flamingo
COPY --from=build /src/${SERVICE}/target/${SERVICE}-0.1.0-SNAPSHOT-fat.jar /app/app.jar
USER flamingo
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75" \
    FLAMINGO_CLUSTER_HOST=auto
# Hazelcast's --add-opens are in the jar's manifest (Add-Opens): java -jar needs no flags
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/app.jar"]
