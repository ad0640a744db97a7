# LLM Playground: build with the Maven wrapper, run the thin jar + lib/ on a JRE.
#   docker build -t llm-playground .
#   docker run -p 8080:8080 -v playground-data:/data llm-playground
# Inside the container the app binds 0.0.0.0 (so the port mapping works) and keeps its workspace in /data.
# Set -e PLAYGROUND_ADMIN_PASSWORD=... to enable the database console at /admin/h2 (loopback clients only).

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -q -B dependency:go-offline
COPY src src
COPY data data
COPY models models
COPY configs configs
COPY frontend-theme frontend-theme
RUN ./mvnw -q -B package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --create-home --home-dir /home/playground playground \
    && mkdir /data && chown playground /data
WORKDIR /app
COPY --from=build /src/target/llm-playground.jar /app/llm-playground.jar
COPY --from=build /src/target/lib /app/lib
USER playground
ENV PLAYGROUND_HOME=/data \
    PLAYGROUND_HOST=0.0.0.0 \
    PLAYGROUND_PORT=8080 \
    DJL_CACHE_DIR=/data/djl-cache
VOLUME /data
EXPOSE 8080
CMD ["java", "-Dai.djl.offline=true", "-jar", "/app/llm-playground.jar"]
