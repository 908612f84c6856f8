# syntax=docker/dockerfile:1
# Multi-stage: build with the SDK, run on the ASP.NET runtime as a non-root user, with a read-only root
# filesystem. Configured entirely by environment (see README "Deployment"):
#   docker build -t skillverify .
#   docker run --read-only --tmpfs /tmp -v skillverify-data:/data -p 8080:8080 skillverify
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN bash scripts/publish.sh /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
# The embedded default keeps its SQLite file and demo-only hash key under /data (the one writable place);
# production sets Database__Provider, ConnectionStrings__SkillVerify and its secrets instead.
# DOTNET_EnableDiagnostics=0: no diagnostic IPC socket or perf map files, so nothing is written outside /data
# and /tmp (TMPDIR; mount a tmpfs there with --read-only). Logs are JSON lines on stdout.
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    Database__DataDirectory=/data \
    DOTNET_gcServer=0 \
    DOTNET_EnableDiagnostics=0 \
    DOTNET_NOLOGO=1 \
    TMPDIR=/tmp
# The PDF report embeds these TrueType fonts (Chinese: Droid Sans Fallback; Latin: DejaVu Sans); see docs/pages.md.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-droid-fallback fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data
USER $APP_UID
EXPOSE 8080
# The runtime image has no curl: the app probes its own /health/live (exit 0 healthy, 1 not).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["dotnet", "/app/SkillVerify.Api.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "/app/SkillVerify.Api.dll"]
